"""The monitoring dashboards (/monev/): who opens which, the figures equal the engine's for the
same scope and period, the drill-down down to the open reports, the period picker, the charts
(SVG with a data table, no inline style or script) and the cache."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lapor.agencies.models import Agency, Category
from lapor.core import clock
from lapor.monev import dashboards, workload
from lapor.monev.indicators import compute, compute_children
from lapor.monev.scopes import Period, Scope, ScopeError
from lapor.reports import services
from lapor.reports.models import Report

from . import scenario
from .helpers import client_for, headline_on, shown, supervisors, tables_on

WEEK = Period.days("2026-11-23", "2026-11-27")
Q = {"dari": "2026-11-23", "sampai": "2026-11-27"}
AGENCIES = "Agencies, most reports overdue first, then the lowest follow-up rate"
ALL = {"tabel": "instansi", "semua": "1"}  # the agencies' table whole (quiet rows are folded by default)


def worst_first_key(i) -> tuple:
    """The tables' order: most overdue now, then the lowest follow-up rate; no reports last."""
    return (i.received == 0, -i.overdue_now, i.follow_up_rate is None, i.follow_up_rate or 0, -i.received)


# --- access -----------------------------------------------------------------------------------
URLS = {
    "index": "/monev/",
    "national": "/monev/nasional/",
    "ksp": "/monev/prioritas-nasional/",
    "ombudsman": "/monev/ombudsman/",
    "province": "/monev/provinsi/35/",
    "coord_province": "/monev/koordinator/prov-35/",
    "coord_kemenko": "/monev/koordinator/kemenko-pmk/",
    "city": "/monev/instansi/kota-35-78/",
    "ministry": "/monev/instansi/kemenkes/",
    "papua": "/monev/instansi/kota-91-71/",
    "city_open": "/monev/instansi/kota-35-78/laporan-terbuka/",
    "ministry_open": "/monev/instansi/kemenkes/laporan-terbuka/",
}
# Who may open what (200); everything else is refused (403).
ALLOWED = {
    "national_admin": set(URLS),
    "city_admin": {"index", "city", "city_open"},
    "auditor": {"index", "city", "city_open"},
    "ministry_admin": {"index", "ministry", "ministry_open"},
    "province": {"index", "coord_province", "city", "city_open"},  # drills down to the agencies it coordinates
    "kemenko": {"index", "coord_kemenko", "ministry", "ministry_open"},
    "ksp": {"index", "ksp"},
    "ombudsman": {"index", "ombudsman"},
    "liaison": set(),
    "citizen": set(),
}


def _people(world, story):
    p = story.people
    return {"national_admin": world.national_admin, "city_admin": world.city_admin, "auditor": p.auditor,
            "ministry_admin": world.ministry_admin, "province": p.province, "kemenko": p.kemenko, "ksp": p.ksp,
            "ombudsman": p.ombudsman, "liaison": world.education_officer, "citizen": world.citizen}


def test_each_role_sees_exactly_its_dashboards(world, story):
    problems = []
    for role, user in _people(world, story).items():
        client = client_for(user)
        for name, url in URLS.items():
            expected = 200 if name in ALLOWED[role] else 403
            got = client.get(url, Q).status_code
            if got != expected:
                problems.append(f"{role} x {url}: {got}, expected {expected}")
            # The exports are refused alike.
            if name not in ("index",) and expected == 403:
                query = {**Q, "unduh": "csv"} if name.endswith("_open") else {**Q, "tabel": "indikator", "unduh": "csv"}
                if client.get(url, query).status_code != 403:
                    problems.append(f"{role} x {url} export: not refused")
    assert not problems, "\n".join(problems)


def test_signed_out_visitors_are_sent_to_sign_in(world):
    for url in URLS.values():
        page = client_for(None).get(url)
        assert page.status_code == 302 and page["Location"].startswith("/masuk/"), url


