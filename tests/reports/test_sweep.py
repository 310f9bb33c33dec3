"""The SLA sweep: overdue, escalation, automatic closure, Ombudsman offer; idempotent."""

from datetime import datetime, timedelta, timezone


from lapor.accounts.actors import Actor
from lapor.agencies.models import SlaPolicy
from lapor.core import clock
from lapor.reports.models import Report
from lapor.reports.services import report_act
from lapor.reports.states import Status
from lapor.reports.sweep import sla_sweep

from ..conftest import MONDAY_9AM


def at(day: str, hour: int = 9) -> datetime:
    """A moment in Jakarta (UTC+7) as an aware datetime."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+07:00").astimezone(timezone.utc)


def act(report, user, action, **payload):
    actor = user if isinstance(user, Actor) else Actor.for_user(user)
    return report_act(tracking_number=report.tracking_number, action=action, actor=actor, payload=payload)


def test_overdue_then_escalated_then_idempotent(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")  # due end of Thu 26 Nov
    clock.freeze(at("2026-11-26", 23))
    assert sla_sweep().total == 0  # not yet past due
    clock.freeze(at("2026-11-27"))
    result = sla_sweep()
    assert result.counts["mark_overdue"] == 1 and result.total == 1
    report.refresh_from_db()
    assert (report.is_overdue, report.escalation_level) == (True, 1)
    # Escalation after 3 more HK past the due date (Tue 1 Dec end of day).
    assert report.escalate_at == at("2026-12-01", 23) + timedelta(minutes=59, seconds=59)
    assert sla_sweep().total == 0  # a second run right away does nothing
    clock.freeze(at("2026-12-02"))
    assert sla_sweep().counts["escalate"] == 1
    report.refresh_from_db()
    assert report.escalation_level == 2
    assert sla_sweep().total == 0
    assert [e.action for e in report.events.order_by("seq")] == ["submit", "mark_overdue", "escalate"]
    # Acting on it resets the clock and the overdue flag.
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    assert (report.is_overdue, report.escalation_level) == (False, 0)


def test_auto_close_after_ten_working_days_without_reply(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")
    act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    act(report, world.education_officer, "follow_up", note="Sudah ditangani.")
    clock.freeze(at("2026-12-07", 22))  # due end of Mon 7 Dec: not yet
    assert sla_sweep().counts["auto_close"] == 0
    clock.freeze(at("2026-12-08"))
    assert sla_sweep().counts["auto_close"] == 1
    report.refresh_from_db()
    assert (report.status, report.closed_at, report.rating) == (Status.CLOSED, clock.now(), None)
    assert report.events.last().action == "auto_close"


def test_ombudsman_offer_after_sixty_days_and_transfer_with_consent(world, submit):
    report, secret = submit(target_agency_code="kota-35-78")
    clock.freeze(MONDAY_9AM + timedelta(days=59))
    counts = sla_sweep().counts
    assert counts["offer_ombudsman"] == 0 and counts["mark_overdue"] == 1
    clock.freeze(MONDAY_9AM + timedelta(days=60, seconds=1))
    assert sla_sweep().counts["offer_ombudsman"] == 1
    assert sla_sweep().counts["offer_ombudsman"] == 0
    report = act(report, Actor(reporter_secret=secret), "ombudsman_consent", note="Saya setuju.")
    assert report.status == Status.OMBUDSMAN
    assert sla_sweep().total == 0


def test_closed_reports_are_never_offered_to_the_ombudsman(world, submit):
    report, _ = submit()
    act(report, world.national_admin, "reject", reason="spam")
    clock.freeze(MONDAY_9AM + timedelta(days=90))
    assert sla_sweep().total == 0


def test_sla_policy_per_agency_and_category_overrides_the_default(world, submit):
    SlaPolicy.objects.create(stage="agency_verification", agency=world.city, duration=1)
    SlaPolicy.objects.create(stage="agency_verification", agency=world.city, category=world.category, duration=2)
    SlaPolicy.objects.create(stage="follow_up", category=world.category, duration=14)
    report, _ = submit(target_agency_code="kota-35-78")  # city + category: 2 HK
    assert report.stage_due_at == at("2026-11-25", 23) + timedelta(minutes=59, seconds=59)
    other, _ = submit(target_agency_code="kota-35-78", category_code="")  # city only: 1 HK
    assert other.stage_due_at == at("2026-11-24", 23) + timedelta(minutes=59, seconds=59)
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik")  # category: 14 HK
    assert report.stage_due_at == at("2026-12-11", 23) + timedelta(minutes=59, seconds=59)


def test_sweep_works_in_batches(world, submit):
    reports = [submit(target_agency_code="kota-35-78")[0] for _ in range(7)]
    clock.freeze(at("2026-11-27"))
    assert sla_sweep(batch_size=3).counts["mark_overdue"] == 7
    assert Report.objects.filter(pk__in=[r.pk for r in reports], is_overdue=True).count() == 7


def test_finishing_or_pausing_an_overdue_report_clears_its_escalation(world, submit):
    report, _ = submit()
    clock.freeze(at("2026-11-27"))
    sla_sweep()
    report.refresh_from_db()
    assert (report.is_overdue, report.escalation_level) == (True, 1)
    report = act(report, world.national_admin, "request_info", note="Lengkapi alamat.")
    assert (report.is_overdue, report.escalation_level, report.escalate_at) == (False, 0, None)
    other, _ = submit()
    sla_sweep()
    other = act(other, world.national_admin, "archive", reason="not_actionable")
    assert (other.is_overdue, other.escalation_level, other.escalate_at) == (False, 0, None)


def test_the_embedded_worker_loop_runs_the_sweep(world, submit):
    from io import StringIO

    from django.core.management import call_command

    report, _ = submit(target_agency_code="kota-35-78")
    clock.freeze(at("2026-11-27"))
    out = StringIO()
    call_command("run_worker", once=True, stdout=out)
    report.refresh_from_db()
    assert report.is_overdue and "mark_overdue=1" in out.getvalue()
