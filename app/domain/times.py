"""Time, one way for the whole tree (desktop, forms, sync client, server).

An instant in code is an aware UTC datetime. A SQLite column holds it as
naive UTC (SQLite has no zones): `utc_naive` going in, `as_utc` coming out.
What people read (the e-CQS deadline, the documents, the screens) is China
time: one zone, UTC+8, no DST, so a fixed offset is exact and needs no tz
database."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(dt: datetime | None) -> datetime | None:
    """Aware UTC; a naive datetime (from a SQLite column) is taken as UTC."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def utc_naive(dt: datetime | None) -> datetime | None:
    """For a SQLite column: naive UTC (a naive input is taken as UTC already)."""
    return None if dt is None else as_utc(dt).replace(tzinfo=None)


def china(dt: datetime | None) -> datetime | None:
    """The same instant in China time (a naive input is taken as UTC)."""
    return None if dt is None else as_utc(dt).astimezone(CHINA)


def china_text(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """How a screen shows an instant: China time, "" for none."""
    return "" if dt is None else china(dt).strftime(fmt)


def china_today(now: datetime | None = None) -> date:
    """Today's date in China (a plan's day, a due date), not the machine's:
    at 02:00 in Taiyuan a server on UTC still says yesterday."""
    return china(now or utc_now()).date()
