"""Exports of the dashboards (every table as CSV and XLSX: the page's rows and numbers) and of the
open-report list (only what the viewer may see; never an anonymous reporter's identity)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lapor.agencies.models import Agency
from lapor.monev.indicators import compute, compute_children
from lapor.monev.scopes import Period, Scope

from . import scenario
from .helpers import client_for, supervisors, tables_on

WEEK = Period.days("2026-11-23", "2026-11-27")
Q = {"dari": "2026-11-23", "sampai": "2026-11-27"}


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _page_cell(text: str) -> str:
    """A page cell as the CSV writes it: rates without their unit, a rise without its "+"."""
    text = text[1:] if text.startswith("+") else text
    return text[:-2] if text.endswith(" %") else text


def _same(xlsx_value, csv_text: str) -> bool:
    """An XLSX cell holds the CSV's value: the same text, or the same number."""
    if isinstance(xlsx_value, (int, float)) and not isinstance(xlsx_value, bool):
        return Decimal(str(xlsx_value)) == Decimal(csv_text)
    return xlsx_value == csv_text


PAGES = {
    "/monev/nasional/": ["indikator", "provinsi", "instansi", "titik-rawan", "tren"],
    "/monev/koordinator/kemenko-pmk/": ["indikator", "instansi", "tren"],
    "/monev/instansi/kota-35-78/": ["indikator", "unit", "beban-unit", "beban-pejabat", "tren"],
    "/monev/prioritas-nasional/": ["indikator", "instansi", "tren"],
    "/monev/ombudsman/": ["indikator", "instansi", "tren"],
}


@pytest.mark.parametrize("url", list(PAGES))
def test_every_table_exports_the_pages_rows(world, story, url):
    client = client_for(world.national_admin)
    page = client.get(url, Q)
    hot_spots = [page.context["hot_spots"]] if page.context["hot_spots"] else []
    tables = {t.key: t for t in [page.context["headline"], *page.context["tables"], *hot_spots, page.context["trend"]]}
    assert sorted(tables) == sorted(PAGES[url])
    on_page = tables_on(page.content.decode())
    # A long table shows its rows with reports on the page; "show all" (?tabel=…&semua=1) shows
    # every row, as the export has them.
    for key, table in tables.items():
        if key == "indikator":  # a list of terms, not a table
            continue
        whole = tables_on(client.get(url, {**Q, "tabel": key, "semua": "1"}).content.decode())
        on_page[table.caption] = whole[table.caption]
    for key, table in tables.items():
        as_csv = read_csv(client.get(url, {**Q, "tabel": key, "unduh": "csv"}))
        xlsx = client.get(url, {**Q, "tabel": key, "unduh": "xlsx"})
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        assert f'.xlsx"' in xlsx["Content-Disposition"] and key in xlsx["Content-Disposition"]
        as_xlsx = read_xlsx(xlsx)
        assert as_csv[0] == [c.header for c in table.columns] == list(as_xlsx[0])
        if key == "indikator":  # the page shows it as a list of terms
            html = page.content.decode()
            for label, value in as_csv[1:]:
                assert f"<dt>{label}</dt><dd>{value}" in html.replace("&lt;", "<").replace("&gt;", ">"), label
        else:
            rows = on_page[table.caption]
            assert [[_page_cell(c) for c in row] for row in rows] == as_csv, key
        # The XLSX holds the same values, numbers as numbers.
        assert len(as_xlsx) == len(as_csv), key
        for got_row, csv_row in zip(as_xlsx[1:], as_csv[1:]):
            assert [_same(v, c) for v, c in zip(got_row, csv_row)] == [True] * len(csv_row), (key, got_row, csv_row)
        for row, cells in zip(as_xlsx[1:], table.rows):
            for value, expected in zip(row, cells.cells):
                if isinstance(expected, (int, Decimal)):
                    assert isinstance(value, (int, float)) and Decimal(str(value)) == expected


def test_exported_numbers_equal_the_engine(world, story):
    client = client_for(world.national_admin)
    rows = read_xlsx(client.get("/monev/nasional/", {**Q, "tabel": "provinsi", "unduh": "xlsx"}))
    expected = compute_children(Scope.national(), WEEK)
    assert sorted((r[0], r[1], None if r[4] == "—" else Decimal(str(r[4]))) for r in rows[1:]) == sorted(
        (i.scope.name, i.received, i.follow_up_rate) for i in expected)
    headline = dict(read_xlsx(client.get("/monev/instansi/kota-35-78/", {**Q, "tabel": "indikator", "unduh": "xlsx"}))[1:])
    engine = compute(Scope.agency("kota-35-78"), WEEK)
    assert headline["Reports received"] == engine.received
    assert Decimal(str(headline["Follow-up rate"])) == engine.follow_up_rate
    median = headline["Working days to completion (median)"]
    assert _same(median, "—" if engine.days_to_completion_median is None else str(engine.days_to_completion_median))
    assert _same(headline["Satisfaction (1–5)"], str(engine.satisfaction_mean)) and engine.satisfaction_mean is not None


def test_unknown_tables_and_formats_are_not_found(world, story):
    client = client_for(world.national_admin)
    assert client.get("/monev/nasional/", {"tabel": "tidak-ada", "unduh": "csv"}).status_code == 404
    assert client.get("/monev/nasional/", {"tabel": "provinsi", "unduh": "pdf"}).status_code == 404
    assert client.get("/monev/instansi/kota-35-78/laporan-terbuka/", {"unduh": "ods"}).status_code == 404


