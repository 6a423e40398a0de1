"""The sampler's day at a glance (the home screen): tasks, visits in progress,
ended visits waiting to sync with their e-CQS deadline, and the plan's
progress. Qt-free; every function is one short read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.domain.deadline import DeadlineState, deadline_state, entry_deadline
from app.domain.times import as_utc
from app.domain.visit import VisitStatus
from app.domain.workflow import Step, step_title
from app.services import reference
from app.services.reference import TaskSummary
from app.services.workspace import Workspace
from app.store import overview_repo, visits_repo
from app.store.visits_repo import VisitSummary

PAGE = 100


@dataclass(frozen=True)
class PlanProgress:
    item_id: str
    seq: int
    category: str
    product: str
    quota: int              # batches the plan asks for
    sampled: int            # finished here (this device)
    in_progress: int        # started here, not finished yet
    on_server: int          # sampled by all teams, as of the last pull

    @property
    def remaining(self) -> int:
        return max(0, self.quota - max(self.sampled, self.on_server))


@dataclass(frozen=True)
class AwaitingSync:
    visit: VisitSummary
    deadline: datetime | None
    state: DeadlineState    # due | near | overdue
    sync_status: str = ""   # its record's OutboxStatus: pending | accepted | quarantined ("" = not queued)


@dataclass(frozen=True)
class ResumePoint:
    """Where an unfinished visit stopped, for the recovery prompt."""
    visit: VisitSummary
    step: Step
    number: int             # 1..8 on the main path; 0 on the refusal/problem exits

    def title(self, lang: str | None = None) -> str:
        return step_title(self.step, lang)


@dataclass(frozen=True)
class HomeData:
    """Everything the first paint of the home screen needs, in one read."""
    tasks: list[TaskSummary]
    in_progress: list[VisitSummary]
    awaiting: list[AwaitingSync]
    awaiting_total: int
    progress: list[PlanProgress]
    now: datetime
    plan_id: str = ""
    resume: list[ResumePoint] = field(default_factory=list)
    disk_free: int | None = None    # bytes free on the data folder's disk
    disk_need: int = 0              # what a day of photos needs

    @property
    def disk_low(self) -> bool:
        return self.disk_free is not None and self.disk_free < self.disk_need


def disk_space(ws: Workspace) -> tuple[int | None, int]:
    from app.services.failures import DAY_OF_PHOTOS, disk_free
    return disk_free(ws.data_dir), DAY_OF_PHOTOS


def plan_progress(ws: Workspace, plan_id: str) -> list[PlanProgress]:
    with ws.db.read() as s:
        items = overview_repo.plan_items(s, plan_id)
        counts = overview_repo.visit_counts_by_item(s, plan_id)
    return [PlanProgress(it.id, it.seq, it.category, it.product, it.batches,
                         counts.get((it.id, VisitStatus.FINISHED.value), 0),
                         counts.get((it.id, VisitStatus.IN_PROGRESS.value), 0),
                         it.sampled_on_server or 0) for it in items]


def with_deadline(v: VisitSummary, now: datetime, sync_status: str = "") -> AwaitingSync:
    """The sampling time is the visit's end, as for its queued record and on
    the server (sync.client.outbox.deadline_of)."""
    sampled = as_utc(v.finished_at or v.started_at)
    if sampled is None:
        return AwaitingSync(v, None, DeadlineState.DUE, sync_status)
    return AwaitingSync(v, entry_deadline(sampled), deadline_state(sampled, now), sync_status)


def awaiting_sync(ws: Workspace, *, limit: int = PAGE, offset: int = 0) -> list[AwaitingSync]:
    """Ended visits not yet on the server, most urgent deadline first."""
    now = ws.now()
    with ws.db.read() as s:
        rows = overview_repo.awaiting_sync(s, limit=limit, offset=offset)
        statuses = overview_repo.sync_statuses(s, [v.id for v in rows])
    return [with_deadline(v, now, statuses.get(v.id, "")) for v in rows]


def awaiting_sync_page(ws: Workspace) -> tuple[list[AwaitingSync], int]:
    """awaiting_sync()'s first page and the count of all waiting visits, in one read."""
    now = ws.now()
    with ws.db.read() as s:
        rows, total = overview_repo.awaiting_sync_page(s, limit=PAGE)
        statuses = overview_repo.sync_statuses(s, [v.id for v in rows])
    return [with_deadline(v, now, statuses.get(v.id, "")) for v in rows], total


def search_visits(ws: Workspace, text: str, *, limit: int = PAGE, offset: int = 0) -> list[VisitSummary]:
    """By party name or record number (substring), newest first."""
    with ws.db.read() as s:
        return overview_repo.search_visits(s, text, limit=limit, offset=offset)


def resume_point(v: VisitSummary) -> ResumePoint:
    try:
        step = Step(v.step)
    except ValueError:
        step = Step.ARRIVE
    return ResumePoint(v, step, step.number)


def in_progress(ws: Workspace, *, limit: int = 200) -> list[VisitSummary]:
    """Newest change first: the visit the sampler was working on leads."""
    with ws.db.read() as s:
        return visits_repo.list_visits(s, statuses=[VisitStatus.IN_PROGRESS], limit=limit)


def home(ws: Workspace, plan_id: str) -> HomeData:
    now = ws.now()
    unfinished = in_progress(ws)
    free, need = disk_space(ws)
    awaiting, awaiting_total = awaiting_sync_page(ws)
    return HomeData(tasks=reference.list_tasks(ws), in_progress=unfinished,
                    awaiting=awaiting, awaiting_total=awaiting_total,
                    progress=plan_progress(ws, plan_id) if plan_id else [], now=now, plan_id=plan_id,
                    resume=[resume_point(v) for v in unfinished], disk_free=free, disk_need=need)
