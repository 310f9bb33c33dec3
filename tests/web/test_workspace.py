"""The officer's workspace (ADR 0027): the queue's default order and its part that waits on the
citizen, the search (a tracking number opens the report; words only as the officer may read them,
only in their queue), the action each report waits for, and going on to the next report of the same
view after an action."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User
from lapor.core import clock
from lapor.reports import selectors, workflow
from lapor.reports.models import Report
from lapor.reports.services import report_act
from lapor.reports.sweep import sla_sweep
from tests.conftest import MONDAY_9AM

from .conftest import forms_on

QUEUE = "/petugas/"


def report_url(report, action=None) -> str:
    base = f"/petugas/laporan/{report.tracking_number}/"
    return f"{base}aksi/{action}/" if action else base


def numbers_listed(html: str) -> list[str]:
    """The reports of the queue's table, in order (their links carry the queue's view)."""
    return re.findall(r'href="/petugas/laporan/(\w+)/\?kembali=[^"]*"', html)


def messages(page) -> list[str]:
    return [str(m) for m in page.context["messages"]]


def act(user, report, action, **payload):
    return report_act(tracking_number=report.tracking_number, action=action, actor=Actor.for_user(user), payload=payload)


def at_unit(world, submit, title, **extra):
    """A report forwarded to the education office (Surabaya), waiting for its initial response."""
    report, _ = submit(title=title, target_agency_code="kota-35-78", **extra)
    return act(world.city_admin, report, "forward", unit="kota-35-78-disdik")


# --- the queue's order and parts ---------------------------------------------------------------------
def test_default_order_is_overdue_oldest_due_first_then_due_soonest(world, submit, officer_browser):
    reports = {}
    for day, name in enumerate(["senin", "selasa", "rabu", "kamis"]):  # due Thursday, Friday, Monday, Tuesday
        clock.freeze(MONDAY_9AM + timedelta(days=day))
        reports[name], _ = submit(title=f"Laporan hari {name}")
    clock.freeze(MONDAY_9AM + timedelta(days=5, hours=1))  # Saturday: Thursday's and Friday's deadlines passed
    sla_sweep()
    assert {name for name, r in reports.items() if Report.objects.get(pk=r.pk).is_overdue} == {"senin", "selasa"}
    desk = officer_browser(world.national_admin)
    listed = numbers_listed(desk.get(QUEUE).content.decode())
    assert listed == [reports[n].tracking_number for n in ("senin", "selasa", "rabu", "kamis")]
    # "Newest first" still reverses it.
    assert numbers_listed(desk.get(QUEUE, urut="newest").content.decode())[0] == reports["kamis"].tracking_number


def test_overdue_comes_before_an_earlier_due_time_and_paused_clocks_last(world, submit):
    """The order is by the overdue flag first: a report the sweep marked overdue leads even when
    another's due time is earlier (the flag is what the officer sees); no due time sorts last."""
    first, _ = submit(title="Jatuh tempo lebih awal")  # due Thursday
    clock.freeze(MONDAY_9AM + timedelta(days=1))
    flagged, _ = submit(title="Ditandai terlambat")  # due Friday, but flagged overdue
    Report.objects.filter(pk=flagged.pk).update(is_overdue=True)
    paused, _ = submit(title="Jam berhenti")
    Report.objects.filter(pk=paused.pk).update(stage_due_at=None)
    rows = list(selectors.report_queue(world.actor(world.national_admin), selectors.QueueFilter(part="act")))
    assert [r.pk for r in rows] == [flagged.pk, first.pk, paused.pk]


def test_reports_waiting_on_the_citizen_are_shown_apart(world, submit, officer_browser):
    asked, _ = submit(title="Laporan kurang lengkap")
    act(world.national_admin, asked, "request_info", note="Sebutkan nama sekolahnya.")
    new, _ = submit(title="Laporan baru masuk")
    desk = officer_browser(world.national_admin)
    html = desk.get(QUEUE).content.decode()
    assert numbers_listed(html) == [new.tracking_number]
    assert "1 waiting</a>" in html and '<a href="/petugas/?pelapor=1">1 waiting for the citizen</a>' in html
    html = desk.get(QUEUE, pelapor="1").content.decode()
    assert numbers_listed(html) == [asked.tracking_number]
    assert "1 report waiting for the citizen" in html
    # Choosing the status in the filter opens the same part.
    assert numbers_listed(desk.get(QUEUE, status="needs_info").content.decode()) == [asked.tracking_number]

    # The unit's follow-ups awaiting the reporter's reply or rating are the unit's to watch, apart.
    followed = at_unit(world, submit, "Sudah ditindaklanjuti")
    act(world.education_officer, followed, "follow_up", note="Sudah kami tangani.")
    waiting = at_unit(world, submit, "Belum ditanggapi")
    officer = officer_browser(world.education_officer)
    assert numbers_listed(officer.get(QUEUE).content.decode()) == [waiting.tracking_number]
    html = officer.get(QUEUE, pelapor="1").content.decode()
    assert numbers_listed(html) == [followed.tracking_number]
    assert "<td>Followed up</td>" in html  # the short status label
    # The API's queue and a position's open-report count keep their meaning (everything waiting for the position).
    assert selectors.report_queue(world.actor(world.national_admin)).filter(pk=asked.pk).exists()


