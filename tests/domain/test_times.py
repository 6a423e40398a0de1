"""One time helper for the whole tree: aware UTC in code, naive UTC in SQLite
columns, China time (UTC+8, no DST) for what people read."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.domain.times import CHINA, as_utc, china, china_text, utc_naive

UTC = timezone.utc


def test_a_column_value_round_trips_to_the_same_instant():
    berlin = datetime(2022, 11, 15, 16, 30, tzinfo=timezone(timedelta(hours=1)))
    stored = utc_naive(berlin)
    assert stored == datetime(2022, 11, 15, 15, 30) and stored.tzinfo is None
    assert as_utc(stored) == berlin and as_utc(stored).tzinfo == UTC
    assert utc_naive(stored) == stored and utc_naive(None) is None and as_utc(None) is None


def test_people_read_china_time_whatever_the_zone_given():
    late_utc = datetime(2022, 11, 15, 16, 30, tzinfo=UTC)        # 00:30 on the 16th in Taiyuan
    assert china(late_utc) == datetime(2022, 11, 16, 0, 30, tzinfo=CHINA)
    assert china(datetime(2022, 11, 15, 16, 30)) == china(late_utc)      # a column's naive UTC
    assert china_text(late_utc) == "2022-11-16 00:30" and china_text(None) == ""
