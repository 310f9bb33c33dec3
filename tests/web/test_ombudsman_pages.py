"""The Ombudsman's pages (ADR 0023): its list of transferred reports (and, to read, those offered
to it), the notice on its queue, and the outcome form on the report page, whose note the reporter
then reads on the track page."""

from __future__ import annotations

import re

import pytest

from lapor.accounts.actors import Actor
from lapor.reports.models import Report
from lapor.reports.services import report_act

from ..conftest import sign_in, transfer_to_ombudsman
from ..reports.test_ombudsman import offer
from .conftest import Browser, forms_on
from .test_officer_pages import messages, officer_url

LIST = "/petugas/ombudsman/"


def listed(html: str) -> list[str]:
    """The tracking numbers linked from the list's table, in order."""
    table = html[html.index("<table"): html.index("</table>")]
    return re.findall(r'href="/petugas/laporan/(\w+)/"', table)


def signed_in(user) -> Browser:
    """A browser past both sign-in steps (where a person lands after signing in is not this
    module's business)."""
    browser = Browser()
    sign_in(browser.http, user)
    return browser


def record(report, user, outcome, note="Laporan diterima untuk diperiksa."):
    return report_act(tracking_number=report.tracking_number, action="ombudsman_outcome", actor=Actor.for_user(user),
                      payload={"outcome": outcome, "note": note})


@pytest.fixture
def cases(world, submit, ombudsman):
    """Three transferred reports (the last transferred first in the list), one offered, one
    offered and declined, one at the agency, one closed."""
    from datetime import timedelta

    from lapor.core import clock

    transferred = []
    for title in ("Pungutan liar saat pendaftaran sekolah", "Seragam sekolah terlalu mahal", "Zonasi PPDB tidak adil"):
        report, secret = submit(title=title, target_agency_code="kota-35-78")
        clock.freeze(clock.now() + timedelta(hours=1))
        transferred.append(transfer_to_ombudsman(report, secret))
    offered, _ = submit(title="Guru sering tidak hadir di kelas", target_agency_code="kota-35-78", is_confidential=True)
    offer(offered)
    declined, declined_secret = submit(title="Atap kelas bocor sejak lama", target_agency_code="kota-35-78")
    offer(declined)
    report_act(tracking_number=declined.tracking_number, action="ombudsman_decline", actor=Actor(reporter_secret=declined_secret))
    submit(title="Jalan menuju sekolah rusak parah", target_agency_code="kota-35-78")
    record(transferred[0], ombudsman, "accepted")
    record(transferred[1], ombudsman, "resolved", "Instansi telah memperbaiki layanannya.")
    return transferred, offered


def test_the_ombudsman_lists_the_transferred_reports_and_nothing_else(world, ombudsman, cases):
    transferred, offered = cases
    browser = signed_in(ombudsman)
    page = browser.get(LIST)
    html = page.content.decode()
    assert page.status_code == 200
    assert listed(html) == [r.tracking_number for r in reversed(transferred)]  # newest transfer first
    for title in ("Zonasi PPDB tidak adil", "Seragam sekolah terlalu mahal", "Pungutan liar saat pendaftaran sekolah"):
        assert title in html
    for title in ("Guru sering tidak hadir", "Atap kelas bocor", "Jalan menuju sekolah rusak"):
        assert title not in html
    assert "Resolved by the Ombudsman" in html and "Accepted for examination" in html and "none yet" in html
    assert "Pemerintah Kota Surabaya" in html and "Karang Pilang" in html
    # Filtered by outcome
    assert listed(browser.get(LIST, hasil="none").content.decode()) == [transferred[2].tracking_number]
    assert listed(browser.get(LIST, hasil="accepted").content.decode()) == [transferred[0].tracking_number]
    assert listed(browser.get(LIST, hasil="resolved").content.decode()) == [transferred[1].tracking_number]
    assert listed(browser.get(LIST, hasil="closed").content.decode()) == []
    assert listed(browser.get(LIST, hasil="whatever").content.decode()) == listed(html)  # unknown filters are ignored
    # Offered and awaiting consent (read only): the confidential title stays closed before the transfer.
    offered_html = browser.get(LIST, daftar="offered").content.decode()
    assert listed(offered_html) == [offered.tracking_number]
    assert "Guru sering tidak hadir" not in offered_html and "Confidential report" in offered_html
    assert "/aksi/" not in offered_html


