"""The formulas on a realistic shape (the seeds' example), rounding, periods, connectivity and
activity in detail, and the management command."""

from dataclasses import asdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from lapor.accounts.models import Position, Role
from lapor.core import clock
from lapor.monev import recount, rollups
from lapor.monev.indicators import compute, percent, percentile, round_half_up
from lapor.monev.scopes import Period, Scope, ScopeError
from lapor.reports.models import Report, ReportEvent

from .scenario import act, at, decree, submit

WIB = ZoneInfo("Asia/Jakarta")


# --- the seeds' example -----------------------------------------------------------------------
# Each status with the path of events that reaches it (a report submitted naming the agency).
PATHS = {
    "at_agency": [],
    "forwarded": [("forward", "agency_admin")],
    "in_process": [("forward", "agency_admin"), ("respond", "liaison_officer")],
    "followed_up": [("forward", "agency_admin"), ("follow_up", "liaison_officer")],
    "appealed": [("forward", "agency_admin"), ("follow_up", "liaison_officer"), ("rate", "reporter"), ("appeal", "reporter")],
    "closed": [("forward", "agency_admin"), ("follow_up", "liaison_officer"), ("rate", "reporter")],
}


def bulk_reports(world, counts: dict[str, int], received: datetime) -> None:
    """Many reports at the city in one go (rows written directly, as bench/generate.py does),
    each with the events that lead to its status, so that the figures read consistent data."""
    reports = []
    for status, n in counts.items():
        for i in range(n):
            reports.append(Report(
                tracking_number=f"{status[:2].upper()}{len(reports):08d}", title="Jalan rusak", description="x" * 40,
                region=world.village, status=status, agency=world.city, received_at=received, submitted_at=received,
                target_agency=world.city, unit=world.city_education if status != "at_agency" else None,
                closed_at=received + timedelta(days=3) if status == "closed" else None,
                rating=5 if status == "closed" else None, appeal_count=int(status == "appealed"),
                updated_at=received, version=1 + len(PATHS[status]),
            ))
    Report.objects.bulk_create(reports)
    events = []
    for report in Report.objects.filter(agency=world.city):
        steps = [("submit", "reporter")] + PATHS[report.status]
        status = ""
        for seq, (action, role) in enumerate(steps, 1):
            target = {"submit": "at_agency", "forward": "forwarded", "respond": "in_process", "follow_up": "followed_up",
                      "rate": "closed", "appeal": "appealed"}[action]
            data = {"rating": 5 if report.status == "closed" else 1} if action in ("rate", "appeal") else {}
            events.append(ReportEvent(report=report, seq=seq, action=action, from_status=status, to_status=target,
                                      actor_role=role, data=data, created_at=received + timedelta(hours=seq)))
            status = target
    ReportEvent.objects.bulk_create(events)


def test_the_seeds_example(world):
    # 437 completed + 66 in process (in process, followed up, appealed) of 935 received.
    bulk_reports(world, {"closed": 437, "in_process": 30, "followed_up": 30, "appealed": 6, "forwarded": 232, "at_agency": 200},
                 datetime(2026, 11, 23, 9, tzinfo=WIB))
    week = Period.days("2026-11-23", "2026-11-27")
    for scope in (Scope.agency("kota-35-78"), Scope.province("35"), Scope.national()):
        figures = compute(scope, week)
        assert (figures.received, figures.completed, figures.in_process) == (935, 437, 66)
        assert figures.follow_up_rate == Decimal("53.8")  # 503 / 935 = 53.796...
        assert figures.completion_rate == Decimal("46.7")  # 437 / 935 = 46.737...
        assert (figures.rated, figures.appealed, figures.satisfaction_count) == (443, 6, 443)
        assert figures.satisfaction_mean == Decimal("4.95")  # (437 * 5 + 6 * 1) / 443 = 4.9458...
        assert (figures.followed_up, figures.reopened, figures.reopen_rate) == (473, 0, Decimal("0.0"))
        # These events carry no stage_ended (like events written before ADR 0015): punctuality
        # is unknown, so it is "—" rather than counted as late.
        assert (figures.followed_up_measured, figures.followed_up_on_time_pct) == (0, None)
        assert (figures.verified_decided, figures.verified_on_time_pct) == (0, None)
    assert compute(Scope.agency("kota-35-78"), Period.days("2026-11-24", "2026-11-30")).received == 0
    # The dashboards read the rollups: rows written directly (as bench/generate.py does) are
    # counted by a rebuild from their events, and then give the same figures.
    recount.rebuild()
    assert recount.verify().ok
    for scope in (Scope.agency("kota-35-78"), Scope.province("35"), Scope.national()):
        for period in (week, Period.days("2026-11-01", "2026-12-31")):
            assert asdict(rollups.compute(scope, period)) == asdict(compute(scope, period))
        assert rollups.compute(scope, week).follow_up_rate == Decimal("53.8")


