"""Task moves (改派) as the former team sees them: withdrawals in its pulls,
and its right to send what it signed on site before it knew."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.schemas import TaskWithdrawal
from sync.server.tasks.models import TaskMove


def latest_move_from(*, session: Session, task_id: str, team_id: str | None) -> TaskMove | None:
    """The last move of this task away from `team_id`, if it ever had it."""
    if not team_id:
        return None
    return session.scalar(select(TaskMove).where(TaskMove.task_id == task_id, TaskMove.from_team_id == team_id)
                          .order_by(TaskMove.id.desc()).limit(1))


def withdrawals(*, session: Session, team_id: str | None, task_ids: set[str] | None,
                still_held: set[str]) -> list[TaskWithdrawal]:
    """Tasks moved away from `team_id` (only those in `task_ids`, when given:
    an incremental pull) that the team does not hold again (`still_held`:
    a task moved away and back is simply the team's task)."""
    if not team_id or (task_ids is not None and not task_ids):
        return []
    q = select(TaskMove).where(TaskMove.from_team_id == team_id).order_by(TaskMove.id)
    if task_ids is not None:
        q = q.where(TaskMove.task_id.in_(task_ids))
    latest: dict[str, TaskMove] = {}
    for move in session.scalars(q):
        latest[move.task_id] = move          # ordered by id: the last one wins
    return [TaskWithdrawal(task_id=m.task_id, reason=m.reason, at=m.at)
            for task_id, m in sorted(latest.items()) if task_id not in still_held]