def test_the_list_is_paginated(world, ombudsman, cases, monkeypatch):
    from lapor.web import ombudsman as view

    monkeypatch.setattr(view, "PAGE_SIZE", 2)
    transferred, _ = cases
    browser = signed_in(ombudsman)
    first = browser.get(LIST).content.decode()
    assert listed(first) == [transferred[2].tracking_number, transferred[1].tracking_number]
    assert "Page 1 of 2" in first and 'href="?hal=2"' in first
    assert listed(browser.get(LIST, hal="2").content.decode()) == [transferred[0].tracking_number]
    filtered = browser.get(LIST, daftar="transferred", hasil="none").content.decode()
    assert "Page" not in filtered


def test_other_roles_may_not_open_the_list(world, cases):
    for user in (world.national_admin, world.city_admin, world.education_officer, world.outsider, world.citizen):
        page = signed_in(user).http.get(LIST)
        assert page.status_code == 403, user
        assert "Pungutan liar" not in page.content.decode()
    anonymous = Browser().http.get(LIST)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/masuk/")


def test_the_queue_counts_the_open_cases_and_points_to_the_list(world, ombudsman, cases):
    transferred, _ = cases
    browser = signed_in(ombudsman)
    html = browser.get("/petugas/").content.decode()
    # Waiting: no outcome yet, or accepted; the resolved one is concluded.
    assert "2 waiting" in html
    for report, shown in ((transferred[0], True), (transferred[1], False), (transferred[2], True)):
        assert (officer_url(report) in html) is shown
    assert f'href="{LIST}"' in html
    city = signed_in(world.city_admin).get("/petugas/").content.decode()
    assert f'href="{LIST}"' not in city


def test_the_ombudsman_records_an_outcome_and_the_reporter_reads_it(world, submit, ombudsman):
    report, secret = submit(target_agency_code="kota-35-78")
    report = transfer_to_ombudsman(report, secret)
    # Others see no outcome form on the report page.
    desk = signed_in(world.national_admin)
    desk.get(officer_url(report))
    assert officer_url(report, "ombudsman_outcome") not in desk.html

    browser = signed_in(ombudsman)
    page = browser.get(officer_url(report))
    form = browser.form(officer_url(report, "ombudsman_outcome"))
    assert form["fields"]["outcome"] == ""  # nothing chosen until the Ombudsman chooses
    assert re.findall(r'<option value="(\w+)">', page.content.decode().split('id="ombudsman-outcome"')[1].split("</select>")[0]) == [
        "accepted", "resolved", "closed"]
    page = browser.submit(officer_url(report, "ombudsman_outcome"), outcome="accepted", note="Singkat.")
    assert messages(page) == ["The note must be at least 10 characters."]
    page = browser.submit(officer_url(report, "ombudsman_outcome"), outcome="accepted",
                          note="Laporan Anda kami terima dan sedang kami periksa.")
    assert messages(page) == ["Done: the Ombudsman recorded its outcome."]
    report.refresh_from_db()
    assert (report.status, report.ombudsman_outcome) == ("ombudsman", "accepted")
    # Next, only resolved or closed may follow.
    choices = page.content.decode().split('id="ombudsman-outcome"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w+)">', choices) == ["resolved", "closed"]

    reporter = Browser()
    reporter.enter_code(report.tracking_number, secret)
    assert "Laporan Anda kami terima dan sedang kami periksa." in reporter.html
    assert "The Ombudsman recorded its outcome</strong>: accepted for examination" in reporter.html
    assert "Next: the Ombudsman examines the report." in reporter.html

    browser.submit(officer_url(report, "ombudsman_outcome"), outcome="resolved", note="Instansi telah memperbaiki layanannya.")
    assert Report.objects.get(pk=report.pk).ombudsman_outcome == "resolved"
    assert officer_url(report, "ombudsman_outcome") not in browser.html  # concluded: no form any more
    public = Browser().get(f"/lacak/{report.tracking_number}/").content.decode()
    assert "Instansi telah memperbaiki layanannya." in public and "resolved by the Ombudsman" in public
    assert "This report is finished." in public
    assert [f["action"] for f in forms_on(browser.html) if "/aksi/" in f["action"]] == []