def test_unknown_scopes_are_not_found(world, story):
    client = client_for(world.national_admin)
    for url in ("/monev/provinsi/99/", "/monev/koordinator/tidak-ada/", "/monev/instansi/tidak-ada/",
                "/monev/instansi/kota-35-78-disdik/", "/monev/instansi/national-desk/",
                "/monev/instansi/kota-35-78/laporan-terbuka/?unit=kemenkes-yankes"):
        assert client.get(url).status_code == 404, url


def test_the_menu_offers_monitoring_only_to_roles_with_a_dashboard(world, story):
    for role, user in _people(world, story).items():
        html = client_for(user).get("/petugas/").content.decode()
        assert ('href="/monev/"' in html) is bool(ALLOWED[role]), role


def test_the_index_lists_the_viewers_dashboards(world, story):
    html = client_for(world.national_admin).get("/monev/").content.decode()
    for url in ("/monev/nasional/", "/monev/prioritas-nasional/", "/monev/ombudsman/"):
        assert f'href="{url}"' in html
    html = client_for(story.people.auditor).get("/monev/").content.decode()
    assert 'href="/monev/instansi/kota-35-78/"' in html and "/monev/nasional/" not in html
    html = client_for(story.people.kemenko).get("/monev/").content.decode()
    assert 'href="/monev/koordinator/kemenko-pmk/"' in html and "/monev/instansi/" not in html


# --- figures equal the engine's --------------------------------------------------------------
def _check_row(row: list[str], i) -> None:
    assert row[1:] == [str(i.received), shown(i.verified_on_time_pct, True), shown(i.followed_up_on_time_pct, True),
                       shown(i.follow_up_rate, True), shown(i.completion_rate, True), str(i.overdue_now),
                       shown(i.satisfaction_mean)], (row, i.scope)


def test_national_figures_equal_the_engine(world, story):
    html = client_for(world.national_admin).get("/monev/nasional/", {**Q, **ALL}).content.decode()
    engine = compute(Scope.national(), WEEK)
    headline = headline_on(html)
    assert headline["Reports received"] == str(engine.received) == "10"
    assert headline["Follow-up rate"] == shown(engine.follow_up_rate, True)
    assert headline["Verified within the deadline (%)"] == shown(engine.verified_on_time_pct, True)
    assert headline["Working days to a follow-up (median)"] == shown(engine.days_to_follow_up_median)
    assert headline["Overdue now"] == str(engine.overdue_now)
    assert headline["Agencies connected (decree and officers)"] == shown(engine.connectivity_pct, True)
    tables = tables_on(html)
    provinces = tables["By province (its regional governments)"][1:]
    expected = {i.scope.name: i for i in compute_children(Scope.national(), WEEK)}
    assert sorted(r[0] for r in provinces) == sorted(expected)
    for row in provinces:
        _check_row(row, expected[row[0]])
    keys = [worst_first_key(expected[r[0]]) for r in provinces]
    assert keys == sorted(keys)
    # Agencies: most overdue first, then the lowest follow-up rate; those with no reports last.
    agencies = tables[AGENCIES][1:]
    engine_rows = {i.scope.name: i for i in compute_children(Scope.national(), WEEK, by=Scope.AGENCY)}
    assert sorted(r[0] for r in agencies) == sorted(engine_rows)
    for row in agencies:
        _check_row(row, engine_rows[row[0]])
    keys = [worst_first_key(engine_rows[r[0]]) for r in agencies]
    assert keys == sorted(keys) and len(set(keys)) > 2
    # Drill-down links carry the period.
    assert 'href="/monev/provinsi/35/?dari=2026-11-23&amp;sampai=2026-11-27"' in html
    assert 'href="/monev/instansi/kota-35-78/?dari=2026-11-23&amp;sampai=2026-11-27"' in html


def test_the_trend_is_per_month_of_the_period(world, story):
    period = {"dari": "2026-11-01", "sampai": "2027-01-31"}
    html = client_for(world.national_admin).get("/monev/nasional/", period).content.decode()
    trend = tables_on(html)["Received and follow-up rate per month"]
    months = [Period.month(2026, 11), Period.month(2026, 12), Period.month(2027, 1)]
    expected = [[m.first.strftime("%Y-%m"), str(compute(Scope.national(), m).received),
                 shown(compute(Scope.national(), m).follow_up_rate, True)] for m in months]
    assert trend[1:] == expected
    assert expected[0][1] == "10"
    # A month cut by the period counts only its days.
    assert dashboards.months(Period.days("2026-11-20", "2026-12-05")) == [
        Period.days("2026-11-20", "2026-11-30"), Period.days("2026-12-01", "2026-12-05")]


