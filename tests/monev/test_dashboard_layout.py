"""The dashboards people open every morning (ADR 0026): the national page in the order people
read it (headline, trend charts, map, hot spots, tables); long tables cut to 20 rows with a
"show all" link while the export keeps every row; agencies with no reports folded away; the
worst first; the maps carry the tables' numbers and link only where the viewer may go; hot spots
equal a recount from the reports; /statistik/ shows the province map."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.test import Client

from lapor.agencies.models import Agency, Category
from lapor.monev import dashboards, hotspots, map_figures
from lapor.monev.indicators import compute, compute_children
from lapor.monev.scopes import Period, Scope
from lapor.reports.models import Report

from . import scenario
from .helpers import client_for, tables_on
from .test_exports import read_csv

WEEK = Period.days("2026-11-23", "2026-11-27")
Q = {"dari": "2026-11-23", "sampai": "2026-11-27"}
AGENCIES = "Agencies, most reports overdue first, then the lowest follow-up rate"
PROVINCES = "By province (its regional governments)"
# A map area: its link (if any) and its "Name: value" title.
AREA = re.compile(r'(?:<a href="([^"]*)" class="map-link"><title>([^<]*)</title>|<path class="map-area[^"]*"[^>]*><title>([^<]*)</title>)')


def areas_of(html: str) -> dict[str, tuple[str, str]]:
    """The first map on the page: area name -> (value as written, link or "")."""
    figure = html[html.index('<figure class="choropleth">'):]
    figure = figure[: figure.index("</svg>")]
    out = {}
    for link, linked_title, plain_title in AREA.findall(figure):
        name, _sep, value = (linked_title or plain_title).replace("&#x27;", "'").rpartition(": ")
        out[name] = (value, link.replace("&amp;", "&"))
    return out


# --- layout -------------------------------------------------------------------------------------
def test_the_national_page_reads_headline_trend_map_hot_spots_then_tables(world, story):
    html = client_for(world.national_admin).get("/monev/nasional/", Q).content.decode()
    marks = ['id="headline"', 'id="chart-received-title"', 'id="chart-rate-title"', '<figure class="choropleth">',
             'id="titik-rawan"', '<caption id="t-titik-rawan"', '<caption id="t-provinsi"', '<caption id="t-instansi"',
             '<caption id="t-tren"']
    positions = [html.index(mark) for mark in marks]
    assert positions == sorted(positions), dict(zip(marks, positions))
    # The map says where its numbers are: the province table.
    assert 'href="#t-provinsi"' in html


@pytest.fixture
def many_agencies(world):
    """25 agencies with one report each (more than a page), and 3 with none."""
    for n in range(28):
        Agency.objects.create(code=f"lembaga-{n:02}", name=f"Lembaga Uji {n:02}", kind="agency")
    scenario.at("2026-11-24")
    for n in range(25):
        scenario.submit(world.citizen, target_agency_code=f"lembaga-{n:02}")
    return world


def test_a_long_table_shows_20_rows_and_all_on_request_and_the_export_has_all(many_agencies):
    client = client_for(many_agencies.national_admin)
    page = client.get("/monev/nasional/", Q)
    html = page.content.decode()
    shown = tables_on(html)[AGENCIES][1:]
    assert len(shown) == dashboards.PAGE_ROWS == 20
    everyone = compute_children(Scope.national(), WEEK, by=Scope.AGENCY)
    busy = [i for i in everyone if i.received]
    quiet = [i for i in everyone if not i.received]
    assert len(busy) == 25 and len(quiet) >= 3
    # What is left out is said, with the link to everything.
    assert f"Showing the first 20 of {len(busy)} rows with reports in the period." in html
    assert f"Folded away: {len(quiet)} rows with no reports in the period." in html
    link = 'href="?dari=2026-11-23&amp;sampai=2026-11-27&amp;tabel=instansi&amp;semua=1#t-instansi"'
    assert link in html and f"Show all {len(everyone)} rows" in html
    # The quiet agencies are not on the default page at all.
    assert not {i.scope.name for i in quiet} & {r[0] for r in shown}
    whole = client.get("/monev/nasional/", {**Q, "tabel": "instansi", "semua": "1"}).content.decode()
    rows = tables_on(whole)[AGENCIES][1:]
    assert sorted(r[0] for r in rows) == sorted(i.scope.name for i in everyone)
    assert [r[0] for r in rows[: len(busy)]] == [r[0] for r in rows if r[1] != "0"]  # quiet ones last
    after = whole[whole.index('<caption id="t-instansi"'):]
    assert "Show only the first rows with reports" in after and "Folded away" not in after
    # The export has every row, whatever the page shows.
    exported = read_csv(client.get("/monev/nasional/", {**Q, "tabel": "instansi", "unduh": "csv"}))
    assert [r[0] for r in exported[1:]] == [r[0] for r in rows]


def test_a_short_table_with_quiet_agencies_folds_them(world, story):
    html = client_for(world.national_admin).get("/monev/nasional/", Q).content.decode()
    quiet = [i for i in compute_children(Scope.national(), WEEK, by=Scope.AGENCY) if not i.received]
    assert quiet
    names = {r[0] for r in tables_on(html)[AGENCIES][1:]}
    assert not names & {i.scope.name for i in quiet}
    assert f"Folded away: {len(quiet)} rows with no reports in the period." in html
    assert "Showing the first" not in html  # nothing with reports was cut


def test_worst_first_is_most_overdue_then_lowest_follow_up_rate(world, story):
    base = compute(Scope.national(), WEEK)

    def row(name, received, overdue, rate):
        return replace(base, scope=Scope(Scope.AGENCY, name, name), received=received, overdue_now=overdue,
                       follow_up_rate=None if rate is None else Decimal(rate))

    rows = [row("a", 5, 0, "90.0"), row("b", 0, 0, None), row("c", 5, 2, "80.0"), row("d", 9, 2, "40.0"),
            row("e", 3, 0, "10.0"), row("f", 2, 1, None)]
    assert [i.scope.name for i in dashboards.worst_first(rows)] == ["d", "c", "f", "e", "a", "b"]


# --- maps ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("shade, column", [("received", 1), ("follow_up_rate", 4), ("completion_rate", 5),
                                           ("overdue_now", 6), ("", 4)])
def test_the_national_map_holds_the_province_tables_numbers(world, story, shade, column):
    html = client_for(world.national_admin).get("/monev/nasional/", {**Q, "peta": shade}).content.decode()
    areas = areas_of(html)
    assert len(areas) == 38
    table = tables_on(html)[PROVINCES][1:]
    assert table
    for cells in table:
        value, link = areas[cells[0]]
        assert value == cells[column], cells[0]
        code = "35" if cells[0] == "Jawa Timur" else "91"
        assert link == f"/monev/provinsi/{code}/?dari=2026-11-23&sampai=2026-11-27"
    # Provinces without regional governments in this world have no data, and no figure is made up.
    assert areas["Aceh"][0] in ("tidak ada data", "no data")
    assert f'<option value="{shade or map_figures.DEFAULT}" selected>' in html


def test_areas_link_only_where_the_viewer_may_go(world, story, monkeypatch):
    client = client_for(world.national_admin)
    html = client.get("/monev/provinsi/35/", Q).content.decode()
    areas = areas_of(html)
    assert areas["Kota Surabaya"][1] == "/monev/instansi/kota-35-78/?dari=2026-11-23&sampai=2026-11-27"
    # Its value is the city government's row, and the map's own table says the same.
    row = {r[0]: r for r in tables_on(client.get("/monev/provinsi/35/", {**Q, "tabel": "instansi", "semua": "1"})
                                      .content.decode())[AGENCIES][1:]}["Pemerintah Kota Surabaya"]
    assert areas["Kota Surabaya"][0] == row[4]
    map_table = {r[0]: r[1] for r in tables_on(html)[next(c for c in tables_on(html) if "Jawa Timur" in c)][1:]}
    assert map_table["Kota Surabaya"] == row[4]
    # A viewer who may not open a province's or an agency's dashboard gets areas without links.
    real = dashboards.may_open
    monkeypatch.setattr("lapor.monev.views.may_open",
                        lambda actor, kind, code="": kind not in (dashboards.PROVINCE, dashboards.AGENCY) and real(actor, kind, code))
    html = client.get("/monev/nasional/", Q).content.decode()
    assert areas_of(html) and not any(link for _value, link in areas_of(html).values())
    assert "/monev/provinsi/" not in html


def test_the_statistics_page_shows_the_province_map_with_the_tables_numbers(world, story):
    html = Client(headers={"Accept-Language": "en"}).get("/statistik/", {**Q, "peta": "received"}).content.decode()
    areas = areas_of(html)
    table = tables_on(html)["Reports received by the regional governments of each province"][1:]
    assert table and len(areas) == 38
    for cells in table:
        assert areas[cells[0]] == (cells[1], "")  # the same number; no link (no public dashboard)
    assert 'href="#by-province"' in html and "/monev/" not in html
    # The dashboards' indicators that the public table does not show are not offered.
    assert 'value="overdue_now"' not in html
    html = Client(headers={"Accept-Language": "en"}).get("/statistik/", {**Q, "peta": "overdue_now"}).content.decode()
    assert '<option value="follow_up_rate" selected>' in html


# --- hot spots ----------------------------------------------------------------------------------
@pytest.fixture
def spots(world):
    """Reports in the week (Q) and in the five days before it, by category and place."""
    top = Category.objects.create(code="kesehatan", name="KESEHATAN")
    Category.objects.create(code="kesehatan-rsud", name="RSUD", parent=top)
    plan = [  # day, category, region, confidential
        ("2026-11-17", "kesehatan-rsud", "35.78.01.1001", False),  # before both periods: not counted
        ("2026-11-18", "pendidikan-ppdb", "35.78.01.1001", False),  # previous period starts
        ("2026-11-19", "kesehatan-rsud", "35.78.01.1001", False),
        ("2026-11-20", "kesehatan-rsud", "35.78.01.1001", True),
        ("2026-11-22", "kesehatan-rsud", "35.78", False),
        ("2026-11-23", "pendidikan-ppdb", "35.78.01.1001", False),  # the period starts
        ("2026-11-24", "pendidikan-ppdb", "35.78.01.1001", True),
        ("2026-11-25", "pendidikan-ppdb", "35", False),  # the province only: not on the province's page
        ("2026-11-26", "kesehatan-rsud", "91.71", False),
        ("2026-11-27", "kesehatan-rsud", "91.71", False),
        ("2026-11-27", "kesehatan-rsud", "35.78.01.1001", False),
        ("2026-11-28", "kesehatan-rsud", "91.71", False),  # after the period: not counted
    ]
    for day, category, region, confidential in plan:
        scenario.at(day, "23:30")  # late in the WIB day: still that day, whatever UTC says
        scenario.submit(world.citizen, category_code=category, region_code=region, is_confidential=confidential,
                        title=f"Rahasia {day}")
    return world


def recount(period: Period, length: int, prefix: str = "") -> dict[tuple[str, str], int]:
    """Reports per (top category, area code), counted one by one."""
    out: dict[tuple[str, str], int] = {}
    for report in Report.objects.select_related("category__parent"):
        area = report.region_id[:length]
        if not period.contains(report.submitted_at) or not report.region_id.startswith(prefix):
            continue
        top = report.category.parent or report.category
        out[(top.name, area)] = out.get((top.name, area), 0) + 1
    return out


def test_hot_spots_equal_a_recount_rising_first(spots):
    assert hotspots.previous(WEEK) == Period.days("2026-11-18", "2026-11-22")
    found = hotspots.hot_spots(WEEK)
    now, before = recount(WEEK, 2), recount(hotspots.previous(WEEK), 2)
    assert {(s.category, s.area_code): (s.now, s.before) for s in found} == {
        key: (now.get(key, 0), before.get(key, 0)) for key in now.keys() | before.keys()}
    # +2 from nothing (Papua) before +2 from one (200 %), then a fall.
    assert [(s.category, s.area, s.now, s.before, s.change, s.change_pct) for s in found] == [
        ("KESEHATAN", "Papua", 2, 0, 2, None),
        ("PENDIDIKAN DAN KEBUDAYAAN", "Jawa Timur", 3, 1, 2, Decimal("200.0")),
        ("KESEHATAN", "Jawa Timur", 1, 3, -2, Decimal("-66.7")),
    ]
    # A province's page: by regency or city, only reports placed in one of them.
    found = hotspots.hot_spots(WEEK, "35")
    assert [(s.category, s.area, s.now, s.before) for s in found] == [
        ("PENDIDIKAN DAN KEBUDAYAAN", "Kota Surabaya", 2, 1), ("KESEHATAN", "Kota Surabaya", 1, 3)]
    assert hotspots.hot_spots(WEEK, limit=1) == hotspots.hot_spots(WEEK)[:1]
    assert hotspots.hot_spots(WEEK, "3x") == hotspots.hot_spots(WEEK, "99") == []


def test_hot_spots_are_read_from_the_rollups_alone(spots):
    """Two summed reads of the rollup rows and the names of what they found: not one report is
    read, so the cost does not grow with the reports of the period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        assert hotspots.hot_spots(Period.days("2025-11-01", "2026-11-30"))
    sql = [q["sql"] for q in seen.captured_queries]
    assert len(sql) == 4 and not any("reports_report" in q for q in sql), sql
    assert sum("rollups_hotspot" in q for q in sql) == 2
    # November's monthly row less its last five days' rows: Papua's three reports of the 26th to
    # the 28th net to nothing, which is no hot spot.
    most_of_november = Period.days("2026-11-01", "2026-11-25")
    found = hotspots.hot_spots(most_of_november)
    assert {(s.category, s.area_code): (s.now, s.before) for s in found} == {
        key: (n, 0) for key, n in recount(most_of_november, 2).items()}
    assert "91" not in {s.area_code for s in found}


