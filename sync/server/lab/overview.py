"""The lab's list (every sample with its state and deadlines, overdue in
red), the lab panel of the province's dashboard (不合格 counts per product,
overdue deadlines, samples too long in transit) and the result columns of
the 检验情况汇总表."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.lab_rules import Conclusion, LabRules
from app.domain.seal_check import RED, Finding
from app.domain.workdays import WorkCalendar
from sync.server.lab import delivery, records, transit
from sync.server.lab.models import BlindSample, FailedItem, LabSample
from sync.server.lab.results import failed_text
from sync.server.plan.models import Plan, PlanItem
from sync.server.records.models import Record


@dataclass
class ListRow:
    sample: LabSample
    record: Record | None
    status: delivery.Status | None
    conclusion: str

    @property
    def red_findings(self) -> list[Finding]:
        return [Finding(f) for f in self.sample.findings if Finding(f) in RED]

    @property
    def pending(self) -> bool:
        return self.sample.record_id is None


def _statuses(session: Session, blinds: list[BlindSample], rules: LabRules, cal: WorkCalendar,
              today: date) -> dict[int, delivery.Status]:
    if not blinds:
        return {}
    visits = [b.visit_id for b in blinds]
    recs = {r.visit_id: r for r in session.scalars(select(Record).where(Record.visit_id.in_(visits)))}
    plans = {p.id: p for p in session.scalars(select(Plan))}
    items = dict(session.execute(select(PlanItem.id, PlanItem.plan_id)).all())
    sent = delivery.deliveries(session=session, blind_ids=[b.id for b in blinds])
    out = {}
    for b in blinds:
        rec = recs.get(b.visit_id)
        facts = records.facts(rec) if rec is not None else None
        plan = plans.get(items.get(rec.plan_item_id)) if rec is not None else None
        out[b.id] = delivery.status(blind=b, delivered=sent.get(b.id, {}), needed=delivery.recipients(facts),
                                    reports_by=delivery.reports_due(rules, plan, rec, today), rules=rules, cal=cal,
                                    today=today)
    return out


def lab_list(*, session: Session, agency_id: str | None, rules: LabRules, cal: WorkCalendar, today: date,
             status: str = "", limit: int = 300) -> list[ListRow]:
    q = (select(LabSample, Record).outerjoin(Record, Record.id == LabSample.record_id)
         .order_by(LabSample.scanned_at.desc(), LabSample.id.desc()).limit(limit))
    if agency_id is not None:
        q = q.where(LabSample.agency_id == agency_id)
    if status:
        q = q.where(LabSample.status == status)
    rows = list(session.execute(q))
    blind_ids = {s.blind_id for s, _ in rows if s.blind_id}
    blinds = list(session.scalars(select(BlindSample).where(BlindSample.id.in_(blind_ids)))) if blind_ids else []
    statuses = _statuses(session, blinds, rules, cal, today)
    conclusions = {b.id: b.conclusion for b in blinds}
    return [ListRow(sample=s, record=r, status=statuses.get(s.blind_id) if s.blind_id else None,
                    conclusion=conclusions.get(s.blind_id, "") if s.blind_id else "") for s, r in rows]


@dataclass
class ProductRow:
    plan_item_id: str
    product: str
    received: int = 0
    tested: int = 0
    failed: int = 0


@dataclass
class Overdue:
    record: Record | None
    kind: str
    due: date


@dataclass
class Board:
    products: list[ProductRow]
    overdue: list[Overdue] = field(default_factory=list)
    in_transit: list[transit.InTransit] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def failed_total(self) -> int:
        return sum(p.failed for p in self.products)

    @property
    def failed_by_item(self) -> dict[str, int]:
        """不合格 per plan item, for the dashboard's product table."""
        return {p.plan_item_id: p.failed for p in self.products if p.tested}


def board(*, session: Session, plan_id: str, agency_id: str | None, rules: LabRules, cal: WorkCalendar,
          today: date) -> Board:
    """The lab panel of the dashboard for one plan."""
    q = (select(BlindSample, Record).join(Record, Record.visit_id == BlindSample.visit_id)
         .join(PlanItem, PlanItem.id == Record.plan_item_id).where(PlanItem.plan_id == plan_id))
    if agency_id is not None:
        q = q.where(BlindSample.agency_id == agency_id)
    rows = list(session.execute(q))
    items = list(session.scalars(select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(PlanItem.seq,
                                                                                               PlanItem.id)))
    by_item = {i.id: ProductRow(plan_item_id=i.id, product=i.product) for i in items}
    for b, rec in rows:
        p = by_item.get(rec.plan_item_id)
        if p is None:
            continue
        p.received += 1
        p.tested += bool(b.conclusion)
        p.failed += b.conclusion == Conclusion.FAIL.value
    statuses = _statuses(session, [b for b, _ in rows], rules, cal, today)
    recs = {b.id: rec for b, rec in rows}
    out = Board(products=[p for p in by_item.values() if p.received])
    for blind_id, st in statuses.items():
        for d in st.deadlines:
            if d.state.value == "overdue":
                out.overdue.append(Overdue(record=recs.get(blind_id), kind=d.kind, due=d.due))
                out.counts[d.kind] += 1
    out.overdue.sort(key=lambda o: o.due)
    out.in_transit = transit.overdue(session=session, agency_id=agency_id, rules=rules, cal=cal, today=today)
    return out


def results_by_visit(*, session: Session, plan_id: str, agency_id: str | None = None) -> dict[str, tuple[str, str]]:
    """visit id -> (检验结论, 不合格项目) for the summary sheet (official text)."""
    q = (select(BlindSample.id, BlindSample.visit_id, BlindSample.conclusion)
         .join(Record, Record.visit_id == BlindSample.visit_id).join(PlanItem, PlanItem.id == Record.plan_item_id)
         .where(PlanItem.plan_id == plan_id, BlindSample.conclusion != ""))
    if agency_id:
        q = q.where(Record.agency_id == agency_id)
    rows = list(session.execute(q))
    failed: dict[int, list[FailedItem]] = {}
    fail_ids = [i for i, _v, c in rows if c == Conclusion.FAIL.value]
    for chunk in range(0, len(fail_ids), 1000):
        for item in session.scalars(select(FailedItem).where(FailedItem.blind_id.in_(fail_ids[chunk:chunk + 1000]))
                                    .order_by(FailedItem.blind_id, FailedItem.seq)):
            failed.setdefault(item.blind_id, []).append(item)
    words = {Conclusion.PASS.value: "合格", Conclusion.FAIL.value: "不合格"}  # i18n: the official sheet is Chinese
    return {v: (words[c], "；".join(i.item for i in failed.get(i, []))) for i, v, c in rows}  # i18n: separator


def counts(*, session: Session, agency_id: str | None) -> dict[str, int]:
    q = select(LabSample.status, func.count()).group_by(LabSample.status)
    if agency_id is not None:
        q = q.where(LabSample.agency_id == agency_id)
    return dict(session.execute(q).all())




def rejections(*, session: Session, agency_id: str | None) -> list[tuple[LabSample, Record | None]]:
    """Samples the lab refused (拒收): each is a written report to the
    province, listed with the refusals and problem reports."""
    q = (select(LabSample, Record).outerjoin(Record, Record.id == LabSample.record_id)
         .where(LabSample.status == "rejected").order_by(LabSample.decided_at.desc(), LabSample.id.desc()))
    if agency_id is not None:
        q = q.where(LabSample.agency_id == agency_id)
    return [(s, r) for s, r in session.execute(q)]


__all__ = ["Board", "ListRow", "board", "counts", "failed_text", "lab_list", "rejections", "results_by_visit"]
