"""What each role may read (docs/privacy-tests.md).

- The access matrix: every role x every report-scoped page and API endpoint x every report of the
  world (kinds public / confidential / anonymous x every place), each asserting the exact status
  and exactly which of the report's markers the response shows (content, notes, identity,
  unredacted personal data). Expectations come from policy_table.POLICY_TABLE and the rendering
  rules in endpoints.py, never from lapor.reports.policy.
- The leak test: everything each identity can reach (every route of routes.py, the admin, error
  pages, a forced 500), searched for any marker it may not see anywhere; and the logs.
- Lists: exactly the reports each list may show.

The tests of this module share the world and a cache of responses (a page fetched by the matrix
is searched again by the leak test without being fetched twice)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse

from lapor.core import clock
from lapor.reports.models import Report

from .conftest import check_logs, log_text, markers_of, scan
from .endpoints import READS, expect
from .policy_table import FEED_PLACES, OMBUDSMAN_LIST, OPEN_STATUSES, QUEUE, ROLES, facts, rights
from .routes import API_ROUTES, ROUTES
from .world import KINDS, PLACES


def _rows():
    return {r.pk: r for r in Report.objects.select_related("agency", "unit__parent__parent", "category")}


def test_the_world_has_every_relationship(pw):
    """The places are what their names say (so that the table's rows mean what they claim)."""
    rows = _rows()
    now = clock.now()
    expected = {
        "desk": {"*"},
        "city": {"*", "at:kota-35-78", "agency:kota-35-78"},
        "city_unit": {"*", "at:kota-35-78", "agency:kota-35-78", "at:kota-35-78-disdik", "unit:kota-35-78-disdik"},
        "ministry": {"*", "at:kemenkes", "agency:kemenkes"},
        "ministry_unit": {"*", "at:kemenkes", "agency:kemenkes", "at:kemenkes-yankes", "unit:kemenkes-yankes"},
        "other": {"*", "at:kota-91-71", "agency:kota-91-71"},
        "priority": {"*", "at:kota-91-71", "agency:kota-91-71", "priority"},
        "omb_offered": {"*", "at:kota-91-71", "agency:kota-91-71", "offered"},
        "omb_transferred": {"*", "at:kota-91-71", "agency:kota-91-71", "offered", "transferred"},
        "old_open": {"*", "at:kota-91-71", "agency:kota-91-71", "open_60"},
        "old_closed": {"*", "at:kota-91-71", "agency:kota-91-71", "at:kota-91-71-disdik", "unit:kota-91-71-disdik"},
    }
    assert [(r.place, r.kind) for r in pw.reports] == [(p, k) for p in PLACES for k in KINDS]
    for r in pw.reports:
        assert facts(rows[r.pk], now, own=False) == expected[r.place], r
        assert rows[r.pk].is_confidential is r.confidential and rows[r.pk].is_anonymous is r.anonymous
    statuses = {r.place: rows[r.pk].status for r in pw.reports}
    assert statuses == {
        "desk": "submitted", "city": "at_agency", "city_unit": "in_process", "ministry": "at_agency",
        "ministry_unit": "in_process", "other": "at_agency", "priority": "at_agency", "omb_offered": "at_agency",
        "omb_transferred": "ombudsman", "old_open": "at_agency", "old_closed": "closed",
    }
    # The scanner finds every marker of a report in its stored strings, and only that report's.
    for r in pw.reports:
        found = scan("\n".join(mk.text for mk in markers_of(r)))
        assert found == {(r.idx, mk.label) for mk in markers_of(r)}, r


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(READS))
def test_matrix(pw, all_logs, endpoint, role):
    """One role on one endpoint, for every report: the exact status, and exactly the markers the
    table allows. Failures list every report that differs."""
    rows = _rows()
    now = clock.now()
    url_of = READS[endpoint][0]
    problems = []
    for r in pw.reports:
        who = pw.who_for(role, r)
        own = r.tracking_number in who.owns
        report = rows[r.pk]
        rt = rights(role, report, facts(report, now, own=own))
        exp = expect(endpoint, rt, r, own=own, signed_in=who.signed_in)
        exp_shown = exp.shown & {mk.label for mk in markers_of(r)}  # not every report has every kind of note
        got = pw.get(who, url_of(r), api_for=r.tracking_number)
        where = f"{role} ({who.label}) x {endpoint} x {r} [{url_of(r)}]"
        if got.status != exp.status:
            problems.append(f"{where}: status {got.status}, expected {exp.status}")
            continue
        found = scan(got.text)
        shown = {label for idx, label in found if idx == r.idx}
        if got.status == 200 and shown != exp_shown:
            problems.append(
                f"{where}: shows {sorted(shown - exp_shown) or '-'} that it must not; hides {sorted(exp_shown - shown) or '-'} it should show"
            )
        elif got.status != 200 and shown:
            problems.append(f"{where}: the {got.status} response shows {sorted(shown)}")
        # A report's page never shows another report's data.
        others = sorted(f"#{idx:02d}:{label}" for idx, label in found if idx != r.idx)
        if others:
            problems.append(f"{where}: shows other reports' {others}")
    problems += check_logs(all_logs)
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems)


