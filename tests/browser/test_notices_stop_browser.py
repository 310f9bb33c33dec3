"""The link at the foot of every message to a reporter, opened on a phone in Indonesian (ADR 0032):
the page only asks (opening it changes nothing: mail scanners open links); its button stops the
messages and says so, with the way back to the tracking page. Without JavaScript too. axe-core
checks the pages of the JavaScript context (tests/browser/conftest.py)."""

from __future__ import annotations

from playwright.sync_api import expect

from lapor.notices.reporters import stop_token
from lapor.reports.models import Report

PHONE = {"width": 390, "height": 844}


def test_a_reporter_stops_the_messages_from_the_link_on_a_phone(world, submit, new_context):
    for javascript in (True, False):
        report, _secret = submit(contact_email="siti@example.id")
        link = f"/lacak/{report.tracking_number}/berhenti/{stop_token(report)}/"
        page = new_context(english=False, javascript=javascript).new_page()
        page.set_viewport_size(PHONE)

        page.goto(link)
        expect(page.get_by_role("heading", name="Berhenti menerima pesan tentang laporan", level=1)).to_be_visible()
        assert Report.objects.get(pk=report.pk).notices_stopped_at is None  # opening only asks
        button = page.get_by_role("button", name="Hentikan pesan ini")
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]  # within the screen, no sideways scroll
        button.click()

        expect(page.get_by_role("status")).to_have_text(
            f"Anda tidak akan menerima pesan lagi tentang laporan {report.formatted_tracking_number}."
        )
        assert Report.objects.get(pk=report.pk).notices_stopped_at is not None
        page.get_by_role("link", name=report.formatted_tracking_number).click()
        expect(page).to_have_url(f"{page.url.split('/lacak/')[0]}/lacak/{report.tracking_number}/")


def test_a_link_that_is_not_ours_is_a_plain_not_found(world, submit, new_context):
    report, _secret = submit(contact_email="siti@example.id")
    page = new_context(english=False).new_page()
    response = page.goto(f"/lacak/{report.tracking_number}/berhenti/bukan-token-kami/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("button", name="Hentikan pesan ini")).to_have_count(0)
    expect(page.get_by_text(report.formatted_tracking_number)).to_have_count(0)  # nothing about the report
