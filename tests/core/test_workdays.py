"""Working days (HK) across Lebaran, cuti bersama, weekends, year ends and overrides."""

from datetime import date, datetime, timedelta, timezone

import pytest

from lapor.core import workdays
from lapor.core.models import HolidayOverride
from lapor.core.workdays import WorkCalendar

cal = WorkCalendar()


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2026, 11, 23), 3, date(2026, 11, 26)),  # Mon + 3 = Thu
        (date(2026, 11, 26), 3, date(2026, 12, 1)),  # Thu + 3 skips the weekend
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # from a Saturday: Monday is the first
        # Lebaran 2026: Nyepi joint leave 18 Mar, Nyepi 19, cuti bersama 20, Eid 21-22, cuti bersama 23-24
        (date(2026, 3, 17), 1, date(2026, 3, 25)),
        (date(2026, 3, 13), 5, date(2026, 3, 27)),  # Mon 16, Tue 17, then Wed 25, Thu 26, Fri 27
        # Lebaran 2025: Nyepi 28-29 Mar, Eid 31 Mar-1 Apr, cuti bersama 2, 3, 4 and 7 Apr
        (date(2025, 3, 27), 1, date(2025, 4, 8)),
        (date(2025, 3, 26), 3, date(2025, 4, 9)),
        # Year end 2026: cuti bersama 24 Dec, Christmas 25 Dec, New Year 1 Jan 2027
        (date(2026, 12, 23), 3, date(2026, 12, 30)),
        (date(2026, 12, 23), 5, date(2027, 1, 4)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
        (date(2026, 11, 28), 0, date(2026, 11, 30)),
    ],
)
def test_add_working_days(start, n, expected):
    assert cal.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 3, 20), False),  # cuti bersama Idul Fitri (government category)
        (date(2026, 3, 23), False),
        (date(2026, 3, 25), True),
        (date(2026, 8, 17), False),  # Independence Day
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 23), True),
        (date(2026, 12, 24), False),  # cuti bersama Natal
    ],
)
def test_is_working_day(day, working):
    assert cal.is_working_day(day) is working


def test_working_days_between_counts_the_end_not_the_start():
    assert cal.working_days_between(date(2026, 11, 23), date(2026, 11, 26)) == 3
    assert cal.working_days_between(date(2026, 3, 17), date(2026, 3, 25)) == 1
    assert cal.working_days_between(date(2026, 12, 31), date(2026, 12, 1)) == 0
    assert cal.working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 5


def test_add_then_count_round_trips_over_two_years():
    day = date(2025, 1, 1)
    while day < date(2027, 1, 1):
        for n in (1, 3, 5, 10):
            assert cal.working_days_between(day, cal.add_working_days(day, n)) == n
        day = date.fromordinal(day.toordinal() + 3)


def test_due_at_is_end_of_local_day_in_the_agency_zone():
    # 20:00 UTC Sunday is 03:00 Monday in Jakarta: the count starts from Monday.
    start = datetime(2026, 11, 22, 20, 0, tzinfo=timezone.utc)
    assert cal.due_at(start, 3, "Asia/Jakarta") == datetime(2026, 11, 26, 16, 59, 59, tzinfo=timezone.utc)
    # Jayapura (WIT, UTC+9): end of Thursday there is 14:59:59 UTC.
    assert cal.due_at(start, 3, "Asia/Jayapura") == datetime(2026, 11, 26, 14, 59, 59, tzinfo=timezone.utc)
    # 16:30 UTC Sunday is still Sunday in Jakarta (23:30) -> counted from Sunday: Wed is the 3rd HK.
    late = datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc)
    assert cal.due_at(late, 3, "Asia/Jakarta") == datetime(2026, 11, 25, 16, 59, 59, tzinfo=timezone.utc)


@pytest.mark.django_db
def test_overrides_add_and_remove_days_off():
    workdays.reset_calendar()
    assert workdays.calendar().add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)
    HolidayOverride.objects.create(date=date(2026, 11, 24), name="Cuti bersama tambahan")
    assert workdays.calendar().add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 25)
    # A listed holiday that the government decides to work (and a worked Saturday).
    HolidayOverride.objects.create(date=date(2026, 12, 24), is_holiday=False, name="Masuk kerja")
    HolidayOverride.objects.create(date=date(2026, 12, 26), is_holiday=False, name="Sabtu masuk")
    assert workdays.calendar().add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 26)
    HolidayOverride.objects.filter(date=date(2026, 11, 24)).get().delete()
    assert workdays.calendar().add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 1, 1), -1)


def test_working_days_between_equals_counting_day_by_day():
    """The running counts per year give what counting each day gives, across years, with
    overrides on both sides."""
    import random

    calendar = WorkCalendar(extra_holidays={date(2026, 3, 3): "x"}, extra_working_days={date(2026, 3, 7)})

    def counted(start, end):
        n, day = 0, start
        while day < end:
            day += timedelta(days=1)
            n += calendar.is_working_day(day)
        return n

    rng = random.Random(3)
    for _ in range(500):
        start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1500))
        end = start + timedelta(days=rng.randint(-5, 800))
        assert calendar.working_days_between(start, end) == counted(start, end), (start, end)
    assert calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 5  # 3 Mar off, Saturday 7 on
