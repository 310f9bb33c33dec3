"""The submission form as a citizen on a weak connection meets it: every problem at once with the
files kept, every step without JavaScript, and one report however often the form is sent."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lapor.agencies.models import Category, Region
from lapor.agencies.selectors import categories_matching
from lapor.reports import kept_uploads
from lapor.reports.models import Attachment, Report

from ..api.conftest import image_bytes, stored_files
from .conftest import Browser, forms_on
from .test_public_pages import FORM


def _photo(name="foto.png"):
    return SimpleUploadedFile(name, image_bytes("PNG"), "image/png")


def _kept_files(media_root):
    return [p for p in stored_files(media_root) if kept_uploads.FOLDER in p.parts]


# --- every problem at once -------------------------------------------------------------------------
def test_every_problem_is_shown_at_once_next_to_its_field(browser, media_root):
    browser.get("/lapor/")
    bad = {"title": "Pendek", "description": "Terlalu pendek.", "region_code": "", "regency_code": "", "district_code": "",
           "village_code": "", "contact_email": "bukan-surel", "contact_phone": "12", "category_search": "tidak ada sama sekali"}
    page = browser.submit("/lapor/", files={"attachments": [SimpleUploadedFile("x.jpg", b"MZ" + b"\0" * 50, "image/jpeg")]},
                          **{**FORM, **bad})
    assert page.status_code == 422 and Report.objects.count() == 0
    html = page.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    linked = re.findall(r'<a href="#f-(\w+)">', summary)
    # In the order of the form, one per field.
    assert linked == ["title", "description", "region_code", "category_search", "attachments", "contact_email", "contact_phone"]
    assert 'tabindex="-1" id="error-summary"' in html  # errors.js moves the focus there
    for field in linked:
        tag = re.search(rf'<(input|select|textarea) id="f-{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in tag, field
        assert re.search(rf'aria-describedby="[^"]*\be-{field}\b', tag), field
        assert f'<p class="error-message" id="e-{field}">' in html
    # What was typed is kept.
    assert 'value="Pendek"' in html and "Terlalu pendek." in html and 'value="bukan-surel"' in html


def test_files_are_kept_for_the_next_try_and_filed_with_the_report(browser, media_root):
    browser.get("/lapor/")
    page = browser.submit("/lapor/", files={"attachments": [_photo("jalan.png"), _photo("dua.png")]}, **{**FORM, "title": "Pendek"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "Files already attached" in html and "jalan.png" in html
    assert len(_kept_files(media_root)) == 1  # the same content twice is kept once
    page = browser.submit("/lapor/", **FORM)  # the kept file's box is ticked by default
    assert page.status_code == 200 and page.request["PATH_INFO"].startswith("/lapor/terkirim/")
    report = Report.objects.get()
    assert [a.original_name for a in Attachment.objects.filter(report=report)] == ["jalan.png"]
    assert _kept_files(media_root) == []  # filed: the kept copy is gone


def test_a_file_left_out_is_forgotten(browser, media_root):
    browser.get("/lapor/")
    browser.submit("/lapor/", files={"attachments": [_photo()]}, **{**FORM, "title": "Pendek"})
    form = browser.form("/lapor/")["fields"]
    assert "kept" in form
    data = {k: v for k, v in form.items() if k != "kept" and v is not None}
    page = browser.http.post("/lapor/", {**data, **FORM}, follow=True)
    assert page.status_code == 200 and Attachment.objects.count() == 0 and _kept_files(media_root) == []


def test_kept_files_belong_to_their_session_only(browser, world, media_root):
    browser.get("/lapor/")
    browser.submit("/lapor/", files={"attachments": [_photo()]}, **{**FORM, "title": "Pendek"})
    kept_id = browser.form("/lapor/")["fields"]["kept"]
    other = Browser()
    other.get("/lapor/")
    page = other.submit("/lapor/", kept=kept_id, **FORM)
    assert page.status_code == 200 and Report.objects.count() == 1 and Attachment.objects.count() == 0
    assert len(_kept_files(media_root)) == 1  # still there for its owner


def test_kept_files_are_bounded_and_purged(browser, settings, media_root):
    settings.LAPOR_MAX_ATTACHMENTS = 2
    browser.get("/lapor/")
    photos = [SimpleUploadedFile(f"f{n}.png", image_bytes("PNG", size=(8 + n, 8)), "image/png") for n in range(3)]
    page = browser.submit("/lapor/", files={"attachments": photos}, **{**FORM, "title": "Pendek"})
    assert "At most 2 attachments per report." in page.content.decode()
    assert len(_kept_files(media_root)) == 2
    written = datetime.now(timezone.utc)  # files carry the real time, not the tests' frozen clock
    assert kept_uploads.purge_expired(now=written + timedelta(minutes=settings.LAPOR_KEPT_UPLOAD_MINUTES - 1)) == 0
    assert kept_uploads.purge_expired(now=written + timedelta(minutes=settings.LAPOR_KEPT_UPLOAD_MINUTES + 1)) == 2
    assert _kept_files(media_root) == []
    page = browser.submit("/lapor/", **FORM)  # the session still names them: they are skipped, nothing breaks
    assert page.status_code == 200 and Attachment.objects.count() == 0


# --- one report however often it is sent ------------------------------------------------------------
def test_the_confirmation_is_a_page_of_its_own_and_reloading_it_files_nothing(browser):
    browser.get("/lapor/")
    page = browser.submit("/lapor/", **FORM)
    report = Report.objects.get()
    assert page.redirect_chain == [(f"/lapor/terkirim/{report.tracking_number}/", 302)]
    for _ in range(2):
        again = browser.get(f"/lapor/terkirim/{report.tracking_number}/")
        assert again.status_code == 200 and report.formatted_tracking_number in again.content.decode()
    assert Report.objects.count() == 1


def test_the_same_form_sent_twice_files_one_report(browser):
    browser.get("/lapor/")
    form = browser.form("/lapor/")["fields"]
    data = {**{k: v for k, v in form.items() if v is not None}, **FORM}
    first = browser.http.post("/lapor/", data)  # a double click, or a retry after a lost answer
    second = browser.http.post("/lapor/", data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Report.objects.count() == 1
    changed = browser.http.post("/lapor/", {**data, "title": "Jalan berlubang di depan sekolah dasar"})  # back, edit, send
    assert changed.status_code == 302 and changed["Location"] != first["Location"] and Report.objects.count() == 2


def test_a_guest_confirmation_is_only_for_the_session_that_filed_it(browser):
    browser.get("/lapor/")
    page = browser.submit("/lapor/", **FORM)
    assert 'class="secret"' in page.content.decode()
    report = Report.objects.get()
    stranger = Client(headers={"Accept-Language": "en"})
    response = stranger.get(f"/lapor/terkirim/{report.tracking_number}/")
    assert response.status_code == 302 and response["Location"] == f"/lacak/{report.tracking_number}/"
    assert stranger.get("/lapor/terkirim/ZZZ/").status_code == 302


# --- without JavaScript -----------------------------------------------------------------------------
def _options(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"', block)


def test_a_link_opens_the_form_at_a_province(browser):
    html = browser.get("/lapor/", region_code="35").content.decode()
    assert _options(html, "f-regency_code") == ["35.78"]
    assert 'value="35" selected' in html
    assert _options(browser.get("/lapor/", region_code="35", regency_code="91.71").content.decode(), "f-district_code") == []


def test_every_location_level_and_the_sub_category_can_be_chosen_without_javascript(browser, world, media_root):
    Region.objects.create(code="35.78.01.1002", name="Kebraon", level="village", parent_id="35.78.01", kind="kelurahan")
    browser.get("/lapor/")
    typed = {"title": FORM["title"], "description": FORM["description"], "region_code": "35"}
    steps = [({"step": "location"}, "f-regency_code", ["35.78"]),
             ({"step": "location", "regency_code": "35.78"}, "f-district_code", ["35.78.01"]),
             ({"step": "location", "district_code": "35.78.01"}, "f-village_code", ["35.78.01.1001", "35.78.01.1002"]),
             ({"step": "category", "category_group": "pendidikan"}, "f-category_code", ["pendidikan-ppdb"])]
    page = browser.submit("/lapor/", files={"attachments": [_photo()]}, **typed, **steps[0][0])
    for n, (values, select, expected) in enumerate(steps):
        if n:
            page = browser.submit("/lapor/", **values)
        assert page.status_code == 200 and Report.objects.count() == 0
        html = page.content.decode()
        assert _options(html, select) == expected
        assert 'class="error-summary"' not in html and FORM["description"] in html and "foto.png" in html
    page = browser.submit("/lapor/", village_code="35.78.01.1002", category_code="pendidikan-ppdb")
    report = Report.objects.get()
    assert (report.region_id, report.category.code) == ("35.78.01.1002", "pendidikan-ppdb")
    assert Attachment.objects.filter(report=report).count() == 1


def test_a_category_search_without_javascript_offers_the_matches(browser, world):
    top = Category.objects.create(code="infrastruktur", name="INFRASTRUKTUR")
    road = Category.objects.create(code="jalan-rusak", name="JALAN RUSAK", parent=top)
    Category.objects.create(code="program", name="MENJALANKAN PROGRAM KESEHATAN", parent=top)
    browser.get("/lapor/")
    page = browser.submit("/lapor/", step="category", category_search="jalan", **{k: FORM[k] for k in ("title", "region_code")})
    html = page.content.decode()
    assert _options(html, "f-category_pick") == ["jalan-rusak"]
    browser.submit("/lapor/", category_pick="jalan-rusak", **FORM)
    assert Report.objects.get().category == road


def test_an_ambiguous_category_name_offers_the_candidates(browser, world):
    top = Category.objects.create(code="infrastruktur", name="INFRASTRUKTUR")
    Category.objects.create(code="infrastruktur-guru", name="GURU", parent=top)
    Category.objects.create(code="pendidikan-guru", name="GURU", parent=world.category.parent)
    browser.get("/lapor/")
    page = browser.submit("/lapor/", category_search="guru", **FORM)
    assert page.status_code == 422
    assert sorted(_options(page.content.decode(), "f-category_pick")) == ["infrastruktur-guru", "pendidikan-guru"]


# --- the category search ----------------------------------------------------------------------------
@pytest.fixture
def roads(world):
    top = Category.objects.create(code="infra", name="INFRASTRUKTUR DAN JALAN")
    return {
        "exact": Category.objects.create(code="a", name="JALAN", parent=top),
        "prefix": Category.objects.create(code="b", name="JALAN RUSAK", parent=top),
        "word": Category.objects.create(code="c", name="PENERANGAN JALAN UMUM", parent=top),
        "inside": Category.objects.create(code="d", name="MENJALANKAN PROGRAM", parent=world.category.parent),
        "parent_only": Category.objects.create(code="e", name="TROTOAR", parent=top),
        "top": top,
    }


def test_the_category_search_matches_words_from_their_start_and_ranks_exact_first(roads):
    found = [c.code for c in categories_matching("jalan")]
    assert "d" not in found  # "menJALANkan" is not about roads
    # The name itself, names starting with it, names with it as a word (alphabetical), then by the parent's name.
    assert found == ["a", "b", "infra", "c", "e"]
    assert [c.code for c in categories_matching("jalan rus")] == ["b"]
    assert categories_matching("  ") == [] and categories_matching("program")[0].code == "d"


def test_the_suggestions_use_the_same_search(browser, roads):
    html = browser.get("/kategori/", q="jalan").content.decode()
    assert "MENJALANKAN" not in html and html.index('value="JALAN (INFRASTRUKTUR DAN JALAN)"') < html.index("JALAN RUSAK")


def test_the_form_token_is_on_the_page(browser):
    html = browser.get("/lapor/").content.decode()
    fields = forms_on(html)[-1]["fields"]
    assert re.fullmatch(r"[0-9a-f]{32}", fields["form_token"])


def test_agencies_are_found_by_what_they_handle(browser, world, roads, submit):
    """The desk and the citizen search "jalan rusak": the agency its reports went to is offered,
    although its name says nothing about roads."""
    for _ in range(2):
        submit(category_code="b", target_agency_code=world.city.code)  # JALAN RUSAK → Kota Surabaya
    submit(category_code="pendidikan-ppdb", target_agency_code=world.ministry.code)
    html = browser.get("/instansi/", q="jalan rusak").content.decode()
    assert re.findall(r'<option value="([^"]+)"', html) == [world.city.name]
    html = browser.get("/instansi/", q="infrastruktur").content.decode()  # a parent covers its sub-categories
    assert re.findall(r'<option value="([^"]+)"', html) == [world.city.name]
    assert "Kemenkes" not in browser.get("/instansi/", q="jalan").content.decode()
