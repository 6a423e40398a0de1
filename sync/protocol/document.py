"""The record document's schema, per canonical_version, and the amendment's.

The desktop emits the document with `app.domain.record.record_document`
(`amendment_document`): the domain dataclasses reduced by
`canonical.to_plain`. The schema is derived from those same dataclasses, so
it accepts exactly what the app produces, and a field added to the domain
(with a default, so that older records keep their hash) is known to the
server at once. Derivation rules (see `_annotation`):

- str: at most `LIMITS[(class, field)]` characters (the length of the column
  it corresponds to on the server), else `LONG_TEXT`; no NUL, no unpaired
  surrogate; ids and hashes by their patterns;
- Decimal (money, quantities): a decimal string, never a JSON number;
- datetime: an ISO 8601 string with a zone (naive times are refused);
- enums: one of their values; bool/int: JSON booleans/integers (strict:
  no "1" for 1, no 1.0, no true for 1);
- lists and maps bounded in length; nesting bounded by the model itself;
- unknown fields refused (`extra_forbidden`), volatile fields too.

Required: fields without a default, and `REQUIRED` (what every version-1
record has had since the first release)."""
from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, create_model
from pydantic_core import PydanticCustomError

from app.domain.canonical import CANONICAL_VERSION
from app.domain.visit import Amendment, Visit
from sync.protocol.fields import (MAX_INT, AwareTimeText, DecimalText, Id, IsoDate, OptionalId, Sha256, Sha256OrEmpty,
                                  Text, clean_text)

LONG_TEXT = 10000          # free text: remarks, facts, notes (the document is one Text column; 1 MiB in all)
SHORT_TEXT = 200
MAX_ITEMS = 500            # list entries (evidence, seals, ...)
MAX_PHOTOS = 1000

# Lengths of the columns these fields correspond to on the server
# (sync/server/*/models.py; tests/sync/test_document_schema.py checks they agree).
LIMITS: dict[tuple[str, str], int] = {
    **{("InspectedParty", f): n for f, n in (
        ("name", 300), ("credit_code", 18), ("licence_no", 100), ("production_licence_no", 100),
        ("ccc_certificate_no", 100), ("address", 300), ("postcode", 10), ("legal_representative", 100),
        ("contact", 100), ("phone", 50), ("scale", 20), ("latitude", 20), ("longitude", 20))},
    **{("Producer", f): n for f, n in (("name", 300), ("address", 300), ("contact", 100), ("phone", 50))},
    ("TeamMember", "name"): 100, ("TeamMember", "certificate_no"): 100,
    ("SampleDetails", "product"): 100,
    ("Visit", "record_no"): 64,
    ("Seal", "seal_no"): 100, ("Signature", "name"): 100, ("Signature", "signer_ref"): 64,
    ("Amendment", "path"): 200, ("EvidenceItem", "media"): 100,
}
SHORT_FIELDS = {"unit", "method", "fuel_grade", "tank_no", "pump_no", "purchase_date", "production_date",
                "batch_no", "trademark", "spec_model", "quality_grade", "standard", "sample_state",
                "approval_no", "witness_name", "witness_id_no", "county_bureau", "reporter",
                "sampling_place", "sampling_method", "shipping_method", "supplier", "location", "place",
                "products"}
REQUIRED = {"Visit": {"id", "record_no", "status", "party", "canonical_version", "photo_hashes"},
            "Amendment": {"id", "path", "prev_hash"}}


def _string(cls: str, name: str, has_default: bool) -> Any:
    if name == "id" or name.endswith("_id"):
        return OptionalId if has_default else Id
    if name.endswith("sha256") or name.endswith("_hash"):
        return Sha256OrEmpty if has_default else Sha256
    limit = LIMITS.get((cls, name)) or (SHORT_TEXT if name in SHORT_FIELDS else LONG_TEXT)
    return Text(limit)


def _union_args(tp: Any) -> tuple | None:
    return typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else None


def _plain_json(value: Any, depth: int = 0) -> Any:
    """A field the domain leaves untyped (Any, a bare dict or list): plain
    JSON, bounded — no floats, clean strings, at most 8 levels deep."""
    if depth > 8:
        raise PydanticCustomError("too_deep", "nested more than 8 levels")
    if isinstance(value, float):
        raise PydanticCustomError("json_float", "a floating-point number")
    if isinstance(value, str):
        if len(value) > LONG_TEXT:
            raise PydanticCustomError("string_too_long", "too long", {"max_length": LONG_TEXT})
        clean_text(value)
    elif isinstance(value, (list, dict)):
        if len(value) > MAX_ITEMS:
            raise PydanticCustomError("too_long", "too many entries", {"max_length": MAX_ITEMS})
        for k, v in (value.items() if isinstance(value, dict) else enumerate(value)):
            _plain_json(k, depth + 1)
            _plain_json(v, depth + 1)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise PydanticCustomError("int_parsing_size", "out of range")
    return value


