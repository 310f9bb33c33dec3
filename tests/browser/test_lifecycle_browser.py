"""A browser walks a report through every stage: a real Chromium, driven only by clicking and typing
(elements found by their label or role, so the forms must be labelled), against the live server.

Actors each have their own browser context: the citizen (a guest, anonymous), the national admin,
the agency admin (Pemerintah Kota Surabaya) and the liaison officer (Dinas Pendidikan). Each step is
checked twice: the status in the database, exactly, and the text a person sees on the page."""

from __future__ import annotations

import io
import time
from base64 import b32decode
from pathlib import Path

import pytest
from django.utils import translation
from django_otp.oath import hotp
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from lapor.accounts.actors import Actor
from lapor.reports.models import Attachment, Report, ReportEvent
from lapor.reports.services import report_act
from lapor.reports.states import Action, Status
from lapor.reports.tokens import normalise_tracking_number

from ..conftest import authenticator, totp_code

# Never shown to an officer: the guest reporter asked to stay anonymous.
CONTACT_NAME = "Siti Aminah"
PRIVATE = ("Siti", "Aminah")


def english(choice) -> str:
    """A status's or action's label as the English pages write it."""
    with translation.override("en"):
        return str(choice.label)


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def status_text(status: str) -> str:
    """The status as the pages show it."""
    return capfirst(english(Status(status)))


def action_text(action: str) -> str:
    """An event as the timeline names it."""
    return capfirst(english(Action(action)))


def short_status_text(status: str) -> str:
    """The status as the queue's narrow column shows it."""
    from lapor.web.views import STATUS_SHORT

    with translation.override("en"):
        return str(STATUS_SHORT[status])


# What the page confirms after each officer action: what happened to which report (ADR 0027).
CONFIRMATIONS = {
    "request_info": "Report {n}: the reporter was asked for more information.",
    "dispose": "Report {n} disposed to Pemerintah Kota Surabaya.",
    "forward": "Report {n} forwarded to Dinas Pendidikan Kota Surabaya.",
    "respond": "Initial response posted on report {n}.",
    "follow_up": "Follow-up posted on report {n}; the reporter may now reply or rate it.",
    "dismiss_appeal": "Appeal on report {n} dismissed; the report is completed.",
}


def code_now(base32_key: str) -> str:
    """What an authenticator app shows for this key now (real time, as the server checks it)."""
    key = b32decode(base32_key + "=" * (-len(base32_key) % 8))
    return f"{hotp(key, int(time.time()) // 30):06d}"


def status_of(tracking_number: str) -> str:
    return Report.objects.values_list("status", flat=True).get(tracking_number=tracking_number)


