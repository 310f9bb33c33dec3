"""When simulated people act: officers in office hours on working days (in their agency's
time zone), citizens at any day but mostly awake hours, submissions spread over the period."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from lapor.core import workdays

OFFICE_OPEN = time(8, 0)
OFFICE_CLOSE = time(16, 30)
LAST_CALL = 15  # after 15:00 an officer leaves a same-day task for the next working day
# Submissions per hour of the day (Jakarta time): people write in the morning and the evening.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 9, 9, 8, 7, 6, 7, 8, 8, 6, 4, 2)


def office_time(after: datetime, working_days: int, tz: str, rng: random.Random) -> datetime:
    """A moment in office hours `working_days` working days after `after` (0: later the same
    working day when there is time left, else the next working day)."""
    zone = ZoneInfo(tz)
    local = after.astimezone(zone)
    cal = workdays.calendar()
    day = local.date()
    if working_days > 0:
        day = cal.add_working_days(day, working_days)
    elif not (cal.is_working_day(day) and local.hour < LAST_CALL):
        day = cal.add_working_days(day, 1)
    opens = datetime.combine(day, OFFICE_OPEN, tzinfo=zone)
    closes = datetime.combine(day, OFFICE_CLOSE, tzinfo=zone)
    earliest = max(opens, local + timedelta(minutes=20))
    if earliest >= closes:  # rare: only when `after` is itself late in office hours
        return office_time(closes, 1, tz, rng)
    return earliest + (closes - earliest) * rng.random()


def citizen_time(after: datetime, min_hours: float, max_hours: float, rng: random.Random) -> datetime:
    """Some hours later; a moment in the small hours moves to the next morning."""
    at = after + timedelta(hours=rng.uniform(min_hours, max_hours))
    local = at.astimezone(ZoneInfo(workdays.DEFAULT_TZ))
    if local.hour < 6:
        at += timedelta(hours=6 - local.hour + rng.random())
    return at


def submission_time(start: datetime, end: datetime, rng: random.Random) -> datetime:
    """A moment between start and end, fewer at weekends and at night."""
    zone = ZoneInfo(workdays.DEFAULT_TZ)
    days = max(1, (end - start).days)
    while True:
        day = (start + timedelta(days=rng.randrange(days))).astimezone(zone).date()
        if day.weekday() >= 5 and rng.random() < 0.4:
            continue
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        at = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
        if start <= at < end:
            return at
