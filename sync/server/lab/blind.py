"""Blind codes (二次编号 / 盲样): an accepted test sample is tested under a
random code that says nothing about where it came from. The mapping code ->
sample -> party is visible to the sample manager role only, and every view
of it is written to the audit log."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.server.audit import service as audit
from sync.server.lab.common import Actor
from sync.server.lab.models import BlindSample, LabSample
from sync.server.records.models import Record

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G: read aloud or copied by hand without doubt.
ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
LENGTH = 8


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def assign(*, session: Session, sample: LabSample, product: str, actor: Actor, now: datetime) -> BlindSample:
    """The record's blind sample (one code per record's test sample: a test
    sample in several packages shares it); made on the first acceptance."""
    existing = session.scalar(select(BlindSample).where(BlindSample.visit_id == sample.visit_id))
    if existing is not None:
        return existing
    for _ in range(20):
        code = new_code()
        try:
            with session.begin_nested():
                row = BlindSample(code=code, visit_id=sample.visit_id, agency_id=sample.agency_id, product=product,
                                  created_at=now, created_by=actor.username, conclusion="", report_no="",
                                  report_date="", testing_ended_on="", report_sha256="", result_by="",
                                  ecqs_entered_on="", province_sent_on="")
                session.add(row)
                session.flush()
        except IntegrityError:
            continue                       # the code was taken: draw again
        audit.log(session=session, actor=actor.username, action="lab.blind_code", target=f"sample {sample.id}",
                  detail={"blind_id": row.id})      # the code itself stays out of the log
        return row
    raise RuntimeError("no free blind code after 20 draws")


def reconcile(*, session: Session, visit_id: str, product: str) -> None:
    row = session.scalar(select(BlindSample).where(BlindSample.visit_id == visit_id))
    if row is not None and not row.product:
        row.product = product


def by_code(*, session: Session, code: str, agency_id: str | None) -> BlindSample | None:
    row = session.scalar(select(BlindSample).where(BlindSample.code == code.strip().upper()))
    if row is None or (agency_id is not None and row.agency_id != agency_id):
        return None
    return row


def packages(*, session: Session, blind_id: int) -> list[LabSample]:
    return list(session.scalars(select(LabSample).where(LabSample.blind_id == blind_id).order_by(LabSample.id)))


def bench(*, session: Session, agency_id: str | None) -> list[BlindSample]:
    """What a tester sees: codes, products and results — nothing else."""
    q = select(BlindSample).order_by(BlindSample.created_at.desc(), BlindSample.id.desc())
    if agency_id is not None:
        q = q.where(BlindSample.agency_id == agency_id)
    return list(session.scalars(q))


@dataclass
class MappingRow:
    blind: BlindSample
    record: Record | None
    samples: list[LabSample]


def mapping(*, session: Session, agency_id: str | None, actor: Actor, what: str = "list") -> list[MappingRow]:
    """The blind code -> sample mapping; the view is audited."""
    q = (select(BlindSample, Record).outerjoin(Record, Record.visit_id == BlindSample.visit_id)
         .order_by(BlindSample.created_at.desc(), BlindSample.id.desc()))
    if agency_id is not None:
        q = q.where(BlindSample.agency_id == agency_id)
    rows = list(session.execute(q))
    ids = [b.id for b, _ in rows]
    by_blind: dict[int, list[LabSample]] = {}
    if ids:
        for s in session.scalars(select(LabSample).where(LabSample.blind_id.in_(ids)).order_by(LabSample.id)):
            by_blind.setdefault(s.blind_id, []).append(s)
    audit.log(session=session, actor=actor.username, action="lab.mapping.view", target=what,
              detail={"codes": len(rows)})
    return [MappingRow(blind=b, record=r, samples=by_blind.get(b.id, [])) for b, r in rows]


def code_of(*, session: Session, sample: LabSample, actor: Actor) -> BlindSample | None:
    """One sample's code, shown to a sample manager: an audited view too."""
    if sample.blind_id is None:
        return None
    row = session.get(BlindSample, sample.blind_id)
    audit.log(session=session, actor=actor.username, action="lab.mapping.view", target=f"sample {sample.id}",
              detail={"codes": 1})
    return row