def test_meso_tables_are_the_coordinated_agencies(world, story):
    html = client_for(story.people.kemenko).get("/monev/koordinator/kemenko-pmk/", Q).content.decode()
    rows = tables_on(html)[AGENCIES][1:]
    assert [r[0] for r in rows] == ["Kemenkes"]
    _check_row(rows[0], compute(Scope.agency("kemenkes"), WEEK))
    assert headline_on(html)["Reports received"] == str(compute(Scope.coordinator("kemenko-pmk"), WEEK).received) == "3"
    assert 'href="/monev/instansi/kemenkes/?dari=2026-11-23&amp;sampai=2026-11-27"' in html
    # The province's coordinator: the agencies whose coordinator it is (as the access policy reads it).
    html = client_for(story.people.province).get("/monev/koordinator/prov-35/", Q).content.decode()
    rows = tables_on(html)[AGENCIES][1:]
    assert [r[0] for r in rows] == ["Pemerintah Kota Surabaya"]
    _check_row(rows[0], compute(Scope.agency("kota-35-78"), WEEK))
    # The national admin's province page: its regional governments by region code.
    html = client_for(world.national_admin).get("/monev/provinsi/35/", {**Q, **ALL}).content.decode()
    names = [r[0] for r in tables_on(html)[AGENCIES][1:]]
    assert sorted(names) == sorted(i.scope.name for i in compute_children(Scope.province("35"), WEEK))


def test_micro_units_table_equals_the_engine_and_links_to_open_reports(world, story):
    html = client_for(world.city_admin).get("/monev/instansi/kota-35-78/", Q).content.decode()
    assert headline_on(html)["Reports received"] == str(compute(Scope.agency("kota-35-78"), WEEK).received)
    units = tables_on(html)["Units of the agency"][1:]
    expected = compute_children(Scope.agency("kota-35-78"), WEEK)
    assert [r[0] for r in units] == [i.scope.name for i in expected]
    for row, i in zip(units, expected):
        _check_row(row, i)
    assert 'href="/monev/instansi/kota-35-78/laporan-terbuka/?unit=kota-35-78-disdik"' in html


def test_ksp_and_ombudsman_dashboards_count_only_their_reports(world, story):
    Category.objects.filter(pk=world.category.pk).update(is_priority=True)
    priority = scenario.submit(world.citizen, category_code="pendidikan-ppdb")  # today: 2027-01-25
    Category.objects.filter(pk=world.category.pk).update(is_priority=False)
    plain = Category.objects.create(code="lain", name="LAINNYA")
    Report.objects.exclude(pk=priority.pk).update(category=plain)
    Category.objects.filter(pk=world.category.pk).update(is_priority=True)
    # Rows changed behind the services' back: move their rollup cells, as a repair would.
    services.refresh_monitoring_facts(Report.objects.values_list("pk", flat=True))
    year = {"dari": "2026-01-01", "sampai": "2027-01-25"}
    period = Period.days("2026-01-01", "2027-01-25")

    html = client_for(story.people.ksp).get("/monev/prioritas-nasional/", {**year, **ALL}).content.decode()
    engine = compute(Scope.national().narrowed(Scope.PRIORITY), period)
    assert engine.received == 1
    assert headline_on(html)["Reports received"] == "1"
    rows = {r[0]: r for r in tables_on(html)[AGENCIES][1:]}
    assert rows["Pemerintah Kota Surabaya"][1] == "0"
    # KSP may not open agencies' dashboards: no drill-down links for it.
    assert "/monev/instansi/" not in html

    html = client_for(story.people.ombudsman).get("/monev/ombudsman/", year).content.decode()
    engine = compute(Scope.national().narrowed(Scope.OMBUDSMAN), period)
    assert (engine.received, engine.ombudsman_transferred, engine.ombudsman_offered) == (2, 1, 1)  # r8 and r9
    headline = headline_on(html)
    assert headline["Reports received"] == "2" and headline["Transferred to the Ombudsman"] == "1"
    assert headline["Offered to the Ombudsman, not transferred"] == "1"
    rows = {r[0]: r for r in tables_on(html)[AGENCIES][1:]}
    _check_row(rows["Kemenkes"], compute(Scope.agency("kemenkes").narrowed(Scope.OMBUDSMAN), period))


