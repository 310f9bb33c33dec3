"""Actions on reports: every report-scoped action endpoint (the API's, the officer forms, the
reporter forms, the identity reveal) as every role, on reports in several places.

For each case ("action@status") the report is put in a status from which the action is legal,
so that a refusal can only come from access control. Expected, from policy_table.ACT_TABLE:
- a role that may act gets past access control: the action is applied (API 200; the report's
  version and events move on);
- any other role is refused — API: 404 when signed in and not allowed to know the report, 403
  otherwise; pages: a redirect with a message — and nothing happened: the report's version,
  status, events, attachments (rows and files) and audit entries are as they were.
Every state is rolled back after each request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models.functions import Coalesce

from lapor.audit.models import AuditEntry
from lapor.core import clock
from lapor.reports.models import Attachment, Report, ReportEvent
from lapor.reports.states import Action

from .conftest import check_logs, scan
from .endpoints import officer as officer_expectation
from .endpoints import track_web as track_web_expectation
from .policy_table import CASES, REVEAL, ROLES, facts, holds, may_act, rights
from .world import CITY, CITY_UNIT, MINISTRY, MINISTRY_UNIT, MINIMAL_PDF, OTHER, OTHER_UNIT

# Where the acting is tried: the city's unit (the city's chain, its APIP and province), the
# ministry's unit (Kemenkes and Kemenko), and an old priority report at Jayapura (KSP and the
# Ombudsman may know it; nobody there may act but the desk and the reporter).
LOCATIONS = {"city_unit": {}, "ministry_unit": {}, "old_open": {"priority": True}}
# The forms call the same service as the API: the API is tried in every place, the officer forms
# in the city's unit, the reporter forms there (a signed-in citizen's) and in the ministry's unit
# (a guest's, with the code in the session) — each as every role.
WEB_PLACES = {"officer": {"city_unit"}, "reporter": {"city_unit", "ministry_unit"}}
API_PATHS = {
    "dispose": "dispose", "request_info": "request-info", "reject": "reject", "forward": "forward",
    "not_our_authority": "not-our-authority", "archive": "archive", "dismiss_appeal": "dismiss-appeal",
    "respond": "respond", "follow_up": "follow-up", "interim_reply": "interim-reply", "supplement": "supplement",
    "reply": "reply", "rate": "rate", "appeal": "appeal", "ombudsman_consent": "ombudsman-consent",
    "ombudsman_decline": "ombudsman-decline", "ombudsman_outcome": "ombudsman-outcome",
}
REPORTER_CASE_ACTIONS = {"supplement", "reply", "rate", "appeal", "ombudsman_consent", "ombudsman_decline"}
WITH_FILES = {"respond", "follow_up", "interim_reply"}
REASON = "Verifikasi: laporan diduga palsu, perlu konfirmasi pelapor."


def payload(action: str, report: Report) -> dict:
    agency = report.agency.code if report.agency_id else None
    other = OTHER if agency != OTHER else MINISTRY
    return {
        "dispose": {"agency": OTHER},
        "request_info": {"note": "Mohon lengkapi lokasi."},
        "reject": {"reason": "spam"},
        "archive": {"reason": "not_actionable"},
        "forward": {"unit": {CITY: CITY_UNIT, MINISTRY: MINISTRY_UNIT, OTHER: OTHER_UNIT}.get(agency, CITY_UNIT)},
        "not_our_authority": {"suggested_agency": other, "note": "Bukan kewenangan kami."},
        "dismiss_appeal": {"note": "Sudah sesuai prosedur."},
        "respond": {"note": "Sedang diperiksa."},
        "follow_up": {"note": "Sudah diperbaiki."},
        "interim_reply": {"note": "Perlu waktu.", "due_date": "2026-12-15"},
        "supplement": {"note": "Lokasinya di depan pasar."},
        "reply": {"note": "Belum selesai."},
        "rate": {"rating": 3},
        "appeal": {"note": "Tidak puas."},
        "ombudsman_consent": {},
        "ombudsman_decline": {},
        "ombudsman_outcome": {"outcome": "accepted", "note": "Laporan diterima untuk diperiksa."},
    }[action]


def force(r, status: str, *, priority: bool, world) -> Report:
    """Put the world's report in `status`, with the data its guards need (inside a savepoint)."""
    now = clock.now()
    fields = {"status": status, "stage_due_at": now + timedelta(days=7), "closed_at": None, "rating": None, "appeal_count": 0,
              "ombudsman_offered_at": None, "ombudsman_declined_at": None, "transfer_count": 0, "interim_count": 0,
              "ombudsman_outcome": ""}
    if status == "needs_info":
        fields.update(stage_due_at=None, paused_days_left=2)
    if status == "followed_up":
        fields.update(followed_up_at=now, stage="reporter_reply")
    if status == "appealed":
        fields.update(rating=1, appeal_count=1)
    if status == "closed":
        fields.update(closed_at=now, stage_due_at=None, rating=1)
    if status == "at_agency":
        fields.update(ombudsman_offered_at=now)  # so that the reporter's Ombudsman choice is open
    if status == "ombudsman":  # transferred with the reporter's consent, no outcome yet
        fields.update(ombudsman_offered_at=now, closed_at=now, stage_due_at=None, stage="")
    if priority:
        fields["category"] = world.categories["priority"]
    Report.objects.filter(pk=r.pk).update(**fields)
    return Report.objects.select_related("agency", "unit__parent__parent", "category").get(pk=r.pk)