def test_queue_rows_show_agency_category_region_age_and_the_step_of_the_due_date(world, submit, officer_browser):
    report = at_unit(world, submit, "Pungutan liar saat pendaftaran sekolah")
    clock.freeze(MONDAY_9AM + timedelta(days=3))  # Thursday: three working days old
    html = officer_browser(world.education_officer).get(QUEUE).content.decode()
    row = html.split(f"/petugas/laporan/{report.tracking_number}/")[1].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == [
        "Pungutan liar saat pendaftaran sekolah".split(),
        "Dinas Pendidikan Kota Surabaya".split(),  # where it is: the unit, or else the agency
        ["PPDB"],
        "Karang Pilang Kota Surabaya".split(),  # the place and its city
        ["3"],  # age in working days
        ["30", "Nov", "Follow-up"],  # due the next Monday, the follow-up's deadline
        [],  # neither overdue, due soon nor escalated
        ["Forwarded"],  # the short status
    ]


def test_filters_fold_into_a_details_and_saving_a_view_sits_below_the_table(world, submit, officer_browser):
    submit()
    html = officer_browser(world.national_admin).get(QUEUE).content.decode()
    panel = html.split('<details class="filter-panel">')[1].split("</details>")[0]
    assert "<summary>Filters</summary>" in panel
    for name in ("pelapor", "status", "overdue", "segera", "kategori", "provinsi", "kanal", "urut"):
        assert f'name="{name}"' in panel
    assert 'name="q"' not in panel  # the search stays visible
    assert html.index("</table>") < html.index('<details class="save-view">') < html.index('action="/petugas/tampilan/"')


# --- search --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["{formatted}", "{number}", " {lower} ", "{spaced}"])
def test_a_tracking_number_in_the_search_opens_the_report(world, submit, officer_browser, typed):
    report, _ = submit()
    number = report.tracking_number
    text = typed.format(
        formatted=report.formatted_tracking_number, number=number, lower=number.lower(), spaced=f"{number[:5]} {number[5:]}"
    )
    desk = officer_browser(world.national_admin)
    response = desk.http.get(QUEUE, {"q": text, "urut": "newest"})
    # It opens within the same view, without the search that named it.
    assert (response.status_code, response["Location"]) == (302, f"/petugas/laporan/{number}/?kembali=urut%3Dnewest")
    # With htmx (the filter form), the browser is told to go there.
    response = desk.http.get(QUEUE, {"q": text}, headers={"HX-Request": "true", "HX-Target": "queue-results"})
    assert (response.status_code, response["HX-Redirect"]) == (200, f"/petugas/laporan/{number}/?kembali=")


def test_a_tracking_number_outside_the_officers_reach_is_searched_like_words(world, submit, officer_browser):
    report, _ = submit(target_agency_code="kota-35-78")
    ministry = officer_browser(world.ministry_admin)
    unknown = ministry.http.get(QUEUE, {"q": "ZZZZZ-ZZZZZ"})
    other = ministry.http.get(QUEUE, {"q": report.formatted_tracking_number})
    # Nothing tells an existing report from a number that does not exist: both are a search with no result.
    for response in (unknown, other):
        html = response.content.decode()
        assert response.status_code == 200 and numbers_listed(html) == [] and "0 reports" in html
    assert report.tracking_number not in other.content.decode()


def test_text_search_finds_words_only_in_the_officers_queue(world, submit, officer_browser):
    ours, _ = submit(title="Jembatan rusak di Karang Pilang", target_agency_code="kota-35-78")
    described, _ = submit(
        title="Jalan berlubang", description="Jembatan penyeberangan di depan sekolah sudah rusak berat sejak bulan lalu.",
        target_agency_code="kota-35-78",
    )
    submit(title="Laporan lain di kota", target_agency_code="kota-35-78")
    theirs, _ = submit(title="Jembatan rusak di Jayapura", target_agency_code="kemenkes")
    city = officer_browser(world.city_admin)
    html = city.get(QUEUE, q="jembatan RUSAK").content.decode()
    assert sorted(numbers_listed(html)) == sorted([ours.tracking_number, described.tracking_number])
    assert "Jayapura" not in html and theirs.formatted_tracking_number not in html
    # Through htmx, the same rows come back in the partial.
    partial = city.http.get(QUEUE, {"q": "jembatan"}, headers={"HX-Request": "true", "HX-Target": "queue-results"}).content.decode()
    assert "<html" not in partial and sorted(numbers_listed(partial)) == sorted([ours.tracking_number, described.tracking_number])
    assert numbers_listed(officer_browser(world.ministry_admin).get(QUEUE, q="jembatan").content.decode()) == [theirs.tracking_number]


