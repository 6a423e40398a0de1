"""The problems only sync can raise, by code. Their text goes through the
one catalogue (app.domain.i18n); domain rule problems keep their codes in
app.domain.messages. The wire carries both languages."""
from __future__ import annotations

from typing import Any

from app.domain.i18n import N_, both
from app.domain.messages import CATALOG as DOMAIN_CATALOG, Problem
from sync.protocol.input_messages import INPUT_CATALOG, input_problem
from sync.protocol.schemas import ProblemOut

SYNC_CATALOG: dict[str, str] = {
    "auth.invalid": N_("用户名或密码错误"),
    "auth.rate_limited": N_("登录尝试过多，请{seconds}秒后再试"),
    "auth.token_missing": N_("未登录：缺少设备令牌"),
    "auth.token_invalid": N_("设备令牌无效，请重新登录"),
    "auth.token_expired": N_("登录已过期，请重新登录"),
    "auth.device_revoked": N_("此设备已被停用，请联系管理员"),
    "auth.user_inactive": N_("该账号已停用"),
    "auth.forbidden": N_("无权执行此操作"),
    "auth.public_key": N_("设备公钥格式错误（应为32字节Ed25519公钥）"),
    "auth.role_enroll": N_("只有抽样人员可以登记抽样设备"),
    "sync.cursor_stale": N_("本地数据与服务器不一致，需完整刷新"),
    "sync.protocol": N_("服务器不支持同步协议{protocol}（支持：{supported}）"),
    "sync.hash_mismatch": N_("记录内容与其哈希不符（{expected}）"),
    "sync.conflict": N_("服务器已有同一编号但内容不同的记录"),
    "sync.task_unknown": N_("服务器上没有此抽样任务（{task_id}）"),
    "sync.task_not_yours": N_("该任务不属于本抽样组"),
    "task.move_cancelled": N_("该任务已取消（{reason}），不能改派"),
    "task.move_done": N_("该任务已完成抽样，不能改派"),
    "task.reassigned": N_("该任务已改派给其他抽样组：{reason}"),
    "task.move_reason": N_("改派须说明原因"),
    "task.same_team": N_("该任务已属于抽样组{team}"),
    "sync.base_missing": N_("更正所依据的原始记录尚未同步"),
    "sync.chain_broken": N_("更正记录与原记录的哈希链不一致"),
    "sync.signature_missing": N_("记录缺少设备签名，请将抽样助手升级到最新版本后重新发送"),
    "auth.signature_invalid": N_("记录的设备签名与本设备登记的密钥不符，请重新登录"),
    "auth.device_required": N_("只能从已登记的抽样设备同步，请在抽样笔记本上登录"),
    "record.party_mismatch": N_("记录中的受检单位（{named}，{named_code}）与任务的受检单位（{party}，{credit_code}）不一致；如受检单位有误，请联系省局更正任务"),
    "auth.device_key_missing": N_("此设备没有签名密钥，请重新登录以登记本设备"),
    "sync.outbox_mismatch": N_("待发送的记录与签字时保存的记录不一致（{visit_id}），未发送，请联系技术支持"),
    "sync.bad_status": N_("记录状态不是已完成（{status}）"),
    "blob.hash_mismatch": N_("照片数据在传输中损坏（哈希不符），将重新上传"),
    "blob.offset_mismatch": N_("上传位置不一致（服务器为{offset}）"),
    "blob.too_large": N_("文件过大（上限{limit}字节）"),
    "blob.busy": N_("该照片正在上传中，请稍后"),
    "blob.length": N_("上传长度与文件大小不符"),
    "blob.not_found": N_("服务器没有该照片"),
    "blob.quota": N_("本设备未完成的照片上传过多（上限{count}个、共{limit}字节），请等已开始的上传完成后再试"),
    # enrollment codes, app releases, protocol versions (sync/server/enrollment, releases)
    "enroll.code_invalid": N_("登记码不正确，或不是发给该用户的。请核对登记码和用户名"),
    "enroll.code_used": N_("该登记码已于{at}使用过，每个登记码只能用一次。请向管理员申请新的登记码"),
    "enroll.code_expired": N_("该登记码已过期。请向管理员申请新的登记码"),
    "enroll.code_cancelled": N_("该登记码已作废（管理员已为您生成了新的登记码）。请使用最新的登记码"),
    "enroll.code_required": N_("本服务器要求使用登记码登记设备，请在首次运行界面中输入管理员提供的登记码"),
    "enroll.not_sampler": N_("{username} 不是抽样人员，只有抽样人员的电脑需要登记码"),
    "enroll.code_hours": N_("有效期应为1至720小时"),
    "release.bad_version": N_("版本号格式不正确：{version}（应如 1.2.0）"),
    "release.bad_url": N_("下载地址应以 http:// 或 https:// 开头：{url}"),
    "client.upgrade_required": N_("此版本的抽样助手已不再受服务器支持，无法同步。请安装新版本 {version}：{url}（本机已保存的记录不会丢失）"),
    "client.protocol_unsupported": N_("此版本的抽样助手已不再受服务器支持（协议 {protocol}），无法同步。请联系管理员获取新版本（本机已保存的记录不会丢失）"),
    "not_found": N_("未找到：{what}"),
    "bad_request": N_("请求格式错误：{detail}"),
    "server.error": N_("服务器内部错误，请稍后重试"),
    "sync.server_failed": N_("服务器处理此记录出错：{message}（HTTP {status}，已试{attempts}次）。已暂时搁置，问题解决后可重新提交"),
}


def problem(code: str, field: str = "", **params: Any) -> ProblemOut:
    """A ProblemOut with both texts filled from the sync or the domain catalog
    (a domain code as the domain says it: scopes, categories in words; an
    input code with its field named in the texts)."""
    if code in INPUT_CATALOG:
        return input_problem(code, field, **params)
    if code in DOMAIN_CATALOG and code not in SYNC_CATALOG:
        try:
            return from_domain(Problem(code, field, dict(params)))
        except (KeyError, IndexError):
            pass
    text = SYNC_CATALOG.get(code) or DOMAIN_CATALOG.get(code)
    if text is None:
        zh_text = en_text = code
    else:
        try:
            zh_text, en_text = both(text, **params)
        except (KeyError, IndexError):
            zh_text, en_text = both(text)
    return ProblemOut(code=code, field=field, params=dict(params), zh=zh_text, en=en_text)


def from_domain(p) -> ProblemOut:
    """app.domain.messages.Problem -> wire form with both texts."""
    return ProblemOut(code=p.code, field=p.field, params=dict(p.params),
                      zh=p.text("zh_CN"), en=p.text("en"))