def _count(model, **extra):
    from django.db.models import Count, OuterRef, Subquery

    rows = model.objects.filter(report_id=OuterRef("pk"), **extra).order_by().values("report_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def fingerprint(pk: int, media, *, files: bool = True) -> tuple:
    """What an action leaves behind: the report's version, status and time of change, its events,
    attachments and audit entries (one query), and the files stored."""
    row = (
        Report.objects.filter(pk=pk)
        .annotate(events_n=_count(ReportEvent), attachments_n=_count(Attachment), audit_n=_count(AuditEntry))
        .values_list("version", "status", "updated_at", "events_n", "attachments_n", "audit_n")
        .get()
    )
    return row + (len([p for p in media.rglob("*") if p.is_file()]) if files else 0,)


@pytest.fixture
def media(tmp_path, settings):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def _try(pw, who, url, data, api_for=None, files=None):
    with transaction.atomic():
        got = pw.post(who, url, data, api_for=api_for, files=files)
        transaction.set_rollback(True)
    return got


@pytest.mark.parametrize("case", CASES)
def test_actions(pw, media, all_logs, case):
    action, status = case.split("@")
    problems, allowed_somewhere = [], set()
    for place, extra in LOCATIONS.items():
        r = pw.world.report(place, "confidential")
        with transaction.atomic():
            report = force(r, status, priority=extra.get("priority", False), world=pw.world)
            before = fingerprint(r.pk, media, files=action in WITH_FILES)
            body = payload(action, report)
            for role in ROLES:
                who = pw.who_for(role, r)
                f = facts(report, clock.now(), own=r.tracking_number in who.owns)
                allowed = may_act(role, case, f)
                view = rights(role, report, f).view
                web_url = (f"/lacak/{r.tracking_number}/{action}/" if action in REPORTER_CASE_ACTIONS
                           else f"/petugas/laporan/{r.tracking_number}/aksi/{action}/")
                web_body = {**body, "version": str(report.version)}
                endpoints = [("api", f"/api/v1/reports/{r.tracking_number}/{API_PATHS[action]}", body)]
                if place in WEB_PLACES["reporter" if action in REPORTER_CASE_ACTIONS else "officer"]:
                    endpoints.append(("web", web_url, web_body))
                for endpoint, url, data in endpoints:
                    where = f"{role} ({who.label}) x {endpoint} {case} x {r} [{url}]"
                    with transaction.atomic():
                        files = {"attachments": SimpleUploadedFile("berkas-rhs-99-f.pdf", MINIMAL_PDF, "application/pdf")}
                        got = pw.post(who, url, data, api_for=r.tracking_number, files=files if endpoint == "web" and action in WITH_FILES else None)
                        after = fingerprint(r.pk, media, files=action in WITH_FILES)
                        transaction.set_rollback(True)
                    moved = after[0] == before[0] + 1 and after[3] == before[3] + 1
                    if allowed:
                        allowed_somewhere.add(role)
                        # Files outlive the rollback: the next request starts from what is stored now.
                        before = before[:-1] + (after[-1],)
                        if endpoint == "api" and got.status != 200:
                            problems.append(f"{where}: allowed, got {got.status} {got.text[:160]}")
                        elif not moved:
                            problems.append(f"{where}: allowed, but the action was not applied ({got.status})")
                        continue
                    if after != before:
                        problems.append(f"{where}: refused ({got.status}) but something changed: {before} -> {after}")
                    if endpoint == "api":
                        expected = 404 if who.signed_in and not view else 403
                        if got.status != expected:
                            problems.append(f"{where}: status {got.status}, expected {expected}")
                    else:
                        expected_location = "/masuk/" if web_url.startswith("/petugas/") and not who.signed_in else None
                        if got.status != 302 or (expected_location and not got.location.startswith(expected_location)):
                            problems.append(f"{where}: status {got.status} -> {got.location!r}, expected a redirect")
                    leaked = sorted(f"#{i:02d}:{label}" for i, label in scan(got.text))
                    if leaked:
                        problems.append(f"{where}: the refusal shows {leaked}")
            transaction.set_rollback(True)
    # Not vacuous: in the places tried, someone may take the action (and above: it was applied).
    if not allowed_somewhere:
        problems.append(f"{case}: nobody may take this action in the places tried")
    problems += check_logs(all_logs)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# Every value the officer form's <action> accepts, and a few it must not: only the officer cases
# of the table are ever applied; reporter and system actions, "submit" and unknown names do nothing.
# (The officer actions themselves are the cases of test_actions.)
OFFICER_URL_ACTIONS = sorted(set(Action.values) - {c.split("@")[0] for c in CASES if c.split("@")[0] not in REPORTER_CASE_ACTIONS}) + [
    "unknown", "DISPOSE", "follow_up",
]


def test_officer_form_accepts_no_other_action(pw, media, all_logs):
    r = pw.world.report("city_unit", "public")  # in process at Disdik: follow-up and interim reply are open
    problems = []
    for action in OFFICER_URL_ACTIONS:
        with transaction.atomic():
            report = Report.objects.get(pk=r.pk)
            before = fingerprint(r.pk, media)
            body = {"version": str(report.version), "note": "Catatan uji.", "due_date": "2026-12-15", "rating": "3"}
            for role in ROLES:
                who = pw.who_for(role, r)
                url = f"/petugas/laporan/{r.tracking_number}/aksi/{action}/"
                with transaction.atomic():
                    got = pw.post(who, url, body)
                    changed = fingerprint(r.pk, media) != before
                    transaction.set_rollback(True)
                where = f"{role} ({who.label}) x officer form {action!r} x {r}"
                if changed is not (role == "liaison" and action in ("follow_up", "interim_reply")):
                    problems.append(f"{where}: changed={changed}, status {got.status}")
                if not who.signed_in:
                    expected = (302, "/masuk/")
                elif action in REPORTER_CASE_ACTIONS or action not in Action.values:
                    expected = (404, "")
                else:
                    expected = (302, f"/petugas/laporan/{r.tracking_number}/")
                if (got.status, got.location[: len(expected[1])]) != expected:
                    problems.append(f"{where}: {got.status} -> {got.location!r}, expected {expected}")
            transaction.set_rollback(True)
    problems += check_logs(all_logs)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_reporter_form_accepts_no_other_action(pw, media, all_logs):
    """/lacak/<tn>/<action>/ takes only reporter actions: anything else is 404 for everyone."""
    r = pw.world.report("city_unit", "public")
    before = fingerprint(r.pk, media)
    problems = []
    for action in ["follow_up", "auto_close", "submit", "unknown"]:
        for role in ROLES:
            who = pw.who_for(role, r)
            got = _try(pw, who, f"/lacak/{r.tracking_number}/{action}/", {"note": "x", "unit": CITY_UNIT})
            if got.status != 404 or fingerprint(r.pk, media) != before:
                problems.append(f"{role} ({who.label}) x reporter form {action!r}: status {got.status}")
    problems += check_logs(all_logs)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", ["anonymous", "public"])
def test_identity_reveal(pw, media, all_logs, kind):
    """Only the national desk reveals, only an anonymous reporter, with a reason; every reveal is
    an audit entry. Everyone else is refused and nothing is recorded; the page they get shows
    what the officer page shows them, no more."""
    problems = []
    for place, extra in LOCATIONS.items():
        r = pw.world.report(place, kind)
        with transaction.atomic():
            if extra.get("priority"):
                Report.objects.filter(pk=r.pk).update(category=pw.world.categories["priority"])
            report = Report.objects.select_related("agency", "unit__parent__parent", "category").get(pk=r.pk)
            before = fingerprint(r.pk, media)
            reveals_before = AuditEntry.objects.filter(kind="identity_reveal").count()
            for role in ROLES:
                who = pw.who_for(role, r)
                f = facts(report, clock.now(), own=r.tracking_number in who.owns)
                rt = rights(role, report, f)
                allowed = holds(REVEAL.get(role, frozenset()), f)
                for endpoint, url in (("api", f"/api/v1/reports/{r.tracking_number}/reveal-identity"), ("web", f"/petugas/laporan/{r.tracking_number}/")):
                    where = f"{role} ({who.label}) x {endpoint} reveal x {r}"
                    with transaction.atomic():
                        got = pw.post(who, url, {"reason": REASON}, api_for=r.tracking_number)
                        reveals = AuditEntry.objects.filter(kind="identity_reveal").count() - reveals_before
                        entry = AuditEntry.objects.filter(kind="identity_reveal").first() if reveals else None
                        transaction.set_rollback(True)
                    shown = {label for i, label in scan(got.text) if i == r.idx}
                    others = {(i, label) for i, label in scan(got.text) if i != r.idx}
                    if others:
                        problems.append(f"{where}: shows other reports' {sorted(others)}")
                    identity = {"name", "email", "phone"}
                    if allowed and kind == "anonymous":
                        if reveals != 1 or got.status != 200 or not identity <= shown:
                            problems.append(f"{where}: the reveal failed: {got.status}, {reveals} entries, shows {sorted(shown)}")
                        elif entry.reason != REASON or any(m in str(entry.data) + entry.reason for m in (r.m.name, r.m.email, r.m.phone)):
                            problems.append(f"{where}: the audit entry is wrong or holds the identity: {entry.data}")
                        continue
                    if reveals:
                        problems.append(f"{where}: refused ({got.status}) but {reveals} reveal(s) recorded")
                    if endpoint == "api":
                        expected = 422 if allowed else 401 if not who.signed_in else 404 if not rt.view else 403
                        if got.status != expected:
                            problems.append(f"{where}: status {got.status}, expected {expected}")
                        if shown:
                            problems.append(f"{where}: the refusal shows {sorted(shown)}")
                    else:
                        exp = officer_expectation(rt, own=r.tracking_number in who.owns, signed_in=who.signed_in,
                                                  confidential=r.confidential, anonymous=r.anonymous)
                        exp_shown = exp.shown & {label for _, label in scan(_all_markers_text(r))}
                        if got.status != exp.status or (got.status == 200 and shown != exp_shown) or (got.status != 200 and shown):
                            problems.append(f"{where}: {got.status} showing {sorted(shown)}; expected {exp.status} showing {sorted(exp_shown)}")
            after = fingerprint(r.pk, media)
            if after[:5] != before[:5]:
                problems.append(f"{r}: a reveal attempt changed the report: {before} -> {after}")
            transaction.set_rollback(True)
    problems += check_logs(all_logs)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _all_markers_text(r) -> str:
    from .conftest import markers_of

    return "\n".join(mk.text for mk in markers_of(r))


def test_bulk_action(pw, media, all_logs):
    """The queue's bulk form applies dispose / forward to each selected report through the same
    checks: only the desk disposes, only the report's agency admin forwards; nothing else moves."""
    problems = []
    for action, status, field, value_of in (
        ("dispose", "submitted", "agency", lambda report: OTHER),
        ("forward", "at_agency", "unit", lambda report: payload("forward", report)["unit"]),
    ):
        case = f"{action}@{status}"
        for place, extra in LOCATIONS.items():
            r = pw.world.report(place, "confidential")
            with transaction.atomic():
                report = force(r, status, priority=extra.get("priority", False), world=pw.world)
                before = fingerprint(r.pk, media, files=False)
                for role in ROLES:
                    who = pw.who_for(role, r)
                    allowed = may_act(role, case, facts(report, clock.now(), own=r.tracking_number in who.owns))
                    body = {"tindakan": action, "action": action, "laporan": [r.tracking_number], field: value_of(report), "note": "Massal."}
                    with transaction.atomic():
                        got = pw.post(who, "/petugas/massal/", body)
                        after = fingerprint(r.pk, media, files=False)
                        shown = pw.get(who, got.location, cached=False) if got.location.startswith("/petugas/") else got
                        transaction.set_rollback(True)
                    where = f"{role} ({who.label}) x bulk {case} x {r}"
                    moved = after[0] == before[0] + 1 and after[3] == before[3] + 1
                    if moved is not allowed or (not allowed and after != before):
                        problems.append(f"{where}: allowed={allowed}, applied={moved}, changed={after != before}")
                    expected_location = "/petugas/" if who.signed_in else "/masuk/"
                    if got.status != 302 or not got.location.startswith(expected_location):
                        problems.append(f"{where}: {got.status} -> {got.location!r}, expected a redirect to {expected_location}")
                    if not allowed and {label for i, label in scan(shown.text) if i == r.idx} - {"title"}:
                        problems.append(f"{where}: the page after the refusal shows {sorted(scan(shown.text))}")
                transaction.set_rollback(True)
    problems += check_logs(all_logs)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_support(pw, media, all_logs):
    """Support (+1) counts only on public reports (accepted, not confidential), by a signed-in
    person who is not the reporter; on any other report nothing is counted and nothing told."""
    from lapor.reports.models import ReportSupport

    problems = []
    cases = [("city", "public", True), ("city", "anonymous", True), ("omb_transferred", "public", True),
             ("city", "confidential", False), ("city_unit", "confidential", False), ("desk", "public", False)]
    for place, kind, public in cases:
        r = pw.world.report(place, kind)
        for role in ROLES:
            who = pw.who_for(role, r)
            own = r.tracking_number in who.owns
            allowed = public and who.signed_in and not own
            with transaction.atomic():
                count_before = Report.objects.get(pk=r.pk).support_count
                got = pw.post(who, f"/lacak/{r.tracking_number}/dukung/", {})
                counted = (Report.objects.get(pk=r.pk).support_count - count_before, ReportSupport.objects.filter(report_id=r.pk).count())
                shown = pw.get(who, got.location, cached=False) if got.location.startswith("/lacak/") else got
                transaction.set_rollback(True)
            where = f"{role} ({who.label}) x support x {r}"
            if counted != ((1, 1) if allowed else (0, 0)):
                problems.append(f"{where}: allowed={allowed}, counted {counted}")
            if got.status != 302:
                problems.append(f"{where}: status {got.status}, expected a redirect")
            report = Report.objects.select_related("agency", "unit__parent__parent", "category").get(pk=r.pk)
            rt = rights(role, report, facts(report, clock.now(), own=own))
            may_see = track_web_expectation(rt, own=own, signed_in=who.signed_in, confidential=r.confidential, anonymous=r.anonymous).shown
            if {label for i, label in scan(shown.text) if i == r.idx} - may_see:
                problems.append(f"{where}: the page after the support shows {sorted(scan(shown.text))}")
    problems += check_logs(all_logs)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
