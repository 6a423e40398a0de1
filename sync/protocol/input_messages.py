"""Problems with the form of a request (before any rule is checked): the
field is named in `Problem.field` and in both texts. Kept apart from the
sync catalog so that rule codes and input codes do not mix."""
from __future__ import annotations

from typing import Any

from sync.protocol.schemas import ProblemOut

INPUT_CATALOG: dict[str, tuple[str, str]] = {
    "input.missing": ("缺少必填项：{field}", "Required field missing: {field}"),
    "input.unknown": ("不认识的字段：{field}", "Unknown field: {field}"),
    "input.type": ("{field}的类型不对（应为{expected_zh}）", "{field} has the wrong type (expected {expected})"),
    "input.float": ("{field}不能是浮点数（金额、数量写成十进制文本，如 \"7.85\"）",
                    "{field} must not be a floating-point number (money and quantities are decimal text, "
                    "e.g. \"7.85\")"),
    "input.too_long": ("{field}过长（最多{max}个）", "{field} is too long (at most {max})"),
    "input.too_short": ("{field}不能为空或过短（至少{min}个）", "{field} is empty or too short (at least {min})"),
    "input.format": ("{field}的格式不对", "{field} is not in the expected format"),
    "input.choice": ("{field}的取值无效（可选：{choices}）", "{field} has an invalid value (one of: {choices})"),
    "input.range": ("{field}超出允许的范围", "{field} is out of the allowed range"),
    "input.text": ("{field}含有不允许的字符（空字符或无效的Unicode）",
                   "{field} contains a character that is not allowed (NUL or invalid Unicode)"),
    "input.timezone": ("{field}的时间缺少时区", "{field}: the time has no time zone"),
    "input.datetime": ("{field}不是有效的时间（ISO 8601，带时区）", "{field} is not a valid time (ISO 8601 with a zone)"),
    "input.date": ("{field}不是有效的日期（YYYY-MM-DD）", "{field} is not a valid date (YYYY-MM-DD)"),
    "input.decimal": ("{field}应为十进制数字文本（如 \"12.50\"）", "{field} must be a decimal number as text (e.g. \"12.50\")"),
    "input.number": ("{field}必须是有限的数值", "{field} must be a finite number"),
    "input.json": ("请求内容不是有效的 JSON", "The request body is not valid JSON"),
    "input.invalid": ("{field}无效：{detail}", "{field} is not valid: {detail}"),
    "request.too_large": ("请求内容过大（上限{limit}字节）", "The request body is too large (limit {limit} bytes)"),
    "request.method": ("此地址不支持 {method} 请求", "{method} is not allowed here"),
    "sync.canonical_version": ("不支持的记录格式版本（{version}），请升级服务器或应用",
                               "Unsupported record format version ({version}); update the server or the app"),
    "sync.time_range": ("请检查设备时钟：{field}为 {value}，不在 {earliest} 至 {latest} 之间",
                        "Check the device clock: {field} is {value}, not between {earliest} and {latest}"),
    "sync.document_mismatch": ("记录中的 {field} 与请求中的 {other} 不一致",
                               "{field} in the record differs from {other} in the request"),
}

# pydantic's type names -> what the texts call them
EXPECTED: dict[str, tuple[str, str]] = {
    "string": ("文本", "text"), "int": ("整数", "an integer"), "bool": ("布尔值（true/false）", "a boolean"),
    "dict": ("对象", "an object"), "model": ("对象", "an object"), "model_attributes": ("对象", "an object"),
    "list": ("列表", "a list"), "float": ("数值", "a number"), "datetime": ("时间", "a time"),
    "literal": ("列出的取值之一", "one of the listed values"), "none_required": ("null", "null"),
}

# What a sampler or an admin calls the fields they type (the last part of
# the field's path); the Chinese text shows it before the path.
LABELS_ZH: dict[str, str] = {
    "username": "用户名", "password": "密码", "device_name": "设备名称", "reason": "原因", "notes": "备注",
    "due_date": "截止日期", "remarks": "备注", "name": "名称", "credit_code": "统一社会信用代码",
    "address": "地址", "phone": "电话", "contact": "联系人", "amount": "金额", "unit_price": "单价",
    "quantity": "数量", "status": "状态", "party": "受检单位", "batch_no": "批号", "product": "产品名称",
    "finished_at": "完成时间", "started_at": "开始时间", "device_time": "设备时间", "captured_at": "拍摄时间",
    "signed_at": "签名时间", "sealed_at": "封样时间", "created_at": "更正时间", "team_id": "抽样组",
}


def zh_field(field: str) -> str:
    """The field as the Chinese texts name it: its label, then its path."""
    if not field:
        return "请求"
    label = LABELS_ZH.get(field.rsplit(".", 1)[-1].split("[", 1)[0])
    return f"{label}（{field}）" if label else field


def input_problem(code: str, field: str, **params: Any) -> ProblemOut:
    """A problem of this catalog, the field named in both texts."""
    zh, en = INPUT_CATALOG[code]
    safe = {k: v if isinstance(v, (int, bool)) or v is None else str(v)[:200] for k, v in params.items()}
    return ProblemOut(code=code, field=field, params=safe, zh=zh.format(field=zh_field(field), **safe),
                      en=en.format(field=field or "request", **safe))
