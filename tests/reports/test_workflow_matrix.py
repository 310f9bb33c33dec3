"""Every (status, action, role): the transition table decides, and the service obeys it.

For each combination a report is put in the status with data that satisfies the action's
guards, and the actor plays the role. Expected: NotFound for an official who may not see the
report; otherwise success (with the table's target status and one new event) iff the table
allows the role; IllegalTransition if the table has no such move from that status; NotAllowed
otherwise — and on every refusal nothing is written."""

from datetime import timedelta

import pytest
from django.db import transaction

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, User
from lapor.agencies.models import Agency, Category, Region
from lapor.core import clock
from lapor.core.errors import IllegalTransition, NotAllowed, NotFound
from lapor.reports.models import Report, ReportEvent
from lapor.reports.selectors import can_view
from lapor.reports.services import apply_action, get_report_for_update, report_act
from lapor.reports.states import ActorRole, Status
from lapor.reports.tokens import reporter_secret_for
from lapor.reports.workflow import ACTIONS, TABLE

from ..conftest import GOOD_REPORT, build_world, make_ombudsman

STATES = list(Status.values)
ROLES = list(ActorRole.values)
PAYLOADS = {
    "dispose": {"agency": "kemenkes"},
    "request_info": {"note": "Mohon lengkapi lokasi."},
    "supplement": {"note": "Lokasinya di depan pasar."},
    "reject": {"reason": "spam"},
    "forward": {"unit": "kota-35-78-disdik"},
    "not_our_authority": {"suggested_agency": "kemenkes", "note": "Kewenangan Kemenkes."},
    "archive": {"reason": "not_actionable"},
    "respond": {"note": "Sedang diperiksa."},
    "follow_up": {"note": "Sudah diperbaiki."},
    "interim_reply": {"note": "Perlu waktu.", "due_date": "2026-12-15"},
    "reply": {"note": "Belum selesai."},
    "rate": {"rating": 3},
    "appeal": {"note": "Tidak puas."},
    "dismiss_appeal": {"note": "Sudah sesuai prosedur."},
    "ombudsman_consent": {},
    "ombudsman_decline": {},
    "ombudsman_outcome": {"outcome": "accepted", "note": "Laporan diterima untuk diperiksa."},
}


@pytest.fixture(scope="module")
def mworld(django_db_setup, django_db_blocker):
    """The registry and officials, built once for the ~1,300 cases of this module."""
    with django_db_blocker.unblock():
        w = build_world()
        w.ombudsman = make_ombudsman()
        yield w
        Position.objects.all().delete()
        User.objects.all().delete()
        Agency.objects.filter(parent__isnull=False).delete()
        Agency.objects.all().delete()
        Category.objects.filter(parent__isnull=False).delete()
        Category.objects.all().delete()
        Region.objects.filter(level="village").delete()
        Region.objects.filter(level="district").delete()
        Region.objects.filter(level="regency").delete()
        Region.objects.all().delete()


def report_in(status: str, action: str, w) -> Report:
    """A report in `status`, with the data a real report in that status has, and with the
    data guards of `action` satisfied."""
    from lapor.reports.services import report_submit

    report = report_submit(data=dict(GOOD_REPORT), actor=Actor()).report
    now = clock.now()
    due = now + timedelta(days=7)
    fields = {"status": status, "stage_due_at": due, "stage": "desk_verification"}
    if status == Status.NEEDS_INFO:
        fields.update(stage_due_at=None, paused_days_left=2)
    elif status == Status.RETURNED:
        fields.update(transfer_count=1, suggested_agency=w.ministry)
    elif status in (Status.AT_AGENCY, Status.APPEALED):
        fields.update(agency=w.city, stage="agency_verification")
    elif status in (Status.FORWARDED, Status.IN_PROCESS, Status.FOLLOWED_UP):
        fields.update(agency=w.city, unit=w.city_education, stage="follow_up")
    if status == Status.FOLLOWED_UP:
        fields.update(followed_up_at=now, stage="reporter_reply")
    if status == Status.APPEALED:
        fields.update(unit=w.city_education, rating=1, appeal_count=1)
    if status in (Status.CLOSED, Status.REJECTED, Status.ARCHIVED, Status.OMBUDSMAN):
        fields.update(closed_at=now, stage_due_at=None, stage="", agency=w.city, unit=w.city_education)
    if action == "appeal":
        fields.update(rating=1, appeal_count=0)
    if action in ("ombudsman_consent", "ombudsman_decline"):
        fields.update(ombudsman_offered_at=now)
    Report.objects.filter(pk=report.pk).update(**fields)
    return Report.objects.get(pk=report.pk)


def actor_for(role: str, w, report) -> Actor:
    return {
        ActorRole.REPORTER: lambda: Actor(reporter_secret=reporter_secret_for(report.tracking_number)),
        ActorRole.NATIONAL_ADMIN: lambda: Actor.for_user(w.national_admin),
        ActorRole.AGENCY_ADMIN: lambda: Actor.for_user(w.city_admin),
        ActorRole.LIAISON_OFFICER: lambda: Actor.for_user(w.education_officer),
        ActorRole.SYSTEM: lambda: Actor.system_actor(),
        ActorRole.OMBUDSMAN: lambda: Actor.for_user(w.ombudsman),
    }[role]()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATES)
def test_transition(mworld, status, action, role):
    report = report_in(status, action, mworld)
    actor = actor_for(role, mworld, report)
    rule = TABLE.get((status, action))
    events_before = ReportEvent.objects.filter(report=report).count()

    def run():
        with transaction.atomic():
            locked = get_report_for_update(report.tracking_number)
            return apply_action(locked, action, actor, dict(PAYLOADS.get(action, {})), clock.now())

    if not can_view(actor, report):  # an official outside the report's scope learns nothing
        with pytest.raises(NotFound):
            run()
    elif rule is None:
        with pytest.raises(IllegalTransition):
            run()
    elif role not in rule.roles:
        with pytest.raises(NotAllowed):
            run()
    else:
        event = run()
        report.refresh_from_db()
        expected = rule.target or status
        assert (event.from_status, event.to_status, report.status) == (status, expected, expected)
        assert event.actor_role == role and event.seq == events_before + 1
        return
    report_after = Report.objects.get(pk=report.pk)
    assert report_after.status == status and report_after.version == report.version
    assert ReportEvent.objects.filter(report=report).count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["auto_close", "mark_overdue", "escalate", "offer_ombudsman"])
def test_system_actions_are_refused_to_people(mworld, action):
    report = report_in(Status.FOLLOWED_UP, action, mworld)
    with pytest.raises(NotAllowed):
        report_act(tracking_number=report.tracking_number, action=action, actor=Actor.for_user(mworld.national_admin))
    assert report.events.count() == 1


def test_every_status_is_reachable_and_terminal_ones_have_no_exit():
    targets = {rule.target for rule in TABLE.values() if rule.target} | {Status.SUBMITTED, Status.AT_AGENCY}
    assert targets == set(Status.values)
    for status in (Status.REJECTED, Status.ARCHIVED, Status.OMBUDSMAN):
        # Nothing leaves a terminal status; the Ombudsman's outcome records and stays (ADR 0023).
        assert all(rule.target is None for key, rule in TABLE.items() if key[0] == status)
    assert sorted(key for key in TABLE if key[0] in (Status.REJECTED, Status.ARCHIVED, Status.OMBUDSMAN)) == [
        (Status.OMBUDSMAN, "ombudsman_outcome")
    ]
