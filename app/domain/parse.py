"""Turning what a person typed into typed values, with messages they can act on."""
from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.messages import Problem, RuleViolation

# Thousands separators only where they group thousands: "7,85" is refused
# rather than read as 785.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_TRUE = {"true", "1", "yes", "y", "是", "已出示", "有"}
_FALSE = {"false", "0", "no", "n", "否", "未出示", "无", ""}


def parse_decimal(text: Any, field: str = "") -> Decimal | None:
    if text is None:
        return None
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int) and not isinstance(text, bool):
        value = Decimal(text)
    else:
        s = str(text).strip().replace("¥", "").replace("￥", "").replace("元", "").strip()
        if not s:
            return None
        s = s.replace("，", ",")
        if "," in s:
            if not _GROUPED.fullmatch(s):
                raise RuleViolation([Problem("value.number", field, {"value": str(text)})])
            s = s.replace(",", "")
        try:
            value = Decimal(s)
        except InvalidOperation:
            raise RuleViolation([Problem("value.number", field, {"value": str(text)})]) from None
    if not value.is_finite():
        raise RuleViolation([Problem("value.number", field, {"value": str(text)})])
    if value < 0:
        raise RuleViolation([Problem("value.negative", field)])
    return value


def _coerce(tp: Any, value: Any, field: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return _coerce(args[0], value, field)
    if tp is Decimal:
        return parse_decimal(value, field)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value.value if isinstance(value, enum.Enum) else value)
        except ValueError:
            raise RuleViolation([Problem("value.choice", field, {"value": str(value)})]) from None
    if tp is bool:
        # bool("false") is True: read typed yes/no words instead.
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower() if value is not None else ""
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise RuleViolation([Problem("value.choice", field, {"value": str(value)})])
    if tp is str:
        return "" if value is None else str(value).strip()
    if tp is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise RuleViolation([Problem("value.number", field, {"value": str(value)})]) from None
    return value


def apply_changes(obj: Any, changes: dict[str, Any], prefix: str) -> None:
    """Set dataclass fields from (possibly textual) values; all problems are
    collected first so nothing is half-applied."""
    hints = typing.get_type_hints(type(obj))
    names = {f.name for f in dataclasses.fields(obj)}
    parsed, problems = {}, []
    for name, value in changes.items():
        field = f"{prefix}.{name}"
        if name not in names:
            problems.append(Problem("value.unknown_field", field, {"name": name}))
            continue
        try:
            parsed[name] = _coerce(hints[name], value, field)
        except RuleViolation as e:
            problems += e.problems
    if problems:
        raise RuleViolation(problems)
    for name, value in parsed.items():
        setattr(obj, name, value)
