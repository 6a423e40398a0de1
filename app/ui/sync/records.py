"""The sync screen's per-record list: record number, party, status, the
e-CQS entry deadline state (red when near, overdue or missed) and the
server's reason for a record it set aside."""
from __future__ import annotations

from app.domain.deadline import DeadlineState as D
from app.domain.times import china_text
from app.services.syncing import OutboxStatus as S, RecordStatus
from app.ui.home.models import Column, RowsModel
from app.ui.i18n import language, tr
from app.ui.theme import STATUS_COLORS

RED_STATES = (D.NEAR, D.OVERDUE, D.MISSED)


def status_text(r: RecordStatus) -> str:
    text = {S.PENDING: tr("待发送"), S.ACCEPTED: tr("已接收，照片上传中"), S.SENT: tr("已送达"),
            S.QUARANTINED: tr("被退回")}.get(r.status, r.status)
    return tr("更正：{status}", status=text) if r.kind == "amendment" else text


def deadline_text(r: RecordStatus) -> str:
    due = china_text(r.deadline, "%m-%d %H:%M")
    return {D.MET: tr("已按期录入"), D.MISSED: tr("逾期录入（截止{due}）", due=due),
            D.DUE: tr("截止{due}", due=due), D.NEAR: tr("截止{due}（即将到期）", due=due),
            D.OVERDUE: tr("截止{due}（已超期）", due=due)}.get(r.deadline_state, due)


def reason_text(r: RecordStatus) -> str:
    if r.status == S.QUARANTINED:
        return r.reason(language()) or tr("服务器未说明原因")
    if r.status in (S.PENDING, S.ACCEPTED) and r.last_error:
        return tr("上次发送失败，将自动重试")
    return ""


def color(r: RecordStatus) -> str | None:
    if r.deadline_state in RED_STATES or r.status == S.QUARANTINED:
        return STATUS_COLORS["overdue"]
    if r.status == S.SENT:
        return STATUS_COLORS["ok"]
    return None


def outcome_text(r: RecordStatus) -> str:
    """How the visit ended: 已完成 / 已拒检 / 已报送问题."""
    return {"finished": tr("已完成"), "refused": tr("已拒检"), "problem_reported": tr("已报送问题"),
            "abandoned": tr("已终止（任务取消）")}.get(r.outcome, r.outcome)


def records_model(parent=None) -> RowsModel:
    return RowsModel([
        Column(tr("抽样单编号"), lambda r: r.record_no or r.client_id[:12]),
        Column(tr("受检单位"), lambda r: r.party_name),
        Column(tr("产品"), lambda r: r.product),
        Column(tr("结果"), outcome_text),
        Column(tr("同步状态"), status_text),
        Column(tr("录入期限"), deadline_text),
        Column(tr("原因"), reason_text),
    ], color=color, bold=lambda r: r.deadline_state in (D.OVERDUE, D.MISSED) or r.status == S.QUARANTINED,
        tip=lambda r: reason_text(r) or deadline_text(r), parent=parent)
