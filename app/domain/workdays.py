"""Working days (工作日) in China: Monday to Friday, minus the public
holidays, plus the weekend days worked instead (调休). Both lists change
every year by a State Council notice, so they are data
(resources/calendar/<year>.json), not code; a year without its file
counts plain weekends, and `covers()` tells the caller so it can warn."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from app.domain import resources

CALENDAR_DIR = "calendar"


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()        # adjusted: a Saturday or Sunday worked
    years: frozenset[int] = frozenset()            # years whose notice is in the data
    names: dict[date, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_data(cls, documents: list[dict]) -> "WorkCalendar":
        holidays, workdays, years, names = set(), set(), set(), {}
        for doc in documents:
            years.add(int(doc["year"]))
            for name, days in (doc.get("holidays") or {}).items():
                for d in days:
                    day = date.fromisoformat(d)
                    holidays.add(day)
                    names[day] = name
            workdays.update(date.fromisoformat(d) for d in doc.get("workdays") or [])
        clash = holidays & workdays
        if clash:
            raise ValueError(f"both holiday and working day: {sorted(clash)}")
        return cls(frozenset(holidays), frozenset(workdays), frozenset(years), names)

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted):
        "within 3 working days after testing ends" ends on add(end, 3)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        n, day = 0, start
        while day < end:
            day += timedelta(days=1)
            n += self.is_working_day(day)
        return n

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


def calendar_files(folder: Path | None = None) -> list[Path]:
    if folder is None:
        base = resources.find(f"{CALENDAR_DIR}/2022.json")
        folder = (base or resources.candidates()[0]) / CALENDAR_DIR
    return sorted(folder.glob("*.json"))


@lru_cache(maxsize=1)
def china_calendar() -> WorkCalendar:
    """The calendar of every year in resources/calendar/."""
    return WorkCalendar.from_data([json.loads(p.read_text(encoding="utf-8")) for p in calendar_files()])
