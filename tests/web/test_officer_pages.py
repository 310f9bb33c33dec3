"""The lifecycle walked in the browser: officers sign in, find the report in their queue and post
the action forms on its page; the guest reporter answers on the track page with the secret code."""

from django.core.files.uploadedfile import SimpleUploadedFile

from lapor.reports.models import Attachment, Report, ReportEvent

from ..api.conftest import MINIMAL_PDF
from .conftest import Browser, forms_on
from .test_public_pages import FORM


def officer_url(report, action=None):
    base = f"/petugas/laporan/{report.tracking_number}/"
    return f"{base}aksi/{action}/" if action else base


def messages(page) -> list[str]:
    return [str(m) for m in page.context["messages"]]


def open_from_queue(browser: Browser, report):
    """The report is listed in the officer's queue (its link carries the queue's view, here the
    plain queue); open its page."""
    queue = browser.get("/petugas/")
    assert f'<a href="{officer_url(report)}?kembali=">{report.formatted_tracking_number}</a>' in queue.content.decode()
    page = browser.get(officer_url(report))
    assert page.status_code == 200
    return page


def status_of(report) -> str:
    return Report.objects.values_list("status", flat=True).get(pk=report.pk)


def test_whole_lifecycle_in_the_browser(world, officer_browser, media_root):
    reporter = Browser()
    reporter.get("/lapor/")
    reporter.submit("/lapor/", **FORM)
    report = Report.objects.get()
    secret = reporter.html.split('<strong class="secret">')[1].split("<")[0]

    desk = officer_browser(world.national_admin)
    open_from_queue(desk, report)
    assert [f["action"] for f in forms_on(desk.html) if "/aksi/" in f["action"]] == [
        officer_url(report, a) for a in ("dispose", "archive", "reject", "request_info")
    ]  # the action a new report waits for first (selectors.expected_action), then the others
    page = desk.submit(officer_url(report, "dispose"), agency="kota-35-78", note="Kewenangan Pemkot.")
    assert messages(page) == [f"Report {report.formatted_tracking_number} disposed to Pemerintah Kota Surabaya."]
    assert status_of(report) == "at_agency"

    city = officer_browser(world.city_admin)
    open_from_queue(city, report)
    assert city.form(officer_url(report, "forward"))["fields"]["unit"] == ""  # nothing chosen until the admin chooses
    page = city.submit(officer_url(report, "forward"), unit="kota-35-78-disdik")
    assert messages(page) == [f"Report {report.formatted_tracking_number} forwarded to Dinas Pendidikan Kota Surabaya."]

    officer = officer_browser(world.education_officer)
    open_from_queue(officer, report)
    officer.submit(officer_url(report, "respond"), note="Sedang kami periksa.")
    assert status_of(report) == "in_process"
    page = officer.submit(
        officer_url(report, "follow_up"),
        files={"attachments": [SimpleUploadedFile("berita-acara.pdf", MINIMAL_PDF, "application/pdf")]},
        note="Uang dikembalikan kepada orang tua.",
    )
    assert messages(page) == [f"Follow-up posted on report {report.formatted_tracking_number}; the reporter may now reply or rate it."]
    assert status_of(report) == "followed_up"
    assert Attachment.objects.get().event.action == "follow_up"
    assert "berita-acara.pdf" in page.content.decode()

    # The reporter replies on the track page with the secret code from the confirmation page.
    reporter.enter_code(report.tracking_number, secret)
    assert "Uang dikembalikan kepada orang tua." in reporter.html  # the follow-up note is public
    page = reporter.submit(f"/lacak/{report.tracking_number}/reply/", note="Uang saya belum kembali.")
    assert page.redirect_chain == [(f"/lacak/{report.tracking_number}/", 302)]
    assert messages(page) == ["Thank you. Your response has been recorded."]
    assert status_of(report) == "in_process"

    officer.get(officer_url(report))
    officer.submit(officer_url(report, "follow_up"), note="Sudah dikembalikan hari ini, kuitansi terlampir.")
    reporter.enter_code(report.tracking_number, secret)
    page = reporter.submit(f"/lacak/{report.tracking_number}/rate/", rating="5", comment="Terima kasih.")
    assert messages(page) == ["Thank you. Your response has been recorded."]
    report.refresh_from_db()
    assert (report.status, report.rating, report.rating_comment) == ("closed", 5, "Terima kasih.")
    assert "Rating: 5/5" in page.content.decode()
    assert list(ReportEvent.objects.filter(report=report).values_list("action", flat=True)) == [
        "submit", "dispose", "forward", "respond", "follow_up", "reply", "follow_up", "rate"
    ]