def test_a_category_moved_under_another_moves_its_reports_hot_spots(spots):
    from lapor.monev import recount as rollup_recount
    from lapor.monev.refresh import refresh_pending
    from lapor.rollups.refresh import request_category

    rsud, ppdb = Category.objects.get(code="kesehatan-rsud"), Category.objects.get(code="pendidikan-ppdb")
    Category.objects.filter(pk=rsud.pk).update(parent=ppdb.parent)
    request_category(rsud.pk)
    assert refresh_pending().reports_changed == 8  # the plan's RSUD reports
    found = hotspots.hot_spots(WEEK)
    now, before = recount(WEEK, 2), recount(hotspots.previous(WEEK), 2)
    assert {(s.category, s.area_code): (s.now, s.before) for s in found} == {
        key: (now.get(key, 0), before.get(key, 0)) for key in now.keys() | before.keys()}
    assert "KESEHATAN" not in {s.category for s in found}
    assert rollup_recount.verify().ok


def test_hot_spots_on_the_page_are_counts_only(spots):
    client = client_for(spots.national_admin)
    html = client.get("/monev/nasional/", Q).content.decode()
    rows = tables_on(html)["Hot spots: reports by category and area, rising first"]
    assert rows[0] == ["Category", "Province", "Received", "Previous period", "Difference", "Difference (%)"]
    assert rows[1:] == [["KESEHATAN", "Papua", "2", "0", "+2", "—"],
                        ["PENDIDIKAN DAN KEBUDAYAAN", "Jawa Timur", "3", "1", "+2", "200.0 %"],
                        ["KESEHATAN", "Jawa Timur", "1", "3", "-2", "-66.7 %"]]
    assert "18 November 2026 to 22 November 2026" in html
    assert "Rahasia" not in html and not any(r.tracking_number in html for r in Report.objects.all())
    html = client.get("/monev/provinsi/35/", Q).content.decode()
    assert tables_on(html)["Hot spots: reports by category and area, rising first"][1][:2] == [
        "PENDIDIKAN DAN KEBUDAYAAN", "Kota Surabaya"]
    # The narrowed pages do not show hot spots (ADR 0026).
    assert 'id="titik-rawan"' not in client.get("/monev/prioritas-nasional/", Q).content.decode()
