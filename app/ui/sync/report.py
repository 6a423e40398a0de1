"""Texts for a sync run: its phase while it runs, and what it did."""
from __future__ import annotations

from dataclasses import dataclass

from app.services.syncing import Outcome
from app.ui.i18n import is_english, tr


def size(n: int, scale: int) -> str:
    """n bytes in the unit that suits `scale` (the total), so both match."""
    return f"{n / 1_048_576:.1f} MB" if scale >= 1_048_576 else f"{n / 1024:.0f} KB"


def bytes_text(done: int, total: int) -> str:
    if not total:
        return tr("数据：无需上传照片")
    return tr("数据 {done} / {total}", done=size(done, total), total=size(total, total))


def phase_text(p) -> str:
    if p.phase == "pull":
        return tr("正在下载任务和计划…")
    if p.phase == "done":
        return tr("同步结束")
    if not p.records_total:
        return tr("没有待发送的记录")
    return tr("正在发送第{n}条记录（共{total}条）", n=min(p.records_done + 1, p.records_total),
              total=p.records_total)


def problem_text(problem) -> str:
    return (problem.en if is_english() else problem.zh) or str(problem)


def auth_message(error) -> str:
    return tr("{reason}。请重新登录后继续同步；未同步的记录仍保存在本机。", reason=problem_text(error).rstrip(".").rstrip(chr(0x3002)))


@dataclass
class Summary:
    phase: str
    message: str
    status: str     # for the main window's status bar ("" = none)


def summary(report) -> Summary:
    sent, refused = len(report.of(Outcome.SENT)), len(report.of(Outcome.QUARANTINED))
    deferred = len(report.of(Outcome.DEFERRED)) + len(report.of(Outcome.WAITING))
    parts = []
    pull = report.pull
    if pull is not None:
        if pull.tasks or pull.full:
            parts.append(tr("已更新任务{n}个", n=pull.tasks))
        elif not (pull.reassigned or pull.dropped):      # those are told below
            parts.append(tr("任务没有变化"))
    if sent:
        parts.append(tr("送达{n}条记录", n=sent))
    if refused:
        parts.append(tr("{n}条记录被服务器退回，原因见下表", n=refused))
    if deferred:
        parts.append(tr("{n}条记录稍后重试", n=deferred))
    # One line per task taken from this team: a sampler must not plan to
    # visit a station that is no longer theirs.
    cancelled = [tr("省局已取消任务：{party}（{reason}）", party=t.party.name, reason=t.cancel_reason or tr("未说明原因"))
                 for t in (pull.cancelled if pull is not None else [])]
    cancelled += [tr("任务已改派给其他抽样组：{party}（{reason}）", party=r.party_name,
                     reason=r.reason or tr("未说明原因"))
                  for r in (pull.reassigned if pull is not None else [])]
    cancelled += [tr("服务器已撤下任务：{party}（已开始的抽样可以完成）", party=r.party_name) if r.kept
                  else tr("服务器已撤下任务：{party}", party=r.party_name)
                  for r in (pull.dropped if pull is not None else [])]
    sep = tr("；")
    done = sep.join(parts)
    if getattr(report, "upgrade_required", None) is not None:
        phase = tr("同步停止：需要安装新版本")
    elif report.auth_error is not None:
        phase = tr("同步停止：需要重新登录")
    elif report.cancelled:
        phase = tr("同步已取消，已完成的部分已保存")
    elif report.network_error:
        phase = tr("无法连接服务器，稍后自动重试")
    else:
        phase = tr("同步完成")
    message = "\n".join([done] + cancelled if done else cancelled)
    status = sep.join([phase] + cancelled) if (cancelled or refused or report.network_error) else ""
    return Summary(phase, message, status)