# --- rounding and statistics --------------------------------------------------------------------
def test_percentages_round_half_up_and_never_divide_by_zero():
    assert percent(503, 935) == Decimal("53.8")
    assert percent(1, 16) == Decimal("6.3")  # 6.25: half up, where banker's rounding gives 6.2
    assert percent(1, 8) == Decimal("12.5") and percent(2, 3) == Decimal("66.7") and percent(1, 3) == Decimal("33.3")
    assert percent(0, 7) == Decimal("0.0") and percent(7, 7) == Decimal("100.0")
    assert percent(0, 0) is None
    assert round_half_up(Fraction(1, 8), 2) == Decimal("0.13")  # 0.125
    assert round_half_up(Fraction(9, 2), 2) == Decimal("4.50")
    assert str(round_half_up(Fraction(0), 1)) == "0.0"


def test_percentiles_interpolate_like_percentile_cont():
    assert percentile([], Fraction(1, 2)) is None
    assert percentile([7], Fraction(9, 10)) == Decimal("7.0")
    assert percentile([3, 14, 3, 10, 3], Fraction(1, 2)) == Decimal("3.0")
    assert percentile([3, 14, 3, 10, 3], Fraction(9, 10)) == Decimal("12.4")
    assert percentile([1, 2], Fraction(1, 2)) == Decimal("1.5")
    assert percentile(list(range(1, 11)), Fraction(9, 10)) == Decimal("9.1")


# --- periods ----------------------------------------------------------------------------------
def test_periods_are_whole_days_in_jakarta_time():
    week = Period.days("2026-11-23", "2026-11-27")
    assert week.start == datetime(2026, 11, 22, 17, tzinfo=ZoneInfo("UTC"))
    assert week.end == datetime(2026, 11, 27, 17, tzinfo=ZoneInfo("UTC"))
    assert Period.parse("2026-11") == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert Period.parse("2026-12") == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert Period.parse("2028-02") == Period(date(2028, 2, 1), date(2028, 2, 29))
    assert Period.parse("2026") == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert Period.parse("2026-11-23") == Period.days("2026-11-23")
    assert Period.parse("2026-11-23..2026-11-27") == week
    for bad in ("2026-13", "yesterday", "2026-11-30..2026-11-01"):
        with pytest.raises(ScopeError):
            Period.parse(bad)


def test_period_edges(world):
    def submit_at(moment, **extra):
        clock.freeze(moment)
        return submit(world.citizen, **extra)

    wib = lambda text: datetime.fromisoformat(text).replace(tzinfo=WIB)  # noqa: E731
    submit_at(wib("2026-11-22T23:59:59"))  # Sunday night: before the week
    submit_at(wib("2026-11-23T00:00:00"))  # first second of the week
    submit_at(wib("2026-11-27T23:59:59"), target_agency_code="kota-91-71")  # Saturday 01:59 in Jayapura
    submit_at(wib("2026-11-28T00:00:00"))  # after the week
    week = Period.days("2026-11-23", "2026-11-27")
    assert compute(Scope.national(), week).received == 2
    # Periods are WIB days whatever the agency's zone: Jayapura's report is in the week.
    assert compute(Scope.agency("kota-91-71"), week).received == 1
    assert compute(Scope.agency("kota-91-71"), Period.days("2026-11-28")).received == 0
    assert compute(Scope.national(), Period.days("2026-11-22")).received == 1
    assert compute(Scope.national(), Period.days("2026-11-28")).received == 1


# --- scopes -----------------------------------------------------------------------------------
def test_scope_parsing(world):
    assert Scope.parse("national").is_national
    assert Scope.parse("agency:kota-35-78").agency_ids == {world.city.pk}
    assert Scope.parse("unit:kota-35-78-disdik").agency_ids == {world.city_education.pk}
    assert Scope.parse("province:35").agency_ids == {world.city.pk}
    assert Scope.parse("province:91").agency_ids == {world.papua.pk}
    for bad in ("agency:kota-35-78-disdik", "unit:kota-35-78", "province:35.78", "agency:nope", "city:x", "national:1", "unit:"):
        with pytest.raises(ScopeError):
            Scope.parse(bad)


