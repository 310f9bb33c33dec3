"""The rollups kept on every transition give exactly the reference engine's figures (issue #5:
"every dashboard figure equals a direct recomputation from the events"), for every kind of
scope, filter and period — including periods that cut months (daily and monthly grains mixed) —
and `verify` finds any difference between the stored rollups and the event log."""

from dataclasses import asdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import override_settings

from lapor.agencies.models import Agency, Category, Region
from lapor.monev import indicators, recount, refresh, rollups
from lapor.reports import services
from lapor.rollups import writing
from lapor.rollups.accumulate import Accumulator
from lapor.rollups.cells import DAY, MONTH, NATIONAL
from lapor.rollups.models import HotSpotCell, PendingRefresh, Rollup, RollupDays
from lapor.monev.scopes import Period, Scope
from lapor.reports.models import Report

from tests.audit.test_admin_audit import admin_form, admin_save, operator  # noqa: F401  (a signed-in operator)

from . import scenario

PERIODS = [
    Period.days("2026-11-23", "2026-11-27"),  # the scenario's first week (days only)
    Period.days("2026-11-23"),  # one day
    Period.days("2026-11-01", "2026-11-30"),  # a whole month (monthly grain only)
    Period.days("2026-11-25", "2026-12-09"),  # days of two months
    Period.days("2026-11-15", "2027-01-31"),  # ragged start, whole December and January
    Period.days("2026-01-01", "2027-12-31"),  # two whole years
    Period.days("2027-02-01", "2027-02-28"),  # nothing received
]


def every_scope() -> list[Scope]:
    scopes = [Scope.national()]
    scopes += [Scope.national().narrowed(only) for only in (Scope.PRIORITY, Scope.OMBUDSMAN)]
    scopes += [Scope.province(code) for code in Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True)]
    for agency in Agency.objects.exclude(kind__in=("unit", "national_desk", "ombudsman")).filter(parent__isnull=True):
        scopes.append(Scope.agency(agency.code))
        scopes.append(Scope.agency(agency.code).narrowed(Scope.PRIORITY))
        if Agency.objects.filter(coordinator=agency).exists():
            scopes.append(Scope.coordinator(agency.code))
    scopes += [Scope.unit(unit.code) for unit in Agency.objects.filter(parent__isnull=False)]
    return scopes


def plain(figures) -> dict:
    out = asdict(figures)
    del out["scope"], out["period"]
    return out


def assert_same_as_reference():
    scopes = every_scope()
    assert len(scopes) > 10
    for period in PERIODS:
        from_rollups = rollups.compute_many(scopes, period)
        for scope, got in zip(scopes, from_rollups):
            assert plain(got) == plain(indicators.compute(scope, period)), f"{scope} {period}"


@pytest.fixture
def story(world):
    s = scenario.build(world)
    # a national-priority category, so that the KSP filter selects something
    Category.objects.filter(pk=world.category.pk).update(is_priority=True)
    refresh.refresh_category(world.category.pk)
    return s


def test_rollups_equal_the_reference_engine_for_every_scope_and_period(story):
    assert Rollup.objects.filter(grain=MONTH).exists() and RollupDays.objects.exists()
    assert_same_as_reference()
    check = recount.verify()
    assert check.ok, check.differences


def test_children_tables_equal_the_reference(story):
    period = PERIODS[4]
    for parent, by in [(Scope.national(), ""), (Scope.national(), Scope.AGENCY), (Scope.agency("kota-35-78"), "")]:
        got = [plain(row) for row in rollups.compute_children(parent, period, by=by)]
        want = [plain(row) for row in indicators.compute_children(parent, period, by=by)]
        assert got == want


def test_every_report_carries_its_facts(story):
    assert not Report.objects.filter(monitoring_facts={}).exists()


def test_verify_finds_a_tampered_cell_and_rebuild_repairs_it(story):
    cell = Rollup.objects.filter(basis=NATIONAL, grain=DAY, received__gt=0).first()
    Rollup.objects.filter(pk=cell.pk).update(received=cell.received + 5)
    RollupDays.objects.filter(pk=RollupDays.objects.first().pk).update(n=99)
    check = recount.verify()
    assert not check.ok
    assert {(d[0], d[2]) for d in check.differences} == {("rollup", "received"), ("days", "n")}
    table, key, what, stored, expected = next(d for d in check.differences if d[0] == "rollup")
    assert (stored, expected) == (cell.received + 5, cell.received)
    assert key[:3] == ("N", "D", cell.day.isoformat())

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("monev_verify", stdout=out)
    assert "received" in out.getvalue() and "2 differences" in out.getvalue()
    call_command("monev_verify", "--rebuild", stdout=StringIO())
    assert recount.verify().ok
    assert_same_as_reference()


