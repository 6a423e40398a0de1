"""Refusals and problem reports after the visit: their state (county-level
joint determination, report to the province), updated with an audit trail
of before/after, and files attached to them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.audit import service as audit
from sync.server.blobs.put import put_bytes
from sync.server.blobs.store import DiskBlobStore
from sync.server.db import utcnow
from sync.server.followups.models import FollowUp, FollowUpFile
from sync.server.records.models import Record

KINDS = ("refused", "problem_reported")
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class Item:
    record: Record
    state: FollowUp
    files: list[FollowUpFile]


def _state_dict(f: FollowUp) -> dict:
    return {"determination_done": f.determination_done, "determined_on": f.determined_on,
            "reported_to_province": f.reported_to_province, "reported_on": f.reported_on, "note": f.note}


def items(*, session: Session, scope: str | None, pending_only: bool = False) -> list[Item]:
    q = (select(Record, FollowUp).outerjoin(FollowUp, FollowUp.record_id == Record.id)
         .where(Record.status.in_(KINDS)).order_by(Record.received_at.desc()))
    if scope is not None:
        q = q.where(Record.agency_id == scope)
    rows = list(session.execute(q))
    files: dict[int, list[FollowUpFile]] = {}
    ids = [r.id for r, _ in rows]
    if ids:
        for f in session.scalars(select(FollowUpFile).where(FollowUpFile.record_id.in_(ids)).order_by(FollowUpFile.id)):
            files.setdefault(f.record_id, []).append(f)
    out = [Item(record=r, state=s or FollowUp(record_id=r.id, determination_done=False, determined_on="",
                                             reported_to_province=False, reported_on="", note=""),
                files=files.get(r.id, [])) for r, s in rows]
    if pending_only:
        out = [i for i in out if not (i.state.determination_done and i.state.reported_to_province)]
    return out


def _valid_day(value: str) -> str:
    value = (value or "").strip()
    if value:
        date.fromisoformat(value)          # ValueError: not YYYY-MM-DD
    return value


def update(*, session: Session, record: Record, determination_done: bool, determined_on: str,
           reported_to_province: bool, reported_on: str, note: str, actor: str) -> FollowUp:
    if record.status not in KINDS:
        raise ValueError("not a refusal or a problem report")
    determined_on, reported_on = _valid_day(determined_on), _valid_day(reported_on)
    state = session.get(FollowUp, record.id)
    before = _state_dict(state) if state else None
    if state is None:
        state = FollowUp(record_id=record.id)
        session.add(state)
    state.determination_done, state.determined_on = determination_done, determined_on if determination_done else ""
    state.reported_to_province, state.reported_on = reported_to_province, reported_on if reported_to_province else ""
    state.note, state.updated_by, state.updated_at = note.strip()[:2000], actor, utcnow()
    session.flush()
    audit.log(session=session, actor=actor, action="followup.update", target=record.record_no or str(record.id),
              before=before, after=_state_dict(state))
    return state


def attach(*, session: Session, store: DiskBlobStore, record: Record, filename: str, media: str, data: bytes,
           actor: str) -> FollowUpFile:
    if len(data) > MAX_FILE_BYTES:
        raise ValueError("too large")
    sha = put_bytes(session=session, store=store, data=data, source="console")
    f = FollowUpFile(record_id=record.id, sha256=sha, filename=filename[:200] or sha[:12],
                     media=(media or "application/octet-stream")[:100], size=len(data), uploaded_by=actor)
    session.add(f)
    session.flush()
    audit.log(session=session, actor=actor, action="followup.attach", target=record.record_no or str(record.id),
              after={"file": f.filename, "sha256": sha, "size": len(data)})
    return f
