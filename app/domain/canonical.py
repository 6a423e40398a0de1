"""Canonical serialization of a record and its SHA-256.

The hash is printed on the sampling form and bound into every seal QR, and the
server recomputes it on receipt, so the bytes must be identical on every
platform and Python version: JSON with sorted keys, no insignificant
whitespace, UTF-8 (not ASCII-escaped), decimals and datetimes as strings,
floats refused (their text form is not stable across languages).
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

CANONICAL_VERSION = 1


def to_plain(value: Any) -> Any:
    """Reduce dataclasses, enums, decimals and datetimes to JSON types."""
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
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.metadata.get("volatile")}
    if isinstance(value, dict):
        # Enum keys by value: str() of a str-mixin enum is "Class.MEMBER".
        return {str(to_plain(k)): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    raise TypeError(f"cannot serialize {type(value).__name__} canonically")


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(to_plain(value), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False).encode("utf-8")


def canonical_hash(value: Any) -> str:
    """Hex SHA-256 of the canonical bytes."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
