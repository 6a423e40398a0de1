"""Rebuild domain dataclasses from the plain JSON form made by
canonical.to_plain (used by the local store and by the server)."""
from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_plain(args[0], value)
    if origin in (list, tuple):
        (item,) = typing.get_args(tp)[:1] or (Any,)
        items = [from_plain(item, v) for v in value]
        return items if origin is list else tuple(items)
    if origin is dict:
        _, vt = typing.get_args(tp) or (str, Any)
        return {k: from_plain(vt, v) for k, v in value.items()}
    if tp is Any:
        return value
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {f.name: from_plain(hints[f.name], value[f.name])
                  for f in dataclasses.fields(tp) if f.name in value}
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if tp is Decimal:
        return Decimal(value)
    if tp is datetime:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if tp is date:
        return date.fromisoformat(value)
    return value


def to_plain_full(obj: Any) -> Any:
    """Like canonical.to_plain but keeps volatile fields (for local storage)."""
    from app.domain.canonical import to_plain
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain_full(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_plain_full(v) for v in obj]
    if isinstance(obj, dict):
        return {str(to_plain(k)): to_plain_full(v) for k, v in obj.items()}
    return to_plain(obj)
