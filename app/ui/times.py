"""Every time the app shows is China time (UTC+8): records, deadlines and
paper forms are in it, whatever zone the laptop's clock is set to."""
from __future__ import annotations

from datetime import datetime, timezone

from app.domain.deadline import CHINA

MINUTE = "%Y-%m-%d %H:%M"


def china(t: datetime | None, fmt: str = MINUTE) -> str:
    """`t` in China time; a naive time is UTC (SQLite hands them back so)."""
    if t is None:
        return ""
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(CHINA).strftime(fmt)
