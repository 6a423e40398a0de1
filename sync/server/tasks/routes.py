"""Tasks for admins: list, assign, draw at random (双随机), cancel, reassign (改派)."""
from __future__ import annotations

from typing import Annotated

from sync.protocol.schemas import DrawRequest, TaskCancel, TaskCreate, TaskList, TaskReassign, TaskReply
from sync.server.auth import visibility
from sync.server.auth.permissions import Ctx, Perm, allow
from sync.server.errors import ERROR_RESPONSES
from sync.server.params import PathId
from sync.server.tasks import draw as draws
from sync.server.tasks import service
from sync.server.routing import api_router

router = api_router(prefix="/v1/tasks", tags=["tasks"], responses=ERROR_RESPONSES)
Manage = Annotated[Ctx, allow(Perm.TASKS_MANAGE)]


def _reply(session, task) -> TaskReply:
    """The task in the envelope (ok, protocol), its fields at the top level as before."""
    return TaskReply(**service.tasks_out(session=session, tasks=[task])[0].model_dump())


@router.get("", response_model=TaskList, summary="Tasks the caller may see")
def list_tasks(ctx: Annotated[Ctx, allow(Perm.TASKS_READ)]):
    tasks = service.visible_tasks(session=ctx.session, where=visibility.task_filter(ctx.principal))
    return TaskList(tasks=service.tasks_out(session=ctx.session, tasks=tasks))


@router.post("", response_model=TaskReply, status_code=201, summary="Assign a task: party x product x team")
def create(body: TaskCreate, ctx: Manage):
    task = service.create_task(session=ctx.session, plan_item_id=body.plan_item_id, party_id=body.party_id,
                               team_id=body.team_id, due_date=body.due_date, notes=body.notes, actor=ctx.actor,
                               agency_scope=visibility.task_manage_scope(ctx.principal))
    return _reply(ctx.session, task)


@router.post("/draw", response_model=TaskList, status_code=201,
             summary="双随机: draw parties and teams at random")  # i18n: glossary term in the API docs
def draw(body: DrawRequest, ctx: Manage):
    made = draws.draw(session=ctx.session, plan_item_id=body.plan_item_id, count=body.count,
                      agency_id=visibility.task_manage_scope(ctx.principal), due_date=body.due_date, seed=body.seed,
                      actor=ctx.actor)
    return TaskList(tasks=service.tasks_out(session=ctx.session, tasks=made))


@router.post("/{task_id}/cancel", response_model=TaskReply, summary="Cancel a task (devices see it at their next pull)")
def cancel(task_id: PathId, body: TaskCancel, ctx: Manage):
    task = service.cancel_task(session=ctx.session, task_id=task_id, reason=body.reason, actor=ctx.actor,
                               agency_scope=visibility.task_manage_scope(ctx.principal))
    return _reply(ctx.session, task)


@router.post("/{task_id}/reassign", response_model=TaskReply,
             summary="改派: give the task to another team (both teams' devices see it at their next pull)")  # i18n: glossary
def reassign(task_id: PathId, body: TaskReassign, ctx: Manage):
    task = service.reassign_task(session=ctx.session, task_id=task_id, team_id=body.team_id, reason=body.reason,
                                 actor=ctx.actor, agency_scope=visibility.task_manage_scope(ctx.principal))
    return _reply(ctx.session, task)