def test_text_search_never_matches_what_the_officer_reads_redacted(world, submit, officer_browser):
    """Nobody sees an anonymous reporter's identity, so the phone number they typed is redacted for
    the desk: searching for it must not find the report (a match would reveal it)."""
    anonymous, _ = submit(is_anonymous=True, description="Saya orang tua murid, hubungi saya di 0812-3456-7890 bila perlu keterangan.")
    named, _ = submit(world.citizen, description="Saya orang tua murid, hubungi saya di 0812-3456-7890 bila perlu keterangan.")
    desk = officer_browser(world.national_admin)
    assert numbers_listed(desk.get(QUEUE, q="0812-3456-7890").content.decode()) == [named.tracking_number]
    assert numbers_listed(desk.get(QUEUE, q="3456").content.decode()) == [named.tracking_number]
    both = sorted([anonymous.tracking_number, named.tracking_number])
    assert sorted(numbers_listed(desk.get(QUEUE, q="orang tua murid").content.decode())) == both


def test_text_search_never_matches_confidential_content_for_a_role_that_cannot_read_it(world, submit):
    """No role's queue holds a confidential report it may not read today; the search still checks,
    for any list it is given (here an APIP auditor's, who sees the reports but not confidential content)."""
    auditor = User.objects.create_user(username="apip", password="pass-apip")
    Position.objects.create(role=Role.AUDITOR, agency=world.city, title="APIP Kota Surabaya", holder=auditor)
    secret, _ = submit(title="Dugaan pungli kepala sekolah", is_confidential=True, target_agency_code="kota-35-78")
    public, _ = submit(title="Dugaan pungli panitia", target_agency_code="kota-35-78")
    actor = Actor.for_user(auditor)
    found = selectors.matching_text(actor, selectors.reports_visible_to(actor), "pungli")
    assert list(found.values_list("pk", flat=True)) == [public.pk]
    handler = Actor.for_user(world.city_admin)
    found = selectors.matching_text(handler, selectors.reports_visible_to(handler), "pungli")
    assert set(found.values_list("pk", flat=True)) == {secret.pk, public.pk}


# --- the action each report waits for -----------------------------------------------------------------
def test_every_expected_action_is_a_legal_move_of_its_role():
    for (status, role), action in selectors.EXPECTED_ACTIONS.items():
        assert role in workflow.rule_for(status, action).roles, (status, role, action)


def test_the_expected_action_per_status_and_role(world, submit):
    desk, city, officer = (world.actor(u) for u in (world.national_admin, world.city_admin, world.education_officer))

    def expected(actor, report):
        return selectors.expected_action(actor, Report.objects.get(pk=report.pk))

    new, _ = submit()
    assert (expected(desk, new), expected(city, new)) == ("dispose", None)
    act(world.national_admin, new, "dispose", agency="kota-35-78")
    assert (expected(city, new), expected(desk, new), expected(officer, new)) == ("forward", None, None)
    act(world.city_admin, new, "forward", unit="kota-35-78-disdik")
    assert (expected(officer, new), expected(city, new)) == ("respond", None)
    act(world.education_officer, new, "respond", note="Sedang kami periksa.")
    assert expected(officer, new) == "follow_up"
    act(world.education_officer, new, "follow_up", note="Selesai.")
    assert expected(officer, new) is None  # the reporter's move now

    returned, _ = submit(target_agency_code="kota-35-78")
    act(world.city_admin, returned, "not_our_authority", suggested_agency="kemenkes", note="Ini kewenangan kementerian.")
    assert expected(desk, returned) == "dispose"
    asked, _ = submit()
    act(world.national_admin, asked, "request_info", note="Lengkapi.")
    assert expected(desk, asked) is None  # the desk may still reject it, but it waits on the reporter


def test_the_report_page_puts_the_expected_action_first_and_folds_the_others(world, submit, officer_browser):
    report = at_unit(world, submit, "Pungutan liar di sekolah")
    html = officer_browser(world.education_officer).get(report_url(report)).content.decode()
    section = html.split('<section class="report-actions"')[1].split("</section>")[0]
    assert '<h2 id="actions">Your next step</h2>' in section
    assert "Follow-up due Mon 30 Nov 2026" in section  # 5 working days from Monday's forward
    primary, others = section.split('<details class="other-actions">')
    assert [f["action"] for f in forms_on(primary)] == [report_url(report, "respond")]
    assert 'class="action primary-action"' in primary and '<button type="submit" class="primary">Post the initial response' in primary
    assert "<summary>Other actions</summary>" in others
    assert [f["action"] for f in forms_on(others)] == [report_url(report, "follow_up"), report_url(report, "interim_reply")]


