"""Exports of the evaluation records (ADR 0020): follow-up review scores, preventive actions and
action plans as CSV and XLSX. Each holds its page's figures, shows a sampled report's tracking
number only to whoever may see that report, never its content, a reporter or a reviewer's name,
defuses formula-like text, and is refused exactly as its page is."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position
from lapor.monev import evaluation

from ..conftest import sign_in
from . import evaluation_world
from .evaluation_world import ANON_PHONE, SECRET_WORD
from .helpers import tables_on
from .test_evaluation import record_preventive

WEEK = {"first": "2026-11-23", "last": "2026-11-29"}
CSV, XLSX = "text/csv; charset=utf-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REVIEW_HEADER = [
    "Review", "Agency", "First day", "Last day", "Follow-up in the sample", "Tracking number", "Follow-up given",
    "Within its deadline", "relevant to the substance", "concrete", "timely", "polite", "Meets the bar",
    "Reviewer (position)", "Scored",
]


@pytest.fixture
def ew(world):
    return evaluation_world.build(world)


def A(user) -> Actor:
    return Actor.for_user(user)


def client_for(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        sign_in(client, user)
    return client


def fetch(client, url: str, fmt: str, filename: str) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Disposition"] == f'attachment; filename="{filename}.{fmt}"'
    if fmt == "csv":
        assert response["Content-Type"] == CSV
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text[1:])))
    assert response["Content-Type"] == XLSX
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


def both(client, url_base: str, filename: str) -> tuple[list, list]:
    """The CSV and the XLSX of one export, checked to hold the same values (numbers as numbers)."""
    as_csv = fetch(client, f"{url_base}unduh.csv", "csv", filename)
    as_xlsx = fetch(client, f"{url_base}unduh.xlsx", "xlsx", filename)
    assert len(as_csv) == len(as_xlsx) and as_csv[0] == as_xlsx[0]
    for got, text in zip(as_xlsx[1:], as_csv[1:]):
        for value, cell in zip(got, text):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert Decimal(str(value)) == Decimal(cell)
            else:
                assert value == cell, (value, cell)
    return as_csv, as_xlsx


# --- follow-up quality reviews ------------------------------------------------------------------
@pytest.fixture
def scored(ew):
    """A review of the city's seven follow-ups, scored by the agency admin (all of them) and the
    APIP auditor (three, timeliness only on the confidential one), with comments."""
    review = evaluation.review_draw(actor=A(ew.w.city_admin), agency_code="kota-35-78", sample_size=7, seed=4, **WEEK)
    items = list(review.items.all())
    for n, item in enumerate(items):
        evaluation.review_score(
            actor=A(ew.w.city_admin), review_id=review.pk, item_id=item.pk, comment="Catatan admin Bagus-77.",
            scores={"relevant": 1 + n % 4, "concrete": 4 - n % 4, "timely": 3, "polite": 2 + n % 3},
        )
    confidential = review.items.get(event__report=ew.confidential)
    evaluation.review_score(actor=A(ew.auditor), review_id=review.pk, item_id=confidential.pk, scores={"timely": 2})
    for item in [i for i in items if i.pk != confidential.pk][:2]:
        evaluation.review_score(
            actor=A(ew.auditor), review_id=review.pk, item_id=item.pk, scores={"relevant": 3, "concrete": 3, "timely": 4, "polite": 3}
        )
    return review


def _average(values) -> str:
    given = [Decimal(str(v)) for v in values if v not in (None, "—")]
    return str((sum(given) / len(given)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) if given else "—"


def test_the_review_export_holds_the_pages_figures(ew, scored):
    client = client_for(ew.w.city_admin)
    page = client.get(f"/monev/evaluasi/tinjauan/{scored.pk}/").content.decode()
    summary = tables_on(page)["Results from 10 scores"]
    as_csv, as_xlsx = both(client, f"/monev/evaluasi/tinjauan/{scored.pk}/", f"evaluasi-tinjauan-{scored.pk}")
    assert as_csv[0] == REVIEW_HEADER
    assert len(as_csv) - 1 == 10 == evaluation.review_summary(scored).scores
    # The averages of the criterion columns are the page's averages.
    for column, (label, shown) in zip(range(8, 12), summary[1:5]):
        assert label == REVIEW_HEADER[column]
        assert _average(r[column] for r in as_xlsx[1:]) == shown, label
    # "Meeting the bar": the share of rows that meet it.
    meets = sum(1 for r in as_csv[1:] if r[12] == "yes")
    pct = (Decimal(100 * meets) / Decimal(10)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert summary[5][1] == f"{pct} % ({meets}/10)"  # a percentage as every page writes it (ADR 0022)
    # Rows: by the follow-up's place in the sample, then by when it was scored; numbers are numbers.
    assert [r[4] for r in as_xlsx[1:]] == sorted(r[4] for r in as_xlsx[1:]) and isinstance(as_xlsx[1][4], int)
    assert {(r[1], r[2], r[3]) for r in as_csv[1:]} == {("Pemerintah Kota Surabaya", "2026-11-23", "2026-11-29")}
    # Timeliness only on the confidential report for the auditor: the content criteria are empty.
    confidential_number = ew.confidential.formatted_tracking_number
    auditor_row = [r for r in as_csv[1:] if r[5] == confidential_number and r[13].startswith("APIP")]
    assert [r[8:12] for r in auditor_row] == [["—", "—", "2", "—"]]


def test_reviewers_are_positions_and_no_text_is_exported(ew, scored):
    as_csv, _ = both(client_for(ew.w.national_admin), "/monev/evaluasi/tinjauan/", "evaluasi-tinjauan")
    assert {r[13] for r in as_csv[1:]} == {
        "Admin Instansi Kota Surabaya — Pemerintah Kota Surabaya", "APIP Kota Surabaya — Pemerintah Kota Surabaya"
    }
    text = repr(as_csv)
    # No reviewer's or reporter's name, no comment, no report title or follow-up text.
    for secret in ("Cityadmin", "Apip", "cityadmin", "Warga", "warga", "Bagus-77", SECRET_WORD, ANON_PHONE,
                   "Tindak lanjut nomor", "Kami sudah menghubungi", "Obat sudah tersedia", "Pungutan liar"):
        assert secret not in text, secret


@pytest.mark.parametrize("who", ["national_admin", "city_admin", "auditor", "coordinator"])
def test_tracking_numbers_only_through_the_access_policy(ew, scored, who):
    user = getattr(ew, who, None) or getattr(ew.w, who)
    client = client_for(user)
    page = client.get(f"/monev/evaluasi/tinjauan/{scored.pk}/").content.decode()
    rows, _ = both(client, f"/monev/evaluasi/tinjauan/{scored.pk}/", f"evaluasi-tinjauan-{scored.pk}")
    views = {v.item.position: v for v in evaluation.review_items(A(user), scored)}
    for row in rows[1:]:
        view = views[int(row[4])]
        assert row[5] == (view.tracking_number if view.visible else "—")
        if view.visible:
            assert view.tracking_number in page
        else:
            assert row[5] == "—"
        assert row[7] == {True: "yes", False: "no", None: "—"}[view.on_time]
    text = repr(rows)
    assert SECRET_WORD not in text and ANON_PHONE not in text and "Warga" not in text


def test_the_list_export_holds_every_review_the_viewer_may_read(ew, scored):
    ministry = evaluation.review_draw(actor=A(ew.w.ministry_admin), agency_code="kemenkes", sample_size=1, seed=1, **WEEK)
    evaluation.review_score(
        actor=A(ew.w.ministry_admin), review_id=ministry.pk, item_id=ministry.items.get().pk,
        scores={"relevant": 4, "concrete": 4, "timely": 4, "polite": 4},
    )
    rows, _ = both(client_for(ew.w.national_admin), "/monev/evaluasi/tinjauan/", "evaluasi-tinjauan")
    assert {r[0] for r in rows[1:]} == {str(scored.pk), str(ministry.pk)} and len(rows) - 1 == 11
    rows, _ = both(client_for(ew.w.ministry_admin), "/monev/evaluasi/tinjauan/", "evaluasi-tinjauan")
    assert [(r[0], r[1]) for r in rows[1:]] == [(str(ministry.pk), "Kementerian Kesehatan")]
    rows, _ = both(client_for(ew.idle_coordinator), "/monev/evaluasi/tinjauan/", "evaluasi-tinjauan")
    assert rows == [REVIEW_HEADER]


def test_who_may_not_read_a_review_may_not_download_it(ew, scored):
    for fmt in ("csv", "xlsx"):
        assert client_for(ew.w.ministry_admin).get(f"/monev/evaluasi/tinjauan/{scored.pk}/unduh.{fmt}").status_code == 404
        assert client_for(ew.idle_coordinator).get(f"/monev/evaluasi/tinjauan/{scored.pk}/unduh.{fmt}").status_code == 404
        for user in (ew.w.education_officer, ew.w.citizen):
            assert client_for(user).get(f"/monev/evaluasi/tinjauan/{scored.pk}/unduh.{fmt}").status_code == 403
            assert client_for(user).get(f"/monev/evaluasi/tinjauan/unduh.{fmt}").status_code == 403
        anonymous = Client().get(f"/monev/evaluasi/tinjauan/unduh.{fmt}")
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/masuk/")
    assert client_for(ew.w.city_admin).get(f"/monev/evaluasi/tinjauan/{scored.pk}/unduh.ods").status_code == 404
    assert client_for(ew.w.city_admin).get("/monev/evaluasi/tinjauan/unduh.pdf").status_code == 404
    assert client_for(ew.w.city_admin).post("/monev/evaluasi/tinjauan/unduh.csv").status_code == 405


# --- preventive actions -------------------------------------------------------------------------
def test_the_preventive_export_is_the_pages_list(ew):
    record_preventive(ew.w.city_admin)
    record_preventive(ew.auditor, title="Kotak saran", region_code="", end="", start="2026-12-05", status="in_progress", owner="Sekretaris Dinas")
    record_preventive(ew.w.ministry_admin, agency_code="kemenkes", title="Antrean daring", region_code="")
    client = client_for(ew.w.city_admin)
    page = tables_on(client.get("/monev/evaluasi/preventif/").content.decode())["Preventive actions you may read"]
    rows, _ = both(client, "/monev/evaluasi/preventif/", "evaluasi-preventif")
    assert rows[0] == ["Action", "Description", "Agency", "Categories", "Region", "Owner", "Start", "End", "Status"]
    assert rows[1:] == [
        ["Kotak saran", "Sosialisasi aturan PPDB ke semua sekolah.", "Pemerintah Kota Surabaya", "PPDB", "—", "Sekretaris Dinas",
         "2026-12-05", "—", "in progress"],
        ["Sosialisasi PPDB", "Sosialisasi aturan PPDB ke semua sekolah.", "Pemerintah Kota Surabaya", "PPDB", "Jawa Timur",
         "Kepala Dinas Pendidikan", "2026-12-01", "2027-01-31", "planned"],
    ]
    # The same actions, in the same order, with the same agency, categories, region and owner as the page.
    assert [r[1:5] for r in page[1:]] == [[r[2], r[3], r[4], r[5]] for r in rows[1:]]
    assert [r[0].startswith(x[0]) for r, x in zip(page[1:], rows[1:])] == [True, True]
    rows, _ = both(client_for(ew.w.national_admin), "/monev/evaluasi/preventif/", "evaluasi-preventif")
    assert len(rows) - 1 == 3


def test_who_may_not_open_the_preventive_page_may_not_download_it(ew):
    record_preventive(ew.w.city_admin)
    for fmt in ("csv", "xlsx"):
        for user in (ew.w.education_officer, ew.w.citizen):
            assert client_for(user).get(f"/monev/evaluasi/preventif/unduh.{fmt}").status_code == 403
        assert Client().get(f"/monev/evaluasi/preventif/unduh.{fmt}").status_code == 302
    rows, _ = both(client_for(ew.w.ministry_admin), "/monev/evaluasi/preventif/", "evaluasi-preventif")
    assert "Sosialisasi PPDB" not in repr(rows) and len(rows) == 1


# --- action plans -------------------------------------------------------------------------------
def plan_with_items(ew):
    plan = evaluation.action_plan_create(
        actor=A(ew.w.city_admin), agency_code="kota-35-78", title="Rencana Aksi 2027", first="2027-01-01", last="2027-12-31"
    )
    owners = {p.holder_id: p for p in Position.objects.filter(holder__in=[ew.w.education_officer, ew.w.health_officer])}
    first = evaluation.action_plan_add_item(
        actor=A(ew.w.city_admin), plan_id=plan.pk, action="Pelatihan pejabat penghubung", target="Semua unit terlatih",
        owner_position_id=str(owners[ew.w.education_officer.pk].pk), due="2027-03-31",
    )
    evaluation.action_plan_add_item(
        actor=A(ew.w.city_admin), plan_id=plan.pk, action="Maklumat pelayanan", target="Dipasang di 30 puskesmas",
        owner_position_id=str(owners[ew.w.health_officer.pk].pk), due="2027-06-30",
    )
    evaluation.action_plan_update_item(actor=A(ew.auditor), item_id=first.pk, progress="40", notes="Dua unit selesai.", status="in_progress")
    empty = evaluation.action_plan_create(
        actor=A(ew.w.city_admin), agency_code="kota-35-78", title="Rencana kosong", first="2026-01-01", last="2026-12-31"
    )
    return plan, empty


PLAN_HEADER = ["Plan", "Agency", "First day", "Last day", "Action", "Target", "Owner", "Due", "Progress (%)", "Progress notes", "Status"]


def test_the_plan_export_holds_the_pages_items(ew):
    plan, _empty = plan_with_items(ew)
    client = client_for(ew.w.education_officer)  # a liaison officer reads the plan
    page = tables_on(client.get(f"/monev/evaluasi/rencana-aksi/{plan.pk}/").content.decode())["Items of the plan"]
    rows, xlsx = both(client, f"/monev/evaluasi/rencana-aksi/{plan.pk}/", f"evaluasi-rencana-aksi-{plan.pk}")
    assert rows[0] == PLAN_HEADER
    assert rows[1:] == [
        ["Rencana Aksi 2027", "Pemerintah Kota Surabaya", "2027-01-01", "2027-12-31", "Pelatihan pejabat penghubung",
         "Semua unit terlatih", "Pejabat Penghubung Disdik", "2027-03-31", "40", "Dua unit selesai.", "in progress"],
        ["Rencana Aksi 2027", "Pemerintah Kota Surabaya", "2027-01-01", "2027-12-31", "Maklumat pelayanan",
         "Dipasang di 30 puskesmas", "Pejabat Penghubung Dinkes", "2027-06-30", "0", "—", "planned"],
    ]
    assert [x[8] for x in xlsx[1:]] == [40, 0]
    # The page's rows: action, target, owner, due, progress ("40 %", as every page writes a percentage), status.
    assert [[r[0], r[1], r[2], r[3], r[4].split(" %")[0], r[5]] for r in page[1:]] == [
        [r[4], r[5], r[6], r[7], r[8], r[10]] for r in rows[1:]
    ]
    # The owner is the position's title, as on the page: not its holder's account.
    assert "disdik" not in repr(rows) and "dinkes" not in repr(rows)


def test_the_plans_export_lists_every_plan_the_viewer_may_read(ew):
    plan_with_items(ew)
    rows, _ = both(client_for(ew.auditor), "/monev/evaluasi/rencana-aksi/", "evaluasi-rencana-aksi")
    assert [r[0] for r in rows[1:]] == ["Rencana Aksi 2027", "Rencana Aksi 2027", "Rencana kosong"]
    assert rows[3] == ["Rencana kosong", "Pemerintah Kota Surabaya", "2026-01-01", "2026-12-31", *["—"] * 7]
    rows, _ = both(client_for(ew.w.education_officer), "/monev/evaluasi/rencana-aksi/", "evaluasi-rencana-aksi")
    assert len(rows) - 1 == 3
    rows, _ = both(client_for(ew.w.ministry_officer), "/monev/evaluasi/rencana-aksi/", "evaluasi-rencana-aksi")
    assert rows == [PLAN_HEADER]


def test_who_may_not_read_a_plan_may_not_download_it(ew):
    plan, _empty = plan_with_items(ew)
    for fmt in ("csv", "xlsx"):
        assert client_for(ew.w.ministry_officer).get(f"/monev/evaluasi/rencana-aksi/{plan.pk}/unduh.{fmt}").status_code == 404
        assert client_for(ew.w.ministry_admin).get(f"/monev/evaluasi/rencana-aksi/{plan.pk}/unduh.{fmt}").status_code == 404
        for url in (f"/monev/evaluasi/rencana-aksi/{plan.pk}/unduh.{fmt}", f"/monev/evaluasi/rencana-aksi/unduh.{fmt}"):
            assert client_for(ew.w.citizen).get(url).status_code == 403
            assert Client().get(url).status_code == 302
    assert client_for(ew.w.city_admin).get(f"/monev/evaluasi/rencana-aksi/{plan.pk}/unduh.ods").status_code == 404


# --- defusing and links -------------------------------------------------------------------------
def test_formula_like_text_is_defused(ew):
    record_preventive(ew.w.city_admin, title="=HYPERLINK(\"http://x\",\"y\")", owner="+62 812 0000", description="@SUM(A1)")
    plan = evaluation.action_plan_create(actor=A(ew.w.city_admin), agency_code="kota-35-78", title="-1+2", first="2027-01-01", last="2027-12-31")
    client = client_for(ew.w.city_admin)
    rows, _ = both(client, "/monev/evaluasi/preventif/", "evaluasi-preventif")
    assert rows[1][:2] == ["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)"] and rows[1][5] == "'+62 812 0000"
    book = load_workbook(io.BytesIO(client.get("/monev/evaluasi/preventif/unduh.xlsx").content))
    cell = book.active.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value.startswith("'=")
    rows, _ = both(client, f"/monev/evaluasi/rencana-aksi/{plan.pk}/", f"evaluasi-rencana-aksi-{plan.pk}")
    assert rows[1][0] == "'-1+2"


def test_every_page_links_to_its_files(ew, scored):
    plan, _empty = plan_with_items(ew)
    client = client_for(ew.w.city_admin)
    for page, links in {
        "/monev/evaluasi/tinjauan/": [("/monev/evaluasi/tinjauan/unduh", "Scores of all reviews")],
        f"/monev/evaluasi/tinjauan/{scored.pk}/": [(f"/monev/evaluasi/tinjauan/{scored.pk}/unduh", "Scores of this review")],
        "/monev/evaluasi/preventif/": [("/monev/evaluasi/preventif/unduh", "Preventive actions")],
        "/monev/evaluasi/rencana-aksi/": [("/monev/evaluasi/rencana-aksi/unduh", "Action plans and items")],
        f"/monev/evaluasi/rencana-aksi/{plan.pk}/": [(f"/monev/evaluasi/rencana-aksi/{plan.pk}/unduh", "This action plan")],
    }.items():
        html = client.get(page).content.decode()
        for href, text in links:
            for fmt in ("csv", "xlsx"):
                assert f'<a href="{href}.{fmt}">{text} ({fmt.upper()})</a>' in html, (page, fmt)


def test_a_report_the_viewer_may_no_longer_see_has_no_tracking_number(ew, scored):
    """A sampled report that has since gone to another agency (here moved directly): the city's
    evaluators still see its scores, but not which report it was."""
    from lapor.reports.models import Report

    Report.objects.filter(pk=ew.confidential.pk).update(agency=ew.w.ministry, unit=ew.w.ministry_unit)
    number = ew.confidential.formatted_tracking_number
    rows, _ = both(client_for(ew.w.city_admin), f"/monev/evaluasi/tinjauan/{scored.pk}/", f"evaluasi-tinjauan-{scored.pk}")
    position = scored.items.get(event__report=ew.confidential).position
    hidden = [r for r in rows[1:] if r[4] == str(position)]
    assert len(hidden) == 2 and {r[5] for r in hidden} == {"—"}
    assert number not in repr(rows) and SECRET_WORD not in repr(rows)
    assert all(r[5] != "—" for r in rows[1:] if r[4] != str(position))
    # The national admin may still see it.
    rows, _ = both(client_for(ew.w.national_admin), f"/monev/evaluasi/tinjauan/{scored.pk}/", f"evaluasi-tinjauan-{scored.pk}")
    assert number in repr(rows)
