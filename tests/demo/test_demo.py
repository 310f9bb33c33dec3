"""The demo data set: generated through the real services, every event legal, every status
present, idempotent, Indonesian texts, no contact data in an anonymous report's notes."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User
from lapor.core import clock
from lapor.demo.accounts import DEMO_CITIZEN, DEMO_PASSWORD
from lapor.demo.reports import NotEmpty, load_demo
from lapor.demo.text import Place, TextGenerator
from lapor.demo.themes import THEMES
from lapor.reports.models import Report, ReportEvent
from lapor.reports.services import report_submit
from lapor.reports.states import Action, Status
from lapor.reports.workflow import TABLE

from ..conftest import MONDAY_9AM

N = 150
# Words that nearly every Indonesian complaint or reply contains, and English rarely does.
INDONESIAN = re.compile(r"\b(yang|di|dan|pada|mohon|mhn|saya|sy|kami|tidak|tdk|sudah|sdh|untuk|utk|ini|sejak)\b", re.I)


def _paths() -> dict[int, list[ReportEvent]]:
    events = defaultdict(list)
    for event in ReportEvent.objects.order_by("report_id", "seq"):
        events[event.report_id].append(event)
    return events


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Report, ReportEvent, User, Position)}


def test_demo_reports_walk_legal_paths_into_every_status(demo_registry):
    result = load_demo(reports=N, seed=7)

    assert result.created and result.reports == N == Report.objects.count()
    assert set(result.by_status) == set(Status.values)
    assert all(result.by_status[s] >= 1 for s in Status.values), result.by_status
    assert sum(result.by_status.values()) == N
    # Every path starts with the submission and follows the transition table, seq 1..n.
    paths = _paths()
    assert len(paths) == N and result.events == sum(len(p) for p in paths.values())
    reports = {r.pk: r for r in Report.objects.all()}
    for report_id, events in paths.items():
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        first = events[0]
        assert (first.action, first.from_status) == (Action.SUBMIT, "")
        assert first.to_status in (Status.SUBMITTED, Status.AT_AGENCY)
        status = first.to_status
        for event in events[1:]:
            rule = TABLE[(event.from_status, event.action)]  # KeyError = an illegal move
            assert event.from_status == status
            assert event.to_status == (rule.target or event.from_status)
            status = event.to_status
        assert status == reports[report_id].status and reports[report_id].version == len(events)
    # The sweep ran at simulated times: overdue marks, escalations, automatic closures, offers.
    done = set(ReportEvent.objects.values_list("action", flat=True))
    assert {Action.MARK_OVERDUE, Action.ESCALATE, Action.AUTO_CLOSE, Action.OFFER_OMBUDSMAN, Action.OMBUDSMAN_CONSENT,
            Action.OMBUDSMAN_OUTCOME} <= done
    # The Ombudsman's work list has cases at every point: awaiting, accepted, concluded.
    transferred = Report.objects.filter(status=Status.OMBUDSMAN)
    assert transferred.filter(ombudsman_outcome="").exists() or transferred.filter(ombudsman_outcome="accepted").exists()
    assert transferred.exclude(ombudsman_outcome="").exists()
    assert Report.objects.filter(escalation_level=2, status=Status.AT_AGENCY).exists()
    assert Report.objects.filter(transfer_count=3).exists()
    # Spread over the period, over channels, regions and agencies; some anonymous, some confidential.
    submitted = Report.objects.values_list("submitted_at", flat=True)
    assert min(submitted) >= MONDAY_9AM - timedelta(days=120) and max(submitted) <= MONDAY_9AM
    assert Report.objects.values("channel").distinct().count() >= 5
    assert Report.objects.values("agency").exclude(agency=None).distinct().count() >= 4
    assert Report.objects.values("region").distinct().count() >= 5
    assert 5 <= Report.objects.filter(is_anonymous=True).count() <= 30
    assert Report.objects.filter(is_confidential=True).exists()
    assert not Report.objects.filter(category__code="kesehatan-kekosongan-obat").exists()  # expired campaign
    # The demo citizen has a report in every status the reporter can see.
    assert Report.objects.filter(reporter__username=DEMO_CITIZEN).values("status").distinct().count() == len(Status.values)
    # The clock is released.
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_demo_texts_are_indonesian_and_anonymous_reports_leak_no_contact(demo_registry):
    load_demo(reports=N, seed=11)

    for report in Report.objects.all():
        assert len(report.title) >= 10 and len(report.description) >= 30
        assert "{" not in report.title + report.description
    descriptions = list(Report.objects.values_list("description", flat=True))
    assert sum(bool(INDONESIAN.search(d)) for d in descriptions) >= 0.95 * len(descriptions)
    notes = list(ReportEvent.objects.exclude(note="").values_list("note", flat=True))
    assert notes and all("{" not in note for note in notes)

    anonymous = list(Report.objects.filter(is_anonymous=True).select_related("reporter"))
    assert anonymous
    with_contact = 0
    for report in anonymous:
        secrets = {report.contact_name, report.contact_email, report.contact_phone}
        if report.reporter:
            secrets |= {report.reporter.full_name, report.reporter.email}
            if not report.reporter.username.isalpha():  # "warga" (citizen) is also an ordinary word
                secrets.add(report.reporter.username)
        secrets.discard("")
        with_contact += bool(secrets)
        texts = [report.title, report.description, *report.events.values_list("note", flat=True)]
        assert not [s for s in secrets for t in texts if s.lower() in t.lower()], report.tracking_number
    assert with_contact >= 1  # the check above had something to find


def test_demo_accounts_cover_every_role_with_the_demo_password(demo_registry):
    result = load_demo(reports=20, seed=3)

    roles = set(Position.objects.filter(holder__isnull=False).values_list("role", flat=True))
    assert roles == set(Role.values)
    for username in ("admin.nasional", "admin.surabaya", "penghubung.disdik.surabaya", "admin.kemenkes", "apip.surabaya",
                     "pengawas.kemenko-pmk", "pengawas.prov-jawa-timur", "ksp", "ombudsman", "operator", DEMO_CITIZEN):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD), username
    operator = User.objects.get(username="operator")
    assert operator.is_staff and operator.is_superuser
    assert not User.objects.filter(username="admin.nasional", is_staff=True).exists()
    assert [row[0] for row in result.accounts.table][:2] == ["admin.nasional", "verifikator.nasional"]


def test_running_twice_creates_nothing_more(demo_registry):
    first = load_demo(reports=40, seed=5)
    before = _counts()
    second = load_demo(reports=40, seed=5)

    assert first.created and not second.created
    assert _counts() == before and before["Report"] == 40
    assert second.by_status == first.by_status


def test_command_needs_demo_mode_and_prints_accounts_and_counts(demo_registry, settings, monkeypatch):
    monkeypatch.delenv("LAPOR_DEMO", raising=False)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--yes-demo"):
        call_command("load_demo", "--reports", "20")
    assert not Report.objects.exists() and not User.objects.exists()

    monkeypatch.setenv("LAPOR_DEMO", "1")
    out = io.StringIO()
    call_command("load_demo", "--reports", "20", stdout=out)
    text = out.getvalue()
    assert "admin.nasional" in text and DEMO_PASSWORD in text and "penghubung.disdik.surabaya" in text
    assert re.search(r"closed\s+\d+", text) and "demo data loaded: 20 reports" in text
    again = io.StringIO()
    call_command("load_demo", "--yes-demo", stdout=again)
    assert "already loaded (20 reports, 1 survey with " in again.getvalue()


def test_the_same_seed_gives_the_same_demo(demo_registry):
    def run(seed):
        with transaction.atomic():
            load_demo(reports=60, seed=seed, end=MONDAY_9AM)
            snapshot = list(Report.objects.order_by("submitted_at", "title").values_list("submitted_at", "title", "status", "version"))
            transaction.set_rollback(True)  # start the next run from the same empty tables
        return snapshot

    first = run(9)
    assert len(first) == 60 and first == run(9) and first != run(10)


def test_refuses_a_database_with_other_reports(demo_registry):
    report_submit(data={"title": "Lampu jalan mati di gang", "description": "Sudah seminggu lampu jalan di gang kami mati total.",
                        "region_code": "35.78.01.1001"}, actor=Actor())
    with pytest.raises(NotEmpty):
        load_demo(reports=20)
    assert Report.objects.count() == 1 and not User.objects.exists()


def test_command_explains_missing_reference_data(db):
    with pytest.raises(CommandError, match="load_reference"):
        call_command("load_demo", "--yes-demo", "--reports", "5")


def test_text_generator_is_deterministic_and_fills_every_template():
    place = Place("Kota Surabaya", "35", "Karang Pilang", "Kebraon", "kelurahan")
    day = date(2026, 8, 12)

    def sample(seed):
        gen = TextGenerator(seed)
        out = []
        for theme in THEMES:
            for kind in gen.kinds(theme):
                for channel in ("web", "sms"):
                    draft = gen.report(theme, place, day, kind=kind, channel=channel)
                    out += [draft.title, draft.description, gen.follow_up(theme, draft.slots, day, "Dinas X"),
                            gen.reply(theme, draft.slots), gen.appeal(theme, draft.slots)]
        return out

    first = sample(42)
    assert first == sample(42) and first != sample(43)
    assert all(text and "{" not in text for text in first)
    assert all(len(text) >= 30 for text in first[1::5])  # descriptions