# --- connectivity and activity --------------------------------------------------------------
def connected(code):
    return compute(Scope.agency(code), Period.days("2026-11-23")).connected == 1


def test_connectivity_needs_a_decree_an_admin_and_a_liaison_officer(world):
    assert not connected("kota-35-78")  # positions held, no decree
    decree(world.city, world.national_admin, "188/1/2026")
    assert connected("kota-35-78")  # the liaison officers are in its units
    admin = Position.objects.get(agency=world.city, role=Role.AGENCY_ADMIN)
    admin.holder = None
    admin.save()
    assert not connected("kota-35-78")  # the admin post is empty
    Position.objects.create(role=Role.AGENCY_ADMIN, agency=world.city, title="Admin 2", holder=world.outsider, is_active=False)
    assert not connected("kota-35-78")  # an inactive post does not count
    Position.objects.filter(title="Admin 2").update(is_active=True)
    assert connected("kota-35-78")
    Position.objects.filter(agency__parent=world.city, role=Role.LIAISON_OFFICER).update(holder=None)
    assert not connected("kota-35-78")  # no liaison officer left in the agency or its units
    Position.objects.create(role=Role.LIAISON_OFFICER, agency=world.city, title="PP", holder=world.outsider)
    assert connected("kota-35-78")  # a liaison post in the agency itself counts too
    world.city.decrees.update(revoked_at=clock.now(), revoked_by=world.national_admin)
    assert not connected("kota-35-78")  # the decree was revoked
    decree(world.ministry, world.national_admin, "HK.01/2026")
    national = compute(Scope.national(), Period.days("2026-11-23"))
    assert (national.agencies, national.connected, national.connectivity_pct) == (3, 1, Decimal("33.3"))


def test_inactive_agencies_are_not_measured(world):
    world.papua.is_active = False
    world.papua.save()
    assert compute(Scope.national(), Period.days("2026-11-23")).agencies == 2


def test_activity_is_any_official_of_the_agency_or_its_units_acting_in_the_period(world):
    at("2026-11-23")
    report = submit(world.citizen, target_agency_code="kota-35-78")
    other = submit(world.citizen)
    monday, tuesday = Period.days("2026-11-23"), Period.days("2026-11-24")
    assert compute(Scope.agency("kota-35-78"), monday).active == 0  # the citizen's submission is not the agency acting
    at("2026-11-23", "10:00")
    act(other, world.national_admin, "dispose", agency="kemenkes")  # the desk is no agency of these scopes
    assert compute(Scope.national(), monday).active == 0
    at("2026-11-24", "10:00")
    act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    assert (compute(Scope.agency("kota-35-78"), monday).active, compute(Scope.agency("kota-35-78"), tuesday).active) == (0, 1)
    at("2026-11-25", "10:00")
    act(report, world.education_officer, "respond", note="Kami periksa.")  # an official of a unit
    assert compute(Scope.agency("kota-35-78"), Period.days("2026-11-25")).activity_pct == Decimal("100.0")
    national = compute(Scope.national(), Period.days("2026-11-23", "2026-11-25"))
    assert (national.agencies, national.active, national.activity_pct) == (3, 1, Decimal("33.3"))


# --- the command ------------------------------------------------------------------------------
def test_monev_report_command(world):
    at("2026-11-23")
    report = submit(world.citizen, target_agency_code="kota-35-78")
    at("2026-11-24", "10:00")
    act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    out = StringIO()
    call_command("monev_report", "--scope", "agency:kota-35-78", "--from", "2026-11-23", "--to", "2026-11-27", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0] == "agency:kota-35-78 (Pemerintah Kota Surabaya), 2026-11-23..2026-11-27 (WIB), as of now"
    assert "  received " in text and "verified within 3 HK               100.0% (1 of 1)" in text
    assert "follow-up rate                     0.0% (0 completed + 0 in process)" in text
    assert "days to follow-up (median / p90)   — / —" in text
    out = StringIO()
    call_command("monev_report", "--period", "2026-11", "--children", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "national, 2026-11-01..2026-11-30 (WIB), as of now"
    assert any(line.strip().startswith("Jawa Timur") and " 1 " in line for line in lines)
    out = StringIO()
    call_command("monev_report", "--scope", "national", "--period", "2026-11", "--children", "--by-agency", stdout=out)
    assert "Kemenkes" in out.getvalue()
    with pytest.raises(CommandError, match="no agency"):
        call_command("monev_report", "--scope", "agency:nope", "--period", "2026-11")
    with pytest.raises(CommandError, match="--period"):
        call_command("monev_report")
