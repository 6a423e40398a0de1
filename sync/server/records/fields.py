"""The few fields of a record that lists and the summary sheet show, copied
out of its canonical document when it arrives (and corrected by an
amendment to one of them), so a 20,000-row export or a search reads plain
columns instead of parsing every document."""
from __future__ import annotations

from datetime import datetime

from app.domain.deadline import entry_deadline
from app.domain.times import CHINA
from sync.server.records.progress import SKEW_TOLERANCE

# column -> path in the record document
PATHS: dict[str, tuple[str, ...]] = {
    "record_no": ("record_no",), "party_name": ("party", "name"), "party_address": ("party", "address"),
    "producer": ("producer", "name"), "trademark": ("sample", "trademark"), "spec_model": ("sample", "spec_model"),
    "production_date": ("sample", "production_date"), "batch_no": ("sample", "batch_no"), "remarks": ("remarks",),
}
LIMITS = {"record_no": 64, "party_name": 300, "party_address": 300, "producer": 300, "trademark": 100,
          "spec_model": 100, "production_date": 50, "batch_no": 200, "remarks": 2000}


def _get(document: dict, path: tuple[str, ...]) -> str:
    value = document
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def from_document(document: dict) -> dict[str, str]:
    return {col: _get(document, path)[:LIMITS[col]] for col, path in PATHS.items()}


def amended(path: str, new_value: str) -> dict[str, str]:
    """The column an amendment of `path` (e.g. "sample.batch_no") corrects."""
    for col, p in PATHS.items():
        if ".".join(p) == path:
            return {col: str(new_value)[:LIMITS[col]]}
    return {}


def sampled_at(finished_at: datetime | None, device_time: datetime, received_at: datetime) -> datetime:
    """The device's finish time corrected by the clock skew seen at receipt
    (as progress.sampled_at)."""
    stated = finished_at or device_time
    skew = received_at - device_time
    if abs(skew) > SKEW_TOLERANCE:
        stated = stated + skew
    return min(stated, received_at)


def timing(*, finished_at: datetime | None, device_time: datetime, received_at: datetime) -> dict:
    """sampled_on (China date) and late_entry (reached the server after the
    e-CQS deadline, the end of the next day): both fixed at receipt."""
    when = sampled_at(finished_at, device_time, received_at)
    return {"sampled_on": when.astimezone(CHINA).date().isoformat(),
            "late_entry": received_at > entry_deadline(when)}