def test_formula_like_text_is_defused(world, story):
    Agency.objects.filter(code="kota-91-71").update(name="=HYPERLINK(\"http://x\",\"y\")", short_name="")
    scenario.at("2026-11-25")
    report = scenario.submit(world.citizen, target_agency_code="kota-35-78", title="@SUM(1+1) jalan rusak", event_date="")
    scenario.at("2026-11-26")
    client = client_for(world.national_admin)
    rows = read_csv(client.get("/monev/nasional/", {**Q, "tabel": "instansi", "unduh": "csv"}))
    assert "'=HYPERLINK(\"http://x\",\"y\")" in [r[0] for r in rows]
    book = load_workbook(io.BytesIO(client.get("/monev/nasional/", {**Q, "tabel": "instansi", "unduh": "xlsx"}).content))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    cell = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value.startswith("'=")
    rows = read_csv(client.get("/monev/instansi/kota-35-78/laporan-terbuka/", {"unduh": "csv"}))
    assert [r[1] for r in rows if r[0] == report.tracking_number] == ["'@SUM(1+1) jalan rusak"]
    book = load_workbook(io.BytesIO(client.get("/monev/instansi/kota-35-78/laporan-terbuka/", {"unduh": "xlsx"}).content))
    titles = [row[1] for row in book.active.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in titles)
    assert "'@SUM(1+1) jalan rusak" in [c.value for c in titles]


# --- the open-report list's export ------------------------------------------------------------
ANONYMOUS = {"contact_name": "Kirana Anonim", "contact_email": "kirana.anonim@contoh.id", "contact_phone": "081377770001"}
NIK = "3578011234567890"


@pytest.fixture
def delicate(world):
    """At the city: an anonymous report with identity typed into its title, a confidential one,
    and a named one with a phone number in its title (the clock: Monday 23 November 2026)."""
    scenario.at("2026-11-20")
    anonymous = scenario.submit(None, target_agency_code="kota-35-78", is_anonymous=True, event_date="",
                                title=f"NIK saya {NIK} ditolak puskesmas", **ANONYMOUS)
    secret = scenario.submit(world.citizen, target_agency_code="kota-35-78", is_confidential=True, event_date="",
                             title="Rahasia kepala dinas meminta uang")
    named = scenario.submit(world.citizen, target_agency_code="kota-35-78", event_date="", title="Hubungi saya di 081234567890")
    scenario.act(named, world.city_admin, "forward", unit="kota-35-78-disdik")
    scenario.at("2026-11-23")
    Agency.objects.create(code="kemenko-pmk", name="Kemenko PMK", kind="coordinating_ministry")
    Agency.objects.create(code="prov-35", name="Pemerintah Provinsi Jawa Timur", kind="province", region=world.province)
    return {"anonymous": anonymous, "secret": secret, "named": named, "people": supervisors(world)}


def _export_text(client, fmt: str, **params) -> tuple[str, list]:
    response = client.get("/monev/instansi/kota-35-78/laporan-terbuka/", {**params, "unduh": fmt})
    assert response.status_code == 200
    rows = read_csv(response) if fmt == "csv" else [[("" if v is None else str(v)) for v in r] for r in read_xlsx(response)]
    return "\n".join("\t".join(r) for r in rows), rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_report_list_export_respects_privacy(world, delicate, fmt):
    p = delicate["people"]
    viewers = {"national_admin": world.national_admin, "agency_admin": world.city_admin, "auditor": p.auditor,
               "coordinator": p.province}
    for role, user in viewers.items():
        text, rows = _export_text(client_for(user), fmt)
        numbers = [r[0] for r in rows[1:]]
        assert sorted(numbers) == sorted(delicate[k].tracking_number for k in ("anonymous", "secret", "named")), role
        # Never an anonymous reporter's identity, not even typed into the title.
        for private in ("Kirana", "kirana.anonim", "081377770001", "81377770001", NIK):
            assert private not in text, (role, private)
        # Confidential content only where the policy allows reading it.
        may_read = role in ("national_admin", "agency_admin")
        assert ("Rahasia kepala dinas" in text) is may_read, role
        if not may_read:
            assert "(confidential: content not shown)" in text
        # Personal data typed into free text only for those who may see the (named) reporter.
        assert ("081234567890" in text) is may_read, role
    # The unit's list: only its reports.
    _, rows = _export_text(client_for(world.city_admin), fmt, unit="kota-35-78-disdik")
    assert [r[0] for r in rows[1:]] == [delicate["named"].tracking_number]
    assert rows[0] == ["Tracking number", "Title", "Status", "Unit", "Received", "Age (working days)",
                       "Age group (working days)", "Overdue", "Due"]
    assert rows[1][3] == "Dinas Pendidikan Kota Surabaya" and rows[1][5] == "1" and rows[1][6] == "0–3"


def test_the_report_list_export_is_refused_outside_the_scope(world, delicate):
    people = delicate["people"]
    for user in (world.ministry_admin, world.education_officer, people.ksp, people.kemenko, world.citizen):
        response = client_for(user).get("/monev/instansi/kota-35-78/laporan-terbuka/", {"unduh": "csv"})
        assert response.status_code == 403
        assert b"Kirana" not in response.content and delicate["secret"].tracking_number.encode() not in response.content