def test_verify_finds_a_report_changed_behind_the_services_back(story):
    Report.objects.filter(pk=story.r4.pk).update(is_overdue=False)
    check = recount.verify()
    assert check.facts_differ == 1
    assert any(d[2] == "overdue" for d in check.differences)
    services.refresh_monitoring_facts([story.r4.pk])
    assert recount.verify().ok


def test_a_category_made_priority_moves_its_reports(story, world):
    Category.objects.filter(pk=world.category.pk).update(is_priority=False)
    assert refresh.refresh_category(world.category.pk) == Report.objects.filter(category=world.category).count()
    assert recount.verify().ok
    assert rollups.compute(Scope.national().narrowed(Scope.PRIORITY), PERIODS[5]).received == 0
    assert_same_as_reference()


def test_transitions_with_rollups_off_leave_them_stale_until_rebuilt(world):
    with override_settings(LAPOR_MONEV_ROLLUPS=False):
        scenario.at("2026-11-23")
        scenario.submit(world.citizen)
    assert not Rollup.objects.exists()
    assert not recount.verify().ok
    recount.rebuild()
    assert recount.verify().ok
    assert rollups.compute(Scope.national(), PERIODS[0]).received == 1


def test_percentile_of_counts_matches_the_reference_percentile():
    import random
    from fractions import Fraction

    rng = random.Random(5)
    for _ in range(200):
        values = [rng.randint(0, 30) for _ in range(rng.randint(1, 40))]
        counts = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        for p in (indicators.MEDIAN, indicators.P90, Fraction(1, 4)):
            assert rollups.percentile_of_counts(counts, p) == indicators.percentile(values, p)
    assert rollups.percentile_of_counts({}, indicators.MEDIAN) is None


def test_trend_per_month_equals_the_reference(story):
    from lapor.monev.dashboards import months

    period = Period.days("2026-11-20", "2027-01-27")
    for scope in [Scope.national(), Scope.national().narrowed(Scope.PRIORITY), Scope.agency("kota-35-78"), Scope.unit("kota-35-78-disdik")]:
        want = {}
        for month in months(period):
            figures = indicators.compute(scope, month)
            want[month.first.isoformat()[:7]] = (figures.received, figures.follow_up_rate)
        assert rollups.trend(scope, period) == want, scope


def test_saving_a_category_as_priority_queues_its_reports_and_the_job_moves_them(story, world, client, operator):
    """The admin, a writer of categories, asks for the refresh in the change's transaction."""
    url = f"/admin/agencies/category/{world.category.pk}/change/"
    assert Category.objects.get(pk=world.category.pk).is_priority
    form = admin_form(client, url)
    form.pop("is_priority")  # unticked
    assert client.post(url, {**form, "_save": "Save"}).status_code == 302  # the request only records what is to be done
    assert not Category.objects.get(pk=world.category.pk).is_priority
    assert list(PendingRefresh.objects.values_list("kind", "category_id")) == [("category", world.category.pk)]
    assert not recount.verify().ok
    outcome = refresh.refresh_pending()
    assert (outcome.requests, outcome.kinds) == (1, {"category": 1}) and outcome.reports_changed > 0
    assert not PendingRefresh.objects.exists()
    assert recount.verify().ok
    assert rollups.compute(Scope.national().narrowed(Scope.PRIORITY), PERIODS[5]).received == 0
    assert admin_save(client, url).status_code == 302  # unchanged: nothing to do
    assert not PendingRefresh.objects.exists()
    assert refresh.refresh_pending().requests == 0


def fixture_codes() -> list[str]:
    from lapor.agencies import loader

    return [row["code"] for row in loader.read_fixture(loader.CATEGORIES_FILE)]


