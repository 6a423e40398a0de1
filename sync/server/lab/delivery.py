"""结果通知送达 (direct, or EMS with its tracking number) and the deadlines
measured from the results: every report delivered by the plan's date,
failed reports to the province within 7 days, e-CQS results entry within
3 working days after testing, and the objection period after delivery."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_
from app.domain.lab_rules import Conclusion, Deadline, LabRules, deadline
from app.domain.workdays import WorkCalendar
from sync.server.audit import service as audit
from sync.server.lab import records
from sync.server.lab.common import Actor, LabError, day, parse_day
from sync.server.lab.models import BlindSample, Delivery
from sync.server.plan.models import Plan, PlanItem
from sync.server.records.models import Record

METHODS = {"direct": N_("直接送达"), "ems": N_("EMS 送达")}
RECIPIENTS = {"party": N_("受检单位"), "producer": N_("标称生产企业")}


def deliveries(*, session: Session, blind_ids: list[int]) -> dict[int, dict[str, Delivery]]:
    out: dict[int, dict[str, Delivery]] = {}
    if blind_ids:
        for d in session.scalars(select(Delivery).where(Delivery.blind_id.in_(blind_ids))):
            out.setdefault(d.blind_id, {})[d.recipient] = d
    return out


def recipients(rec: records.RecordFacts | None) -> tuple[str, ...]:
    """Who must receive the result: the party; for a seller's sample also
    the producer named on the label (流通领域)."""
    return ("party", "producer") if rec is not None and rec.from_seller else ("party",)


def record_delivery(*, session: Session, blind: BlindSample, recipient: str, method: str, tracking_no: str,
                    delivered_on: str, actor: Actor) -> Delivery:
    if not blind.conclusion:
        raise LabError(N_("检验结论录入后才能送达结果通知"))
    rec = records.by_visit(session=session, visit_id=blind.visit_id)
    if rec is None:
        raise LabError(N_("抽样记录尚未同步，无法确定送达对象"))
    if recipient not in recipients(rec):
        raise LabError(N_("该样品不是在流通领域抽取的，无需送达生产企业"))
    if method not in METHODS:
        raise LabError(N_("请选择送达方式"))
    tracking_no = "".join(tracking_no.split())
    if method == "ems" and not tracking_no:
        raise LabError(N_("EMS 送达须填写邮件号"))
    delivered = parse_day(delivered_on, required=True, field=N_("送达日期"))
    if blind.report_date and delivered < blind.report_date:
        raise LabError(N_("送达日期不能早于报告日期"))
    row = session.scalar(select(Delivery).where(Delivery.blind_id == blind.id, Delivery.recipient == recipient))
    before = None
    if row is None:
        row = Delivery(blind_id=blind.id, recipient=recipient)
        session.add(row)
    else:
        before = {"method": row.method, "tracking_no": row.tracking_no, "delivered_on": row.delivered_on}
    row.method, row.tracking_no, row.delivered_on = method, tracking_no[:64] if method == "ems" else "", delivered
    row.recorded_by = actor.username
    session.flush()
    audit.log(session=session, actor=actor.username, action="lab.delivery", target=f"blind {blind.id}",
              detail={"recipient": recipient}, before=before,
              after={"method": method, "tracking_no": row.tracking_no, "delivered_on": delivered})
    return row


def plan_of(session: Session, visit_id: str) -> Plan | None:
    return session.scalar(select(Plan).join(PlanItem, PlanItem.plan_id == Plan.id)
                          .join(Record, Record.plan_item_id == PlanItem.id).where(Record.visit_id == visit_id))


def reports_due(rules: LabRules, plan: Plan | None, rec: Record | None, today: date) -> date:
    """The plan's date; a plan imported without it: 12-20 of the year the
    sample was taken (as the dashboard's burn-up does)."""
    if plan is not None and plan.reports_due:
        return date.fromisoformat(plan.reports_due)
    year = int(rec.sampled_on[:4]) if rec is not None and rec.sampled_on[:4].isdigit() else today.year
    return rules.reports_due(year)


@dataclass
class Status:
    """One blind sample's deadlines as of `today`."""
    deadlines: list[Deadline]
    delivered_on: date | None          # to the party: starts the objection period
    objection_last_day: date | None
    objection_over: bool

    @property
    def red(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.red]

    def get(self, kind: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.kind == kind), None)


def status(*, blind: BlindSample, delivered: dict[str, Delivery], needed: tuple[str, ...], reports_by: date,
           rules: LabRules, cal: WorkCalendar, today: date) -> Status:
    out = []
    done = [day(delivered[r].delivered_on) for r in needed if r in delivered]
    out.append(deadline("delivery", reports_by, max(done) if len(done) == len(needed) else None, today))
    if blind.conclusion == Conclusion.FAIL.value and blind.report_date:
        out.append(deadline("province", rules.province_due(day(blind.report_date)), day(blind.province_sent_on),
                            today))
    if blind.testing_ended_on:
        out.append(deadline("ecqs", rules.ecqs_due(day(blind.testing_ended_on), cal), day(blind.ecqs_entered_on),
                            today))
    party = day(delivered["party"].delivered_on) if "party" in delivered else None
    last = rules.objection_last_day(party, cal) if party else None
    return Status(deadlines=out, delivered_on=party, objection_last_day=last,
                  objection_over=last is not None and today > last)


def status_of(*, session: Session, blind: BlindSample, rules: LabRules, cal: WorkCalendar, today: date) -> Status:
    rec = records.by_visit(session=session, visit_id=blind.visit_id)
    by = reports_due(rules, plan_of(session, blind.visit_id), rec.record if rec else None, today)
    return status(blind=blind, delivered=deliveries(session=session, blind_ids=[blind.id]).get(blind.id, {}),
                  needed=recipients(rec), reports_by=by, rules=rules, cal=cal, today=today)
