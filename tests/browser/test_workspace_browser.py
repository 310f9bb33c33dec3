"""A liaison officer's workspace in a real browser at 1366×768 (ADR 0027): the first report shows
without scrolling; the report page offers the action it waits for first; after each action the
officer is taken to the next report of the same view, or back to the queue, with a confirmation
that names the report. axe-core checks every page (tests/browser/conftest.py)."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.reports.models import Report
from lapor.reports.services import report_act
from tests.conftest import MONDAY_9AM

from .steps import sign_in

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def forwarded(world, submit, title: str) -> Report:
    report, _ = submit(title=title, target_agency_code="kota-35-78")
    return report_act(tracking_number=report.tracking_number, action="forward", actor=Actor.for_user(world.city_admin),
                      payload={"unit": "kota-35-78-disdik"})


def queue_rows(page: Page):
    return page.get_by_role("row").filter(has=page.get_by_role("link"))


def post(page: Page, button: str, note: str) -> None:
    """Fill the form the report waits for (the primary one, in view) and send it, by keyboard."""
    form = page.get_by_role("group", name=button)
    expect(form).to_be_visible()
    form.get_by_label("Note", exact=True).fill(note)
    form.get_by_role("button", name=button).focus()
    # once the page has loaded, so that its accessibility check runs (tests/browser/axe.py)
    page.wait_for_load_state()
    page.keyboard.press("Enter")


def test_a_liaison_officer_works_through_the_queue(world, submit, new_context):
    first = forwarded(world, submit, "Pungutan liar saat pendaftaran sekolah")  # due Monday 30 November
    clock.freeze(MONDAY_9AM + timedelta(days=1))
    second = forwarded(world, submit, "Seragam sekolah terlalu mahal")  # due a day later
    clock.freeze(MONDAY_9AM + timedelta(days=2, hours=1))

    page = new_context().new_page()
    page.set_viewport_size(LAPTOP)
    sign_in(page, world.education_officer)

    # The queue: the most urgent report first, within the first screen; the filters in the bar.
    rows = queue_rows(page)
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("link")).to_have_text(first.formatted_tracking_number)
    expect(rows.nth(0).get_by_role("cell", name="Forwarded", exact=True)).to_be_visible()
    box = rows.nth(0).bounding_box()
    assert box["y"] + box["height"] < LAPTOP["height"], f"the first report ends at {box['y'] + box['height']} px"
    expect(page.get_by_label("Status", exact=True)).to_be_visible()
    expect(page.get_by_text("Filters", exact=True)).to_be_hidden()

    # The report page: the initial response first, with its deadline; the rest folded away.
    rows.nth(0).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    expect(page.get_by_role("heading", name="Your next step")).to_be_visible()
    expect(page.get_by_text("Follow-up due Mon 30 Nov 2026", exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="Post the follow-up")).to_be_hidden()
    post(page, "Post the initial response", "Sedang kami periksa ke sekolah.")

    # On to the next report of the queue, with the confirmation naming the first.
    expect(page.get_by_role("status")).to_have_text(f"Initial response posted on report {first.formatted_tracking_number}.")
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    assert Report.objects.get(pk=first.pk).status == "in_process"

    # Back to the queue: the first report now waits for its follow-up.
    page.get_by_role("link", name="Back to the queue").click()
    expect(queue_rows(page).nth(0).get_by_role("cell", name="In process", exact=True)).to_be_visible()
    queue_rows(page).nth(0).get_by_role("link", name=first.formatted_tracking_number).click()
    post(page, "Post the follow-up", "Panitia sudah ditegur; uang dikembalikan.")
    expect(page.get_by_role("status")).to_have_text(
        f"Follow-up posted on report {first.formatted_tracking_number}; the reporter may now reply or rate it."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    assert Report.objects.get(pk=first.pk).status == "followed_up"

    # The last report of the view: afterwards, back to the queue.
    post(page, "Post the initial response", "Sedang kami periksa.")
    expect(page.get_by_role("status")).to_have_text(f"Initial response posted on report {second.formatted_tracking_number}.")
    expect(page.get_by_role("heading", name="Your queue")).to_be_visible()
    expect(queue_rows(page)).to_have_count(1)
    expect(page.get_by_role("link", name="1 waiting for the citizen")).to_be_visible()

    # A tracking number typed in the search (through htmx) opens that report.
    page.get_by_label("Tracking number or words").fill(first.tracking_number.lower())
    page.get_by_label("Tracking number or words").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    expect(page).to_have_url(re.compile(rf"/petugas/laporan/{first.tracking_number}/\?kembali=urut%3Ddue$"))  # the form sends its order along


def test_on_a_phone_the_filters_fold_away_and_work_without_javascript(world, submit, new_context):
    report = forwarded(world, submit, "Pungutan liar saat pendaftaran sekolah")
    other = forwarded(world, submit, "Seragam sekolah terlalu mahal")
    for javascript in (True, False):
        page = new_context(javascript=javascript).new_page()
        page.set_viewport_size(PHONE)
        sign_in(page, world.education_officer)
        expect(page.get_by_label("Status", exact=True)).to_be_hidden()
        page.get_by_text("Filters", exact=True).click()
        expect(page.get_by_label("Status", exact=True)).to_be_visible()
        page.get_by_label("Tracking number or words").fill("seragam")
        page.get_by_role("button", name="Search and filter").click()
        expect(queue_rows(page)).to_have_count(1)
        expect(page.get_by_role("link", name=other.formatted_tracking_number)).to_be_visible()
        expect(page.get_by_role("link", name=report.formatted_tracking_number)).to_have_count(0)
