"""The plan's progress as the console's dashboard shows it: per product, per
agency and per city; the cumulative sampled batches per day (burn-up)
against the plan's deadlines, with a projection; e-CQS timeliness.

Only grouped counts are read (never the record documents), so the
dashboard of a 20,000-record plan costs a few GROUP BY queries."""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from sync.server.auth.models import Agency
from sync.server.parties.models import Party
from sync.server.plan.models import PlanItem
from sync.server.records.models import Record
from app.domain.times import CHINA
from sync.server.tasks.models import Task

OPEN_TASK = ("assigned", "in_progress")
# The notice's deadlines (晋市监函〔2022〕279号 一(四)): reports delivered by
# 12-20, e-CQS entry and result documents by 12-23.
DEADLINES = ((12, 20), (12, 23))
_CITY = re.compile(r"^(.{2,8}?(?:市|州|盟|地区))")  # i18n: parses addresses


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


@lru_cache(maxsize=4096)
def _city(place: str) -> str:
    return city_of(place, "")


def city_of(region: str, address: str) -> str:
    for text in (region, address):
        m = _CITY.match(text or "")
        if m:
            return m.group(1)
    return (region or "").strip() or "—"


def build(*, session: Session, plan_id: str, agency_id: str | None = None, today: date | None = None) -> Dashboard:
    """Counts by GROUP BY in the database: the sampling day and the e-CQS
    lateness of each record were fixed when it arrived (records/fields.py)."""
    today = today or datetime.now(CHINA).date()
    items = list(session.scalars(select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(PlanItem.seq)))
    agencies = dict(session.execute(select(Agency.id, Agency.name)).all())
    by_item: dict[str, Counts] = {i.id: Counts(planned=i.batches) for i in items}
    by_agency: dict[str, Counts] = defaultdict(Counts)
    by_city: dict[str, Counts] = defaultdict(Counts)
    place = func.coalesce(func.nullif(Party.region, ""), Party.address)
    in_plan = Record.plan_item_id.in_(select(PlanItem.id).where(PlanItem.plan_id == plan_id))
    rq = (select(Record.plan_item_id, Record.agency_id, place, Record.status, Record.late_entry, func.count())
          .join(Party, Party.id == Record.party_id).where(in_plan)
          .group_by(Record.plan_item_id, Record.agency_id, place, Record.status, Record.late_entry))
    dq = (select(Record.sampled_on, func.count()).where(in_plan, Record.status == "finished")
          .group_by(Record.sampled_on))
    open_no_record = case((Task.status.in_(OPEN_TASK) & ~exists().where(Record.task_id == Task.id), 1), else_=0)
    tq = (select(Task.plan_item_id, Task.agency_id, place, func.count(), func.sum(open_no_record))
          .join(Party, Party.id == Task.party_id).where(Task.plan_id == plan_id, Task.status != "cancelled")
          .group_by(Task.plan_item_id, Task.agency_id, place))
    if agency_id:
        rq, dq = rq.where(Record.agency_id == agency_id), dq.where(Record.agency_id == agency_id)
        tq = tq.where(Task.agency_id == agency_id)
    n_records = n_late = 0
    for item_id, agency, where, status, late, n in session.execute(rq):
        n_records += n
        n_late += n if late else 0
        for c in (by_item.get(item_id), by_agency[agency], by_city[_city(where)]):
            if c is None:
                continue
            c.late += n if late else 0
            if status == "finished":
                c.sampled += n
            elif status == "refused":
                c.refused += n
            elif status == "problem_reported":
                c.problem += n
    for item_id, agency, where, n_tasks, n_open in session.execute(tq):
        for c in (by_item.get(item_id), by_agency[agency], by_city[_city(where)]):
            if c is not None:
                c.tasks += n_tasks
                c.in_progress += int(n_open or 0)
    per_day: Counter[date] = Counter({date.fromisoformat(d): n for d, n in session.execute(dq) if d})

    total = Counts()
    for c in by_item.values():
        total.add(c)
    products = [Row(key=i.id, label=i.product, counts=by_item[i.id], seq=i.seq) for i in items]
    agency_rows = [Row(key=a, label=agencies.get(a, a), counts=c) for a, c in sorted(by_agency.items())]
    city_rows = [Row(key=k, label=k, counts=c) for k, c in sorted(by_city.items(), key=lambda kv: -kv[1].sampled)]
    return Dashboard(products=products, agencies=agency_rows, cities=city_rows, total=total,
                     burnup=burn_up(per_day, total.planned, today), records=n_records, late=n_late)


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
