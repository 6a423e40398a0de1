"""样品处置 after the objection period: unpaid samples that passed go back
to the party, unpaid samples that failed to the city bureau in charge of the
follow-up, paid samples as the lab chooses (destroy / retain / return).
Each disposal is recorded with its date, who, and a receipt or photo; the
report per plan goes to the province."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.i18n import N_
from app.domain.lab_rules import Conclusion, DisposalAction, LabRules
from app.domain.workdays import WorkCalendar
from sync.server.audit import service as audit
from sync.server.lab import custody, delivery, records
from sync.server.lab.common import Actor, LabError, parse_day
from sync.server.lab.models import BlindSample, Disposal, LabSample
from sync.server.lab.receipt import add_photo, photos
from sync.server.plan.models import PlanItem
from sync.server.records.models import Record

ACTIONS = {DisposalAction.RETURN.value: N_("退还受检单位"), DisposalAction.HAND_OVER.value: N_("移交市场监管部门"),
           DisposalAction.DESTROY.value: N_("销毁"), DisposalAction.RETAIN.value: N_("留存")}


@dataclass
class Row:
    sample: LabSample
    record: Record | None
    blind: BlindSample | None
    paid: bool
    conclusion: str
    choices: tuple[DisposalAction, ...]
    objection_last_day: date | None
    disposal: Disposal | None

    @property
    def due(self) -> bool:
        return self.disposal is None and bool(self.choices)


def _rows(session: Session, *, agency_id: str | None, plan_id: str | None, rules: LabRules, cal: WorkCalendar,
          today: date) -> list[Row]:
    q = (select(LabSample, Record, BlindSample).outerjoin(Record, Record.id == LabSample.record_id)
         .outerjoin(BlindSample, BlindSample.visit_id == LabSample.visit_id)
         .where(LabSample.status == "accepted").order_by(LabSample.decided_at, LabSample.id))
    if agency_id is not None:
        q = q.where(LabSample.agency_id == agency_id)
    if plan_id is not None:
        q = q.join(PlanItem, PlanItem.id == Record.plan_item_id).where(PlanItem.plan_id == plan_id)
    rows = list(session.execute(q))
    blinds = [b.id for _s, _r, b in rows if b is not None]
    sent = delivery.deliveries(session=session, blind_ids=blinds)
    done = {d.sample_id: d for d in session.scalars(select(Disposal).where(
        Disposal.sample_id.in_([s.id for s, _r, _b in rows])))} if rows else {}
    out = []
    for sample, rec, b in rows:
        facts = records.facts(rec) if rec is not None else None
        paid = facts.paid(sample.kind) if facts else False
        conclusion, choices, last = (b.conclusion if b else ""), (), None
        party = sent.get(b.id, {}).get("party") if b else None
        if party is not None:
            last = rules.objection_last_day(date.fromisoformat(party.delivered_on), cal)
        if conclusion and last is not None and today > last:
            choices = rules.disposal_choices(paid=paid, conclusion=Conclusion(conclusion))
        out.append(Row(sample=sample, record=rec, blind=b, paid=paid, conclusion=conclusion, choices=choices,
                       objection_last_day=last, disposal=done.get(sample.id)))
    return out


def due(*, session: Session, agency_id: str | None, rules: LabRules, cal: WorkCalendar, today: date) -> list[Row]:
    """Samples whose objection period is over and that are not disposed of yet."""
    return [r for r in _rows(session, agency_id=agency_id, plan_id=None, rules=rules, cal=cal, today=today) if r.due]


def report_rows(*, session: Session, agency_id: str | None, plan_id: str, rules: LabRules, cal: WorkCalendar,
                today: date) -> list[Row]:
    return _rows(session, agency_id=agency_id, plan_id=plan_id, rules=rules, cal=cal, today=today)


def record(*, session: Session, store, sample: LabSample, action: str, disposed_on: str, recipient: str, note: str,
           proof: list[tuple[str, bytes]], actor: Actor, rules: LabRules, cal: WorkCalendar, now: datetime,
           today: date) -> Disposal:
    row = next((r for r in _rows(session, agency_id=sample.agency_id, plan_id=None, rules=rules, cal=cal,
                                  today=today) if r.sample.id == sample.id), None)
    if row is None or row.disposal is not None:
        raise LabError(N_("该样品已处置或不在待处置清单中"))
    if not row.choices:
        raise LabError(N_("异议期未满，不能处置"))
    if action not in {a.value for a in row.choices}:
        raise LabError(N_("该样品的处置方式只能是：{choices}"), choices=[ACTIONS[a.value] for a in row.choices])
    disposed_on = parse_day(disposed_on, required=True, field=N_("处置日期"))
    if not proof and not photos(session=session, sample_id=sample.id, purpose="disposal"):
        raise LabError(N_("请上传处置的签收单或照片"))
    for name, data in proof:
        add_photo(session=session, store=store, sample=sample, data=data, filename=name, purpose="disposal",
                  actor=actor)
    d = Disposal(sample_id=sample.id, action=action, disposed_on=disposed_on, recipient=recipient.strip()[:200],
                 note=note.strip()[:1000], recorded_by=actor.username, recorded_at=now)
    session.add(d)
    custody.add(session=session, sample=sample, event="disposed", actor=actor, at=now,
                note=recipient.strip()[:100])
    audit.log(session=session, actor=actor.username, action="lab.disposal", target=f"sample {sample.id}",
              after={"action": action, "disposed_on": disposed_on, "recipient": d.recipient})
    return d
