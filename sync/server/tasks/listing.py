"""Tasks as the console lists them: filtered, one page at a time, with the
names of their party, product and team."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.server.auth.models import Team
from sync.server.parties.models import Party
from sync.server.plan.models import PlanItem
from sync.server.tasks.models import Task, TaskMove


@dataclass
class TaskRow:
    task: Task
    party: Party
    item: PlanItem
    team: Team


def tasks(*, session: Session, scope: str | None, plan_item_id: str = "", status: str = "", team_id: str = "",
          text: str = "", page: int = 1, per_page: int = 50) -> tuple[list[TaskRow], int]:
    q = (select(Task, Party, PlanItem, Team).join(Party, Party.id == Task.party_id)
         .join(PlanItem, PlanItem.id == Task.plan_item_id).join(Team, Team.id == Task.team_id))
    if scope is not None:
        q = q.where(Task.agency_id == scope)
    if plan_item_id:
        q = q.where(Task.plan_item_id == plan_item_id)
    if status:
        q = q.where(Task.status == status)
    if team_id:
        q = q.where(Task.team_id == team_id)
    if text.strip():
        like = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(Party.name.ilike(like, escape="\\") | Task.id.ilike(like, escape="\\")
                    | Task.notice_no.ilike(like, escape="\\"))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    q = q.order_by(Task.created_at.desc(), Task.id).limit(per_page).offset((max(page, 1) - 1) * per_page)
    return [TaskRow(*row) for row in session.execute(q)], total


def moves(*, session: Session, task_ids: list[str]) -> dict[str, list[TaskMove]]:
    out: dict[str, list[TaskMove]] = {}
    if task_ids:
        for m in session.scalars(select(TaskMove).where(TaskMove.task_id.in_(task_ids)).order_by(TaskMove.id)):
            out.setdefault(m.task_id, []).append(m)
    return out