def test_request_info_then_supplement_in_the_browser(world, submit, officer_browser):
    report, secret = submit()
    desk = officer_browser(world.national_admin)
    open_from_queue(desk, report)
    desk.submit(officer_url(report, "request_info"), note="Sebutkan nama sekolahnya.")
    assert status_of(report) == "needs_info"

    reporter = Browser()
    reporter.enter_code(report.tracking_number, secret)
    assert "Sebutkan nama sekolahnya." in reporter.html
    assert "Next: your response is awaited." in reporter.html
    page = reporter.submit(f"/lacak/{report.tracking_number}/supplement/", note="SDN Karang Pilang 1, kelas 1.")
    assert messages(page) == ["Thank you. Your response has been recorded."]
    report.refresh_from_db()
    assert (report.status, report.version) == ("submitted", 3)


def test_reporter_form_without_the_secret_changes_nothing(world, submit, unchanged):
    from lapor.accounts.actors import Actor
    from lapor.reports.services import report_act

    report, secret = submit()
    report_act(tracking_number=report.tracking_number, action="request_info", actor=Actor.for_user(world.national_admin), payload={"note": "Lengkapi."})
    reporter = Browser()
    reporter.enter_code(report.tracking_number, secret)
    form = reporter.form(f"/lacak/{report.tracking_number}/supplement/")
    form["fields"]["note"] = "Tambahan dari orang lain."
    stranger = Browser()  # same form, but a session that never gave the code
    stranger.get(f"/lacak/{report.tracking_number}/")
    csrf = forms_on(stranger.html)[-1]["fields"]["csrfmiddlewaretoken"]
    with unchanged():
        page = stranger.http.post(form["action"], {**form["fields"], "csrfmiddlewaretoken": csrf}, follow=True)
        assert page.redirect_chain == [(f"/lacak/{report.tracking_number}/", 302)]
        assert messages(page) == ["Only the reporter may do this: sign in or give the report's secret code."]
        page = stranger.enter_code(report.tracking_number, "bukan-kode")
        assert messages(page) == ["This code does not match the report."]
        assert f"/lacak/{report.tracking_number}/reply/" not in page.content.decode()


def test_anonymous_reporters_name_never_reaches_officer_pages(world, submit, officer_browser):
    world.citizen.full_name = "Budi Santoso"
    world.citizen.save()
    anonymous, _ = submit(world.citizen, is_anonymous=True, target_agency_code="kota-35-78")
    guest, _ = submit(is_anonymous=True, contact_name="Siti Aminah", contact_email="siti@example.id", target_agency_code="kota-35-78")
    named, _ = submit(world.citizen, target_agency_code="kota-35-78")
    for user in (world.national_admin, world.city_admin):
        browser = officer_browser(user)
        pages = [browser.get("/petugas/").content.decode()]
        for report in (anonymous, guest):
            html = browser.get(officer_url(report)).content.decode()
            assert "<dt>Reporter</dt><dd>anonymous</dd>" in html
            pages.append(html)
        for html in pages:
            for personal in ("Budi", "Santoso", "Siti", "Aminah", "siti@example.id", "warga"):
                assert personal not in html, (user, personal)
        # The same reporter's name does show on a report that is not anonymous.
        assert "<dt>Reporter</dt><dd>Budi Santoso</dd>" in browser.get(officer_url(named)).content.decode()


def test_stale_form_shows_the_conflict_and_writes_nothing(world, submit, officer_browser, unchanged):
    report, _ = submit(target_agency_code="kota-35-78")
    city = officer_browser(world.city_admin)
    city.get(officer_url(report))
    city.submit(officer_url(report, "forward"), unit="kota-35-78-disdik")
    officer = officer_browser(world.education_officer)
    officer.get(officer_url(report))
    stale = officer.form(officer_url(report, "follow_up"))
    assert stale["fields"]["version"] == "2"
    # Meanwhile, in another tab, the interim reply moves the report to version 3.
    officer.submit(officer_url(report, "interim_reply"), note="Perlu pemeriksaan lapangan.", due_date="2026-12-10")
    with unchanged():
        page = officer.http.post(stale["action"], {**stale["fields"], "note": "Selesai."}, follow=True)
    assert messages(page) == ["The report was changed by someone else (version 3, you had 2). Reload it and try again."]
    assert status_of(report) == "in_process"


