"""Samples sent to the lab by courier (寄送样品): the courier, tracking
number, send date and 寄送样截止日期, recorded from the laptop (POST
/v1/shipments) or the console. The first receipt of one of the record's
packages closes it; one still open after its due day is flagged."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_
from app.domain.lab_rules import LabRules
from app.domain.workdays import WorkCalendar
from sync.server.audit import service as audit
from sync.server.lab.common import LabError, parse_day
from sync.server.lab.models import Shipment
from sync.server.records.models import Record


@dataclass
class InTransit:
    shipment: Shipment
    record: Record | None
    due: date

    def overdue(self, today: date) -> bool:
        return self.shipment.received_at is None and today > self.due


def save(*, session: Session, visit_id: str, agency_id: str, courier: str, tracking_no: str, sent_on: str,
         deadline: str, source: str, actor: str) -> tuple[Shipment, bool]:
    """Record (or correct, until received) a shipment. Returns (row, created).
    The visit may not have synced yet: the shipment waits for its record."""
    courier, tracking_no = courier.strip(), "".join(tracking_no.split())
    if not visit_id:
        raise LabError(N_("缺少抽样记录"))
    if not courier:
        raise LabError(N_("请填写快递公司"))
    if not tracking_no:
        raise LabError(N_("请填写快递单号"))
    sent = parse_day(sent_on, required=True, field=N_("寄出日期"))
    until = parse_day(deadline, field=N_("寄送样截止日期"))
    if until and until < sent:
        raise LabError(N_("寄送样截止日期不能早于寄出日期"))
    row = session.scalar(select(Shipment).where(Shipment.visit_id == visit_id))
    if row is not None and row.agency_id != agency_id:
        raise LabError(N_("该记录不属于本机构"))
    if row is not None and row.received_at is not None:
        raise LabError(N_("样品已接收，寄送信息不能再修改"))
    created = row is None
    before = None if created else {"courier": row.courier, "tracking_no": row.tracking_no, "sent_on": row.sent_on,
                                   "deadline": row.deadline}
    if created:
        row = Shipment(visit_id=visit_id, agency_id=agency_id)
        session.add(row)
    row.courier, row.tracking_no, row.sent_on, row.deadline = courier[:100], tracking_no[:64], sent, until
    row.source, row.recorded_by = source, actor
    session.flush()
    audit.log(session=session, actor=actor, action="lab.shipment", target=visit_id, before=before,
              after={"courier": row.courier, "tracking_no": row.tracking_no, "sent_on": sent, "deadline": until,
                     "source": source})
    return row, created


def listing(*, session: Session, agency_id: str | None, rules: LabRules, cal: WorkCalendar,
            open_only: bool = True) -> list[InTransit]:
    q = (select(Shipment, Record).outerjoin(Record, Record.visit_id == Shipment.visit_id)
         .order_by(Shipment.sent_on, Shipment.id))
    if agency_id is not None:
        q = q.where(Shipment.agency_id == agency_id)
    if open_only:
        q = q.where(Shipment.received_at.is_(None))
    out = []
    for s, rec in session.execute(q):
        due = rules.transit_due(date.fromisoformat(s.sent_on), date.fromisoformat(s.deadline) if s.deadline else None,
                                cal)
        out.append(InTransit(shipment=s, record=rec, due=due))
    return out


def overdue(*, session: Session, agency_id: str | None, rules: LabRules, cal: WorkCalendar,
            today: date) -> list[InTransit]:
    return [t for t in listing(session=session, agency_id=agency_id, rules=rules, cal=cal) if t.overdue(today)]
