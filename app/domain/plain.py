"""Domain dataclasses to and from their plain JSON form: to_plain reduces
them (the canonical record, app.domain.canonical, is its JSON without the
volatile fields; the local store keeps those too), from_plain rebuilds them
(the local store and the server)."""
from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_plain(value: Any, *, volatile: bool = False) -> Any:
    """Reduce dataclasses, enums, decimals and datetimes to JSON types.
    Fields marked volatile (navigation, timestamps of saving) are left out
    of the record unless `volatile` (local storage keeps them)."""
    if isinstance(value, enum.Enum):   # before str: our enums are str subclasses
        return to_plain(value.value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        raise TypeError("floats are not allowed in canonical records; use Decimal")
    if isinstance(value, Decimal):
        # Normalised text without exponent: Decimal("12.50") -> "12.50" stays as
        # entered; callers quantize money to cents before it gets here.
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in canonical record")
        return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name), volatile=volatile) for f in dataclasses.fields(value)
                if volatile or not f.metadata.get("volatile")}
    if isinstance(value, dict):
        # Enum keys by value: str() of a str-mixin enum is "Class.MEMBER".
        return {str(to_plain(k)): to_plain(v, volatile=volatile) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v, volatile=volatile) for v in value]
    raise TypeError(f"cannot serialize {type(value).__name__} canonically")


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