# --- the leak test ----------------------------------------------------------------------------------
# Independent of the per-endpoint rules above: for each identity, the set of markers it may see
# *anywhere* (the union, over every report and every report page, of what the table allows it),
# and then every byte of every page, list, export, error page, the API's documents and the
# Django admin it can reach, searched for any other marker. The logs of the whole run too.
FIXED = [role for role in ROLES if role != "reporter"]
MISSING = "TIDAKADA22"  # a tracking number that does not exist


def allowed_markers(pw, who, rows) -> set:
    now = clock.now()
    allowed = set()
    for r in pw.reports:
        own = r.tracking_number in who.owns
        report = rows[r.pk]
        rt = rights(who.role_on(r), report, facts(report, now, own=own))
        labels = {mk.label for mk in markers_of(r)}
        for endpoint in READS:
            exp = expect(endpoint, rt, r, own=own, signed_in=who.signed_in)
            if exp.status == 200:
                allowed |= {(r.idx, label) for label in exp.shown & labels}
    return allowed


def page_urls(pw) -> list[tuple[str, object, list[str]]]:
    """(route name, route, [urls]) of every page and list of the route tables, with each of its queries."""
    out = []
    for name, route in ROUTES.items():
        if route.kind in ("page", "listing"):
            base = reverse(name, kwargs=route.kwargs(pw) if route.kwargs else None)
            out.append((name, route, [base + q for q in route.query_strings(pw)]))
    for key, route in API_ROUTES.items():
        method, path = key.split(" ", 1)
        if method == "GET" and route.kind in ("page", "listing"):
            out.append((key, route, [path + q for q in route.query_strings(pw)]))
    return out


def admin_urls() -> list[str]:
    return [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in django_admin.site._registry
    ]


def error_urls(pw) -> list[str]:
    r = pw.world.report("city_unit", "confidential")
    return ["/tidak-ada/", f"/petugas/laporan/{MISSING}/", f"/lacak/{MISSING}/", f"/api/v1/reports/{MISSING}", f"/api/v1/track/{MISSING}",
            "/api/v1/tidak-ada", f"/petugas/laporan/{r.tracking_number}/lampiran/999999/", f"/petugas/laporan/{r.tracking_number}/aksi/tidak-ada/",
            f"/lacak/{r.tracking_number}/lampiran/999999/", f"/lacak/{r.tracking_number}/lampiran/99999999999999999999999/gambar-kecil/",
            f"/lacak/{MISSING}/lampiran/{r.photo_id}/gambar-kecil/"]


# Citizens who sweep every page; the others open their own report's pages and the lists (on other
# reports and on pages that list none, a citizen is an outsider, whom the matrix checks on every
# report and the outsider's sweep on every page).
FULL_SWEEP_CITIZENS = 1
OWN_LISTS = {"web:my_reports", "GET /api/v1/reports"}  # the lists where what a citizen filed matters


def reads_for(pw, who, full: bool) -> list:
    """The reports whose pages an identity opens: all of them, or their own."""
    return pw.reports if full else [r for r in pw.reports if r.tracking_number in who.owns]