def test_officer_action_urls_refuse_reporter_and_unknown_actions(world, submit, officer_browser, unchanged):
    report, _ = submit(target_agency_code="kota-35-78")
    city = officer_browser(world.city_admin)
    city.get(officer_url(report))
    token = city.form(officer_url(report, "forward"))["fields"]["csrfmiddlewaretoken"]
    with unchanged():
        for action in ("rate", "auto_close_everything"):
            assert city.http.post(officer_url(report, action), {"csrfmiddlewaretoken": token, "rating": "5"}).status_code == 404
        page = city.http.post(officer_url(report, "auto_close"), {"csrfmiddlewaretoken": token}, follow=True)
    assert messages(page) == ["This action is taken by the system only."]


def test_officer_pages_need_sign_in(world, submit, browser):
    report, _ = submit()
    for url in ("/petugas/", officer_url(report)):
        page = browser.http.get(url)
        assert (page.status_code, page["Location"]) == (302, f"/masuk/?next={url}")


def test_officer_of_another_agency_gets_404_for_the_report_page(world, submit, officer_browser):
    report, _ = submit(target_agency_code="kota-35-78")
    ministry = officer_browser(world.ministry_admin)
    assert ministry.get(officer_url(report)).status_code == 404
    assert report.formatted_tracking_number not in ministry.get("/petugas/").content.decode()


# --- attachments ------------------------------------------------------------------------------------
def _report_with_pdf(submit):
    report, _ = submit(target_agency_code="kota-35-78", files=[SimpleUploadedFile("kuitansi.pdf", MINIMAL_PDF, "application/pdf")])
    return report, Attachment.objects.get(report=report)


def test_handling_officer_downloads_the_attachment(world, submit, officer_browser):
    report, attachment = _report_with_pdf(submit)
    city = officer_browser(world.city_admin)
    page = open_from_queue(city, report)
    url = f"/petugas/laporan/{report.tracking_number}/lampiran/{attachment.pk}/"
    assert f'<a href="{url}">kuitansi.pdf</a>' in page.content.decode()
    response = city.http.get(url)
    assert response.status_code == 200
    assert (response["Content-Type"], response["Content-Disposition"]) == ("application/pdf", 'inline; filename="kuitansi.pdf"')
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_attachment_is_404_for_another_agency_and_asks_strangers_to_sign_in(world, submit, officer_browser, browser):
    report, attachment = _report_with_pdf(submit)
    url = f"/petugas/laporan/{report.tracking_number}/lampiran/{attachment.pk}/"
    assert officer_browser(world.ministry_admin).http.get(url).status_code == 404
    assert officer_browser(world.health_officer).http.get(url).status_code == 404
    other, _ = submit(target_agency_code="kota-35-78")  # the id of another report's file is not accepted
    assert officer_browser(world.city_admin).http.get(f"/petugas/laporan/{other.tracking_number}/lampiran/{attachment.pk}/").status_code == 404
    response = browser.http.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/masuk/?next={url}")


def test_signed_in_reporter_on_the_report_page_sees_no_internal_notes(world, submit, officer_browser):
    from lapor.accounts.actors import Actor
    from lapor.reports.services import report_act

    report, _ = submit(world.citizen, target_agency_code="kota-35-78")
    report_act(
        tracking_number=report.tracking_number, action="forward", actor=Actor.for_user(world.city_admin),
        payload={"unit": "kota-35-78-disdik", "note": "Internal: prioritaskan."},
    )
    citizen = officer_browser(world.citizen)
    page = citizen.get(officer_url(report))
    assert page.status_code == 200
    assert "Internal: prioritaskan." not in page.content.decode()
    assert "Internal: prioritaskan." in officer_browser(world.city_admin).get(officer_url(report)).content.decode()


def test_forward_form_without_a_chosen_unit_writes_nothing(world, submit, officer_browser, unchanged):
    report, _ = submit(target_agency_code="kota-35-78")
    city = officer_browser(world.city_admin)
    city.get(officer_url(report))
    with unchanged():
        page = city.submit(officer_url(report, "forward"))  # the select left at "— choose —"
    assert messages(page) == ["Please choose a unit."]
    assert status_of(report) == "at_agency"


