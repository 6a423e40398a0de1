"""The e-CQS entry rule per record: on the server by the end of the day after
sampling (China time; one zone, no DST, so a fixed offset is exact)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")
NEAR = timedelta(hours=6)


def entry_deadline(sampled_at: datetime) -> datetime:
    day = sampled_at.astimezone(CHINA).date() + timedelta(days=1)
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA)


def deadline_state(sampled_at: datetime, received_at: datetime | None, now: datetime) -> str:
    """'met' / 'missed' once the server has it; before: 'due', 'near' (within
    six hours) or 'overdue'."""
    deadline = entry_deadline(sampled_at)
    if received_at is not None:
        return "met" if received_at <= deadline else "missed"
    if now > deadline:
        return "overdue"
    return "near" if deadline - now <= NEAR else "due"
