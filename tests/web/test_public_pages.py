"""The citizen's pages: home, the report form (good and bad input), tracking."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lapor.reports.models import Attachment, Report
from lapor.reports.tokens import reporter_secret_for

from ..api.conftest import MINIMAL_PDF, image_bytes, stored_files
from ..conftest import GOOD_REPORT

FORM = {
    "type": "complaint",
    "title": GOOD_REPORT["title"],
    "description": GOOD_REPORT["description"],
    "event_date": "2026-11-10",
    "region_code": "35",
    "regency_code": "35.78",
    "district_code": "35.78.01",
    "village_code": "35.78.01.1001",
    "address": "Jl. Mastrip 1",
}


@pytest.mark.parametrize("url", ["/", "/lapor/", "/lacak/"])
def test_public_pages_render(browser, url):
    page = browser.get(url)
    assert page.status_code == 200
    assert page.templates[0].name == {"/": "web/home.html", "/lapor/": "web/submit.html", "/lacak/": "web/track_lookup.html"}[url]


def test_submit_form_lists_provinces_and_the_attachment_rules(browser):
    html = browser.get("/lapor/").content.decode()
    assert '<option value="35">Jawa Timur</option>' in html and '<option value="91">Papua</option>' in html
    assert "Up to 5 files: JPEG, PNG or WebP photos and PDF documents, at most 10 MB each." in html


def test_region_picker_lists_children(browser):
    html = browser.get("/wilayah/", parent="35.78").content.decode()
    assert html.strip() == '<option value="35.78.01">Karang Pilang</option>'


def test_good_form_shows_tracking_number_and_secret(browser, media_root):
    browser.get("/lapor/")
    page = browser.submit(
        "/lapor/",
        files={"attachments": [SimpleUploadedFile("foto.png", image_bytes("PNG"), "image/png")]},
        **FORM,
        is_anonymous="on",
        contact_name="Siti Aminah",
    )
    assert page.status_code == 200
    report = Report.objects.get()
    assert (report.region_id, report.channel, report.is_anonymous, report.is_confidential) == ("35.78.01.1001", "web", True, False)
    assert (report.address, report.contact_name) == ("Jl. Mastrip 1", "Siti Aminah")
    html = page.content.decode()
    assert f'<strong class="tracking">{report.formatted_tracking_number}</strong>' in html
    secret = reporter_secret_for(report.tracking_number)
    assert f'<strong class="secret">{secret}</strong>' in html
    assert f'href="/lacak/{report.tracking_number}/"' in html and "kode=" not in html
    assert "The report will be checked by 26 November 2026 at the latest." in html
    assert [a.original_name for a in Attachment.objects.all()] == ["foto.png"] and len(stored_files(media_root)) == 1


def test_form_without_a_csrf_token_is_refused(world, unchanged):
    with unchanged():
        response = Client(enforce_csrf_checks=True).post("/lapor/", FORM)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "change, files, status, message, field",
    [
        ({"title": ""}, None, 422, "The title must be at least 10 characters.", "title"),
        ({"description": "Terlalu pendek."}, None, 422, "Please describe what happened, where and when, in at least 30 characters.", "description"),
        ({"region_code": "99", "regency_code": "", "district_code": "", "village_code": ""}, None, 422, "There is no region with the code “99”.", "region_code"),
        ({"region_code": "", "regency_code": "", "district_code": "", "village_code": ""}, None, 422, "Please choose where it happened (at least the province).", "region_code"),
        ({}, "big", 413, "“besar.pdf” is too large: at most", "attachments"),
        ({}, "exe", 422, "“foto.jpg” is not an accepted file: only JPEG, PNG or WebP photos and PDF documents.", "attachments"),
    ],
    ids=["missing-title", "short-description", "bad-region", "no-region", "oversize", "wrong-type"],
)
def test_bad_form_rerenders_with_the_message_and_writes_nothing(browser, settings, unchanged, change, files, status, message, field):
    settings.LAPOR_MAX_ATTACHMENT_BYTES = 50 * 1024
    uploads = {
        None: None,
        "big": {"attachments": [SimpleUploadedFile("besar.pdf", MINIMAL_PDF + b"0" * 60_000, "application/pdf")]},
        "exe": {"attachments": [SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" + b"\x00" * 100, "image/jpeg")]},
    }[files]
    browser.get("/lapor/")
    with unchanged():
        page = browser.submit("/lapor/", files=uploads, **{**FORM, "contact_name": "Siti Aminah", **change})
    assert page.status_code == status
    assert page.templates[0].name == "web/submit.html"
    html = page.content.decode()
    assert '<div class="error-summary" role="alert"' in html
    assert f'<a href="#f-{field}">{message}' in html
    # What the reporter typed is kept.
    assert 'value="Siti Aminah"' in html
    if "description" not in change:
        assert GOOD_REPORT["description"] in html


def test_track_lookup_redirects_to_the_report(browser, submit):
    report, _ = submit()
    page = browser.get("/lacak/", nomor=report.formatted_tracking_number.lower())
    assert page.redirect_chain == [(f"/lacak/{report.tracking_number}/", 302)]
    assert page.status_code == 200
    html = page.content.decode()
    assert report.formatted_tracking_number in html and GOOD_REPORT["title"] in html
    assert "Next: the national desk verifies the report and sends it to the agency responsible." in html


def test_track_page_of_unknown_number_is_404(browser, world):
    page = browser.get("/lacak/ZZZZZZZZZZ/")
    assert page.status_code == 404
    assert "There is no report with the tracking number “ZZZZZZZZZZ”." in page.content.decode()


def test_track_page_hides_confidential_content_and_the_reporter(browser, submit):
    report, secret = submit(is_confidential=True, contact_name="Siti Aminah", contact_email="siti@example.id")
    html = browser.get(f"/lacak/{report.tracking_number}/").content.decode()
    assert "The content of this report is confidential." in html
    for hidden in (GOOD_REPORT["title"], GOOD_REPORT["description"], "Siti", "siti@example.id", secret):
        assert hidden not in html
    # With the secret code the reporter sees their own report.
    html = browser.enter_code(report.tracking_number, secret).content.decode()
    assert GOOD_REPORT["title"] in html


def test_public_track_page_of_a_confidential_report_shows_no_notes(browser, world, submit):
    from lapor.accounts.actors import Actor
    from lapor.reports.services import report_act

    report, secret = submit(is_confidential=True)
    desk = Actor.for_user(world.national_admin)
    report_act(tracking_number=report.tracking_number, action="request_info", actor=desk, payload={"note": "Sebutkan nama sekolah."})
    report_act(tracking_number=report.tracking_number, action="supplement", actor=Actor(reporter_secret=secret), payload={"note": "SDN Karang Pilang 1."})
    html = browser.get(f"/lacak/{report.tracking_number}/").content.decode()
    assert "Sebutkan nama sekolah." not in html and "SDN Karang Pilang 1." not in html
    html = browser.enter_code(report.tracking_number, secret).content.decode()
    assert "Sebutkan nama sekolah." in html and "SDN Karang Pilang 1." in html


def test_home_states_the_deadlines_in_force(browser, world):
    from lapor.agencies import sla
    from lapor.agencies.models import SlaPolicy

    html = browser.get("/").content.decode()
    assert "within 3 working days and sends it" in html and "follow-up within 5 working days" in html
    assert "closes after 10 working days" in html and "unresolved after 60 days" in html
    SlaPolicy.objects.create(stage="follow_up", duration=4, unit="working_days")
    sla.reset_policies()
    assert "follow-up within 4 working days" in browser.get("/").content.decode()