def test_narrowed_scopes_filter_every_report_based_figure(world, story):
    """The engine's filter: cohort, overdue, verifications and re-dispositions count only the
    filtered reports; the unfiltered figures are unchanged."""
    r3 = story.r3  # "not our authority" by the city, then the ministry's
    city = Scope.agency("kota-35-78")
    assert compute(city, WEEK).re_dispositions == 1
    assert compute(city.narrowed(Scope.OMBUDSMAN), WEEK).re_dispositions == 0
    assert compute(city.narrowed(Scope.OMBUDSMAN), WEEK).verified_decided == 0
    assert compute(city.narrowed(Scope.OMBUDSMAN), WEEK).overdue_now == 0
    Report.objects.filter(pk=r3.pk).update(ombudsman_offered_at=clock.now())
    narrowed = compute(city.narrowed(Scope.OMBUDSMAN), WEEK)
    assert (narrowed.re_dispositions, narrowed.verified_decided) == (1, 1)  # r3's reception by the city, answered
    assert compute(Scope.national().narrowed(Scope.PRIORITY), WEEK).received == 0
    assert str(Scope.national().narrowed(Scope.PRIORITY)) == "national [priority]"
    with pytest.raises(ScopeError):
        Scope.national().narrowed("other")
    # Children keep the filter.
    rows = compute_children(Scope.national().narrowed(Scope.OMBUDSMAN), WEEK, by=Scope.AGENCY)
    assert {i.scope.only for i in rows} == {Scope.OMBUDSMAN}
    assert {i.scope.code: i.received for i in rows}["kemenkes"] == 3  # r3 (now offered), r8, r9


# --- workload and the drill-down -------------------------------------------------------------
@pytest.fixture
def backlog(world):
    """Open reports at the city, received on different days; today is Monday 23 November 2026."""
    made = {}
    for key, day, unit in (("a", "2026-11-02", "kota-35-78-disdik"), ("b", "2026-11-09", "kota-35-78-dinkes"),
                           ("c", "2026-11-18", None), ("d", "2026-11-20", "kota-35-78-disdik")):
        scenario.at(day)
        report = scenario.submit(world.citizen, target_agency_code="kota-35-78", title=f"Jalan rusak {key}", event_date="")
        if unit:
            scenario.act(report, world.city_admin, "forward", unit=unit)
        made[key] = report
    scenario.act(made["d"], world.education_officer, "follow_up", note="Sudah diperbaiki.")  # waits for the reporter now
    scenario.at("2026-11-23")
    Report.objects.filter(pk=made["a"].pk).update(is_overdue=True)
    services.refresh_monitoring_facts([made["a"].pk])
    return made


def test_workload_buckets_by_age_in_working_days(world, backlog):
    assert [workload.bucket_of(d) for d in (0, 3, 4, 5, 6, 10, 11, 40)] == [0, 0, 1, 1, 2, 2, 3, 3]
    ages = {k: workload.age(Report.objects.select_related("agency", "unit").get(pk=r.pk)) for k, r in backlog.items()}
    assert ages == {"a": 15, "b": 10, "c": 3, "d": 1}
    rows = workload.workload_by_unit(world.city)
    assert [(r.label, r.buckets, r.total, r.overdue) for r in rows] == [
        ("Pemerintah Kota Surabaya", [1, 0, 0, 0], 1, 0),  # c, not yet forwarded
        ("Dinas Kesehatan Kota Surabaya", [0, 0, 1, 0], 1, 0),  # b
        ("Dinas Pendidikan Kota Surabaya", [1, 0, 0, 1], 2, 1),  # d (followed up, still open) and a
    ]
    # Per liaison-officer position: what waits for it (forwarded, in process) — not d.
    rows = workload.workload_by_position(world.city)
    assert [(r.label, r.unit_label, r.buckets, r.vacant) for r in rows] == [
        ("Pejabat Penghubung Dinkes", "Dinas Kesehatan Kota Surabaya", [0, 0, 1, 0], False),
        ("Pejabat Penghubung Disdik", "Dinas Pendidikan Kota Surabaya", [0, 0, 0, 1], False),
    ]