def test_load_reference_changing_a_priority_queues_its_reports(story, world):
    """`load_reference` upserts categories in bulk (no signals): it asks for the refresh itself."""
    call_command("load_reference", regions_level="province", stdout=StringIO())
    assert not PendingRefresh.objects.exists()
    category = Category.objects.filter(is_priority=False, code__in=fixture_codes()).first()
    Category.objects.filter(pk=category.pk).update(is_priority=True)  # as an earlier fixture had it
    out = StringIO()
    call_command("load_reference", regions_level="province", stdout=out)
    assert "categories whose priority or parent changed: 1" in out.getvalue()
    assert list(PendingRefresh.objects.values_list("kind", "category_id")) == [("category", category.pk)]
    call_command("load_reference", regions_level="province", stdout=StringIO())  # nothing changed now
    assert PendingRefresh.objects.count() == 1


def test_a_bulk_load_adds_its_cells_with_the_accumulator(story):
    """bench/generate.py writes reports and events directly and adds their cells in one go."""
    from lapor.reports.models import ReportEvent

    kept = Report.objects.order_by("pk").first()
    Rollup.objects.all().delete()
    RollupDays.objects.all().delete()
    HotSpotCell.objects.all().delete()
    # One report keeps its cells (as rows already loaded would); the others are "loaded" now.
    Accumulator().add(kept, list(ReportEvent.objects.filter(report=kept).order_by("seq")))
    first = Accumulator()
    first.add(kept, list(ReportEvent.objects.filter(report=kept).order_by("seq")))
    first.write()
    parts = [Accumulator(), Accumulator()]
    # a subset's sums kept apart as well (bench/earlier_years.py copies the finished reports' cells)
    closed, closed_alone = Accumulator(), Accumulator()
    for i, report in enumerate(Report.objects.exclude(pk=kept.pk).order_by("pk")):
        events = list(ReportEvent.objects.filter(report=report).order_by("seq"))
        also = closed if report.status == "closed" else None
        Report.objects.filter(pk=report.pk).update(monitoring_facts=parts[i % 2].add(report, events, also=also))
        if also is not None:
            closed_alone.add(report, events)
    assert closed.reports > 0
    assert closed.plain().cells == closed_alone.plain().cells and closed.plain().days == closed_alone.plain().days
    total = parts[0].plain()
    total.merge(parts[1].plain())
    total.write(batch=7)
    assert recount.verify().ok
    assert_same_as_reference()


def test_all_provinces_at_once_are_each_province(story):
    together = Scope.provinces()
    assert [s.code for s in together] == sorted(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True))
    for scope in together:
        alone = Scope.province(scope.code)
        assert (scope, scope.agency_ids) == (alone, alone.agency_ids)
    assert any(scope.agency_ids for scope in together)


def test_tables_without_durations_leave_only_the_durations_out(story):
    scopes = [Scope.national(), Scope.agency("kota-35-78"), Scope.unit("kota-35-78-disdik")]
    period = PERIODS[4]
    for full, short in zip(rollups.compute_many(scopes, period), rollups.compute_many(scopes, period, durations=False)):
        full, short = plain(full), plain(short)
        for name in ("days_to_follow_up_median", "days_to_follow_up_p90", "days_to_completion_median", "days_to_completion_p90"):
            assert short.pop(name) is None
            full.pop(name)
        assert short == full


def test_percent_in_integers_equals_the_exact_fraction():
    import random
    from fractions import Fraction

    rng = random.Random(9)
    for _ in range(20000):
        whole = rng.randint(1, 5000)
        part = rng.randint(0, whole)
        got = indicators.percent(part, whole)
        assert (got, str(got)) == (indicators.round_half_up(Fraction(100 * part, whole), 1), str(indicators.round_half_up(Fraction(100 * part, whole), 1)))


def test_a_ragged_month_mostly_covered_is_its_monthly_row_less_the_days_left_out(story):
    # Days left out that hold rows (the scenario's reports are of 23-27 November) are taken away.
    periods = [
        Period.days("2026-11-01", "2026-11-24"),  # November less 25-30
        Period.days("2026-11-03", "2026-11-25"),  # November less 1-2 and 26-30
        Period.days("2026-11-10", "2027-01-20"),  # November less 1-9, December, January less 21-31
    ]
    for period in periods:
        assert rollups.segments(period).minus is not None
    assert rollups.segments(Period.days("2026-11-23", "2026-11-27")).minus is None  # a few days: read by day
    scopes = every_scope()
    for period in periods:
        for scope, got in zip(scopes, rollups.compute_many(scopes, period)):
            assert plain(got) == plain(indicators.compute(scope, period)), f"{scope} {period}"
    for scope in [Scope.national(), Scope.agency("kota-35-78"), Scope.unit("kota-35-78-disdik")]:
        want = indicators.compute(scope, periods[0])
        assert rollups.trend(scope, periods[0]) == {"2026-11": (want.received, want.follow_up_rate)}, scope