def sweep(pw, who, *, full: bool = True) -> list[tuple[str, object]]:
    """Everything `who` can reach: (url, response). Of a page's several queries, the rest are
    fetched only when the first is shown (200): a refusal does not depend on the filter."""
    fetched = []
    for r in reads_for(pw, who, full):
        for endpoint, (url_of, _) in READS.items():
            fetched.append((url_of(r), pw.get(who, url_of(r), api_for=r.tracking_number)))
    for name, route, urls in page_urls(pw):
        if not full and name not in OWN_LISTS:
            continue
        if route.same_for_all:
            fetched += [(url, pw.get(pw.who["public"], url)) for url in urls]
            continue
        first = pw.get(who, urls[0])
        fetched.append((urls[0], first))
        if first.status == 200:
            fetched += [(url, pw.get(who, url)) for url in urls[1:]]
    if not full:
        return fetched
    index = pw.get(who, admin_urls()[0])
    fetched.append((admin_urls()[0], index))
    if index.status == 200:
        fetched += [(url, pw.get(who, url)) for url in admin_urls()[1:]]
    fetched += [(url, pw.get(who, url)) for url in error_urls(pw)]
    return fetched


@pytest.mark.parametrize("label", FIXED + ["guest_reporter", "citizens"])
def test_no_leaks(pw, all_logs, label):
    rows = _rows()
    people = [w for w in pw.who.values() if w.label.startswith("citizen_")] if label == "citizens" else [pw.who[label]]
    problems = []
    for n, who in enumerate(people):
        allowed = allowed_markers(pw, who, rows)
        for url, got in sweep(pw, who, full=label != "citizens" or n < FULL_SWEEP_CITIZENS):
            if got.status >= 500:
                problems.append(f"{who.label} x {url}: status {got.status}")
            leaked = scan(got.text) - allowed
            if leaked:
                problems.append(f"{who.label} x {url} ({got.status}) shows {sorted(f'#{i:02d}:{label}' for i, label in leaked)}")
    problems += check_logs(all_logs)
    assert not problems, f"{len(problems)} leaks:\n" + "\n".join(problems)


def test_documents_are_the_same_for_everyone(pw):
    """Pages marked same_for_all (the API's documents) are byte-identical for a signed-out visitor,
    an official and a reporter, so the leak test fetches them once."""
    for _name, route, urls in page_urls(pw):
        if route.same_for_all:
            for url in urls:
                bodies = {label: pw.get(pw.who[label], url).text for label in ("public", "national_admin", "citizen_04", "guest_reporter")}
                assert len(set(bodies.values())) == 1, url


def test_world_building_logged_nothing_personal(pw):
    assert pw.build_logs, "the world's building should have logged something (sign-ins)"
    assert not scan("\n".join(pw.build_logs))


def test_server_error_shows_and_logs_nothing_personal(pw, all_logs, monkeypatch, settings):
    """A forced 500 (DEBUG off) on a confidential report's page and its API detail: the error
    page and the logged traceback carry no marker."""
    assert settings.DEBUG is False
    r = pw.world.report("city_unit", "confidential")

    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr("lapor.web.views.timeline_for", boom)
    monkeypatch.setattr("lapor.api.api.detail_dict", boom)
    problems = []
    for role in ("national_admin", "agency_admin", "auditor"):
        who = pw.who[role]
        who.web.raise_request_exception = False
        try:
            for url in (f"/petugas/laporan/{r.tracking_number}/", f"/api/v1/reports/{r.tracking_number}"):
                got = pw.get(who, url, cached=False)
                if got.status != 500:
                    problems.append(f"{role} x {url}: status {got.status}, expected the forced 500")
                if scan(got.text):
                    problems.append(f"{role} x {url}: the error page shows {sorted(scan(got.text))}")
        finally:
            who.web.raise_request_exception = True
    logged = log_text(all_logs)
    assert "simulated failure" in logged, "the 500 should have been logged (is the log capture working?)"
    problems += check_logs(all_logs)
    assert not problems, "\n".join(problems)


# --- lists: exactly the reports each one may list ---------------------------------------------------
def _titles(text: str) -> set[int]:
    return {idx for idx, label in scan(text) if label == "title"}


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start): text.index(end, text.index(start))] if start in text else ""


