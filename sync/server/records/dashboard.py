"""The plan's progress as the console's dashboard shows it: per product, per
agency and per city; the cumulative sampled batches per day (burn-up)
against the plan's deadlines, with a projection; e-CQS timeliness.

Only the few columns needed are read (never the record documents), so the
dashboard of a 20,000-record plan is one pass over small tuples."""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.auth.models import Agency
from sync.server.parties.models import Party
from sync.server.plan.models import PlanItem
from sync.server.records.models import Record
from sync.server.records.progress import CHINA, SKEW_TOLERANCE, entry_deadline
from sync.server.tasks.models import Task

OPEN_TASK = ("assigned", "in_progress")
# The notice's deadlines (晋市监函〔2022〕279号 一(四)): reports delivered by
# 12-20, e-CQS entry and result documents by 12-23.
DEADLINES = ((12, 20), (12, 23))
_CITY = re.compile(r"^(.{2,8}?(?:市|州|盟|地区))")


@dataclass
class Counts:
    planned: int = 0
    tasks: int = 0
    sampled: int = 0
    in_progress: int = 0
    refused: int = 0
    problem: int = 0
    late: int = 0

    @property
    def not_sampled(self) -> int:
        return max(self.planned - self.sampled, 0)

    def add(self, other: "Counts") -> None:
        for f in ("planned", "tasks", "sampled", "in_progress", "refused", "problem", "late"):
            setattr(self, f, getattr(self, f) + getattr(other, f))


@dataclass
class Row:
    key: str
    label: str
    counts: Counts
    seq: int = 0


@dataclass
class BurnUp:
    total: int
    start: date
    end: date
    today: date
    cumulative: list[tuple[date, int]]          # one point per day from start to today
    deadlines: list[date]
    rate: float                                 # batches per day over the last 7 days
    projected: list[tuple[date, float]]         # at each deadline
    finish: date | None


@dataclass
class Dashboard:
    products: list[Row]
    agencies: list[Row]
    cities: list[Row]
    total: Counts
    burnup: BurnUp
    records: int = 0
    late: int = 0
    late_ids: list[int] = field(default_factory=list)


def city_of(region: str, address: str) -> str:
    for text in (region, address):
        m = _CITY.match(text or "")
        if m:
            return m.group(1)
    return (region or "").strip() or "—"


def sampled_day(finished_at: datetime | None, device_time: datetime, received_at: datetime) -> datetime:
    """The device's finish time corrected by the clock skew seen at receipt
    (as records.progress.sampled_at, on bare columns)."""
    stated = finished_at or device_time
    skew = received_at - device_time
    if abs(skew) > SKEW_TOLERANCE:
        stated = stated + skew
    return min(stated, received_at)


def build(*, session: Session, plan_id: str, agency_id: str | None = None, today: date | None = None) -> Dashboard:
    today = today or datetime.now(CHINA).date()
    items = list(session.scalars(select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(PlanItem.seq)))
    agencies = dict(session.execute(select(Agency.id, Agency.name)).all())
    by_item: dict[str, Counts] = {i.id: Counts(planned=i.batches) for i in items}
    by_agency: dict[str, Counts] = defaultdict(Counts)
    by_city: dict[str, Counts] = defaultdict(Counts)

    rq = (select(Record.id, Record.task_id, Record.plan_item_id, Record.agency_id, Record.status, Record.finished_at,
                 Record.device_time, Record.received_at, Party.region, Party.address)
          .join(PlanItem, PlanItem.id == Record.plan_item_id).join(Party, Party.id == Record.party_id)
          .where(PlanItem.plan_id == plan_id))
    tq = (select(Task.id, Task.plan_item_id, Task.agency_id, Task.status, Party.region, Party.address)
          .join(Party, Party.id == Task.party_id).where(Task.plan_id == plan_id, Task.status != "cancelled"))
    if agency_id:
        rq, tq = rq.where(Record.agency_id == agency_id), tq.where(Task.agency_id == agency_id)

    per_day: Counter[date] = Counter()
    with_record: set[str] = set()
    late_ids: list[int] = []
    n_records = 0
    for rid, task_id, item_id, agency, status, finished_at, device_time, received_at, region, address in session.execute(rq):
        n_records += 1
        with_record.add(task_id)
        when = sampled_day(finished_at, device_time, received_at)
        late = received_at > entry_deadline(when)
        if late:
            late_ids.append(rid)
        for c in (by_item.get(item_id), by_agency[agency], by_city[city_of(region, address)]):
            if c is None:
                continue
            c.late += late
            if status == "finished":
                c.sampled += 1
            elif status == "refused":
                c.refused += 1
            elif status == "problem_reported":
                c.problem += 1
        if status == "finished":
            per_day[when.astimezone(CHINA).date()] += 1
    for task_id, item_id, agency, status, region, address in session.execute(tq):
        in_progress = status in OPEN_TASK and task_id not in with_record
        for c in (by_item.get(item_id), by_agency[agency], by_city[city_of(region, address)]):
            if c is not None:
                c.tasks += 1
                c.in_progress += in_progress

    total = Counts()
    for c in by_item.values():
        total.add(c)
    products = [Row(key=i.id, label=i.product, counts=by_item[i.id], seq=i.seq) for i in items]
    agency_rows = [Row(key=a, label=agencies.get(a, a), counts=c) for a, c in sorted(by_agency.items())]
    city_rows = [Row(key=k, label=k, counts=c) for k, c in sorted(by_city.items(), key=lambda kv: -kv[1].sampled)]
    return Dashboard(products=products, agencies=agency_rows, cities=city_rows, total=total,
                     burnup=burn_up(per_day, total.planned, today), records=n_records, late=len(late_ids),
                     late_ids=late_ids)


def burn_up(per_day: Counter, total: int, today: date) -> BurnUp:
    year = min(per_day).year if per_day else today.year
    deadlines = [date(year, m, d) for m, d in DEADLINES]
    start = min(per_day) if per_day else today - timedelta(days=7)
    start = min(start, today)
    cumulative, running = [], 0
    day = start
    while day <= today:
        running += per_day.get(day, 0)
        cumulative.append((day, running))
        day += timedelta(days=1)
    last7 = sum(n for d, n in per_day.items() if today - timedelta(days=7) < d <= today)
    rate = last7 / 7
    projected = [(d, min(float(total), running + rate * max((d - today).days, 0))) for d in deadlines]
    remaining = total - running
    finish = (today if remaining <= 0 else today + timedelta(days=math.ceil(remaining / rate))) if (rate or remaining <= 0) else None
    end = max(deadlines[-1], today) + timedelta(days=1)
    return BurnUp(total=total, start=start, end=end, today=today, cumulative=cumulative, deadlines=deadlines,
                  rate=rate, projected=projected, finish=finish)
