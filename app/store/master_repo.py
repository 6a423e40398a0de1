"""Server-owned master data kept locally: plan, agencies, samplers, parties,
tasks, the server's sampling rules. Written by the sync pull (and the demo
seed) and only here: the one local home of what the server owns; read by
the services."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.entities import Agency, InspectedParty, Sampler, Task, TaskStatus
from app.domain.plain import from_plain, to_plain
from app.domain.plan import Plan, PlanItem, Scope
from app.domain.times import as_utc, utc_naive
from app.domain.visit import VisitStatus
from app.store.models import (AgencyRow, CounterRow, PartyRow, PlanItemRow, PlanRow, SamplerRow,
                              SamplingRuleRow, SettingRow, TaskRow, VisitRow)


def _json(obj) -> str:
    return json.dumps(to_plain(obj), ensure_ascii=False, separators=(",", ":"))


def upsert_plan(session: Session, plan: Plan) -> None:
    row = session.get(PlanRow, plan.id) or PlanRow(id=plan.id)
    row.title, row.document_no = plan.title, plan.document_no
    session.add(row)
    for item in plan.items:
        irow = session.get(PlanItemRow, item.id) or PlanItemRow(id=item.id, plan_id=plan.id)
        irow.seq, irow.category, irow.product, irow.batches = item.seq, item.category, item.product, item.batches
        irow.scopes = ",".join(s.value for s in item.scopes)
        session.add(irow)


def _item(r: PlanItemRow) -> PlanItem:
    return PlanItem(id=r.id, seq=r.seq, category=r.category, product=r.product, batches=r.batches,
                    scopes=tuple(Scope(s) for s in r.scopes.split(",") if s))


def load_plan(session: Session, plan_id: str) -> Plan | None:
    row = session.get(PlanRow, plan_id)
    if row is None:
        return None
    items = session.scalars(select(PlanItemRow).where(PlanItemRow.plan_id == plan_id).order_by(PlanItemRow.seq, PlanItemRow.id))
    return Plan(id=row.id, title=row.title, document_no=row.document_no, items=tuple(_item(r) for r in items))


def plan_item(session: Session, item_id: str) -> PlanItem | None:
    r = session.get(PlanItemRow, item_id)
    return None if r is None else _item(r)


def plan_item_server_count(session: Session, item_id: str) -> int:
    r = session.get(PlanItemRow, item_id)
    return r.sampled_on_server if r else 0


def set_plan_item_server_count(session: Session, item_id: str, count: int) -> None:
    r = session.get(PlanItemRow, item_id)
    if r is not None:
        r.sampled_on_server = count


def upsert_agency(session: Session, agency: Agency) -> None:
    row = session.get(AgencyRow, agency.id) or AgencyRow(id=agency.id)
    row.name, row.address, row.contact, row.phone = agency.name, agency.address, agency.contact, agency.phone
    session.add(row)


def load_agency(session: Session, agency_id: str) -> Agency | None:
    r = session.get(AgencyRow, agency_id)
    return None if r is None else Agency(id=r.id, name=r.name, address=r.address, contact=r.contact, phone=r.phone)


def upsert_sampler(session: Session, sampler: Sampler) -> None:
    row = session.get(SamplerRow, sampler.id) or SamplerRow(id=sampler.id)
    row.name, row.certificate_no, row.agency_id, row.phone = (sampler.name, sampler.certificate_no,
                                                              sampler.agency_id, sampler.phone)
    session.add(row)


def replace_samplers(session: Session, samplers: list[Sampler]) -> None:
    """The server's whole team: who is not in it any more goes (visits and
    tasks keep their own copy of who took part)."""
    keep = {s.id for s in samplers}
    for row in session.scalars(select(SamplerRow).where(SamplerRow.id.not_in(keep))):
        session.delete(row)
    for s in samplers:
        upsert_sampler(session, s)


def list_samplers(session: Session, agency_id: str | None = None) -> list[Sampler]:
    q = select(SamplerRow).order_by(SamplerRow.name)
    if agency_id:
        q = q.where(SamplerRow.agency_id == agency_id)
    return [Sampler(id=r.id, name=r.name, certificate_no=r.certificate_no, agency_id=r.agency_id, phone=r.phone)
            for r in session.scalars(q)]


def upsert_party(session: Session, party: InspectedParty) -> None:
    row = session.get(PartyRow, party.id) or PartyRow(id=party.id)
    row.name, row.credit_code, row.data = party.name, party.credit_code, _json(party)
    session.add(row)


def upsert_task(session: Session, task: Task, *, now: datetime, products: list[str]) -> None:
    """Server-owned fields win. A cancellation is kept (never a delete) so a
    sampler mid-visit sees it."""
    row = session.get(TaskRow, task.id) or TaskRow(id=task.id)
    local = TaskStatus(row.status) if row.status else None
    if task.status == TaskStatus.ASSIGNED and local in (TaskStatus.IN_PROGRESS, TaskStatus.DONE,
                                                        TaskStatus.NO_SAMPLE):
        # The server only knows "assigned" until the record arrives; what the
        # sampler already did here is not undone by a pull.
        task.status = local
    elif task.status == TaskStatus.ASSIGNED and row.withdrawn_at is not None and _visit_under_way(session, task.id):
        # Moved away while a visit was under way, then moved back: it is
        # under way again, not waiting to be started.
        task.status = TaskStatus.IN_PROGRESS
    row.plan_id, row.party_id, row.party_name = task.plan_id, task.party.id, task.party.name
    row.products = "、".join(products)  # i18n: joins product names (plan data)
    row.status, row.due_date = task.status.value, task.due_date
    row.data, row.updated_at = _json(task), now
    # The server sends a task only to the team holding it: one withdrawn
    # from here and sent again was moved back, and is this team's again.
    row.withdrawn_at, row.withdrawn_reason = None, ""
    session.add(row)
    upsert_party(session, task.party)
    for s in task.team:
        upsert_sampler(session, s)


def task_ids(session: Session) -> set[str]:
    return set(session.scalars(select(TaskRow.id)))


def task_state(session: Session, task_id: str) -> str | None:
    """None (unknown here), "withdrawn", or the task's status value."""
    r = session.get(TaskRow, task_id)
    return None if r is None else "withdrawn" if r.withdrawn_at is not None else r.status