def check_api_list(pw, rows) -> list[str]:
    problems, now = [], clock.now()
    for who in pw.who.values():
        listing = pw.get(who, "/api/v1/reports?page_size=200")
        queue = pw.get(who, "/api/v1/reports?queue=true&page_size=200")
        if not who.signed_in:
            if (listing.status, queue.status) != (401, 401):
                problems.append(f"{who.label}: the API list answered {listing.status}/{queue.status}, expected 401")
            continue
        expected, titled = set(), set()
        for r in pw.reports:
            report = rows[r.pk]
            own = r.tracking_number in who.owns
            rt = rights(who.role_on(r), report, facts(report, now, own=own))
            if rt.view:
                expected.add(r.tracking_number)
                if rt.content:
                    titled.add(r.idx)
        body = json.loads(listing.text.rsplit("\n", 1)[0])
        got = {row["tracking_number"] for row in body["results"]}
        if got != expected or body["count"] != len(expected):
            problems.append(f"{who.label}: the API list has {len(got)} reports; missing {sorted(expected - got)}, extra {sorted(got - expected)}")
        if _titles(listing.text) != titled:
            problems.append(f"{who.label}: the API list titles {sorted(_titles(listing.text))}, expected {sorted(titled)}")
        in_queue = {r.tracking_number for r in pw.reports if r.place in QUEUE.get(who.role, set())}
        got_queue = {row["tracking_number"] for row in json.loads(queue.text.rsplit("\n", 1)[0])["results"]}
        if got_queue != in_queue:
            problems.append(f"{who.label}: the API queue has {sorted(got_queue)}, expected {sorted(in_queue)}")
    return problems


def check_queue(pw, rows) -> list[str]:
    problems = []
    for who in pw.who.values():
        got = pw.get(who, "/petugas/")
        if not who.signed_in:
            if got.status != 302 or not got.location.startswith("/masuk/"):
                problems.append(f"{who.label}: the queue answered {got.status} {got.location!r}, expected the sign-in page")
            continue
        expected = {r.idx for r in pw.reports if r.place in QUEUE.get(who.role, set())}
        if got.status != 200 or _titles(got.text) != expected:
            problems.append(f"{who.label}: the queue ({got.status}) lists {sorted(_titles(got.text))}, expected {sorted(expected)}")
    return problems


def check_feed(pw, rows) -> list[str]:
    problems = []
    expected = {r.idx for r in pw.reports if not r.confidential and r.place in FEED_PLACES}
    for who in (pw.who["public"], pw.who["national_admin"], pw.who["guest_reporter"], pw.who["citizen_04"]):
        shown = set()
        for n in (1, 2, 3):
            shown |= _titles(_section(pw.get(who, f"/laporan/?hal={n}").text, '<ol class="feed"', "</ol>"))
        if shown != expected:
            problems.append(f"{who.label}: the feed lists {sorted(shown)}, expected {sorted(expected)}")
    # Search never finds by personal data or by confidential text, and finds by public text.
    for term, must in feed_searches(pw):
        rows_text = _section(pw.get(pw.who["public"], "/laporan/?" + urlencode({"q": term})).text, '<ol class="feed"', "</ol>")
        found = scan(rows_text)
        if must and not must <= _titles(rows_text):
            problems.append(f"the feed's search for {term!r} does not find report(s) {sorted(must)}")
        if {i for i, _ in found} - must or any(label not in ("title", "description") for _, label in found):
            problems.append(f"the feed's search for {term!r} shows {sorted(found)}")
    return problems


def feed_searches(pw) -> list[tuple[str, set]]:
    """(search term, reports it must find): public text finds; confidential text, personal data
    (NIK, phone, e-mail, name) and internal notes never do."""
    public, secret, anonymous = pw.world.report("city", "public"), pw.world.report("city", "confidential"), pw.world.report("city", "anonymous")
    listed = {r.idx for r in pw.reports if not r.confidential and r.place in FEED_PLACES}
    return [("Pungutan", listed), (f"Rhs-{secret.idx:02d}-D", set()), (public.m.nik, set()),
            (anonymous.m.nik, set()), ("Kirana", set()), (anonymous.m.phone, set()), (anonymous.m.email, set()),
            (f"Rhs-{secret.idx:02d}-I", set()), (f"Rhs-{public.idx:02d}-I", set())]


def check_my_reports(pw, rows) -> list[str]:
    problems = []
    for who in pw.who.values():
        got = pw.get(who, "/laporan-saya/")
        if not who.signed_in:
            if got.status != 302:
                problems.append(f"{who.label}: my reports answered {got.status}, expected a redirect to sign in")
            continue
        expected = {r.idx for r in pw.reports if r.tracking_number in who.owns}
        if got.status != 200 or _titles(got.text) != expected:
            problems.append(f"{who.label}: my reports ({got.status}) lists {sorted(_titles(got.text))}, expected {sorted(expected)}")
    return problems


