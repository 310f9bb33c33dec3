"""Working days (hari kerja, HK): weekdays that are neither a public holiday nor cuti bersama.

Holidays come from the `holidays` package (Indonesia, categories `public` and `government`,
the latter being cuti bersama), corrected by the HolidayOverride table, because each year's
joint-leave decree (SKB 3 Menteri) can add or move days after a package release.

A deadline of N HK counted from a moment is the end (23:59:59 local time) of the N-th working
day after that moment's local date: a report received on Monday with 3 HK is due at the end of
Thursday. Local time is the handling agency's zone (WIB, WITA or WIT).
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time as dtime, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from lapor.core.models import HolidayOverride
from lapor.core.ttlcache import TtlCache

DEFAULT_TZ = "Asia/Jakarta"
_END_OF_DAY = dtime(23, 59, 59)


class WorkCalendar:
    """A working-day calendar. Immutable once built; cheap to query."""

    def __init__(self, *, extra_holidays: dict[date, str] | None = None, extra_working_days: set[date] | None = None):
        self._extra_holidays = dict(extra_holidays or {})
        self._extra_working = set(extra_working_days or ())
        self._lib = holidays_lib.country_holidays("ID", categories=("public", "government"))
        self._lock = threading.Lock()
        self._years: dict[int, list[int]] = {}  # filled once per year; a dict write is atomic

    def holiday_name(self, day: date) -> str | None:
        if day in self._extra_working:
            return None
        if day in self._extra_holidays:
            return self._extra_holidays[day]
        with self._lock:  # the library expands years lazily and is not thread-safe while doing so
            return self._lib.get(day)

    def is_working_day(self, day: date) -> bool:
        if day in self._extra_working:
            return True
        if day.weekday() >= 5:
            return False
        return self.holiday_name(day) is None

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day strictly after `day` (n >= 1); n == 0 gives the first working
        day on or after `day`."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (0 when end <= start). Read from per-year running
        counts: monitoring counts durations on every transition and replays millions of them."""
        if end <= start:
            return 0
        if start.year == end.year:
            counts = self._running_counts(start.year)
            return counts[_day_of_year(end)] - counts[_day_of_year(start)]
        first = self._running_counts(start.year)
        count = first[-1] - first[_day_of_year(start)]
        for year in range(start.year + 1, end.year):
            count += self._running_counts(year)[-1]
        return count + self._running_counts(end.year)[_day_of_year(end)]

    def _running_counts(self, year: int) -> list[int]:
        """[0, working days of 1 Jan, ... of 1-2 Jan, ..., of the whole year]: index = day of year."""
        counts = self._years.get(year)
        if counts is None:
            counts, day, total = [0], date(year, 1, 1), 0
            while day.year == year:
                total += self.is_working_day(day)
                counts.append(total)
                day += timedelta(days=1)
            self._years[year] = counts
        return counts

    def due_at(self, start: datetime, n: int, tz: str = DEFAULT_TZ) -> datetime:
        """End of the n-th working day after `start`'s local date, as an aware datetime (UTC)."""
        zone = ZoneInfo(tz or DEFAULT_TZ)
        local_day = start.astimezone(zone).date()
        due_day = self.add_working_days(local_day, n)
        return end_of_day(due_day, tz)

    def working_days_left(self, at: datetime, due: datetime, tz: str = DEFAULT_TZ) -> int:
        """Whole working days from `at`'s local date up to `due`'s local date."""
        zone = ZoneInfo(tz or DEFAULT_TZ)
        return self.working_days_between(at.astimezone(zone).date(), due.astimezone(zone).date())


def _day_of_year(day: date) -> int:
    return day.toordinal() - date(day.year, 1, 1).toordinal() + 1


def end_of_day(day: date, tz: str = DEFAULT_TZ) -> datetime:
    return datetime.combine(day, _END_OF_DAY, tzinfo=ZoneInfo(tz or DEFAULT_TZ)).astimezone(ZoneInfo("UTC"))


# --- the calendar in force (package holidays + database overrides) ---------------------------
def _load_calendar() -> WorkCalendar:
    extra_holidays: dict[date, str] = {}
    extra_working: set[date] = set()
    for row in HolidayOverride.objects.all():
        if row.is_holiday:
            extra_holidays[row.date] = row.name
        else:
            extra_working.add(row.date)
    return WorkCalendar(extra_holidays=extra_holidays, extra_working_days=extra_working)


_cache = TtlCache(_load_calendar, seconds=60)


def calendar() -> WorkCalendar:
    """The calendar in force: reloaded from HolidayOverride at most once a minute per process,
    and at once in the process that edits an override (see HolidayOverride.save)."""
    return _cache.get()


def reset_calendar() -> None:
    _cache.forget()


def working_days(start: datetime, end: datetime, tz: str) -> int:
    """Working days from `start` to `end` in the agency's zone, counted as deadlines count them:
    received on Monday and answered on Thursday is 3 HK; the same day is 0. The one definition
    for the indicators (monev/indicators.py) and the rollups' durations (lapor/rollups)."""
    zone = ZoneInfo(tz)
    return calendar().working_days_between(start.astimezone(zone).date(), end.astimezone(zone).date())
