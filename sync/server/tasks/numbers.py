"""通知书编号: the province numbers the inspection notice of each task it
assigns, in one series per plan (晋市监抽〔2022〕4-0018号). The team prints
that number on the notice it shows and leaves on site; before, the notice
repeated the sampling form's number, which is not the province's."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.server.plan.models import Plan
from sync.server.tasks.models import Task

SEQ = "{seq}"


def notice_no(fmt: str, plan_id: str, seq: int) -> str:
    """The number for the plan's seq-th task: the plan's format with "{seq}"
    as 4 digits, or "<plan>-0001" when the plan file gives no format."""
    digits = f"{seq:04d}"
    return fmt.replace(SEQ, digits) if SEQ in fmt else f"{plan_id}-{digits}"


def next_notice_no(*, session: Session, plan_id: str) -> str:
    """The next number of the plan's series. Tasks are never deleted (a
    cancelled one keeps its number), so the count of the plan's tasks is the
    last number given. The plan row is locked so that two assignments at once
    cannot take the same number (SQLite serializes writers anyway)."""
    plan = session.get(Plan, plan_id, with_for_update=True)
    given = session.scalar(select(func.count()).select_from(Task).where(Task.plan_id == plan_id)) or 0
    return notice_no(plan.notice_no_format if plan else "", plan_id, given + 1)
