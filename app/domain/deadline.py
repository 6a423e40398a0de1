"""The e-CQS entry rule: a day's sampling must be entered by the end of the
next day (务于当日完成前一天抽样信息的录入), China time (app.domain.times).
One rule and one vocabulary for the home screen, the sync screen, the sync
report and the server's progress."""
from __future__ import annotations

import enum
from datetime import datetime, time, timedelta

from app.domain.times import CHINA


class DeadlineState(str, enum.Enum):
    DUE = "due"              # not yet on the server, time enough
    NEAR = "near"            # not yet on the server, within warn_hours of the deadline
    OVERDUE = "overdue"      # not yet on the server, past the deadline
    MET = "met"              # the server received it in time
    MISSED = "missed"        # the server received it late


def _aware(t: datetime) -> datetime:
    # A naive time would be read in the machine's zone (UTC on a server).
    if t.tzinfo is None:
        raise ValueError("naive datetime: give the time zone")
    return t


def entry_deadline(sampled_at: datetime) -> datetime:
    """23:59:59 China time on the day after sampling."""
    day = _aware(sampled_at).astimezone(CHINA).date() + timedelta(days=1)
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA)


def deadline_state(sampled_at: datetime, now: datetime, *, received_at: datetime | None = None,
                   warn_hours: int = 6) -> DeadlineState:
    """Met or missed once the server received the record (`received_at`);
    before that due, near or overdue at `now`."""
    deadline = entry_deadline(sampled_at)
    # Late from midnight on: 23:59:59.5 is still within the day.
    if received_at is not None:
        return DeadlineState.MET if _aware(received_at) < deadline + timedelta(seconds=1) else DeadlineState.MISSED
    if _aware(now) >= deadline + timedelta(seconds=1):
        return DeadlineState.OVERDUE
    if deadline - now <= timedelta(hours=warn_hours):
        return DeadlineState.NEAR
    return DeadlineState.DUE