def test_the_agency_page_shows_workload_with_a_chart(world, backlog):
    html = client_for(world.city_admin).get("/monev/instansi/kota-35-78/").content.decode()
    tables = tables_on(html)
    by_unit = tables["Open reports per unit, by age in working days"]
    assert by_unit[0] == ["Unit", "0–3 working days", "4–5 working days", "6–10 working days", ">10 working days",
                          "Total", "Overdue"]
    assert by_unit[1:] == [
        ["Pemerintah Kota Surabaya (not yet forwarded)", "1", "0", "0", "0", "1", "0"],
        ["Dinas Kesehatan Kota Surabaya", "0", "0", "1", "0", "1", "0"],
        ["Dinas Pendidikan Kota Surabaya", "1", "0", "0", "1", "2", "1"],
    ]
    by_position = tables["Open reports waiting for each liaison-officer position, by age in working days"]
    assert by_position[2] == ["Pejabat Penghubung Disdik", "Dinas Pendidikan Kota Surabaya", "held", "0", "0", "0", "1", "1", "1"]
    assert 'href="/monev/instansi/kota-35-78/laporan-terbuka/"' in html  # the reports not yet forwarded
    assert html.count("<svg") == 3  # workload, received per month, follow-up rate per month


def test_open_reports_of_a_unit(world, backlog):
    page = client_for(world.city_admin).get("/monev/instansi/kota-35-78/laporan-terbuka/", {"unit": "kota-35-78-disdik"})
    html = page.content.decode()
    rows = tables_on(html)["Open reports"][1:]
    assert [r[0] for r in rows] == [backlog["a"].tracking_number, backlog["d"].tracking_number]  # oldest first
    assert rows[0][1] == "Jalan rusak a" and rows[0][5] == "15 (>10)" and rows[0][6] == "yes"
    everything = tables_on(client_for(world.city_admin).get("/monev/instansi/kota-35-78/laporan-terbuka/").content.decode())
    assert len(everything["Open reports"]) == 5


def test_the_drill_down_lists_only_what_the_policy_shows(world, backlog, monkeypatch):
    """Through reports_visible_to: a report the viewer may not see is not listed, even in its
    own agency's list."""
    hidden = backlog["b"].pk
    original = workload.reports_visible_to
    monkeypatch.setattr(workload, "reports_visible_to", lambda actor: original(actor).exclude(pk=hidden))
    html = client_for(world.city_admin).get("/monev/instansi/kota-35-78/laporan-terbuka/").content.decode()
    assert backlog["b"].tracking_number not in html and backlog["a"].tracking_number in html


def test_confidential_titles_and_personal_data_in_the_list(world, backlog):
    scenario.at("2026-11-20")
    secret = scenario.submit(world.citizen, target_agency_code="kota-35-78", is_confidential=True,
                             title="Rahasia kepala dinas", event_date="")
    named = scenario.submit(world.citizen, target_agency_code="kota-35-78", title="Hubungi saya di 081234567890", event_date="")
    scenario.at("2026-11-23")
    people = supervisors_for_list(world)
    admin = client_for(world.city_admin).get("/monev/instansi/kota-35-78/laporan-terbuka/").content.decode()
    assert "Rahasia kepala dinas" in admin and "081234567890" in admin
    for user in (people.auditor, people.province):
        html = client_for(user).get("/monev/instansi/kota-35-78/laporan-terbuka/").content.decode()
        assert secret.tracking_number in html and "Rahasia kepala dinas" not in html
        assert "(confidential: content not shown)" in html
        assert named.tracking_number in html and "081234567890" not in html  # redacted for supervisors