def test_queue_filters_sort_and_counts(world, submit, officer_browser):
    from datetime import timedelta

    from lapor.core import clock
    from tests.conftest import MONDAY_9AM

    early, _ = submit(title="Laporan pertama di Surabaya")
    clock.freeze(MONDAY_9AM + timedelta(hours=1))
    late, _ = submit(title="Laporan kedua lewat aplikasi", channel="mobile", region_code="91.71")
    desk = officer_browser(world.national_admin)
    html = desk.get("/petugas/").content.decode()
    assert "2 waiting" in html and "0 overdue" in html
    assert html.index("Laporan pertama") < html.index("Laporan kedua")  # soonest due first
    html = desk.get("/petugas/", urut="newest").content.decode()
    assert html.index("Laporan kedua") < html.index("Laporan pertama")
    html = desk.get("/petugas/", kanal="mobile").content.decode()
    assert "Laporan kedua" in html and "Laporan pertama" not in html
    html = desk.get("/petugas/", provinsi="35").content.decode()
    assert "Laporan pertama" in html and "Laporan kedua" not in html
    html = desk.get("/petugas/", kategori="pendidikan").content.decode()
    assert "Laporan pertama" in html and "Laporan kedua" in html
    # Due in 3 working days: not due soon today; due soon two working days later.
    assert "Laporan pertama" not in desk.get("/petugas/", segera="1").content.decode()
    clock.freeze(MONDAY_9AM + timedelta(days=2))
    html = desk.get("/petugas/", segera="1").content.decode()
    assert "Laporan pertama" in html and "2 due soon" in html
    # Unknown values are ignored rather than failing.
    assert "Laporan pertama" in desk.get("/petugas/", status="nope", kanal="fax", urut="x", provinsi="99", kategori="x").content.decode()


def test_bulk_forward_and_dispose(world, submit, officer_browser):
    from lapor.reports.models import Report, ReportEvent

    desk = officer_browser(world.national_admin)
    reports = [submit(title=f"Laporan massal {i}")[0] for i in range(3)]
    numbers = [r.tracking_number for r in reports]
    desk.get("/petugas/")
    assert 'id="bulk"' in desk.html and 'value="forward"' not in desk.html
    page = desk.submit("/petugas/massal/", tindakan="dispose", agency="kota-35-78", laporan=numbers, note="Massal")
    assert "Verify and dispose to an agency: 3 reports." in page.content.decode()
    assert set(Report.objects.values_list("status", flat=True)) == {"at_agency"}

    admin = officer_browser(world.city_admin)
    admin.get("/petugas/")
    # Another admin tab forwarded one of them meanwhile: that one is refused, the others go through.
    admin2 = officer_browser(world.city_admin)
    admin2.get(f"/petugas/laporan/{numbers[0]}/")
    admin2.submit(f"/petugas/laporan/{numbers[0]}/aksi/forward/", unit="kota-35-78-dinkes")
    page = admin.submit("/petugas/massal/", tindakan="forward", unit="kota-35-78-disdik", laporan=numbers)
    html = page.content.decode()
    assert "Forward to a unit: 2 reports." in html and reports[0].formatted_tracking_number + ":" in html
    assert {r.tracking_number: r.unit.code for r in Report.objects.select_related("unit")} == {
        numbers[0]: "kota-35-78-dinkes", numbers[1]: "kota-35-78-disdik", numbers[2]: "kota-35-78-disdik"
    }


def test_bulk_refusals_write_nothing(world, submit, officer_browser):
    from lapor.reports.models import Report, ReportEvent

    report, _ = submit(title="Laporan satu")
    officer = officer_browser(world.education_officer)
    officer.get("/petugas/")
    assert 'id="bulk"' not in officer.html  # a liaison officer has no bulk actions
    before = (ReportEvent.objects.count(), list(Report.objects.values_list("status", "version")))
    for values, message in [
        ({"tindakan": "dispose", "agency": "kota-35-78", "laporan": [report.tracking_number]}, report.formatted_tracking_number + ":"),
        ({"tindakan": "archive", "laporan": [report.tracking_number]}, "Choose an action for the selected reports."),
        ({"tindakan": "forward", "unit": "kota-35-78-disdik"}, "Select at least one report."),
        ({"tindakan": "forward", "unit": "x", "laporan": [f"{i:010d}" for i in range(101)]}, "Select at most 100 reports at a time."),
    ]:
        token = officer.form("/i18n/setlang/")["fields"]["csrfmiddlewaretoken"]  # any form on the page carries it
        page = officer.http.post("/petugas/massal/", {**values, "csrfmiddlewaretoken": token}, follow=True)
        assert page.status_code == 200
        assert message in page.content.decode()
    assert (ReportEvent.objects.count(), list(Report.objects.values_list("status", "version"))) == before
    desk = officer_browser(world.national_admin)
    desk.get("/petugas/")
    page = desk.submit("/petugas/massal/", tindakan="dispose", agency="tidak-ada", laporan=[report.tracking_number])
    assert report.formatted_tracking_number + ":" in page.content.decode()
    assert (ReportEvent.objects.count(), list(Report.objects.values_list("status", "version"))) == before


