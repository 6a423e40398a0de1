"""Turning what a person typed into typed values, with messages they can act on."""
from __future__ import annotations

import dataclasses
import enum
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.messages import CATALOG, Problem, RuleViolation



def parse_decimal(text: Any, field: str = "") -> Decimal | None:
    if text is None or isinstance(text, Decimal):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        return Decimal(text)
    s = str(text).strip().replace(",", "").replace("，", "").replace("¥", "").replace("元", "")
    if not s:
        return None
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
        return bool(value)
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
