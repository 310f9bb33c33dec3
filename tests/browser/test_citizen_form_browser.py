"""The submission form in a real browser as citizens on phones meet it: with JavaScript switched
off, every step of the location and the category works and every problem shows at once with the
photo kept; reloading the confirmation files nothing; with JavaScript the error summary takes the
focus. And after signing in, each role lands where its work is."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from lapor.accounts.models import Position, Role
from lapor.agencies.models import Agency, Region
from lapor.reports.models import Attachment, Report

from ..conftest import GOOD_REPORT, _user
from .steps import sign_in

PHONE = {"width": 390, "height": 844}


def _photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return {"name": "jalan.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_citizen_files_down_to_village_and_sub_category(world, new_context):
    Region.objects.create(code="35.78.01.1002", name="Kebraon", level="village", parent_id="35.78.01", kind="kelurahan")
    context = new_context(javascript=False)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/lapor/")
    page.get_by_label("Title").fill("Jalan")  # too short
    page.get_by_label("What happened, where and when?").fill("Rusak.")  # too short
    page.get_by_label("Photos or documents").set_input_files([_photo()])
    page.get_by_label("Province").select_option(label="Jawa Timur")
    show_places = page.get_by_role("button", name="Show the places in the chosen area")
    show_places.click()
    page.get_by_label("Regency/city").select_option(label="Kota Surabaya")
    show_places.click()
    page.get_by_label("District").select_option(label="Karang Pilang")
    show_places.click()
    page.get_by_label("Village").select_option(label="Kebraon")
    page.get_by_label("Category", exact=True).select_option(label="PENDIDIKAN DAN KEBUDAYAAN")
    page.get_by_role("button", name="Show the sub-categories").click()
    page.get_by_label("Sub-category").select_option(label="PPDB")
    assert Report.objects.count() == 0
    page.get_by_role("button", name="Send report").click()

    # Every problem at once, each linked to its field, and nothing lost.
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary).to_contain_text("The title must be at least 10 characters.")
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("What happened, where and when?")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("jalan.png (1 KB)")).to_be_checked()  # the photo is kept
    expect(page.get_by_label("Village")).to_have_value("35.78.01.1002")
    expect(page.get_by_label("Sub-category")).to_have_value("pendidikan-ppdb")
    assert Report.objects.count() == 0

    page.get_by_label("Title").fill(GOOD_REPORT["title"])
    page.get_by_label("What happened, where and when?").fill(GOOD_REPORT["description"])
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Your report has been received")).to_be_visible()
    report = Report.objects.get()
    assert (report.region_id, report.category.code, report.channel) == ("35.78.01.1002", "pendidikan-ppdb", "web")
    assert list(Attachment.objects.filter(report=report).values_list("original_name", flat=True)) == ["jalan.png"]

    page.reload()  # a reload of the confirmation files nothing
    expect(page.get_by_role("heading", name="Your report has been received")).to_be_visible()
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_javascript_the_error_summary_takes_the_focus(world, new_context):
    page = new_context(english=False).new_page()  # Indonesian, the default language
    page.set_viewport_size(PHONE)
    page.goto("/lapor/")
    expect(page.locator(".no-js-step").first).to_be_hidden()  # the cascading lists need no button
    page.locator("#f-title").fill("Jalan")
    page.locator("#f-description").fill(GOOD_REPORT["description"])
    page.locator("#f-region_code").select_option("35")
    expect(page.locator("#f-regency_code option")).to_have_count(2)
    page.locator("#f-attachments").set_input_files([_photo()])
    page.locator("form button.primary").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary a")).to_have_count(1)
    expect(page.locator("fieldset.kept input[type=checkbox]")).to_be_checked()
    assert Report.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_each_role_lands_where_its_work_is(world, new_context):
    province = Agency.objects.create(code="pemprov-jatim", name="Pemerintah Provinsi Jawa Timur", kind=Agency.Kind.PROVINCE)
    world.city.coordinator = province
    world.city.save()
    coordinator, ombudsman = _user("koordinator"), _user("ombudsman")
    Position.objects.create(role=Role.COORDINATOR, agency=province, title="Koordinator", holder=coordinator)
    Position.objects.create(role=Role.OMBUDSMAN, agency=Agency.objects.get(code="ombudsman"), title="Asisten", holder=ombudsman)
    for user, path, heading in [
        (world.citizen, "/laporan-saya/", "My reports"),
        (world.national_admin, "/petugas/", "Your queue"),
        (coordinator, "/monev/koordinator/pemprov-jatim/", None),
        (ombudsman, "/petugas/ombudsman/", None),
    ]:
        page = sign_in(new_context().new_page(), user)
        assert page.url.endswith(path), (user.username, page.url)
        if heading:
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        menu = page.get_by_role("navigation", name="Main menu")
        if user == world.citizen:
            expect(menu.get_by_role("link", name="Queue")).to_have_count(0)
            expect(menu.get_by_role("link", name="Two-step sign-in")).to_have_count(0)
