"""Progress against the plan, per plan item: quota, assigned, sampled,
synced (complete with every photo), refused, overdue.

Overdue counts open tasks past their due date and finished records that
reached the server after the e-CQS entry deadline (end of the day after
sampling, China time). The sampling time is the device's, corrected by the
clock skew seen when the record arrived (device clocks can be years off).

No stored value can fail the report: pushed times are checked against a
window (records/intake.py), but rows stored before that check, or edited
in the database, may hold a year-9999 or year-1 time, or none that loads
(sync.server.guard); such a record's sampling time is its receipt time,
and a record with no receipt time is never counted late."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.deadline import entry_deadline
from app.domain.i18n import tr
from app.domain.times import CHINA
from sync.protocol.schemas import ProgressRow
from sync.server.blobs.models import BlobHolder
from sync.server.plan.models import PlanItem
from sync.server.records.models import Record, RecordPhoto
from sync.server.tasks.models import SLOT_FREE, Task

SKEW_TOLERANCE = timedelta(minutes=5)


def sampled_at(rec: Record) -> datetime | None:
    """Device-stated finish time corrected by the skew at receipt (the
    receipt time when that cannot be worked out)."""
    try:
        stated = rec.finished_at or rec.device_time
        skew = rec.received_at - rec.device_time
        if abs(skew) > SKEW_TOLERANCE:
            stated = stated + skew
        return min(stated, rec.received_at)
    except (TypeError, ValueError, OverflowError, AttributeError):   # a time missing or at the ends of time
        return rec.received_at


def late(rec: Record) -> bool:
    """Reached the server after the entry deadline of its sampling day."""
    try:
        return rec.received_at > entry_deadline(sampled_at(rec))
    except (TypeError, ValueError, OverflowError, AttributeError):
        return False


def progress(*, session: Session, plan_id: str, agency_id: str | None = None,
             today: date | None = None) -> list[ProgressRow]:
    today = today or datetime.now(CHINA).date()
    items = list(session.scalars(select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(PlanItem.seq)))
    tasks_q = select(Task).where(Task.plan_id == plan_id)
    recs_q = select(Record).join(PlanItem, PlanItem.id == Record.plan_item_id).where(PlanItem.plan_id == plan_id)
    if agency_id is not None:
        tasks_q = tasks_q.where(Task.agency_id == agency_id)
        recs_q = recs_q.where(Record.agency_id == agency_id)
    tasks = list(session.scalars(tasks_q))
    records = list(session.scalars(recs_q))
    held = select(BlobHolder.sha256).where(BlobHolder.sha256 == RecordPhoto.sha256,     # by the record's own team
                                           BlobHolder.team_id == Record.team_id).exists()
    incomplete = set(session.scalars(
        select(RecordPhoto.record_id).join(Record, Record.id == RecordPhoto.record_id).where(~held)))
    assigned, sampled, synced, refused, overdue = Counter(), Counter(), Counter(), Counter(), Counter()
    no_sample = Counter()
    task_with_record = {r.task_id for r in records}
    for t in tasks:
        if t.status == "no_sample":        # its slot is free again: a replacement may be drawn
            no_sample[t.plan_item_id] += 1
        if t.status in SLOT_FREE:
            continue
        assigned[t.plan_item_id] += 1
        if t.id not in task_with_record and t.due_date and str(t.due_date) < today.isoformat():
            overdue[t.plan_item_id] += 1
    for r in records:
        if r.status == "refused":
            refused[r.plan_item_id] += 1
        if r.status != "finished":
            continue
        sampled[r.plan_item_id] += 1
        if r.id not in incomplete:
            synced[r.plan_item_id] += 1
        if late(r):
            overdue[r.plan_item_id] += 1
    return [ProgressRow(plan_item_id=i.id, seq=i.seq, product=i.product, quota=i.batches, assigned=assigned[i.id],
                        sampled=sampled[i.id], synced=synced[i.id], refused=refused[i.id], overdue=overdue[i.id],
                        no_sample=no_sample[i.id])
            for i in items]


def format_table(rows: list[ProgressRow]) -> str:
    head = (f"{tr('序号'):>4} {tr('产品名称'):<14} {tr('计划'):>5} {tr('已派'):>5} {tr('已抽'):>5} "
            f"{tr('已同步'):>6} {tr('拒检'):>4} {tr('逾期'):>4}")
    lines = [head]
    for r in rows:
        lines.append(f"{r.seq:>4} {r.product:<14} {r.quota:>5} {r.assigned:>5} {r.sampled:>5} {r.synced:>6} "
                     f"{r.refused:>4} {r.overdue:>4}")
    tot = [sum(getattr(r, f) for r in rows) for f in ("quota", "assigned", "sampled", "synced", "refused", "overdue")]
    lines.append(f"{'':>4} {tr('合计'):<14} {tot[0]:>5} {tot[1]:>5} {tot[2]:>5} {tot[3]:>6} {tot[4]:>4} {tot[5]:>4}")
    return "\n".join(lines)
