"""Wire objects -> app.domain objects (what the desktop store keeps)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.domain.entities import Agency, InspectedParty, Sampler, Task, TaskStatus
from app.domain.plain import from_plain
from app.domain.plan import Plan, PlanItem, SamplingRule, Scope
from sync.protocol.schemas import AgencyOut, PartyOut, PlanOut, SamplerOut, TaskOut


def plan(p: PlanOut) -> Plan:
    return Plan(id=p.id, title=p.title, document_no=p.document_no, items=tuple(
        PlanItem(id=i.id, seq=i.seq, category=i.category, product=i.product, batches=i.batches,
                 scopes=tuple(Scope(s) for s in i.scopes)) for i in p.items))


def agency(a: AgencyOut) -> Agency:
    return Agency(id=a.id, name=a.name, address=a.address, contact=a.contact, phone=a.phone)


def sampler(s: SamplerOut) -> Sampler:
    return Sampler(id=s.id, name=s.name, certificate_no=s.certificate_no, agency_id=s.agency_id, phone=s.phone)


def party(p: PartyOut) -> InspectedParty:
    fields = p.model_dump()
    fields["scope"] = Scope(fields.get("scope") or "seller")
    return InspectedParty(**fields)


def task(t: TaskOut) -> Task:
    return Task(id=t.id, plan_id=t.plan_id, plan_item_ids=list(t.plan_item_ids), party=party(t.party),
                team=[sampler(s) for s in t.team], agency_id=t.agency_id, due_date=t.due_date,
                status=TaskStatus(t.status), cancel_reason=t.cancel_reason, source=t.source or Task.source,
                kind=t.kind, notes=t.notes, notice_no=t.notice_no)


def rule(raw: dict) -> SamplingRule:
    """A server's sampling rule (SamplingRule in plain form), checked for what
    the visit services rely on. ValueError (or TypeError for a missing field)
    if it is not one."""
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    r = from_plain(SamplingRule, raw)
    if not (isinstance(r.product, str) and r.product.strip() and isinstance(r.unit, str) and r.unit.strip()):
        raise ValueError("product and unit must be text")
    try:
        if not all(Decimal(q).is_finite() and Decimal(q) > 0 for q in (r.test_quantity, r.backup_quantity)):
            raise ValueError("quantities must be greater than 0")
    except (InvalidOperation, TypeError):
        raise ValueError("quantities must be decimal numbers as text") from None
    if not all(type(n) is int and n >= 1 for n in (r.packages_test, r.packages_backup)):
        raise ValueError("packages must be whole numbers of at least 1")
    return r
