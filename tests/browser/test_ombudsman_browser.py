"""The Ombudsman's work in a real browser (ADR 0023): it signs in (password, then the code from its
authenticator app), opens its list of transferred reports, opens one, records its outcome with a
note; the reporter, on another device with the secret code, then reads the note on the track page.
axe-core checks every page on the way (tests/browser/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from lapor.core import clock
from lapor.reports.models import Report

from ..conftest import transfer_to_ombudsman
from ..reports.test_ombudsman import offer
from .steps import sign_in

NOTE = "Laporan Anda kami terima dan sedang kami periksa bersama instansi terkait."


def test_the_ombudsman_records_an_outcome_the_reporter_reads(world, submit, ombudsman, new_context):
    earlier, earlier_secret = submit(title="Seragam sekolah terlalu mahal", target_agency_code="kota-35-78")
    transfer_to_ombudsman(earlier, earlier_secret)
    clock.freeze(clock.now() + timedelta(hours=2))
    report, secret = submit(target_agency_code="kota-35-78", is_anonymous=True, contact_name="Siti Aminah")
    report = transfer_to_ombudsman(report, secret)
    offered, _ = submit(title="Guru sering tidak hadir di kelas", target_agency_code="kota-35-78")
    offer(offered)

    # The Ombudsman opens its list: the transferred reports, newest transfer first; not the offered one.
    page = sign_in(new_context().new_page(), ombudsman, next_url="/petugas/ombudsman/")
    expect(page.get_by_role("heading", name="Ombudsman cases", level=1)).to_be_visible()
    rows = page.get_by_role("row").filter(has=page.get_by_role("link"))
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("link")).to_have_text(report.formatted_tracking_number)
    expect(rows.nth(1).get_by_role("link")).to_have_text(earlier.formatted_tracking_number)
    expect(rows.nth(0).get_by_role("cell", name="Pungutan liar saat pendaftaran sekolah")).to_be_visible()
    expect(rows.nth(0).get_by_role("cell", name="none yet")).to_be_visible()
    expect(page.get_by_text("Guru sering tidak hadir")).to_have_count(0)

    # It opens the report and records that the case is accepted for examination.
    rows.nth(0).get_by_role("link", name=report.formatted_tracking_number).click()
    form = page.get_by_role("group", name="Record the Ombudsman's outcome")
    form.get_by_label("Outcome", exact=True).select_option(label="Accepted for examination")
    form.get_by_label("Note", exact=True).fill(NOTE)
    form.get_by_role("button", name="Record the Ombudsman's outcome").click()
    expect(page.get_by_role("status")).to_have_text("Done: the Ombudsman recorded its outcome.")
    assert "Siti Aminah" not in page.content()  # an anonymous reporter stays anonymous to the Ombudsman
    report.refresh_from_db()
    assert (report.status, report.ombudsman_outcome) == ("ombudsman", "accepted")
    # Only resolved or closed may follow now.
    options = page.get_by_role("group", name="Record the Ombudsman's outcome").get_by_label("Outcome", exact=True).locator("option")
    expect(options).to_have_text(["— choose —", "Resolved by the Ombudsman", "Closed by the Ombudsman"])

    # Back on the list, the outcome shows.
    page.goto("/petugas/ombudsman/")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=report.formatted_tracking_number))
           .get_by_role("cell", name="Accepted for examination")).to_be_visible()

    # The reporter, on another device, reads the note on the track page.
    phone = new_context().new_page()
    phone.goto(f"/lacak/{report.tracking_number}/")
    phone.get_by_label("Are you the reporter? Enter your secret code to respond.").fill(secret)
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text(NOTE)).to_be_visible()
    expect(phone.locator("ol.timeline > li").last).to_contain_text("The Ombudsman recorded its outcome: accepted for examination")
    expect(phone.get_by_text("Next: the Ombudsman examines the report.")).to_be_visible()
    assert Report.objects.get(pk=report.pk).events.filter(action="ombudsman_outcome").count() == 1
