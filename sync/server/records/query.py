"""Finding records for the console: filters (product, agency, team, party,
sampling date, outcome), text search on the party name and the record
number, newest first, one page at a time. Reads list columns only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from sync.server.records.fields import sampled_at
from sync.server.records.models import Record
from app.domain.times import CHINA
from sync.server.tasks.models import Task

OUTCOMES = ("finished", "refused", "problem_reported")


@dataclass(frozen=True)
class RecordFilter:
    plan_item_id: str = ""
    agency_id: str = ""
    team_id: str = ""
    party_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    outcome: str = ""
    text: str = ""
    late_only: bool = False


@dataclass
class ListRow:
    id: int
    record_no: str
    party_name: str
    product: str
    agency_id: str
    team_id: str
    status: str
    sampled_at: datetime
    received_at: datetime
    late: bool


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filtered(q: Select, f: RecordFilter, scope: str | None) -> Select:
    if scope is not None:
        q = q.where(Record.agency_id == scope)
    if f.plan_item_id:
        q = q.where(Record.plan_item_id == f.plan_item_id)
    if f.agency_id:
        q = q.where(Record.agency_id == f.agency_id)
    if f.team_id:
        q = q.where(Task.team_id == f.team_id)
    if f.party_id:
        q = q.where(Record.party_id == f.party_id)
    if f.outcome in OUTCOMES:
        q = q.where(Record.status == f.outcome)
    if f.date_from:
        q = q.where(Record.finished_at >= datetime.combine(f.date_from, time(0), tzinfo=CHINA))
    if f.date_to:
        q = q.where(Record.finished_at < datetime.combine(f.date_to + timedelta(days=1), time(0), tzinfo=CHINA))
    text = f.text.strip()
    if text:
        pattern = _like(text)
        q = q.where(or_(Record.party_name.ilike(pattern, escape="\\"), Record.record_no.ilike(pattern, escape="\\")))
    return q


def search(*, session: Session, f: RecordFilter, scope: str | None, page: int = 1,
           per_page: int = 50) -> tuple[list[ListRow], int]:
    """(rows of this page, how many match). `scope`: an agency, or None for all."""
    count = select(func.count()).select_from(Record)
    if f.team_id:
        count = count.join(Task, Task.id == Record.task_id)
    count = _filtered(count, f, scope)
    if f.late_only:
        count = count.where(Record.late_entry.is_(True))
    total = session.scalar(count) or 0
    q = (select(Record.id, Record.record_no, Record.party_name, Record.product, Record.agency_id, Task.team_id,
                Record.status, Record.finished_at, Record.device_time, Record.received_at, Record.late_entry)
         .join(Task, Task.id == Record.task_id))
    q = _filtered(q, f, scope)
    if f.late_only:
        q = q.where(Record.late_entry.is_(True))
    q = q.order_by(Record.received_at.desc(), Record.id.desc()).limit(per_page).offset((max(page, 1) - 1) * per_page)
    rows = []
    for rid, no, party, product, agency, team, status, fin, dev, rec, late in session.execute(q):
        rows.append(ListRow(id=rid, record_no=no, party_name=party, product=product, agency_id=agency, team_id=team,
                            status=status, sampled_at=sampled_at(fin, dev, rec), received_at=rec, late=late))
    return rows, total
