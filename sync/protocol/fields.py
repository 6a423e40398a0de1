"""Constrained field types for what arrives on the wire (request bodies, the
record document, path and query parameters).

Every string that can reach the database is checked here first, the same
way whatever the database: no NUL (PostgreSQL refuses it, SQLite keeps it
and truncates it in C code), no lone UTF-16 surrogate (not encodable as
UTF-8, so neither database can store it), a length no longer than its
column. Ids also refuse control characters. Times must carry a zone; money
and quantities are decimal strings (canonical records refuse floats)."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StrictStr
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[^\x00-\x1f\x7f]+$"
NO_NUL_PATTERN = r"^[^\x00]*$"
DATE_PATTERN = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"
PUBLIC_KEY_PATTERN = r"^[A-Za-z0-9+/]{43}=$"          # base64 of 32 bytes
SHA256_PATTERN = r"^[0-9a-f]{64}$"
DECIMAL_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"
MAX_INT = 2**63 - 1                # the widest integer column (BIGINT)
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("text_nul", "contains a NUL character")
    if _SURROGATE.search(value):
        raise PydanticCustomError("text_surrogate", "contains an unpaired surrogate (not valid Unicode)")
    return value


def aware_time_text(value: str) -> str:
    """An ISO 8601 time with a zone, kept as sent (a canonical document is
    hashed as sent: validation must not rewrite it)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PydanticCustomError("datetime_format", "not an ISO 8601 time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise PydanticCustomError("datetime_naive", "has no time zone")
    return value


def iso_date_text(value: str) -> str:
    """YYYY-MM-DD, or empty (no date)."""
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_format", "not a date (YYYY-MM-DD)") from None
        if len(value) != 10:
            raise PydanticCustomError("date_format", "not a date (YYYY-MM-DD)")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - a type factory, used like a type
    """A string of at most `max_length` characters (its column's length)."""
    return Annotated[StrictStr, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL_PATTERN),
                     AfterValidator(clean_text)]


Id = Annotated[StrictStr, Field(min_length=1, max_length=64, pattern=ID_PATTERN), AfterValidator(clean_text)]
ClientId = Annotated[StrictStr, Field(min_length=8, max_length=64, pattern=ID_PATTERN), AfterValidator(clean_text)]
OptionalId = Annotated[StrictStr, Field(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$"), AfterValidator(clean_text)]
Sha256 = Annotated[StrictStr, Field(pattern=SHA256_PATTERN)]
Sha256OrEmpty = Annotated[StrictStr, Field(pattern=r"^([0-9a-f]{64})?$")]
DecimalText = Annotated[StrictStr, Field(pattern=DECIMAL_PATTERN, max_length=24)]
AwareTimeText = Annotated[StrictStr, Field(max_length=40), AfterValidator(aware_time_text)]
IsoDate = Annotated[StrictStr, Field(max_length=10, pattern=DATE_PATTERN), AfterValidator(iso_date_text)]
Seed = Annotated[int, Field(ge=0, le=2**53)]      # exact in every JSON reader
