"""Reading and writing visits. The aggregate is one JSON document plus the
indexed columns the lists and rules need."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.domain.plain import from_plain, to_plain
from app.domain.visit import Visit, VisitStatus
from app.store.models import AmendmentRow, SignedRecordRow, TaskRow, VisitRow


def party_key(visit: Visit) -> str:
    """Batch limits are per enterprise: its credit code when known, else its name."""
    return (visit.party.credit_code or "").strip().upper() or visit.party.name.strip()


def save_visit(session: Session, visit: Visit, *, now: datetime) -> None:
    row = session.get(VisitRow, visit.id)
    if row is None:
        row = VisitRow(id=visit.id, record_no=visit.record_no)
        session.add(row)
    row.task_id = visit.task_id
    row.plan_id = visit.plan_id
    row.plan_item_id = visit.sample.plan_item_id
    row.party_key = party_key(visit)
    row.party_name = visit.party.name
    row.product = visit.sample.product
    row.status = visit.status.value
    row.step = visit.step
    row.started_at = visit.started_at
    row.finished_at = visit.finished_at
    row.record_hash = visit.record_hash
    row.updated_at = now
    row.doc = json.dumps(to_plain(visit, volatile=True), ensure_ascii=False, separators=(",", ":"))


def load_visit(session: Session, visit_id: str) -> Visit | None:
    row = session.get(VisitRow, visit_id)
    return None if row is None else from_plain(Visit, json.loads(row.doc))


@dataclass(frozen=True)
class VisitSummary:
    id: str
    record_no: str
    task_id: str
    party_name: str
    product: str
    status: VisitStatus
    step: str
    started_at: datetime | None
    updated_at: datetime | None
    finished_at: datetime | None
    record_hash: str


_SUMMARY_COLS = (VisitRow.id, VisitRow.record_no, VisitRow.task_id, VisitRow.party_name,
                 VisitRow.product, VisitRow.status, VisitRow.step, VisitRow.started_at,
                 VisitRow.updated_at, VisitRow.finished_at, VisitRow.record_hash)


def _summary(r) -> VisitSummary:
    return VisitSummary(r[0], r[1], r[2], r[3], r[4], VisitStatus(r[5]), r[6], r[7], r[8], r[9], r[10])


def list_visits(session: Session, *, statuses: list[VisitStatus] | None = None,
                search: str = "", limit: int = 200, offset: int = 0) -> list[VisitSummary]:
    """Newest first. `search` matches party name, record number or product."""
    q = select(*_SUMMARY_COLS)
    if statuses:
        q = q.where(VisitRow.status.in_([s.value for s in statuses]))
    if search.strip():
        like = f"%{search.strip()}%"
        q = q.where(or_(VisitRow.party_name.like(like), VisitRow.record_no.like(like),
                        VisitRow.product.like(like)))
    q = q.order_by(VisitRow.updated_at.desc()).limit(limit).offset(offset)
    return [_summary(r) for r in session.execute(q)]


ENDED = (VisitStatus.FINISHED.value, VisitStatus.REFUSED.value, VisitStatus.PROBLEM_REPORTED.value)


@dataclass(frozen=True)
class TaskOutcome:
    """How the last ended visit of a task ended (finished / refused / problem reported)."""
    visit_id: str
    record_no: str
    status: VisitStatus
    finished_at: datetime | None


def _latest_ended(task_id) -> object:
    """The id of the task's most recently ended visit: one index seek
    (ix_visits_task_finished)."""
    return (select(VisitRow.id).where(VisitRow.task_id == task_id, VisitRow.status.in_(ENDED))
            .order_by(VisitRow.finished_at.desc()).limit(1).scalar_subquery())


def task_outcomes(session: Session, task_ids: list[str] | None = None) -> dict[str, TaskOutcome]:
    """task id -> the outcome of its most recently ended visit (default: of
    every task in the store). A seek per task, not a read of every ended
    visit: a laptop keeps years of them."""
    if task_ids is None:
        ids = select(_latest_ended(TaskRow.id).correlate(TaskRow)).select_from(TaskRow)
        wanted = VisitRow.id.in_(ids)
    elif not task_ids:
        return {}
    else:
        wanted = or_(*(VisitRow.id == _latest_ended(t) for t in task_ids))
    q = select(VisitRow.task_id, VisitRow.id, VisitRow.record_no, VisitRow.status, VisitRow.finished_at) \
        .where(wanted)
    return {r[0]: TaskOutcome(r[1], r[2], VisitStatus(r[3]), r[4]) for r in session.execute(q)}


def tasks_under_way(session: Session) -> set[str]:
    return set(session.scalars(select(VisitRow.task_id).where(
        VisitRow.status == VisitStatus.IN_PROGRESS.value, VisitRow.task_id != "")))


def open_visit_for_task(session: Session, task_id: str) -> str | None:
    """The visit under way on this task, if any."""
    return session.scalar(select(VisitRow.id).where(VisitRow.task_id == task_id,
                                                    VisitRow.status == VisitStatus.IN_PROGRESS.value)
                          .order_by(VisitRow.updated_at.desc()).limit(1))


def count_visits(session: Session, *, statuses: list[VisitStatus] | None = None) -> int:
    q = select(func.count()).select_from(VisitRow)
    if statuses:
        q = q.where(VisitRow.status.in_([s.value for s in statuses]))
    return session.scalar(q) or 0


def products_sampled_at_party(session: Session, *, plan_id: str, key: str, exclude_visit: str) -> list[str]:
    """One entry per batch taken (finished or still in progress) at this party in this plan."""
    rows = session.execute(select(VisitRow.product).where(
        VisitRow.plan_id == plan_id, VisitRow.party_key == key, VisitRow.id != exclude_visit,
        VisitRow.status.in_([VisitStatus.FINISHED.value, VisitStatus.IN_PROGRESS.value]),
        VisitRow.product != ""))
    return [r[0] for r in rows]


def batches_taken_for_item(session: Session, *, plan_item_id: str, exclude_visit: str) -> int:
    return session.scalar(select(func.count()).select_from(VisitRow).where(
        VisitRow.plan_item_id == plan_item_id, VisitRow.id != exclude_visit,
        VisitRow.status == VisitStatus.FINISHED.value)) or 0


def store_signed_record(session: Session, *, visit_id: str, record_hash: str, canonical: bytes,
                        signed_at: datetime) -> None:
    session.add(SignedRecordRow(visit_id=visit_id, record_hash=record_hash,
                                canonical=canonical, signed_at=signed_at))


def signed_record(session: Session, visit_id: str) -> SignedRecordRow | None:
    return session.get(SignedRecordRow, visit_id)


def store_amendment(session: Session, *, visit_id: str, amendment_id: str, seq: int, prev_hash: str,
                    hash_: str, canonical: bytes, created_at: datetime) -> None:
    session.add(AmendmentRow(id=amendment_id, visit_id=visit_id, seq=seq, prev_hash=prev_hash,
                             hash=hash_, canonical=canonical, created_at=created_at))
