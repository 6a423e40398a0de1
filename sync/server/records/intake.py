"""What a pushed record must be before anything else looks at it: a
document of its canonical_version's schema (sync/protocol/document.py),
consistent with the push around it, and with every time in a sane window.

Times. Every time carries a zone (the schema). Every time — the device's
clock when sending (`device_time`) and each time in the document — must lie
within [server time − 10 years, server time + 1 year]. Outside it the push
is refused, 422 `sync.time_range`, the field and the window named: the
laptop's clock is wrong (set it right and send again: device_time is read
at each send) or the record was forged; either way a year-9999 or
year-0001 time never reaches the database, where it would break every
report. Inside the window a skewed clock is accepted and flagged: the
audit entry carries the skew (`clock_skew_s`) and progress corrects the
record's sampling time by it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from sync.protocol import document as schema
from sync.protocol.schemas import RecordPush
from sync.server.errors import ApiError

WINDOW_PAST = timedelta(days=3653)      # 10 years
WINDOW_AHEAD = timedelta(days=366)


def check(push: RecordPush, now: datetime) -> None:
    """Raise a 422 (RequestValidationError or ApiError) naming the field."""
    doc = push.document
    if push.kind == "amendment":
        model, times = schema.AmendmentDocument, schema.AMENDMENT_TIMES
    else:
        model, times = schema.record_schema(doc), schema.RECORD_TIMES
        if "canonical_version" not in doc:
            raise RequestValidationError([{"type": "missing", "loc": ("body", "document", "canonical_version"),
                                           "msg": "Field required"}])
        if model is None:
            raise ApiError(422, "sync.canonical_version", field="document.canonical_version",
                           version=str(doc.get("canonical_version"))[:20])
    try:
        model.model_validate(doc)
    except ValidationError as e:
        raise RequestValidationError([{**err, "loc": ("body", "document", *err["loc"])}
                                      for err in e.errors(include_url=False)]) from None
    if push.kind == "record":
        for key, other in (("id", "visit_id"), ("task_id", "task_id")):
            if doc.get(key, "") != getattr(push, other):
                raise ApiError(422, "sync.document_mismatch", field=f"document.{key}", other=other)
    earliest, latest = now - WINDOW_PAST, now + WINDOW_AHEAD
    stated = [("device_time", push.device_time)]
    stated += [(f"document.{field}", _parse(value)) for field, value in schema.times_in(doc, times)]
    for field, at in stated:
        if not earliest <= at <= latest:
            raise ApiError(422, "sync.time_range", field=field, value=_shown(at),
                           earliest=earliest.date().isoformat(), latest=latest.date().isoformat())


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _shown(at: datetime) -> str:
    try:
        return f"{at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
    except OverflowError:                # the first or last hours of the calendar
        return at.isoformat(timespec="minutes")
