"""Domain rules the server re-checks on a received record (it cannot see
the site, but it sees every other record): plan scope, quota, batch limits,
the credit code, the task's state and who holds it (a team a task was moved
away from may still send what it signed on site)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from app.domain import rules
from app.domain.credit_code import credit_code_problem, normalize
from app.domain.messages import Problem
from app.domain.plan import PlanItem as DomainItem
from app.domain.plan import Scope
from sync.protocol.messages import from_domain, problem
from sync.protocol.schemas import ProblemOut
from sync.server.audit import service as audit
from sync.server.auth.models import User
from sync.server.parties.models import Party
from sync.server.plan.models import PlanItem
from sync.server.records.models import Record
from sync.server.tasks import moves
from sync.server.tasks.models import Task

END_STATES = ("finished", "refused", "problem_reported", "no_sample")


def _domain_item(item: PlanItem) -> DomainItem:
    return DomainItem(id=item.id, seq=item.seq, category=item.category, product=item.product,
                      batches=item.batches, scopes=tuple(Scope(s) for s in item.scopes))


def task_problems(*, task: Task | None, task_id: str, user: User) -> list[ProblemOut]:
    if task is None:
        return [problem("sync.task_unknown", "task_id", task_id=task_id)]
    if task.team_id != user.team_id or task.agency_id != user.agency_id:
        return _former_team(task, user)
    if task.status == "cancelled":
        return [problem("task.cancelled", "task_id", reason=task.cancel_reason)]
    return []


def _former_team(task: Task, user: User) -> list[ProblemOut]:
    """A task moved to another team (改派): a record from the team that held
    it is evidence of a real visit, signed on site before the device heard
    of the move (the app starts no visit on a withdrawn task). It is
    accepted, subject to every other rule (the batch limits keep the two
    teams from both taking the batch), and flagged in the audit log. A
    cancelled task refuses it as it refuses its own team's. A task moved to
    another agency refuses it with the move's reason: the record would be
    filed, and paid, under the wrong agency; it stays quarantined on the
    device for the agencies to settle."""
    session = object_session(task)
    move = moves.latest_move_from(session=session, task_id=task.id, team_id=user.team_id)
    if move is None or move.from_agency_id != user.agency_id:
        if task.agency_id != user.agency_id:      # another agency's task: as if it did not exist
            return [problem("sync.task_unknown", "task_id", task_id=task.id)]
        return [problem("sync.task_not_yours", "task_id")]
    if task.status == "cancelled":
        return [problem("task.cancelled", "task_id", reason=task.cancel_reason)]
    if task.agency_id != user.agency_id:
        return [problem("task.reassigned", "task_id", reason=move.reason)]
    audit.log(session=session, actor=user.username, action="record.former_team", target=task.id,
              detail={"team": user.team_id, "task_team": task.team_id, "moved_at": move.at.isoformat(),
                      "move_reason": move.reason})
    return []


def party_problems(*, session: Session, task: Task, document: dict) -> list[ProblemOut]:
    """The record names its task's party: the same party id and the same
    unified social credit code (the party's legal identity; name, address
    and contact may be corrected on site). A record naming another party is
    refused: it would count a batch, and show photos, under the wrong party.
    A code really different on site means the task names the wrong party:
    the province corrects the task; the record waits on the laptop.

    A finished record takes a batch: its party row is read locked here,
    once, for record_problems' batch limits (the lock is held to the commit
    either way)."""
    takes_batch = document.get("status") == "finished"
    party = session.get(Party, task.party_id, with_for_update=True if takes_batch else None)
    doc = document.get("party")
    doc = doc if isinstance(doc, dict) else {}
    code = doc.get("credit_code")
    code = normalize(code) if isinstance(code, str) else ""
    if party is not None and doc.get("id") == party.id and code == party.credit_code:
        return []
    named = doc.get("name") if isinstance(doc.get("name"), str) else ""
    return [problem("record.party_mismatch", "party", party=party.name if party else task.party_id,
                    credit_code=party.credit_code if party else "", named=named[:100], named_code=code[:30])]


def record_problems(*, session: Session, document: dict, task: Task, visit_id: str) -> list[ProblemOut]:
    """Run with the task, plan item and party rows locked (the task by the
    service, the party by party_problems, the plan item here), so two
    devices cannot both take the last batch."""
    status = document.get("status")
    if status not in END_STATES:
        return [problem("sync.bad_status", "status", status=status)]
    party_doc = document.get("party") or {}
    found: list[Problem] = []
    code = credit_code_problem(party_doc.get("credit_code") or "")
    if code:
        found.append(Problem(code, "party.credit_code"))
    if status != "finished":
        return [from_domain(p) for p in found]     # a refusal, problem report or no-sample takes no batch
    item = session.get(PlanItem, task.plan_item_id, with_for_update=True)
    # The party row was read locked by party_problems (same status test).
    try:
        scope = Scope(party_doc.get("scope") or "seller")
    except ValueError:
        scope = Scope.SELLER
    found += rules.scope_allowed(_domain_item(item), scope)
    taken = session.scalar(select(func.count()).select_from(Record).where(
        Record.plan_item_id == item.id, Record.status == "finished", Record.visit_id != visit_id)) or 0
    found += rules.plan_quota(_domain_item(item), taken)
    at_party = list(session.scalars(
        select(Record.product).join(PlanItem, PlanItem.id == Record.plan_item_id).where(
            Record.party_id == task.party_id, Record.status == "finished", PlanItem.plan_id == item.plan_id,
            Record.visit_id != visit_id)))
    found += rules.batch_limits(item.product, at_party)
    return [from_domain(p) for p in found]