def png(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


# --- the citizen ---------------------------------------------------------------------------------------
def shows_status(page: Page, status: str) -> None:
    """The track page's status line."""
    expect(page.locator("p.status")).to_have_text(f"Status: {status_text(status)}")


def recorded(page: Page) -> None:
    expect(page.get_by_role("status")).to_have_text("Thank you. Your response has been recorded.")


def open_with_code(context: BrowserContext, formatted_number: str, secret: str) -> Page:
    """The reporter on another device: the tracking number on the home page, then the secret code."""
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Tracking number", exact=True).fill(formatted_number)
    page.get_by_role("button", name="Track", exact=True).click()
    page.get_by_label("Are you the reporter? Enter your secret code to respond.").fill(secret)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your response")).to_be_visible()
    return page


# --- officers --------------------------------------------------------------------------------------------
class Officer:
    """A signed-in official in their own browser context. Every page they are shown is checked for
    the anonymous reporter's name."""

    def __init__(self, context: BrowserContext, user, shots: Path, *, enrol: bool = False):
        """Sign in with the password, then the second step: `enrol` sets up the authenticator app
        on the page (key read from the page, as a phone would); otherwise the official already
        has one and types its current code."""
        self.page = context.new_page()
        self.shots = shots
        device = None if enrol else authenticator(user)
        csp_errors: list[str] = []
        self.page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        self.page.goto("/masuk/")
        self.page.get_by_label("Username").fill(user.username)
        self.page.get_by_label("Password").fill("pass-" + user.username)
        self.page.get_by_role("button", name="Sign in").click()
        if enrol:
            expect(self.page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
            qr = self.page.get_by_role("img", name="QR code for your authenticator app", exact=False)
            expect(qr).to_be_visible()
            assert qr.evaluate("img => img.complete && img.naturalWidth > 100"), "the QR code did not load"
            key = self.page.locator("#totp-secret").inner_text().replace(" ", "")
            self.page.get_by_label("Code shown by the app").fill(code_now(key))
            self.page.get_by_role("button", name="Confirm").click()
            expect(self.page.get_by_role("heading", name="Your backup codes")).to_be_visible()
            expect(self.page.locator("ul.backup-codes li")).to_have_count(10)
            self.page.get_by_role("link", name="continue", exact=False).click()
        else:
            expect(self.page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
            self.page.get_by_label("Code from your authenticator app").fill(totp_code(device))
            self.page.get_by_role("button", name="Verify").click()
        expect(self.page.get_by_role("heading", name="Your queue")).to_be_visible()
        assert not csp_errors, csp_errors
        self.private()

    def private(self) -> None:
        html = self.page.content()
        for word in PRIVATE:
            assert word not in html, f"{word!r} shown on {self.page.url}"

    def open_from_queue(self, formatted_number: str, status: str) -> None:
        """Open the queue from the menu and follow the report's link."""
        self.page.get_by_role("link", name="Queue", exact=True).click()
        row = self.page.get_by_role("row").filter(has=self.page.get_by_role("link", name=formatted_number))
        expect(row.get_by_role("cell", name=short_status_text(status), exact=True)).to_be_visible()
        self.private()
        row.get_by_role("link", name=formatted_number).click()
        expect(self.page.get_by_text(status_text(status), exact=True)).to_be_visible()
        self.formatted_number = formatted_number
        self.report_path = f"/petugas/laporan/{normalise_tracking_number(formatted_number)}/"
        assert "<dt>Reporter</dt><dd>anonymous</dd>" in self.page.content()
        self.private()

    def act(self, action: str, button: str, *, note: str = "", select: tuple[str, str] | None = None, files=()) -> None:
        """Fill the action's form (a fieldset named after the action; unless it is the action the
        report waits for, it is under "Other actions") and send it. Opened from the queue, the page
        goes on to the next report or back to the queue, confirming what happened; the officer
        then reopens this report (each officer here has only this one)."""
        form = self.page.get_by_role("group", name=button)
        if not form.is_visible():
            self.page.locator("summary", has_text="Other actions").click()
        if select:
            form.get_by_label(select[0], exact=True).select_option(label=select[1])
        if note:
            form.get_by_label("Note", exact=True).fill(note)
        if files:
            form.get_by_label("Documents (optional)").set_input_files(files)
        form.get_by_role("button", name=button).click()
        expect(self.page.get_by_role("status")).to_have_text(CONFIRMATIONS[action].format(n=self.formatted_number))
        self.private()
        self.page.goto(self.report_path)

    def shows_status(self, status: str) -> None:
        expect(self.page.get_by_text(status_text(status), exact=True)).to_be_visible()

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=self.shots / name, full_page=True)


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return folder


# --- journey 1: every stage ------------------------------------------------------------------------------
def test_a_browser_walks_a_report_through_every_stage(world, new_context, shots, tmp_path):
    # The citizen arrives in Indonesian (the default) and switches the site to English.
    citizen = new_context(english=False).new_page()
    citizen.goto("/")
    expect(citizen.locator("html")).to_have_attribute("lang", "id")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Laporkan masalah pelayanan publik")
    citizen.get_by_label("Bahasa", exact=True).select_option("en")
    citizen.get_by_role("button", name="Ganti").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Report a public-service problem")

    # The submission form.
    citizen.get_by_role("link", name="Write a report").click()
    citizen.get_by_label("Complaint", exact=True).check()
    citizen.get_by_label("Title", exact=True).fill("Pungutan liar saat pendaftaran sekolah")
    citizen.get_by_label("What happened, where and when?").fill(
        "Pada 10 November 2026 di SDN Karang Pilang 1, panitia meminta uang pendaftaran Rp500.000 tanpa kuitansi."
    )
    citizen.get_by_label("Date of the event").fill("2026-11-10")
    citizen.get_by_label("Province", exact=True).select_option(label="Jawa Timur")
    # Each choice loads the next level (fetch /wilayah/?parent=…); select_option waits for the option.
    citizen.get_by_label("Regency/city", exact=True).select_option(label="Kota Surabaya")
    citizen.get_by_label("District", exact=True).select_option(label="Karang Pilang")
    citizen.get_by_label("Village", exact=True).select_option(label="Karang Pilang")
    citizen.get_by_label("Address or landmark").fill("Jl. Mastrip 1")
    citizen.get_by_label("Photos or documents").set_input_files(png(tmp_path / "pungutan.png"))
    citizen.get_by_label("Anonymous", exact=False).check()
    citizen.get_by_label("Name", exact=True).fill(CONTACT_NAME)
    citizen.screenshot(path=shots / "01-form.png", full_page=True)
    citizen.get_by_role("button", name="Send report").click()

    expect(citizen.get_by_role("heading", level=1)).to_have_text("Your report has been received")
    formatted = citizen.locator("strong.tracking").inner_text()
    secret = citizen.locator("strong.secret").inner_text()
    citizen.screenshot(path=shots / "02-received.png", full_page=True)
    number = normalise_tracking_number(formatted)
    report = Report.objects.get(tracking_number=number)
    assert (report.status, report.region_id, report.channel) == ("submitted", "35.78.01.1001", "web")
    assert (report.is_anonymous, report.contact_name, report.address) == (True, CONTACT_NAME, "Jl. Mastrip 1")
    assert list(Attachment.objects.filter(report=report).values_list("original_name", "content_type")) == [
        ("pungutan.png", "image/png")
    ]

    # The national desk asks for more information first.
    # The national desk signs in for the first time: it sets up its authenticator app.
    desk = Officer(new_context(), world.national_admin, shots, enrol=True)
    desk.open_from_queue(formatted, "submitted")
    expect(desk.page.get_by_role("link", name="pungutan.png")).to_be_visible()
    desk.screenshot("03-desk-report.png")
    desk.act("request_info", "Ask the reporter for more information", note="Sebutkan nama sekolah dan kelasnya.")
    assert status_of(number) == "needs_info"
    desk.shows_status("needs_info")

    # The citizen, in the same browser (her code is remembered in the session), adds it.
    citizen.get_by_role("link", name="Follow your report").click()
    shows_status(citizen, "needs_info")
    expect(citizen.get_by_text("Next: your response is awaited.")).to_be_visible()
    expect(citizen.get_by_text("Sebutkan nama sekolah dan kelasnya.")).to_be_visible()
    citizen.get_by_label("Additional information").fill("SDN Karang Pilang 1, pendaftaran kelas 1.")
    citizen.get_by_role("button", name="Send", exact=True).click()
    recorded(citizen)
    assert status_of(number) == "submitted"
    shows_status(citizen, "submitted")

    # The desk disposes it to the city.
    desk.page.reload()
    desk.shows_status("submitted")
    desk.act("dispose", "Verify and dispose", select=("Agency", "Pemerintah Kota Surabaya"), note="Kewenangan Pemkot.")
    assert status_of(number) == "at_agency"
    desk.shows_status("at_agency")

    # The city's admin forwards it to the education office.
    city = Officer(new_context(), world.city_admin, shots)
    city.open_from_queue(formatted, "at_agency")
    city.act("forward", "Forward to a unit", select=("Unit", "Dinas Pendidikan Kota Surabaya"), note="Mohon ditangani.")
    assert status_of(number) == "forwarded"
    city.shows_status("forwarded")

    # The liaison officer responds, then posts the follow-up with a document.
    officer = Officer(new_context(), world.education_officer, shots)
    officer.open_from_queue(formatted, "forwarded")
    officer.act("respond", "Post the initial response", note="Sedang kami periksa ke sekolah.")
    assert status_of(number) == "in_process"
    officer.shows_status("in_process")
    officer.act(
        "follow_up", "Post the follow-up", note="Panitia sudah ditegur; uang akan dikembalikan.",
        files=png(tmp_path / "berita-acara.png"),
    )
    assert status_of(number) == "followed_up"
    officer.shows_status("followed_up")
    officer.screenshot("04-officer-followed-up.png")

    # The citizen, now on her phone: tracking number and secret code from the confirmation page.
    phone = open_with_code(new_context(), formatted, secret)
    shows_status(phone, "followed_up")
    expect(phone.get_by_text("Panitia sudah ditegur; uang akan dikembalikan.")).to_be_visible()
    phone.get_by_label("Your reply").fill("Uang saya belum dikembalikan sampai hari ini.")
    phone.get_by_role("button", name="Send reply").click()
    recorded(phone)
    assert status_of(number) == "in_process"
    shows_status(phone, "in_process")

    # The officer follows up again.
    officer.page.reload()
    officer.shows_status("in_process")
    officer.act("follow_up", "Post the follow-up", note="Uang sudah dikembalikan hari ini, kuitansi diberikan.")
    assert status_of(number) == "followed_up"

    # The citizen rates it 5: completed, with every step on the timeline.
    phone.reload()
    shows_status(phone, "followed_up")
    phone.get_by_role("radio", name="5", exact=True).check()
    phone.get_by_label("Comment").fill("Terima kasih.")
    phone.get_by_role("button", name="Send rating").click()
    recorded(phone)
    report.refresh_from_db()
    assert (report.status, report.rating, report.rating_comment) == ("closed", 5, "Terima kasih.")
    shows_status(phone, "closed")
    expect(phone.locator("p.status")).to_have_text("Status: Completed")
    expect(phone.get_by_text("Rating: 5/5")).to_be_visible()
    steps = ["submit", "request_info", "supplement", "dispose", "forward", "respond", "follow_up", "reply", "follow_up", "rate"]
    assert list(ReportEvent.objects.filter(report=report).order_by("seq").values_list("action", flat=True)) == steps
    expect(phone.locator("ol.timeline > li > strong")).to_have_text([action_text(a) for a in steps])
    expect(phone.get_by_text("This report is finished.")).to_be_visible()
    phone.screenshot(path=shots / "05-completed.png", full_page=True)

    # The first browser sees the same, and the officers still never saw the reporter's name.
    citizen.reload()
    shows_status(citizen, "closed")
    for official in (desk, city, officer):
        official.page.reload()
        official.shows_status("closed")
        official.private()


# --- journey 2: a poor rating, an appeal, the appeal dismissed ------------------------------------------
def test_a_poor_rating_is_appealed_and_the_appeal_dismissed(world, submit, new_context, shots):
    # Up to the follow-up through the services (journey 1 walks those pages).
    report, secret = submit(is_anonymous=True, contact_name=CONTACT_NAME, target_agency_code="kota-35-78")
    number = report.tracking_number
    report_act(tracking_number=number, action="forward", actor=Actor.for_user(world.city_admin), payload={"unit": "kota-35-78-disdik"})
    report_act(tracking_number=number, action="follow_up", actor=Actor.for_user(world.education_officer), payload={"note": "Sudah ditangani."})
    assert status_of(number) == "followed_up"

    citizen = open_with_code(new_context(), report.formatted_tracking_number, secret)
    shows_status(citizen, "followed_up")
    citizen.get_by_role("radio", name="1", exact=True).check()
    citizen.get_by_label("Comment").fill("Tidak ada perubahan.")
    citizen.get_by_role("button", name="Send rating").click()
    recorded(citizen)
    assert status_of(number) == "closed"
    shows_status(citizen, "closed")

    # A rating of 1 opens the appeal.
    citizen.get_by_label("Why is the follow-up not satisfactory?").fill("Pungutan masih terjadi di sekolah yang sama.")
    citizen.get_by_role("button", name="Send appeal").click()
    recorded(citizen)
    assert status_of(number) == "appealed"
    shows_status(citizen, "appealed")

    city = Officer(new_context(), world.city_admin, shots)
    city.open_from_queue(report.formatted_tracking_number, "appealed")
    city.screenshot("06-appeal.png")
    city.act("dismiss_appeal", "Dismiss the appeal", note="Sudah diperiksa ulang; pungutan telah dihentikan.")
    report.refresh_from_db()
    assert (report.status, report.appeal_count, report.rating) == ("closed", 1, None)
    city.shows_status("closed")

    citizen.reload()
    shows_status(citizen, "closed")
    expect(citizen.get_by_text("Sudah diperiksa ulang; pungutan telah dihentikan.")).to_be_visible()
    steps = ["submit", "forward", "follow_up", "rate", "appeal", "dismiss_appeal"]
    assert list(ReportEvent.objects.filter(report=report).order_by("seq").values_list("action", flat=True)) == steps
    expect(citizen.locator("ol.timeline > li > strong")).to_have_text([action_text(a) for a in steps])
    # The outcome of the appeal is rated afresh.
    expect(citizen.get_by_role("button", name="Send rating")).to_be_visible()
    citizen.screenshot(path=shots / "07-appeal-dismissed.png", full_page=True)