def _visit_under_way(session: Session, task_id: str) -> bool:
    return session.scalar(select(VisitRow.id).where(VisitRow.task_id == task_id,
                                                    VisitRow.status == VisitStatus.IN_PROGRESS.value).limit(1)) is not None


def withdraw_task(session: Session, task_id: str, *, reason: str, at: datetime,
                  kind: str = "reassigned") -> bool:
    """改派 (kind "reassigned": the server gave this task to another team) or
    "dropped" (see drop_task). It is flagged withdrawn (not cancelled: the
    text differs, the outcome is alike): no new visit starts on it, a visit
    in progress stays, nothing is deleted; a task the sampler already
    finished here stays done (its record is the sampler's). Returns whether
    this is news (False: unknown here, or already withdrawn by this move)."""
    r = session.get(TaskRow, task_id)
    at = utc_naive(at)          # columns hold naive UTC
    if r is None or (r.withdrawn_at is not None and (kind == "dropped" or r.withdrawn_at == at)):
        return False
    task = from_plain(Task, json.loads(r.data))
    task.extra["withdrawn"] = {"kind": kind, "reason": reason, "at": as_utc(at).isoformat()}
    if task.status not in (TaskStatus.DONE, TaskStatus.NO_SAMPLE):
        # Kept as CANCELLED so every guard on cancelled tasks holds (no new
        # visit, the task's status is not moved by a visit finishing).
        task.status = TaskStatus.CANCELLED
    r.status, r.data = task.status.value, _json(task)
    r.withdrawn_at, r.withdrawn_reason = at, reason
    return True


def drop_task(session: Session, task_id: str, *, at: datetime) -> bool:
    """A task a full refresh no longer lists (the server lost it, e.g.
    restored from an older backup, or it left this team unseen). With no
    visit on it, nothing here is the sampler's: it leaves the store and the
    home screen. With a visit (under way or finished) it stays, withdrawn
    ("dropped", no reason from the server): that visit can be finished and
    its record sent; no new visit starts. Returns whether it was kept."""
    r = session.get(TaskRow, task_id)
    if r is None:
        return False
    if session.scalar(select(VisitRow.id).where(VisitRow.task_id == task_id).limit(1)) is None:
        session.delete(r)
        return False
    withdraw_task(session, task_id, reason="", at=at, kind="dropped")
    return True


def withdrawal_kind(task: Task) -> str:
    """"reassigned" or "dropped" for a withdrawn task (see withdraw_task)."""
    return (task.extra.get("withdrawn") or {}).get("kind", "reassigned")


def withdrawal_reason(session: Session, task_id: str) -> str | None:
    """The server's reason if this task was withdrawn (改派), else None."""
    r = session.get(TaskRow, task_id)
    return None if r is None or r.withdrawn_at is None else r.withdrawn_reason


def load_task(session: Session, task_id: str) -> Task | None:
    r = session.get(TaskRow, task_id)
    return None if r is None else from_plain(Task, json.loads(r.data))


def list_tasks(session: Session, *, statuses: list[TaskStatus] | None = None) -> list[TaskRow]:
    q = select(TaskRow).order_by(TaskRow.due_date, TaskRow.party_name)
    if statuses:
        q = q.where(TaskRow.status.in_([s.value for s in statuses]))
    return list(session.scalars(q))


def set_task_status(session: Session, task_id: str, status: TaskStatus) -> None:
    r = session.get(TaskRow, task_id)
    if r is not None and r.status != TaskStatus.CANCELLED.value:
        r.status = status.value
        task = from_plain(Task, json.loads(r.data))
        task.status = status
        r.data = _json(task)


def put_sampling_rule(session: Session, product: str, data: dict, *, at: datetime) -> None:
    """The server's rule for a product, as it was sent (plain SamplingRule;
    what it says wins over the packaged rule, see Workspace.rule_for)."""
    row = session.get(SamplingRuleRow, product) or SamplingRuleRow(product=product)
    row.data = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    row.updated_at = utc_naive(at)
    session.add(row)


def sampling_rule(session: Session, product: str) -> dict | None:
    row = session.get(SamplingRuleRow, product)
    return None if row is None else json.loads(row.data)


def sampling_rules(session: Session) -> dict[str, dict]:
    return {r.product: json.loads(r.data) for r in session.scalars(select(SamplingRuleRow))}


def next_counter(session: Session, name: str) -> int:
    row = session.get(CounterRow, name)
    if row is None:
        row = CounterRow(name=name, value=0)
        session.add(row)
    row.value += 1
    return row.value


def get_setting(session: Session, key: str) -> str | None:
    r = session.get(SettingRow, key)
    return None if r is None else r.value


def put_setting(session: Session, key: str, value: str) -> None:
    r = session.get(SettingRow, key) or SettingRow(key=key)
    r.value = value
    session.add(r)
