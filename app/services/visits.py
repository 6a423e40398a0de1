"""Visit lifecycle and navigation: start, load, advance/back, exits, the
"what is missing" question, lists. Every change is committed at once
(autosave), so a crash loses nothing that was reported saved."""
from __future__ import annotations

import dataclasses
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from sqlalchemy.orm import Session

from app.domain import rules
from app.domain.entities import TaskStatus
from app.domain.messages import Problem, RuleViolation
from app.domain.plan import SamplingRule
from app.domain.times import china_text
from app.domain.visit import EvidenceCategory, SampleDetails, TeamMember, Visit, VisitStatus
from app.domain.workflow import Step, VisitContext, VisitFlow
from app.services.workspace import Workspace
from app.store import master_repo, visits_repo
from app.store.visits_repo import VisitSummary

RuleViolation  # re-exported for callers: services raise it on broken rules


class VisitNotFound(LookupError):
    pass


@contextmanager
def editing(ws: Workspace, visit_id: str, *, allow_frozen: bool = False) -> Iterator[tuple[Session, Visit]]:
    """Load a visit for a change and save it when the block ends (one transaction)."""
    with ws.db.session() as s:
        visit = visits_repo.load_visit(s, visit_id)
        if visit is None:
            raise VisitNotFound(visit_id)
        if visit.frozen and not allow_frozen:
            raise RuleViolation([Problem("record.frozen")])
        if not allow_frozen and visits_repo.signed_record(s, visit_id) is not None:
            # Signed, yet the document says otherwise: edited behind the app's back.
            raise RuleViolation([Problem("integrity.reopened", params={"record_no": visit.record_no,
                                                                       "hash": ""})])
        yield s, visit
        visits_repo.save_visit(s, visit, now=ws.now())


def mutate(ws: Workspace, visit_id: str, change: Callable[[Visit], None]) -> Visit:
    with editing(ws, visit_id) as (_, visit):
        change(visit)
    return visit


def context_for(ws: Workspace, s: Session, visit: Visit) -> VisitContext:
    item = master_repo.plan_item(s, visit.sample.plan_item_id) if visit.sample.plan_item_id else None
    taken = 0
    if item is not None:
        taken = max(visits_repo.batches_taken_for_item(s, plan_item_id=item.id, exclude_visit=visit.id),
                    master_repo.plan_item_server_count(s, item.id))
    return VisitContext(
        plan_item=item,
        rule=ws.rule_for(visit.sample.product) if visit.sample.product else None,
        products_already_sampled_at_party=visits_repo.products_sampled_at_party(
            s, plan_id=visit.plan_id, key=visits_repo.party_key(visit), exclude_visit=visit.id),
        batches_taken_for_item=taken, lang=ws.lang)


def new_record_no(ws: Workspace, s: Session, plan_id: str) -> str:
    """编号: plan, date, device, sequence — unique without asking the server."""
    day = china_text(ws.now(), "%Y%m%d")      # the sampling day in China, whatever the laptop's zone
    seq = master_repo.next_counter(s, f"record:{day}")
    return f"{plan_id or 'FS'}-{day}-{ws.device_id[:4].upper()}-{seq:03d}"


def start_visit(ws: Workspace, task_id: str, *, plan_item_id: str | None = None,
                restart_reason: str = "") -> Visit:
    """Open a task on site: the party and the team come from the task (both
    correctable), the product from the chosen plan item. A visit already
    under way on the task is returned, not doubled. A task whose visit has
    ended (finished, refused, problem reported) is refused unless the
    sampler gives the reason for visiting again (restart_reason, recorded)."""
    with ws.db.session() as s:
        task = master_repo.load_task(s, task_id)
        if task is None:
            raise LookupError(task_id)
        moved = master_repo.withdrawal_reason(s, task_id)
        if moved is not None:       # 改派 (another team's task now) or dropped, whatever its status here
            # (a visit already under way goes on from the list of visits under way, not from here)
            if master_repo.withdrawal_kind(task) == "dropped":
                raise RuleViolation([Problem("task.dropped")])
            raise RuleViolation([Problem("task.withdrawn", "", {"reason": moved or "—"})])
        open_id = visits_repo.open_visit_for_task(s, task_id)
        if open_id is not None:
            return visits_repo.load_visit(s, open_id)
        if task.status == TaskStatus.CANCELLED:
            raise RuleViolation([Problem("task.cancelled", "", {"reason": task.cancel_reason or "—"})])
        if task.status == TaskStatus.NO_SAMPLE:
            raise RuleViolation([Problem("task.no_sample")])
        ended = visits_repo.task_outcomes(s, [task_id]).get(task_id)
        if ended is not None and not restart_reason.strip():
            raise RuleViolation([Problem("task.ended", "restart_reason", {
                "outcome": ended.status.value, "record_no": ended.record_no})])
        item_id = plan_item_id or (task.plan_item_ids[0] if task.plan_item_ids else "")
        item = master_repo.plan_item(s, item_id) if item_id else None
        visit = Visit(
            id=str(uuid.uuid4()), record_no=new_record_no(ws, s, task.plan_id), task_id=task.id,
            plan_id=task.plan_id, agency_id=task.agency_id, started_at=ws.now(),
            team=[TeamMember(m.id, m.name, m.certificate_no, present=True) for m in task.team],
            party=task.party,
            sample=SampleDetails(product=item.product if item else "", plan_item_id=item_id),
            restart_of=ended.visit_id if ended is not None else "",
            restart_reason=restart_reason.strip() if ended is not None else "")
        rule = ws.rule_for(visit.sample.product)
        if rule is not None:
            visit.sample.unit = rule.unit
            visit.sample.test_quantity = _dec(rule.test_quantity)
            visit.sample.backup_quantity = _dec(rule.backup_quantity)
        visits_repo.save_visit(s, visit, now=ws.now())
        master_repo.set_task_status(s, task.id, TaskStatus.IN_PROGRESS)
    return visit


