"""Canonical serialization of a record and its SHA-256.

The hash is printed on the sampling form and bound into every seal QR, and the
server recomputes it on receipt, so the bytes must be identical on every
platform and Python version: JSON with sorted keys, no insignificant
whitespace, UTF-8 (not ASCII-escaped), decimals and datetimes as strings,
floats refused (their text form is not stable across languages): the
plain form is app.domain.plain.to_plain, without volatile fields.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from app.domain.plain import to_plain

CANONICAL_VERSION = 1


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(to_plain(value), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False).encode("utf-8")


def canonical_hash(value: Any) -> str:
    """Hex SHA-256 of the canonical bytes."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
