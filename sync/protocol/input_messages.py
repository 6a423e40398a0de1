"""Problems with the form of a request (before any rule is checked): the
field is named in `Problem.field` and in both texts. Kept apart from the
sync catalog so that rule codes and input codes do not mix. Texts go
through the one catalogue (app.domain.i18n; English in
resources/i18n/en.json)."""
from __future__ import annotations

from typing import Any

from app.domain.i18n import N_, tr
from sync.protocol.schemas import ProblemOut

INPUT_CATALOG: dict[str, str] = {
    "input.missing": N_("缺少必填项：{field}"),
    "input.unknown": N_("不认识的字段：{field}"),
    "input.type": N_("{field}的类型不对（应为{expected}）"),
    "input.float": N_("{field}不能是浮点数（金额、数量写成十进制文本，如 \"7.85\"）"),
    "input.too_long": N_("{field}过长（最多{max}个）"),
    "input.too_short": N_("{field}不能为空或过短（至少{min}个）"),
    "input.format": N_("{field}的格式不对"),
    "input.choice": N_("{field}的取值无效（可选：{choices}）"),
    "input.range": N_("{field}超出允许的范围"),
    "input.text": N_("{field}含有不允许的字符（空字符或无效的Unicode）"),
    "input.timezone": N_("{field}的时间缺少时区"),
    "input.datetime": N_("{field}不是有效的时间（ISO 8601，带时区）"),
    "input.date": N_("{field}不是有效的日期（YYYY-MM-DD）"),
    "input.decimal": N_("{field}应为十进制数字文本（如 \"12.50\"）"),
    "input.number": N_("{field}必须是有限的数值"),
    "input.json": N_("请求内容不是有效的 JSON"),
    "input.invalid": N_("{field}无效：{detail}"),
    "request.too_large": N_("请求内容过大（上限{limit}字节）"),
    "request.method": N_("此地址不支持 {method} 请求"),
    "sync.canonical_version": N_("不支持的记录格式版本（{version}），请升级服务器或应用"),
    "sync.time_range": N_("请检查设备时钟：{field}为 {value}，不在 {earliest} 至 {latest} 之间"),
    "sync.document_mismatch": N_("记录中的 {field} 与请求中的 {other} 不一致"),
}

# pydantic's type names -> what the texts call them ({expected})
EXPECTED: dict[str, str] = {
    "string": N_("文本"), "int": N_("整数"), "bool": N_("布尔值（true/false）"), "dict": N_("对象"),
    "model": N_("对象"), "model_attributes": N_("对象"), "list": N_("列表"), "float": N_("数值"),
    "datetime": N_("时间"), "literal": N_("列出的取值之一"), "none_required": N_("空值（null）"),
}

# What a sampler or an admin calls the fields they type (the last part of
# the field's path); the Chinese text shows it before the path.
LABELS: dict[str, str] = {
    "username": N_("用户名"), "password": N_("密码"), "device_name": N_("设备名称"), "reason": N_("原因"),
    "notes": N_("备注"), "due_date": N_("截止日期"), "remarks": N_("备注"), "name": N_("名称"),
    "credit_code": N_("统一社会信用代码"), "address": N_("地址"), "phone": N_("电话"), "contact": N_("联系人"),
    "amount": N_("金额"), "unit_price": N_("单价"), "quantity": N_("数量"), "status": N_("状态"),
    "party": N_("受检单位"), "batch_no": N_("批号"), "product": N_("产品名称"), "finished_at": N_("完成时间"),
    "started_at": N_("开始时间"), "device_time": N_("设备时间"), "captured_at": N_("拍摄时间"),
    "signed_at": N_("签名时间"), "sealed_at": N_("封样时间"), "created_at": N_("更正时间"),
    "team_id": N_("抽样组"),
}
TRANSLATED_PARAMS = ("expected",)      # values that are catalogue texts themselves


def field_text(field: str, lang: str) -> str:
    """The field as a text names it: in Chinese its label, then its path."""
    if not field:
        return tr("请求", lang)
    label = LABELS.get(field.rsplit(".", 1)[-1].split("[", 1)[0])
    if label is None or lang.startswith("en"):
        return field
    return tr("{label}（{field}）", lang, label=tr(label, lang), field=field)


def input_problem(code: str, field: str, **params: Any) -> ProblemOut:
    """A problem of this catalog, the field named in both texts."""
    safe = {k: v if isinstance(v, (int, bool)) or v is None else str(v)[:200] for k, v in params.items()}

    def text(lang: str) -> str:
        values = {k: tr(v, lang) if k in TRANSLATED_PARAMS else v for k, v in safe.items()}
        return tr(INPUT_CATALOG[code], lang, field=field_text(field, lang), **values)
    return ProblemOut(code=code, field=field, params=safe, zh=text("zh_CN"), en=text("en"))