def test_saved_views_of_the_queue(world, submit, officer_browser):
    from lapor.reports.models import SavedQueueView

    submit(title="Laporan lewat aplikasi", channel="mobile")
    submit(title="Laporan lewat web")
    desk = officer_browser(world.national_admin)
    desk.get("/petugas/", kanal="mobile", urut="newest", page="1")
    page = desk.submit("/petugas/tampilan/", name="Aplikasi")
    assert "View “Aplikasi” saved." in page.content.decode()
    view = SavedQueueView.objects.get(user=world.national_admin)
    assert view.query == "kanal=mobile&urut=newest"  # the page number is not part of a view
    html = desk.get("/petugas/?" + view.query).content.decode()
    assert "Laporan lewat aplikasi" in html and "Laporan lewat web" not in html
    assert f'href="/petugas/?kanal=mobile&amp;urut=newest">Aplikasi</a>' in html
    # Another officer neither sees nor deletes it.
    other = officer_browser(world.city_admin)
    other.get("/petugas/")
    assert "Aplikasi" not in other.html
    token = other.form("/petugas/tampilan/")["fields"]["csrfmiddlewaretoken"]
    other.http.post("/petugas/tampilan/", {"hapus": str(view.pk), "csrfmiddlewaretoken": token})
    assert SavedQueueView.objects.count() == 1
    desk.get("/petugas/")
    page = desk.submit("/petugas/tampilan/", name="")
    assert "Give the view a name of at most 60 characters." in page.content.decode()
    desk.get("/petugas/")
    from tests.web.conftest import forms_on

    forms = [f for f in forms_on(desk.html) if "hapus" in f["fields"]]
    desk.http.post("/petugas/tampilan/", forms[0]["fields"])
    assert SavedQueueView.objects.count() == 0


def test_a_saved_view_keeps_its_search_and_whose_move(world, submit, officer_browser):
    from lapor.reports.models import SavedQueueView

    submit(title="Jalan berlubang di depan pasar")
    desk = officer_browser(world.national_admin)
    desk.get("/petugas/", q="berlubang", pelapor="1")
    desk.submit("/petugas/tampilan/", name="Jalan")
    assert SavedQueueView.objects.get(user=world.national_admin).query == "pelapor=1&q=berlubang"


def test_queue_filters_through_htmx_return_only_the_results(world, submit, officer_browser):
    submit(title="Laporan lewat aplikasi", channel="mobile")
    submit(title="Laporan lewat web")
    desk = officer_browser(world.national_admin)
    page = desk.http.get("/petugas/", {"kanal": "mobile"}, headers={"HX-Request": "true", "HX-Target": "queue-results"})
    html = page.content.decode()
    assert "<html" not in html and 'id="queue-results"' in html
    assert "Laporan lewat aplikasi" in html and "Laporan lewat web" not in html
    assert 'id="bulk"' in html  # the bulk form travels with the rows its checkboxes belong to


def test_sla_badge_on_the_report_page(world, submit, officer_browser):
    from datetime import timedelta

    from lapor.core import clock
    from tests.conftest import MONDAY_9AM

    report, _ = submit()
    desk = officer_browser(world.national_admin)
    url = f"/petugas/laporan/{report.tracking_number}/"
    assert 'class="badge ontime">On time<' in desk.get(url).content.decode()
    clock.freeze(MONDAY_9AM + timedelta(days=2))  # Wednesday: due by the end of Thursday
    assert 'class="badge soon">Due soon<' in desk.get(url).content.decode()
    clock.freeze(MONDAY_9AM + timedelta(days=4))  # Friday: past the deadline
    from lapor.reports.sweep import sla_sweep

    sla_sweep()
    assert 'class="badge overdue">Overdue<' in desk.get(url).content.decode()


def test_dispose_by_agency_name(world, submit, officer_browser):
    from lapor.reports.models import Report

    report, _ = submit()
    desk = officer_browser(world.national_admin)
    url = f"/petugas/laporan/{report.tracking_number}/"
    desk.get(url)
    page = desk.submit(f"{url}aksi/dispose/", agency_name="Kementerian Entah")
    assert "There is no agency named" in page.content.decode()
    assert Report.objects.get(pk=report.pk).status == "submitted"
    desk.submit(f"{url}aksi/dispose/", agency_name="pemerintah kota surabaya")
    report.refresh_from_db()
    assert report.status == "at_agency" and report.agency == world.city