PlainJson = Annotated[Any, AfterValidator(_plain_json)]


def _annotation(tp: Any, cls: str, name: str, has_default: bool) -> Any:
    if tp is Any or tp in (dict, list) or (typing.get_origin(tp) is dict and typing.get_args(tp)[1:] == (Any,)):
        return PlainJson
    union = _union_args(tp)
    if union:
        args = [a for a in union if a is not type(None)]
        inner = _annotation(args[0], cls, name, has_default)
        return inner | None if len(args) < len(union) else inner
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        (item,) = typing.get_args(tp)[:1] or (Any,)
        return Annotated[list[_annotation(item, cls, name, False)], Field(max_length=MAX_ITEMS)]
    if origin is dict:
        _, vt = typing.get_args(tp) or (str, Any)
        return Annotated[dict[Text(SHORT_TEXT), _annotation(vt, cls, name, True)], Field(max_length=50)]
    if dataclasses.is_dataclass(tp):
        return model_for(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return Literal[tuple(m.value for m in tp)]
    if tp is bool:
        return StrictBool
    if tp is int:
        return Annotated[StrictInt, Field(ge=0, le=10_000)]
    if tp is Decimal:
        return DecimalText
    if tp is datetime:
        return AwareTimeText
    if tp is date:
        return IsoDate
    if tp is str:
        return _string(cls, name, has_default)
    raise TypeError(f"{cls}.{name}: no wire schema for {tp!r}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _model(cls: type, name: str, exclude: frozenset[str] = frozenset(), extra_fields: tuple = ()) -> type[BaseModel]:
    """A pydantic model of what canonical.to_plain emits for this dataclass."""
    hints = typing.get_type_hints(cls)
    required = REQUIRED.get(cls.__name__, set())
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("volatile") or f.name in exclude:
            continue
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        ann = _annotation(hints[f.name], cls.__name__, f.name, has_default)
        fields[f.name] = (ann, ...) if (not has_default or f.name in required) else (ann, None)
    for key, ann in extra_fields:
        fields[key] = (ann, ...)
    return create_model(name, __base__=_Strict, **fields)


@lru_cache(maxsize=None)
def model_for(cls: type) -> type[BaseModel]:
    return _model(cls, f"{cls.__name__}Doc")


# --- the documents ---------------------------------------------------------

def _record_v1() -> type[BaseModel]:
    return model_for(Visit, name="RecordDocumentV1", extra_fields=(
        ("photo_hashes", Annotated[list[Sha256], Field(max_length=MAX_PHOTOS)]),
        ("canonical_version", Literal[1])))


RECORD_SCHEMAS: dict[int, type[BaseModel]] = {1: _model(Visit, "RecordDocumentV1", extra_fields=(
    ("photo_hashes", Annotated[list[Sha256], Field(max_length=MAX_PHOTOS)]),
    ("canonical_version", Literal[1])))}
AmendmentDocument = _model(Amendment, "AmendmentDocument", exclude=frozenset({"hash"}))
assert CANONICAL_VERSION in RECORD_SCHEMAS, "a new canonical_version needs its schema here"


def record_schema(document: dict) -> type[BaseModel] | None:
    """The schema for this document's canonical_version (None: unknown version)."""
    version = document.get("canonical_version")
    return RECORD_SCHEMAS.get(version) if type(version) is int else None


def _times(cls: type, prefix: str = "") -> list[str]:
    """Dotted paths of the times a dataclass emits ("[]": each list entry)."""
    out: list[str] = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("volatile"):
            continue
        tp = typing.get_type_hints(cls)[f.name]
        tp = next((a for a in _union_args(tp) or (tp,) if a is not type(None)), tp)
        path = f"{prefix}{f.name}"
        if typing.get_origin(tp) in (list, tuple):
            tp, path = typing.get_args(tp)[0], path + "[]"
        if tp is datetime:
            out.append(path)
        elif dataclasses.is_dataclass(tp):
            out += _times(tp, path + ".")
    return out


RECORD_TIMES = _times(Visit)
AMENDMENT_TIMES = _times(Amendment)


def times_in(document: dict, paths: list[str]) -> list[tuple[str, str]]:
    """(field, value) of every time present in a validated document, e.g.
    ("evidence[2].captured_at", "2022-11-15T02:30:00Z")."""
    found: list[tuple[str, str]] = []

    def walk(node: Any, parts: list[str], where: str) -> None:
        if not parts:
            if isinstance(node, str):
                found.append((where, node))
            return
        if not isinstance(node, dict):
            return
        head, rest = parts[0], parts[1:]
        if head.endswith("[]"):
            items = node.get(head[:-2])
            for i, item in enumerate(items if isinstance(items, list) else []):
                walk(item, rest, f"{where}{head[:-2]}[{i}].")
        else:
            walk(node.get(head), rest, f"{where}{head}.")

    for p in paths:
        walk(document, p.split("."), "")
    return [(w.rstrip("."), v) for w, v in found]
