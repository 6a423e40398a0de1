"""Master data for the local store: the plan on first start, and what the
sync pull (or the offline demo seed) brings: agencies, samplers, tasks."""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.entities import Agency, Sampler, Task, TaskStatus
from app.domain.plan import Plan
from app.services.workspace import Workspace
from app.store import master_repo, visits_repo
from app.store.visits_repo import TaskOutcome


def ensure_plan(ws: Workspace, plan: Plan | None = None) -> Plan:
    """Load the packaged plan (2022 batch 4) into the store if it is not there."""
    if plan is None:
        from app.domain.reference_data import load_plan
        plan = load_plan()
    with ws.db.session() as s:
        if master_repo.load_plan(s, plan.id) is None:
            master_repo.upsert_plan(s, plan)
    return plan


def import_master_data(ws: Workspace, *, plan: Plan | None = None, agencies: list[Agency] = (),
                       samplers: list[Sampler] = (), tasks: list[Task] = ()) -> None:
    """One transaction: a pull is applied whole or not at all."""
    with ws.db.session() as s:
        if plan is not None:
            master_repo.upsert_plan(s, plan)
        for a in agencies:
            master_repo.upsert_agency(s, a)
        for sm in samplers:
            master_repo.upsert_sampler(s, sm)
        for t in tasks:
            products = [it.product for it in (master_repo.plan_item(s, i) for i in t.plan_item_ids) if it]
            master_repo.upsert_task(s, t, now=ws.now(), products=products)


@dataclass(frozen=True)
class TaskSummary:
    id: str
    party_name: str
    products: str
    team: str
    status: TaskStatus
    due_date: str
    cancel_reason: str
    withdrawn: bool = False         # 改派 (given to another team) or dropped: no new visit here
    withdrawn_reason: str = ""      # the server's reason for the move
    withdrawn_kind: str = ""        # "reassigned" | "dropped" (gone from a full refresh)
    outcome: TaskOutcome | None = None   # how its last visit here ended (none under way)

    @property
    def closed(self) -> bool:
        """No new visit may start on it (cancelled, or withdrawn)."""
        return self.status in (TaskStatus.CANCELLED, TaskStatus.NO_SAMPLE) or self.withdrawn


def list_tasks(ws: Workspace, *, include_done: bool = True) -> list[TaskSummary]:
    with ws.db.read() as s:
        outcomes = visits_repo.task_outcomes(s)
        under_way = visits_repo.tasks_under_way(s)
        out = []
        for row in master_repo.list_tasks(s):
            task = master_repo.load_task(s, row.id)
            if not include_done and task.status == TaskStatus.DONE:
                continue
            # A visit started again after an ended one (e.g. the party agreed
            # after refusing) is under way: the task shows that, not the old end.
            outcome = outcomes.get(task.id) if task.id not in under_way else None
            out.append(TaskSummary(task.id, task.party.name, row.products,
                                   "、".join(m.name for m in task.team), task.status,  # i18n: joins names
                                   task.due_date, task.cancel_reason,
                                   row.withdrawn_at is not None, row.withdrawn_reason,
                                   master_repo.withdrawal_kind(task) if row.withdrawn_at is not None else "",
                                   outcome))
        return out


def load_task(ws: Workspace, task_id: str) -> Task | None:
    with ws.db.read() as s:
        return master_repo.load_task(s, task_id)


def load_agency(ws: Workspace, agency_id: str) -> Agency | None:
    with ws.db.read() as s:
        return master_repo.load_agency(s, agency_id)
