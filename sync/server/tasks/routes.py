"""Tasks for admins: list, assign, draw at random (双随机), cancel, reassign (改派)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from sync.protocol.schemas import DrawRequest, TaskCancel, TaskCreate, TaskList, TaskReassign, TaskReply
from sync.server.deps import ADMINS, Token, unit
from sync.server.errors import ERROR_RESPONSES
from sync.server.params import PathId
from sync.server.tasks import draw as draws
from sync.server.tasks import service

router = APIRouter(prefix="/v1/tasks", tags=["tasks"], responses=ERROR_RESPONSES)


def _scope(p) -> str | None:
    return p.user.agency_id if p.user.role == "agency_admin" else None


def _reply(session, task) -> TaskReply:
    """The task in the envelope (ok, protocol), its fields at the top level as before."""
    return TaskReply(**service.tasks_out(session=session, tasks=[task])[0].model_dump())


@router.get("", response_model=TaskList, summary="Tasks the caller may see")
def list_tasks(request: Request, token: Token):
    with unit(request, token) as (session, p):
        return TaskList(tasks=service.tasks_out(session=session, tasks=service.visible_tasks(session=session, user=p.user)))


@router.post("", response_model=TaskReply, status_code=201, summary="Assign a task: party x product x team")
def create(body: TaskCreate, request: Request, token: Token):
    with unit(request, token, *ADMINS) as (session, p):
        task = service.create_task(session=session, plan_item_id=body.plan_item_id, party_id=body.party_id,
                                   team_id=body.team_id, due_date=body.due_date, notes=body.notes,
                                   actor=p.actor, agency_scope=_scope(p))
        return _reply(session, task)


@router.post("/draw", response_model=TaskList, status_code=201,
             summary="双随机: draw parties and teams at random")  # i18n: glossary term in the API docs
def draw(body: DrawRequest, request: Request, token: Token):
    with unit(request, token, *ADMINS) as (session, p):
        made = draws.draw(session=session, plan_item_id=body.plan_item_id, count=body.count, agency_id=_scope(p),
                          due_date=body.due_date, seed=body.seed, actor=p.actor)
        return TaskList(tasks=service.tasks_out(session=session, tasks=made))


@router.post("/{task_id}/cancel", response_model=TaskReply, summary="Cancel a task (devices see it at their next pull)")
def cancel(task_id: PathId, body: TaskCancel, request: Request, token: Token):
    with unit(request, token, *ADMINS) as (session, p):
        task = service.cancel_task(session=session, task_id=task_id, reason=body.reason, actor=p.actor,
                                   agency_scope=_scope(p))
        return _reply(session, task)


@router.post("/{task_id}/reassign", response_model=TaskReply,
             summary="改派: give the task to another team (both teams' devices see it at their next pull)")  # i18n: glossary
def reassign(task_id: PathId, body: TaskReassign, request: Request, token: Token):
    with unit(request, token, *ADMINS) as (session, p):
        task = service.reassign_task(session=session, task_id=task_id, team_id=body.team_id, reason=body.reason,
                                     actor=p.actor, agency_scope=_scope(p))
        return _reply(session, task)
