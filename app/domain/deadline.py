"""The e-CQS entry rule: a day's sampling must be entered by the end of the
next day (务于当日完成前一天抽样信息的录入). China has one time zone and no
DST, so a fixed UTC+8 offset is exact and needs no tz database."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def _aware(t: datetime) -> datetime:
    # A naive time would be read in the machine's zone (UTC on a server).
    if t.tzinfo is None:
        raise ValueError("naive datetime: give the time zone")
    return t


def entry_deadline(sampled_at: datetime) -> datetime:
    """23:59:59 China time on the day after sampling."""
    day = _aware(sampled_at).astimezone(CHINA).date() + timedelta(days=1)
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA)


def deadline_state(sampled_at: datetime, now: datetime, *, warn_hours: int = 6) -> str:
    """'ok', 'near' (within warn_hours) or 'overdue'."""
    deadline = entry_deadline(sampled_at)
    # Overdue from midnight on: 23:59:59.5 is still within the day.
    if _aware(now) >= deadline + timedelta(seconds=1):
        return "overdue"
    if deadline - now <= timedelta(hours=warn_hours):
        return "near"
    return "ok"