def test_rollup_statements_carry_only_integers_dates_and_codes():
    """Transitions write their cells as literals in the statement (no placeholders): anything but
    an integer, a date, a boolean or a one-letter rollup code is refused, never quoted."""
    from datetime import date

    assert writing._values([("N", "D", date(2026, 11, 23), 7, 0, True, False, -1)]) == (
        "('N', 'D', '2026-11-23', 7, 0, TRUE, FALSE, -1)"
    )
    for bad in ("x'; DROP TABLE monev_rollup; --", "NN", 1.5, None, b"N"):
        with pytest.raises(TypeError):
            writing._literal(bad)


def test_a_holiday_added_moved_or_removed_recounts_the_durations_that_span_it(story, client, operator):
    """Working-day durations are stored in the facts: a late holiday decree changes those that
    span its day, and the job recounts exactly those (the reference engine reads the calendar)."""
    from datetime import date

    from lapor.core.models import HolidayOverride

    spanned = date(2026, 11, 25)  # a Wednesday inside the scenario's first follow-ups
    assert admin_save(client, "/admin/core/holidayoverride/add/", date=spanned.isoformat(), name="Cuti bersama (tes)",
                      is_holiday="on").status_code == 302
    holiday = HolidayOverride.objects.get()
    assert list(PendingRefresh.objects.values_list("kind", "day")) == [("holiday", spanned)]
    check = recount.verify()
    assert not check.ok and any(d[0] == "days" for d in check.differences)
    assert refresh.refresh_pending().reports_changed > 0
    assert recount.verify().ok
    assert_same_as_reference()

    url = f"/admin/core/holidayoverride/{holiday.pk}/change/"
    assert admin_save(client, url, date="2026-11-26").status_code == 302  # moved: both days are recounted
    assert sorted(PendingRefresh.objects.values_list("day", flat=True)) == [spanned, date(2026, 11, 26)]
    refresh.refresh_pending()
    assert recount.verify().ok

    response = client.post(f"/admin/core/holidayoverride/{holiday.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not HolidayOverride.objects.exists()
    assert not recount.verify().ok
    refresh.refresh_pending()
    assert recount.verify().ok and not PendingRefresh.objects.exists()
    assert_same_as_reference()


def test_the_refresh_job_is_scheduled_and_run_by_the_embedded_worker(story, world, client, operator):
    from io import StringIO

    from config.celery import app
    from lapor.monev import tasks  # noqa: F401  (registers the task)

    entry = app.conf.beat_schedule["monitoring-refresh"]
    assert entry["task"] == "lapor.monev.tasks.refresh_pending" and entry["task"] in app.tasks
    url = f"/admin/agencies/category/{world.category.pk}/change/"
    form = admin_form(client, url)
    form.pop("is_priority")
    assert client.post(url, {**form, "_save": "Save"}).status_code == 302
    out = StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert "monitoring refresh: requests=1" in out.getvalue()
    assert not PendingRefresh.objects.exists() and recount.verify().ok


def test_a_transition_sends_its_rollup_cells_with_its_event(world):
    """PostgreSQL: the rollup statements lead the event's INSERT (one round trip), so keeping
    the rollups adds no statement to a submission; other databases send them first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(rollups_on: bool) -> list[str]:
        with override_settings(LAPOR_MONEV_ROLLUPS=rollups_on), CaptureQueriesContext(connection) as seen:
            scenario.submit(world.citizen)
        return [q["sql"] for q in seen.captured_queries]

    statements(False), statements(True)  # caches warmed (calendar, look-ups)
    off, on = statements(False), statements(True)
    inserts = [sql for sql in on if "reports_reportevent" in sql and "INSERT" in sql]
    assert len(inserts) == 1
    if connection.vendor == "postgresql":
        assert len(on) == len(off)
        assert inserts[0].startswith("WITH rollup_0 AS (INSERT INTO monev_rollup ")
    else:  # a submission's cells and its hot-spot cells (their own table, ADR 0031)
        assert len(on) == len(off) + 2
        assert any(sql.startswith("INSERT INTO monev_rollup ") for sql in on)
        assert any(sql.startswith("INSERT INTO rollups_hotspot ") for sql in on)
    assert Rollup.objects.filter(basis=NATIONAL, grain=DAY).aggregate(n=Sum("received"))["n"] == 2
