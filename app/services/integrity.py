"""Tampering with the local store is noticed (the store under the worst
day, point 5). The signed record (`signed_records`, append-only by
trigger, its bytes hashed at signing) is the truth; the visit document the
app shows and prints, the amendments and the outbox copy the sync sends
must all agree with it. Checked when a signed visit is opened, before its
documents are printed, and before each sync; a mismatch is shown in red,
the documents refuse to print, and the sync never sends an edited copy.

What this cannot see: someone who rewrites the visit, the signed record and
its hash consistently. The device signature over the record hash (made with
the key in the OS keyring) is what proves a record against that."""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.messages import Problem, RuleViolation
from app.domain.plain import from_plain
from app.domain.record import amendments_chained, record_bytes
from app.domain.visit import Visit, VisitStatus
from app.services.workspace import Workspace
from app.store import visits_repo
from app.store.models import AmendmentRow, SignedRecordRow, VisitRow
from app.store.sync_models import OutboxItem, OutboxStatus

log = logging.getLogger(__name__)

# Statuses that finish() sets: each has a signed record. ABANDONED (the
# province cancelled the task mid-visit) is frozen but was never signed.
SIGNED_STATUSES = frozenset(s for s in VisitStatus if s not in (VisitStatus.IN_PROGRESS, VisitStatus.ABANDONED))


def _sha256(data: bytes) -> str:
    # Of the stored bytes themselves: re-serialising first would hide an
    # edit that only changes the bytes' form.
    return hashlib.sha256(bytes(data)).hexdigest()


def _load(row: VisitRow) -> Visit | None:
    try:
        return from_plain(Visit, json.loads(row.doc))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def check(s: Session, visit_id: str) -> list[Problem]:
    """What does not agree for this visit; [] for an intact one (or one never signed)."""
    row = s.get(VisitRow, visit_id)
    signed = s.get(SignedRecordRow, visit_id)
    if row is None:
        return []
    visit = _load(row)
    if signed is None:
        if visit is not None and visit.status in SIGNED_STATUSES or row.status in {x.value for x in SIGNED_STATUSES}:
            return [Problem("integrity.unsigned", params={"record_no": row.record_no})]
        return []
    params = {"record_no": row.record_no, "hash": signed.record_hash[:16]}
    if _sha256(signed.canonical) != signed.record_hash:
        return [Problem("integrity.signed_altered", params=params)]
    if visit is None or visit.status not in SIGNED_STATUSES or row.status != visit.status.value:
        return [Problem("integrity.reopened", params=params)]
    problems = []
    if record_bytes(visit) != signed.canonical or visit.record_hash != signed.record_hash \
            or row.record_hash != signed.record_hash:
        problems.append(Problem("integrity.record_altered", params=params))
    stored = list(s.scalars(select(AmendmentRow).where(AmendmentRow.visit_id == visit_id)
                            .order_by(AmendmentRow.seq)))
    chain_ok = [a.hash for a in visit.amendments] == [a.hash for a in stored] and all(
        _sha256(a.canonical) == a.hash for a in stored)
    # No problem so far means the record's bytes are the signed ones, whose
    # hash is the record hash: only the amendments' links remain to check.
    if not problems and (not chain_ok or not amendments_chained(visit)):
        problems.append(Problem("integrity.amendments_altered", params=params))
    return problems


def verify(ws: Workspace, visit_id: str) -> list[Problem]:
    with ws.db.read() as s:
        return check(s, visit_id)


def require_intact(ws: Workspace, visit_id: str) -> None:
    """Before printing: a record that does not agree with what was signed
    must not reach paper."""
    problems = verify(ws, visit_id)
    if problems:
        raise RuleViolation(problems)


@dataclass
class SweepReport:
    tampered: dict[str, list[Problem]] = field(default_factory=dict)   # visit id -> problems
    requeued: list[str] = field(default_factory=list)                  # visit ids put back in the outbox
    outbox_restored: list[str] = field(default_factory=list)           # outbox copies replaced by the signed bytes


def sweep(ws: Workspace) -> SweepReport:
    """Before each sync: every record the sync may still send is checked (no
    outbox entry, or one not yet complete on the server); a finished visit
    with no outbox entry is queued again, and an outbox copy that differs
    from the signed record is replaced by the signed bytes. A record that
    does not agree with its signature is held back (quarantined here, with
    the reason) instead of being sent.

    A record the server already has complete (sent) is not read again here:
    nothing of it leaves the laptop any more, and checking every one costs
    ~3.5 ms a record, a minute before each sync on a laptop with 20,000 (the
    write lock held all along). Only its outbox hash is compared, by SQL.
    Its visit is still checked whenever it is opened or printed."""
    from sync.client import outbox
    report = SweepReport()
    with ws.db.session() as s:
        signed_ids = set(s.scalars(select(SignedRecordRow.visit_id)))
        ended = set(s.scalars(select(VisitRow.id).where(
            VisitRow.status.in_([x.value for x in SIGNED_STATUSES]))))
        sent = set(s.scalars(select(OutboxItem.visit_id).where(
            OutboxItem.kind == "record", OutboxItem.status == OutboxStatus.SENT.value)))
        for visit_id in s.scalars(select(OutboxItem.visit_id).join(
                SignedRecordRow, SignedRecordRow.visit_id == OutboxItem.visit_id).where(
                OutboxItem.kind == "record", OutboxItem.status == OutboxStatus.SENT.value,
                OutboxItem.record_hash != SignedRecordRow.record_hash)):
            report.tampered[visit_id] = [Problem("integrity.outbox_altered_sent", params={"record_no": visit_id})]
        items = {i.visit_id: i for i in s.scalars(select(OutboxItem).where(
            OutboxItem.kind == "record", OutboxItem.status != OutboxStatus.SENT.value))}
        for visit_id in sorted((signed_ids | ended) - sent):
            problems = check(s, visit_id)
            item = items.get(visit_id)
            if problems:
                report.tampered[visit_id] = problems
                log.error("record %s does not agree with its signature: %s", visit_id,
                          [p.code for p in problems])
                if item is not None and item.status in (OutboxStatus.PENDING, OutboxStatus.ACCEPTED):
                    item.status = OutboxStatus.QUARANTINED
                    item.reason = json.dumps([{"code": p.code, "zh": p.text("zh_CN"), "en": p.text("en")} for p in problems],
                                             ensure_ascii=False)
                continue
            signed = s.get(SignedRecordRow, visit_id)
            if item is None:
                visit = visits_repo.load_visit(s, visit_id)
                outbox.enqueue_record(s, visit, now=ws.now())
                report.requeued.append(visit_id)
                log.warning("signed record %s had no outbox entry: queued again", visit_id)
            elif item.canonical != signed.canonical or item.record_hash != signed.record_hash:
                doc = json.loads(signed.canonical)
                item.canonical, item.record_hash = signed.canonical, signed.record_hash
                item.photo_hashes = json.dumps(doc.get("photo_hashes", []))
                report.outbox_restored.append(visit_id)
                log.error("outbox copy of %s differed from the signed record: replaced", visit_id)
    return report