def check_ombudsman_list(pw, rows) -> list[str]:
    """/petugas/ombudsman/: for the Ombudsman, exactly the transferred reports (or, `?daftar=offered`,
    those offered and still awaiting the reporter's consent), titled where the table lets it read
    the content; a refusal for every other signed-in person, the sign-in page for the public."""
    problems, now = [], clock.now()
    for who in pw.who.values():
        for query, kind in (("", "transferred"), ("?daftar=offered", "offered")):
            url = "/petugas/ombudsman/" + query
            got = pw.get(who, url)
            if not who.signed_in:
                if got.status != 302 or not got.location.startswith("/masuk/"):
                    problems.append(f"{who.label} x {url}: {got.status} {got.location!r}, expected the sign-in page")
                continue
            if OMBUDSMAN_LIST.get(who.role, {}).get(query) != kind:
                if got.status != 403 or scan(got.text):
                    problems.append(f"{who.label} x {url}: {got.status} showing {sorted(scan(got.text))}, expected 403 showing nothing")
                continue
            listed, titled = set(), set()
            for r in pw.reports:
                report = rows[r.pk]
                f = facts(report, now, own=r.tracking_number in who.owns)
                waiting = "offered" in f and report.status in OPEN_STATUSES and report.ombudsman_declined_at is None
                if ("transferred" in f) if kind == "transferred" else waiting:
                    listed.add(r.tracking_number)
                    if rights(who.role_on(r), report, f).content:
                        titled.add(r.idx)
            table = _section(got.text, "<table", "</table>")
            shown = set(re.findall(r'href="/petugas/laporan/(\w+)/"', table))
            if got.status != 200 or shown != listed or _titles(table) != titled:
                problems.append(f"{who.label} x {url} ({got.status}): lists {sorted(shown)}, titled {sorted(_titles(table))}; "
                                f"expected {sorted(listed)}, titled {sorted(titled)}")
    return problems


LIST_CHECKS = {"api_list": check_api_list, "queue": check_queue, "feed": check_feed, "my_reports": check_my_reports,
               "ombudsman_list": check_ombudsman_list}


@pytest.mark.parametrize("name", list(LIST_CHECKS))
def test_lists_show_exactly(pw, all_logs, name):
    problems = LIST_CHECKS[name](pw, _rows()) + check_logs(all_logs)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_reporter_code(pw):
    """The code entered on the track page opens that report's reporter view, and only that one;
    a wrong code opens nothing."""
    from django.test import Client

    a, b = pw.world.report("other", "anonymous"), pw.world.report("other", "public")
    browser = Client()
    wrong = browser.post(f"/lacak/{a.tracking_number}/", {"kode": b.secret})
    assert wrong.status_code == 200 and not scan(wrong.content.decode()) - {(a.idx, "title"), (a.idx, "description")}
    assert (a.idx, "nik") not in scan(browser.get(f"/lacak/{a.tracking_number}/").content.decode())
    assert browser.post(f"/lacak/{a.tracking_number}/", {"kode": a.secret}).status_code == 302
    assert {(a.idx, "nik"), (a.idx, "email"), (a.idx, "phone")} <= scan(browser.get(f"/lacak/{a.tracking_number}/").content.decode())
    assert (b.idx, "nik") not in scan(browser.get(f"/lacak/{b.tracking_number}/").content.decode())


def test_submission_answers_only_the_new_report(pw):
    from django.test import Client

    data = {"type": "complaint", "title": "Jalan rusak di depan pasar", "description": "Jalan berlubang sejak bulan lalu dan membahayakan pengendara.",
            "region_code": "35.78.01.1001"}
    for who in (pw.who["public"], pw.who["outsider"], pw.who["national_admin"]):
        api = who.web.post("/api/v1/reports", data=json.dumps(data), content_type="application/json", headers=who.api_headers)
        sent = who.web.post("/lapor/", data)  # answered with a redirect to the confirmation (ADR 0025)
        page = who.web.get(sent["Location"]) if sent.status_code == 302 else sent
        assert api.status_code == 201 and sent.status_code == 302 and page.status_code == 200, (api.status_code, sent.status_code, page.status_code)
        assert not scan(api.content.decode()) and not scan(page.content.decode()), who.label
    assert Client().get("/").status_code == 200