def _dec(text: str):
    from decimal import Decimal
    return Decimal(text)


def load(ws: Workspace, visit_id: str) -> Visit:
    with ws.db.read() as s:
        visit = visits_repo.load_visit(s, visit_id)
    if visit is None:
        raise VisitNotFound(visit_id)
    return visit


@dataclass(frozen=True)
class StepState:
    """What the wizard shows for the current step."""
    visit: Visit
    step: Step
    missing: list[Problem]
    can_go_back: bool
    is_last: bool
    progress: list[tuple[Step, bool]]
    integrity: list[Problem] = dataclasses.field(default_factory=list)   # tampering found (signed visits)
    rule: SamplingRule | None = None                      # the product's sampling rule
    evidence_categories: tuple[EvidenceCategory, ...] = rules.EVIDENCE_AT_EVIDENCE_STEP
    reachable: frozenset = frozenset()   # steps the step list may open (go_to)


def state(ws: Workspace, visit_id: str) -> StepState:
    with ws.db.read() as s:
        visit = visits_repo.load_visit(s, visit_id)
        if visit is None:
            raise VisitNotFound(visit_id)
        ctx = context_for(ws, s, visit)
        flow = VisitFlow(visit, ctx)
        from app.services import integrity
        return StepState(visit, flow.step, flow.missing() if not visit.frozen else [],
                         flow.can_go_back(), flow.is_last(), flow.progress(),
                         integrity.check(s, visit_id) if visit.frozen else [],
                         ctx.rule, rules.evidence_step_categories(ctx.rule), frozenset(flow.reachable()))


@dataclass(frozen=True)
class Changes:
    """What an operation on an open visit hands back to the wizard (after
    Anki's OpChanges): the service's result, or the rule it broke, and the
    step state after it, so the wizard needs no second round trip."""
    result: Any
    state: StepState
    refused: RuleViolation | None = None


def apply(ws: Workspace, visit_id: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Changes:
    """Run a service `fn(ws, visit_id, *args, **kwargs)` (its own
    transactions, as when called alone), then read the step state. A broken
    rule comes back in `refused`, with the unchanged state."""
    try:
        result = fn(ws, visit_id, *args, **kwargs)
    except RuleViolation as e:
        return Changes(None, state(ws, visit_id), e)
    return Changes(result, state(ws, visit_id))


def missing(ws: Workspace, visit_id: str, step: Step | None = None) -> list[Problem]:
    with ws.db.read() as s:
        visit = visits_repo.load_visit(s, visit_id)
        return VisitFlow(visit, context_for(ws, s, visit)).missing(step)


def advance(ws: Workspace, visit_id: str) -> Step:
    """Complete the current step; RuleViolation lists what is missing."""
    with editing(ws, visit_id) as (s, visit):
        step = VisitFlow(visit, context_for(ws, s, visit)).advance()
    return step


def back(ws: Workspace, visit_id: str) -> Step:
    with editing(ws, visit_id) as (s, visit):
        step = VisitFlow(visit).back()
    return step


def go_to(ws: Workspace, visit_id: str, step: Step) -> Step:
    """Open a step from the step list (the rules of 上一步 / 下一步); returns
    the step reached: short of `step` where a step in between is incomplete."""
    with editing(ws, visit_id) as (s, visit):
        reached = VisitFlow(visit, context_for(ws, s, visit)).go_to(step)
    return reached


def open_exit(ws: Workspace, visit_id: str, step: Step) -> Step:
    """Open the refusal form, the problem report or the no-sample statement
    from any step."""
    with editing(ws, visit_id) as (s, visit):
        VisitFlow(visit).exit_to(step)
    return step


def abandon(ws: Workspace, visit_id: str) -> Visit:
    """A visit whose task was cancelled: kept, never deleted."""
    return mutate(ws, visit_id, lambda v: setattr(v, "status", VisitStatus.ABANDONED))


def list_visits(ws: Workspace, *, statuses: list[VisitStatus] | None = None, search: str = "",
                limit: int = 200, offset: int = 0) -> list[VisitSummary]:
    with ws.db.read() as s:
        return visits_repo.list_visits(s, statuses=statuses, search=search, limit=limit, offset=offset)


def unfinished_visits(ws: Workspace) -> list[VisitSummary]:
    """For the recovery prompt after a crash: continue at step N."""
    return list_visits(ws, statuses=[VisitStatus.IN_PROGRESS])
