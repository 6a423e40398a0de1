"""Assign, cancel and reassign sampling tasks; build their wire form."""
from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from sync.protocol.roles import Role
from sync.protocol.schemas import SamplerOut, TaskOut
from sync.server.audit import service as audit
from sync.server.auth.models import Team, User
from sync.server.db import utcnow
from sync.server.errors import ApiError
from sync.server.parties.models import Party
from sync.server.parties.service import party_out
from sync.server.plan.models import PlanItem
from sync.server.pull.changes import record_change
from sync.server.tasks.models import Task, TaskMove
from sync.server.tasks.numbers import next_notice_no

DEFAULT_SOURCE = "2022年第四批产品质量监督抽查"  # i18n: recorded value (任务来源)


def create_task(*, session: Session, plan_item_id: str, party_id: str, team_id: str, due_date: str = "",
                notes: str = "", actor: str = "cli", agency_scope: str | None = None) -> Task:
    """agency_scope (None: every agency): an agency admin assigns only to
    its own teams; another agency's task or team is answered as not found."""
    item = session.get(PlanItem, plan_item_id)
    party = session.get(Party, party_id)
    team = session.get(Team, team_id)
    if team is not None and agency_scope is not None and team.agency_id != agency_scope:
        team = None             # another agency's team is not there for this caller
    if item is None or party is None or team is None:
        missing = plan_item_id if item is None else party_id if party is None else team_id
        raise ApiError(404, "not_found", what=missing)
    if party.scope not in item.scopes:
        raise ApiError(422, "plan.scope", product=item.product, scope=party.scope, scopes=list(item.scopes))
    task = Task(id=f"t-{uuid.uuid4().hex[:12]}", plan_id=item.plan_id, plan_item_id=item.id,
                party_id=party.id, agency_id=team.agency_id, team_id=team.id, due_date=due_date,
                status="assigned", source=DEFAULT_SOURCE, notes=notes,
                notice_no=next_notice_no(session=session, plan_id=item.plan_id))
    session.add(task)
    session.flush()
    record_change(session=session, kind="task", entity_id=task.id)
    audit.log(session=session, actor=actor, action="task.assign", target=task.id,
              detail={"party": party.name, "product": item.product, "team": team.id},
              after={"party": party.id, "plan_item": item.id, "team": team.id, "agency": team.agency_id,
                     "due_date": due_date, "status": "assigned"})
    return task


def _task_in_scope(session: Session, task_id: str, agency_scope: str | None) -> Task:
    task = session.get(Task, task_id, with_for_update=True)
    if task is None or (agency_scope is not None and task.agency_id != agency_scope):
        raise ApiError(404, "not_found", what=task_id)
    return task


def cancel_task(*, session: Session, task_id: str, reason: str, actor: str = "cli",
                agency_scope: str | None = None) -> Task:
    task = _task_in_scope(session, task_id, agency_scope)
    if task.status != "cancelled":
        before = task.status
        task.status, task.cancel_reason, task.updated_at = "cancelled", reason, utcnow()
        record_change(session=session, kind="task", entity_id=task.id)
        audit.log(session=session, actor=actor, action="task.cancel", target=task.id, detail={"reason": reason},
                  before={"status": before}, after={"status": "cancelled", "reason": reason})
    return task


def reassign_task(*, session: Session, task_id: str, team_id: str, reason: str, actor: str = "cli",
                  agency_scope: str | None = None) -> Task:
    """改派: give the task to another team. Both teams' devices learn it at
    their next pull: the new team gets the task, the former one a withdrawal
    (kept in task_moves, so a full refresh days later still tells it)."""
    task = _task_in_scope(session, task_id, agency_scope)
    team = session.get(Team, team_id)
    if team is None or (agency_scope is not None and team.agency_id != agency_scope):
        raise ApiError(404, "not_found", what=team_id)
    if task.status == "cancelled":
        raise ApiError(409, "task.move_cancelled", reason=task.cancel_reason or "—")
    if task.status in ("done", "no_sample"):
        raise ApiError(409, "task.move_done")
    if team.id == task.team_id:
        raise ApiError(409, "task.same_team", team=team.name)
    reason = reason.strip()
    if not reason:
        raise ApiError(422, "task.move_reason")
    session.add(TaskMove(task_id=task.id, from_team_id=task.team_id, from_agency_id=task.agency_id,
                         to_team_id=team.id, to_agency_id=team.agency_id, reason=reason, actor=actor))
    old_team, old_agency = task.team_id, task.agency_id
    task.team_id, task.agency_id, task.updated_at = team.id, team.agency_id, utcnow()
    session.flush()
    record_change(session=session, kind="task", entity_id=task.id)
    audit.log(session=session, actor=actor, action="task.reassign", target=task.id,
              detail={"from": old_team, "to": team.id, "reason": reason},
              before={"team": old_team, "agency": old_agency}, after={"team": team.id, "agency": team.agency_id})
    return task


def close_no_sample(*, session: Session, task: Task, reason: str = "") -> None:
    """未抽到样品: the party had nothing to sample. The task is closed, the
    devices learn it at their next pull, and the plan item's slot is free
    for a replacement party (progress counts it no longer; a draw may)."""
    if task.status in ("assigned", "in_progress"):
        task.status, task.updated_at = "no_sample", utcnow()
        record_change(session=session, kind="task", entity_id=task.id)
        audit.log(session=session, actor="sync", action="task.no_sample", target=task.id,
                  detail={"plan_item": task.plan_item_id, "party": task.party_id, "reason": reason})


def mark_done(*, session: Session, task: Task) -> None:
    if task.status in ("assigned", "in_progress"):
        task.status, task.updated_at = "done", utcnow()
        record_change(session=session, kind="task", entity_id=task.id)


def team_samplers(*, session: Session, team_ids: set[str]) -> dict[str, list[SamplerOut]]:
    out: dict[str, list[SamplerOut]] = defaultdict(list)
    if not team_ids:
        return out
    q = (select(User).where(User.team_id.in_(team_ids), User.role == Role.SAMPLER, User.active.is_(True))
         .order_by(User.username))
    for u in session.scalars(q):
        out[u.team_id].append(sampler_out(u))
    return out


def sampler_out(u: User) -> SamplerOut:
    return SamplerOut(id=u.id, name=u.name, certificate_no=u.certificate_no, agency_id=u.agency_id or "",
                      phone=u.phone)


def tasks_out(*, session: Session, tasks: list[Task]) -> list[TaskOut]:
    parties = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_({t.party_id for t in tasks})))}
    teams = team_samplers(session=session, team_ids={t.team_id for t in tasks})
    return [TaskOut(id=t.id, plan_id=t.plan_id, plan_item_ids=[t.plan_item_id], party=party_out(parties[t.party_id]),
                    team=teams.get(t.team_id, []), agency_id=t.agency_id, team_id=t.team_id,
                    due_date=t.due_date, status=t.status, cancel_reason=t.cancel_reason, source=t.source,
                    kind=t.kind, notes=t.notes, notice_no=t.notice_no, updated_at=t.updated_at) for t in tasks]


def visible_tasks(*, session: Session, where: ColumnElement[bool], ids: set[str] | None = None) -> list[Task]:
    """Tasks matching `where` (auth.visibility.task_filter: whose tasks the
    caller may see), optionally only those in `ids`."""
    q = select(Task).where(where).order_by(Task.due_date, Task.id)
    if ids is not None:
        if not ids:
            return []
        q = q.where(Task.id.in_(ids))
    return list(session.scalars(q))
