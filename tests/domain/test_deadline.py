"""e-CQS: a day's sampling must be entered by the end of the next day, in
China time (UTC+8), whatever zone the machine or the timestamp is in."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.domain.deadline import DeadlineState, deadline_state, entry_deadline
from app.domain.times import CHINA

UTC = timezone.utc


def test_morning_sampling_due_end_of_next_day():
    d = entry_deadline(datetime(2022, 11, 15, 9, 0, tzinfo=CHINA))
    assert d == datetime(2022, 11, 16, 23, 59, 59, tzinfo=CHINA)


def test_late_evening_china_time_is_that_china_day():
    # 23:30 on the 15th in Taiyuan is 15:30 UTC on the 15th.
    sampled = datetime(2022, 11, 15, 15, 30, tzinfo=UTC)
    assert entry_deadline(sampled) == datetime(2022, 11, 16, 23, 59, 59, tzinfo=CHINA)
    assert entry_deadline(sampled) == datetime(2022, 11, 16, 15, 59, 59, tzinfo=UTC)


def test_just_after_china_midnight_is_the_next_china_day():
    # 16:30 UTC on the 15th is 00:30 on the 16th in China: due the 17th,
    # although in UTC it is still the 15th.
    assert entry_deadline(datetime(2022, 11, 15, 16, 30, tzinfo=UTC)).date() == datetime(2022, 11, 17).date()


def test_same_instant_from_any_zone_gives_one_deadline():
    t = datetime(2022, 11, 15, 15, 30, tzinfo=UTC)
    berlin = t.astimezone(timezone(timedelta(hours=1)))
    assert entry_deadline(berlin) == entry_deadline(t)


def test_month_and_year_ends():
    assert entry_deadline(datetime(2022, 11, 30, 20, 0, tzinfo=CHINA)).date().isoformat() == "2022-12-01"
    assert entry_deadline(datetime(2022, 12, 31, 23, 30, tzinfo=CHINA)).date().isoformat() == "2023-01-01"


def test_naive_times_refused():
    with pytest.raises(ValueError):
        entry_deadline(datetime(2022, 11, 15, 23, 30))
    with pytest.raises(ValueError):
        deadline_state(datetime(2022, 11, 15, 23, 30, tzinfo=CHINA), datetime(2022, 11, 16, 9, 0))


SAMPLED = datetime(2022, 11, 15, 15, 30, tzinfo=UTC)      # 23:30 China time


@pytest.mark.parametrize("now_china,state", [
    (datetime(2022, 11, 15, 23, 45), "due"),              # same evening
    (datetime(2022, 11, 16, 17, 59, 58), "due"),          # just over 6 h left
    (datetime(2022, 11, 16, 18, 0), "near"),             # 6 h left
    (datetime(2022, 11, 16, 23, 59, 59, 500000), "near"),  # last second of the day
    (datetime(2022, 11, 17, 0, 0), "overdue"),
    (datetime(2022, 11, 20, 9, 0), "overdue"),
])
def test_states_in_china_time(now_china, state):
    assert deadline_state(SAMPLED, now_china.replace(tzinfo=CHINA)) == state


def test_state_uses_the_instant_not_the_wall_clock_zone():
    # 16:00 UTC on the 16th is 00:00 on the 17th in China: overdue.
    assert deadline_state(SAMPLED, datetime(2022, 11, 16, 16, 0, tzinfo=UTC)) == "overdue"
    assert deadline_state(SAMPLED, datetime(2022, 11, 16, 15, 0, tzinfo=UTC)) == "near"


def test_warning_window_is_adjustable():
    now = datetime(2022, 11, 16, 12, 0, tzinfo=CHINA)
    assert deadline_state(SAMPLED, now) == "due"
    assert deadline_state(SAMPLED, now, warn_hours=24) == "near"


def test_received_in_time_is_met_late_is_missed_whatever_now_is():
    late_now = datetime(2022, 12, 1, tzinfo=CHINA)
    assert deadline_state(SAMPLED, late_now, received_at=datetime(2022, 11, 16, 23, 59, 59, 500000,
                                                                  tzinfo=CHINA)) == DeadlineState.MET
    assert deadline_state(SAMPLED, late_now, received_at=datetime(2022, 11, 17, 0, 0, tzinfo=CHINA)) == "missed"