def supervisors_for_list(world):
    Agency.objects.create(code="kemenko-pmk", name="Kemenko PMK", kind="coordinating_ministry")
    Agency.objects.create(code="prov-35", name="Pemerintah Provinsi Jawa Timur", kind="province", region=world.province)
    return supervisors(world)


# --- the page itself -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params, message",
    [
        ({"dari": "23-11-2026"}, "Dates must look like 2026-11-23."),
        ({"dari": "2026-11-20", "sampai": "2026-11-01"}, "The start date is after the end date."),
        ({"dari": "2020-01-01", "sampai": "2026-11-01"}, "Choose a period of at most two years."),
    ],
)
def test_a_bad_period_is_explained_and_the_default_used(world, params, message):
    page = client_for(world.national_admin).get("/monev/nasional/", params)
    html = page.content.decode()
    assert page.status_code == 200 and message in html
    assert page.context["period"] == Period.days("2026-01-01", "2026-11-23")  # this year so far


def test_charts_are_svg_with_tables_and_no_inline_style_or_script(world, story):
    page = client_for(world.national_admin).get("/monev/nasional/", Q)
    html = page.content.decode()
    assert html.count('<svg viewBox="0 0 600 200"') == 2 and html.count('role="img"') == 2
    assert "style=" not in html and "<script" not in html and " on" + "click=" not in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "Content-Security-Policy" in page.headers and "unsafe-inline" not in page.headers["Content-Security-Policy"]


def test_figures_are_cached_per_scope_and_period(world, story, monkeypatch):
    calls = []
    original = dashboards.compute

    def counting(scope, period, **options):
        calls.append((scope.kind, scope.code, str(period)))
        return original(scope, period, **options)

    monkeypatch.setattr(dashboards, "compute", counting)
    client = client_for(world.city_admin)
    client.get("/monev/instansi/kota-35-78/", Q)
    first = len(calls)
    assert first > 0
    client.get("/monev/instansi/kota-35-78/", Q)
    assert len(calls) == first  # served from the cache
    client.get("/monev/instansi/kota-35-78/", {"dari": "2026-11-23", "sampai": "2026-11-24"})
    assert len(calls) > first  # another period is computed


def test_the_default_period_is_this_year_so_far(world):
    clock.freeze(clock.now() + timedelta(days=40))  # 2027-01-02
    page = client_for(world.national_admin).get("/monev/nasional/")
    assert page.context["period"] == Period.days("2027-01-01", "2027-01-02")


def test_chart_geometry():
    from lapor.monev import charts

    chart = charts.bars([("2026-11", 10), ("2026-12", 5), ("2027-01", None)])
    tall, half, empty = chart["bars"]
    assert tall.height == 200 - charts.TOP - charts.BOTTOM and tall.y == charts.TOP
    assert half.height == tall.height / 2 and half.y + half.height == chart["baseline"]
    assert (empty.height, empty.value) == (0, "—")
    assert [b.tick for b in chart["bars"]] == ["2026-11", "2026-12", "2027-01"]
    many = charts.bars([(f"m{n}", n) for n in range(25)])["bars"]
    assert [b.tick for b in many if b.tick] == ["m0", "m3", "m6", "m9", "m12", "m15", "m18", "m21", "m24"]
    assert tall.value_y == charts.TOP - 3 and half.value_y == half.y - 3
    rows = charts.hbars([("Dinas Pendidikan", 4), ("Dinas Kesehatan", 2), ("Kosong", 0)])
    assert rows["height"] == 8 + 3 * charts.ROW
    widths = [b.width for b in rows["bars"]]
    assert widths == [charts.BAR_RIGHT - charts.BAR_LEFT, (charts.BAR_RIGHT - charts.BAR_LEFT) / 2, 0]
    assert [b.y for b in rows["bars"]] == [4, 4 + charts.ROW, 4 + 2 * charts.ROW]
    rates = charts.bars([("a", Decimal("50.0"))], maximum=100)
    assert rates["bars"][0].height == (200 - charts.TOP - charts.BOTTOM) / 2