# --- after an action: the next report of the same view ---------------------------------------------------
def test_after_an_action_the_officer_goes_on_to_the_next_report_of_the_view_then_the_queue(world, submit, officer_browser):
    first = at_unit(world, submit, "Laporan pertama")
    clock.freeze(MONDAY_9AM + timedelta(days=1))
    second = at_unit(world, submit, "Laporan kedua")  # due a day later
    officer = officer_browser(world.education_officer)
    assert numbers_listed(officer.get(QUEUE).content.decode()) == [first.tracking_number, second.tracking_number]

    page = officer.get(report_url(first), kembali="")
    assert officer.form(report_url(first, "respond"))["fields"]["kembali"] == ""
    assert f'href="{report_url(second)}?kembali=" rel="next">Next report: {second.formatted_tracking_number}' in page.content.decode()
    page = officer.submit(report_url(first, "respond"), note="Sedang kami periksa.")
    assert page.redirect_chain == [(f"{report_url(second)}?kembali=", 302)]
    assert messages(page) == [f"Initial response posted on report {first.formatted_tracking_number}."]
    # The last of the view: back to the queue.
    page = officer.submit(report_url(second, "respond"), note="Sedang kami periksa juga.")
    assert page.redirect_chain == [(QUEUE, 302)]
    assert messages(page) == [f"Initial response posted on report {second.formatted_tracking_number}."]

    # In a filtered view, the filter travels on: the report followed up leaves it, the next one opens.
    officer.get(report_url(first), kembali="status=in_process")
    assert officer.form(report_url(first, "follow_up"))["fields"]["kembali"] == "status=in_process"
    page = officer.submit(report_url(first, "follow_up"), note="Sudah selesai.")
    assert page.redirect_chain == [(f"{report_url(second)}?kembali=status%3Din_process", 302)]
    assert messages(page) == [f"Follow-up posted on report {first.formatted_tracking_number}; the reporter may now reply or rate it."]
    page = officer.submit(report_url(second, "follow_up"), note="Sudah selesai juga.")
    assert page.redirect_chain == [(f"{QUEUE}?status=in_process", 302)]


def test_a_refused_action_stays_on_the_report_within_the_view(world, submit, officer_browser, unchanged):
    report = at_unit(world, submit, "Laporan untuk unit")
    officer = officer_browser(world.education_officer)
    officer.get(report_url(report), kembali="urut=oldest")
    with unchanged():
        page = officer.submit(report_url(report, "respond"), note="")
    assert page.redirect_chain == [(f"{report_url(report)}?kembali=urut%3Doldest", 302)]
    assert messages(page) == ["Please write the initial response."]


def test_without_the_queue_view_the_page_stays_on_the_report(world, submit, officer_browser):
    report = at_unit(world, submit, "Laporan untuk unit")
    at_unit(world, submit, "Laporan lain untuk unit")
    officer = officer_browser(world.education_officer)
    officer.get(report_url(report))  # opened from elsewhere (a link in a message, the monitoring pages)
    assert "kembali" not in officer.form(report_url(report, "respond"))["fields"]
    page = officer.submit(report_url(report, "respond"), note="Sedang kami periksa.")
    assert page.redirect_chain == [(report_url(report), 302)]


@pytest.mark.parametrize(
    "kembali, location",
    [
        ("https://evil.example/petugas/", QUEUE),
        ("//evil.example/?status=forwarded", QUEUE),
        ("status=forwarded&next=https://evil.example/", f"{QUEUE}?status=forwarded"),
        ("urut=newest&q=//evil.example", f"{QUEUE}?urut=newest&q=%2F%2Fevil.example"),
    ],
)
def test_an_off_site_address_never_comes_back_as_a_redirect(world, submit, officer_browser, kembali, location):
    report = at_unit(world, submit, "Laporan untuk unit")
    officer = officer_browser(world.education_officer)
    officer.get(report_url(report), kembali=kembali)
    form = officer.form(report_url(report, "respond"))
    data = {**form["fields"], "note": "Sedang kami periksa.", "kembali": kembali, "next": "https://evil.example/"}
    response = officer.http.post(report_url(report, "respond"), data)
    assert (response.status_code, response["Location"]) == (302, location)
    # The page's own links stay on the site too.
    html = officer.get(report_url(report), kembali=kembali).content.decode()
    nav = html.split('<nav class="report-nav"')[1].split("</nav>")[0]
    assert all(href.startswith("/petugas/") for href in re.findall(r'href="([^"]*)"', nav))
