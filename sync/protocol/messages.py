"""Sync problems in Chinese and English. Domain rule problems keep their own
catalog (app.domain.messages); these are the ones only sync can raise."""
from __future__ import annotations

from typing import Any

from app.domain.messages import CATALOG as DOMAIN_CATALOG
from sync.protocol.schemas import ProblemOut

SYNC_CATALOG: dict[str, tuple[str, str]] = {
    "auth.invalid": ("用户名或密码错误", "Wrong user name or password"),
    "auth.rate_limited": ("登录尝试过多，请{seconds}秒后再试",
                          "Too many sign-in attempts; try again in {seconds} s"),
    "auth.token_missing": ("未登录：缺少设备令牌", "Not signed in: no device token"),
    "auth.token_invalid": ("设备令牌无效，请重新登录", "The device token is not valid; sign in again"),
    "auth.token_expired": ("登录已过期，请重新登录", "The sign-in has expired; sign in again"),
    "auth.device_revoked": ("此设备已被停用，请联系管理员", "This device has been revoked; contact your administrator"),
    "auth.user_inactive": ("该账号已停用", "This account is disabled"),
    "auth.forbidden": ("无权执行此操作", "You are not allowed to do this"),
    "auth.public_key": ("设备公钥格式错误（应为32字节Ed25519公钥）",
                        "The device public key is malformed (32-byte Ed25519 key expected)"),
    "auth.role_enroll": ("只有抽样人员可以登记抽样设备", "Only samplers can enroll a sampling device"),
    "sync.cursor_stale": ("本地数据与服务器不一致，需完整刷新", "Local data is out of step with the server; a full refresh is needed"),
    "sync.hash_mismatch": ("记录内容与其哈希不符（{expected}）", "The record does not match its hash ({expected})"),
    "sync.conflict": ("服务器已有同一编号但内容不同的记录", "The server has a different record with this id"),
    "sync.task_unknown": ("服务器上没有此抽样任务（{task_id}）", "The server has no such task ({task_id})"),
    "sync.task_not_yours": ("该任务不属于本抽样组", "This task is not assigned to your team"),
    "task.move_cancelled": ("该任务已取消（{reason}），不能改派", "This task was cancelled ({reason}); it cannot be reassigned"),
    "task.move_done": ("该任务已完成抽样，不能改派", "This task has been sampled; it cannot be reassigned"),
    "task.reassigned": ("该任务已改派给其他抽样组：{reason}", "This task was reassigned to another team: {reason}"),
    "task.move_reason": ("改派须说明原因", "A reassignment needs a reason"),
    "task.same_team": ("该任务已属于抽样组{team}", "This task already belongs to team {team}"),
    "sync.base_missing": ("更正所依据的原始记录尚未同步", "The record this amendment corrects has not been synced"),
    "sync.chain_broken": ("更正记录与原记录的哈希链不一致", "The amendment does not chain to the record"),
    "sync.bad_status": ("记录状态不是已完成（{status}）", "The record is not finished ({status})"),
    "blob.hash_mismatch": ("照片数据在传输中损坏（哈希不符），将重新上传",
                           "The photo was damaged in transit (hash mismatch); it will be sent again"),
    "blob.offset_mismatch": ("上传位置不一致（服务器为{offset}）", "Upload offset differs (server has {offset})"),
    "blob.too_large": ("文件过大（上限{limit}字节）", "The file is too large (limit {limit} bytes)"),
    "blob.busy": ("该照片正在上传中，请稍后", "This photo is being uploaded; try again shortly"),
    "blob.length": ("上传长度与文件大小不符", "Upload length does not match the file"),
    "blob.not_found": ("服务器没有该照片", "The server does not have this photo"),
    "not_found": ("未找到：{what}", "Not found: {what}"),
    "bad_request": ("请求格式错误：{detail}", "Malformed request: {detail}"),
    "server.error": ("服务器内部错误，请稍后重试", "Server error; please retry later"),
    "sync.server_failed": ("服务器处理此记录出错：{message}（HTTP {status}，已试{attempts}次）。已暂时搁置，"
                           "问题解决后可重新提交",
                           "The server failed on this record: {message} (HTTP {status}, {attempts} tries). "
                           "Set aside; submit it again once the problem is fixed"),
}


def problem(code: str, field: str = "", **params: Any) -> ProblemOut:
    """A ProblemOut with both texts filled from the sync or the domain catalog."""
    zh, en = SYNC_CATALOG.get(code) or DOMAIN_CATALOG.get(code) or (code, code)
    safe = {k: v for k, v in params.items()}
    try:
        zh_text, en_text = zh.format(**safe), en.format(**safe)
    except (KeyError, IndexError):
        zh_text, en_text = zh, en
    return ProblemOut(code=code, field=field, params=safe, zh=zh_text, en=en_text)


def from_domain(p) -> ProblemOut:
    """app.domain.messages.Problem -> wire form with both texts."""
    return ProblemOut(code=p.code, field=p.field, params=dict(p.params),
                      zh=p.text("zh_CN"), en=p.text("en"))
