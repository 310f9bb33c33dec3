"""The charts test: every chart of every dashboard, drawn in Indonesian (the default language),
is an SVG a browser can draw — geometry as plain numbers ("64.7", never the localised "64,7"),
a bar with a value has an area — while the value written on it is Indonesian ("91,2"). And the
numbers people read are shown the same way on /monev/ and /statistik/, while the exports keep
machine numbers (ADR 0022)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from lapor.core.numbers import human_percent, machine_number
from lapor.monev import charts
from lapor.monev.indicators import compute, compute_children
from lapor.monev.scopes import Period, Scope

from . import scenario
from ..conftest import sign_in
from .helpers import headline_on, tables_on
from .svgcheck import check_page
from .test_exports import read_csv, read_xlsx

# Three months, so that the trend charts have several bars at fractional positions.
Q = {"dari": "2026-09-01", "sampai": "2026-11-27"}
PERIOD = Period.days("2026-09-01", "2026-11-27")
# Every dashboard of /monev/ with its number of bar charts (any other SVG, such as a map, is
# checked as well): the national (macro) pages, a province,
# both kinds of coordinator (meso), and agencies (micro: their units are the rows of its tables
# and of the workload chart; a unit has no page of its own).
DASHBOARDS = {
    "/monev/nasional/": 2,
    "/monev/prioritas-nasional/": 2,
    "/monev/ombudsman/": 2,
    "/monev/provinsi/35/": 2,
    "/monev/koordinator/prov-35/": 2,
    "/monev/koordinator/kemenko-pmk/": 2,
    "/monev/instansi/kota-35-78/": 3,  # + open reports per unit
    "/monev/instansi/kemenkes/": 3,
}


@pytest.fixture(autouse=True)
def _language_back():
    """A request leaves its language active in the thread: put the previous one back, so later
    tests that read messages outside a request see what they saw before."""
    before = translation.get_language()
    yield
    translation.activate(before)


def client(user, language: str) -> Client:
    c = Client(headers={"Accept-Language": language})
    sign_in(c, user)
    return c


@pytest.fixture
def open_backlog(world, story):
    """Reports still open at the city's units, so the workload chart has bars with values."""
    for unit in ("kota-35-78-disdik", "kota-35-78-disdik", "kota-35-78-dinkes"):
        report = scenario.submit(world.citizen, target_agency_code="kota-35-78", title="Jalan rusak", event_date="")
        scenario.act(report, world.city_admin, "forward", unit=unit)
    return story


def test_every_chart_of_every_dashboard_draws_in_indonesian(world, open_backlog):
    c = client(world.national_admin, "id")
    drawn = {}
    for url, count in DASHBOARDS.items():
        page = c.get(url, Q)
        assert page.status_code == 200, url
        assert page.context["period"] == PERIOD, url
        html = page.content.decode()
        assert '<html lang="id"' in html, url
        drawn[url] = check_page(html, url, count)
    # Not vacuous: bars with values at fractional positions were checked on the pages that have them.
    assert sum(1 for b in drawn["/monev/nasional/"] if b.value) >= 2
    assert sum(1 for b in drawn["/monev/instansi/kota-35-78/"] if b.value) >= 3
    assert any("," in b.value_text for bars in drawn.values() for b in bars), "no rate with decimals was drawn"


def test_chart_values_are_human_numbers_and_geometry_machine_numbers(world, open_backlog):
    """The bar's label is the table's figure as people read it; its geometry is unlocalised."""
    html = client(world.national_admin, "id").get("/monev/nasional/", Q).content.decode()
    trend = tables_on(html)[in_language("id", "Received and follow-up rate per month")]
    rate_chart = html[html.index('id="chart-rate-title"'):]
    for _month, _received, rate in trend[1:]:
        shown = rate.removesuffix(" %")
        assert f"{shown}</text>" in rate_chart
    points = [("a", Decimal("91.2")), ("b", 1234), ("c", None)]
    with translation.override("id"):
        assert [b.value for b in charts.bars(points, maximum=2000)["bars"]] == ["91,2", "1.234", "—"]
    with translation.override("en"):
        assert [b.value for b in charts.bars([("a", Decimal("91.2")), ("b", 1234)])["bars"]] == ["91.2", "1,234"]


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


