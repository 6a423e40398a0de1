"""What each home-screen list shows: columns, status texts, colours.
Times are shown in China time (the e-CQS deadline is a China-time day)."""
from __future__ import annotations

from datetime import datetime

from app.domain.deadline import DeadlineState as D
from app.domain.entities import TaskStatus
from app.domain.labels import TASK_STATUS, VISIT_STATUS, label
from app.domain.visit import VisitStatus
from app.domain.workflow import Step, step_title
from app.domain.times import china_text
from app.services.overview import AwaitingSync
from app.services.syncing import OutboxStatus as S
from app.services.reference import TaskSummary
from app.services.visits import VisitSummary
from app.ui.home.models import Column, PagedModel, RowsModel
from app.ui.i18n import tr
from app.ui.theme import STATUS_COLORS


def when(t: datetime | None) -> str:
    return china_text(t, "%m-%d %H:%M")


def withdrawn_text(t: TaskSummary) -> str:
    """改派: the server gave the task to another team; or a full refresh no
    longer lists it (kept here because a visit was started on it)."""
    if t.withdrawn_kind == "dropped":
        return tr("服务器已撤下此任务：已开始的抽样可以完成并同步")
    return tr("已改派给其他抽样组：{reason}", reason=t.withdrawn_reason or tr("未说明原因"))


def outcome_text(status: VisitStatus) -> str:
    """How a task's visit ended (已完成 / 已拒检 / 已报送问题), in the visit's words."""
    return visit_status(status)


def task_status(t: TaskSummary) -> str:
    if t.withdrawn and t.status != TaskStatus.DONE:     # one finished here stays done
        return withdrawn_text(t)
    if t.status == TaskStatus.CANCELLED:
        return tr("已取消：{reason}", reason=t.cancel_reason or tr("未说明原因"))
    if t.outcome is not None:                           # its visit ended here
        return outcome_text(t.outcome.status)
    return label(TASK_STATUS, t.status)


def visit_status(status: VisitStatus) -> str:
    return label(VISIT_STATUS, status)


def step_text(v: VisitSummary) -> str:
    try:
        step = Step(v.step)
    except ValueError:
        return v.step
    if step.number:
        return tr("第{n}步 {title}", n=step.number, title=step_title(step))
    return step_title(step)


def deadline_text(a: AwaitingSync) -> str:
    if a.deadline is None:
        return ""
    due = china_text(a.deadline, "%m-%d %H:%M")
    if a.state == D.OVERDUE:
        return tr("{due}（已超期）", due=due)
    if a.state == D.NEAR:
        return tr("{due}（即将到期）", due=due)
    return due


def awaiting_result(a: AwaitingSync) -> str:
    """The visit's outcome and, when the sync got somewhere, how far."""
    note = {S.ACCEPTED: tr("传图中"), S.QUARANTINED: tr("被退回")}.get(a.sync_status)
    return visit_status(a.visit.status) + (tr("（{note}）", note=note) if note else "")


def deadline_color(a: AwaitingSync) -> str | None:
    return STATUS_COLORS["overdue"] if a.state in (D.NEAR, D.OVERDUE) else None


def tasks_model(parent=None) -> RowsModel:
    # Greyed: cancelled, or withdrawn (改派) unless it was finished here.
    cancelled = lambda t: t.status == TaskStatus.CANCELLED or (t.withdrawn and t.status != TaskStatus.DONE)  # noqa
    return RowsModel([
        Column(tr("受检单位"), lambda t: t.party_name),
        Column(tr("产品"), lambda t: t.products),
        Column(tr("抽样人员"), lambda t: t.team),
        Column(tr("截止日期"), lambda t: t.due_date),
        Column(tr("状态"), task_status),
    ], grey=cancelled, tip=lambda t: task_status(t) if cancelled(t) else "", parent=parent)


def in_progress_model(parent=None) -> RowsModel:
    return RowsModel([
        Column(tr("受检单位"), lambda v: v.party_name),
        Column(tr("产品"), lambda v: v.product),
        Column(tr("停在"), step_text),
        Column(tr("最后保存"), lambda v: when(v.updated_at)),
    ], color=lambda v: STATUS_COLORS["in_progress"], parent=parent)


def awaiting_model(parent=None) -> PagedModel:
    return PagedModel([
        Column(tr("受检单位"), lambda a: a.visit.party_name),
        Column(tr("产品"), lambda a: a.visit.product),
        Column(tr("结果"), awaiting_result),
        Column(tr("录入截止"), deadline_text),
        Column(tr("抽样单编号"), lambda a: a.visit.record_no),
    ], color=lambda a: deadline_color(a) or (STATUS_COLORS["overdue"] if a.sync_status == S.QUARANTINED else None),
        bold=lambda a: a.state == D.OVERDUE,
        tip=lambda a: (tr("服务器退回了此记录，原因见“同步”页") if a.sync_status == S.QUARANTINED else
                       tr("e-CQS：抽样次日24时前须录入（同步）") if a.state != D.DUE else ""), parent=parent)


def progress_model(parent=None) -> RowsModel:
    done = lambda p: p.quota and max(p.sampled, p.on_server) >= p.quota  # noqa: E731
    return RowsModel([
        Column(tr("产品"), lambda p: p.product),
        Column(tr("计划"), lambda p: str(p.quota), align_right=True),
        Column(tr("已抽"), lambda p: str(p.sampled), align_right=True),
        Column(tr("进行中"), lambda p: str(p.in_progress) if p.in_progress else "", align_right=True),
        Column(tr("剩余"), lambda p: str(p.remaining), align_right=True),
    ], color=lambda p: STATUS_COLORS["ok"] if done(p) else None,
        tip=lambda p: tr("{category}；计划{quota}批，本机已抽{done}批；全省已抽（上次同步）：{n}",
                         category=p.category, quota=p.quota, done=p.sampled, n=p.on_server),
        parent=parent)


def search_model(parent=None) -> PagedModel:
    return PagedModel([
        Column(tr("受检单位"), lambda v: v.party_name),
        Column(tr("产品"), lambda v: v.product),
        Column(tr("状态"), lambda v: visit_status(v.status)),
        Column(tr("最后保存"), lambda v: when(v.updated_at)),
        Column(tr("抽样单编号"), lambda v: v.record_no),
    ], color=lambda v: STATUS_COLORS["in_progress"] if v.status == VisitStatus.IN_PROGRESS else None,
        parent=parent)