# The headline's rates (label on /monev/, figure of the engine).
RATES = (("Follow-up rate", "follow_up_rate"), ("Completion rate", "completion_rate"),
         ("Verified within the deadline (%)", "verified_on_time_pct"))


def a_fraction(national) -> tuple[str, Decimal]:
    """A headline rate with decimals (so the decimal mark shows): its label and its value."""
    found = [(label, getattr(national, name)) for label, name in RATES
             if getattr(national, name) is not None and getattr(national, name) != getattr(national, name).to_integral_value()]
    assert found, national
    return found[0]


@pytest.mark.parametrize("language, mark", [("id", ","), ("en", ".")])
def test_monev_and_statistics_show_a_percentage_the_same_way(world, story, language, mark):
    national = compute(Scope.national(), PERIOD)
    _label, rate = a_fraction(national)
    with translation.override(language):
        expected = human_percent(rate)
    assert expected == f"{machine_number(rate).replace('.', mark)} %"
    monev = client(world.national_admin, language).get("/monev/nasional/", Q).content.decode()
    public = Client(headers={"Accept-Language": language}).get("/statistik/", Q).content.decode()
    assert f"<dd>{expected}" in monev and f"<dd>{expected}" in public
    # Every rate of the national figures is written alike on both pages.
    headline = headline_on(monev)
    for label, name in RATES:
        with translation.override(language):
            shown = human_percent(getattr(national, name))
        assert headline[in_language(language, label)] == shown
        assert f"<dd>{shown}" in public, name
    # The province table of /statistik/ and the province table of /monev/ agree cell by cell.
    rows = compute_children(Scope.national(), PERIOD)
    with translation.override(language):
        expected_rows = {i.scope.name: human_percent(i.follow_up_rate) for i in rows}
    for page in (monev, public):
        for caption, table in tables_on(page).items():
            if table and table[0][0] == in_language(language, "Province"):
                column = table[0].index(in_language(language, "Follow-up rate"))
                assert {r[0]: r[column] for r in table[1:]} == expected_rows, caption


def test_the_export_of_the_same_table_has_machine_numbers(world, story):
    """The CSV and XLSX of a table shown in Indonesian hold numbers a program reads: a dot, no
    thousands separator, no unit, whatever the page's language."""
    c = client(world.national_admin, "id")
    national = compute(Scope.national(), PERIOD)
    label, rate = a_fraction(national)
    label = in_language("id", label)
    html = c.get("/monev/nasional/", Q).content.decode()
    with translation.override("id"):
        assert headline_on(html)[label] == human_percent(rate)  # "66,7 %" on the page
    rows = dict(read_csv(c.get("/monev/nasional/", {**Q, "tabel": "indikator", "unduh": "csv"}))[1:])
    assert rows[label] == str(rate) == machine_number(rate) and "," not in rows[label]  # "66.7" in the file
    for value in rows.values():
        assert value == "—" or "," not in value, value
    provinces = read_csv(c.get("/monev/nasional/", {**Q, "tabel": "provinsi", "unduh": "csv"}))
    expected = {i.scope.name: i for i in compute_children(Scope.national(), PERIOD)}
    for row in provinces[1:]:
        i = expected[row[0]]
        machine = [("—" if v is None else str(v)) for v in (i.verified_on_time_pct, i.followed_up_on_time_pct)]
        assert row[1:4] == [str(i.received), *machine] and not any("," in cell for cell in row[1:]), row
    book = read_xlsx(c.get("/monev/nasional/", {**Q, "tabel": "indikator", "unduh": "xlsx"}))
    cells = {row[0]: row[1] for row in book[1:]}
    assert cells[label] == float(rate) and isinstance(cells[label], (int, float))  # a number, not text
