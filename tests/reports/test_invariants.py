"""Random action sequences (hypothesis) against the real services and database.

After every step, whatever happened: the events form a legal path through the transition
table, the report's status is the last event's target, due times are consistent with the
status, terminal statuses stay terminal, and the clock stays paused while the desk waits for
the reporter. A refused action changes nothing."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.core.errors import DomainError
from lapor.reports.models import Report
from lapor.reports.services import report_act, report_submit
from lapor.reports.states import ACTIVE, TERMINAL, ActorRole, Status
from lapor.reports.sweep import sla_sweep
from lapor.reports.tokens import reporter_secret_for
from lapor.reports.workflow import ACTIONS, SUBMIT_TARGETS, TABLE

from ..conftest import GOOD_REPORT, MONDAY_9AM, make_ombudsman

PEOPLE_ACTIONS = [a for a in ACTIONS if a not in ("auto_close", "mark_overdue", "escalate", "offer_ombudsman")]
FINISHED = {Status.CLOSED, Status.REJECTED, Status.ARCHIVED, Status.OMBUDSMAN}

def people(w):
    admins = {w.city.pk: w.city_admin, w.ministry.pk: w.ministry_admin, w.papua.pk: w.papua_admin}
    officers = {
        w.city_education.pk: w.education_officer,
        w.city_health.pk: w.health_officer,
        w.ministry_unit.pk: w.ministry_officer,
        w.papua_unit.pk: w.papua_officer,
    }
    units = {w.city.pk: ["kota-35-78-disdik", "kota-35-78-dinkes"], w.ministry.pk: ["kemenkes-yankes"], w.papua.pk: ["kota-91-71-disdik"]}
    return admins, officers, units


def actor_for(role, report, w):
    admins, officers, _ = people(w)
    if role == ActorRole.REPORTER:
        return Actor(reporter_secret=reporter_secret_for(report.tracking_number))
    if role == ActorRole.NATIONAL_ADMIN:
        return Actor.for_user(w.national_admin)
    if role == ActorRole.AGENCY_ADMIN:
        return Actor.for_user(admins.get(report.agency_id, w.city_admin))
    if role == ActorRole.LIAISON_OFFICER:
        return Actor.for_user(officers.get(report.unit_id, w.education_officer))
    if role == ActorRole.SYSTEM:
        return Actor.system_actor()
    if role == ActorRole.OMBUDSMAN:
        return Actor.for_user(w.ombudsman)
    return Actor.for_user(w.outsider)


def payload_for(action, report, w, data):
    _, _, units = people(w)
    due = (report.stage_due_at or clock.now()) + timedelta(days=data.draw(st.integers(1, 20)))
    return {
        "note": data.draw(st.sampled_from(["", "Catatan petugas.", "Mohon ditindaklanjuti."])),
        "agency": data.draw(st.sampled_from(["kota-35-78", "kemenkes", "kota-91-71"])),
        "unit": data.draw(st.sampled_from(units.get(report.agency_id, ["kota-35-78-disdik"]))),
        "suggested_agency": data.draw(st.sampled_from(["kemenkes", "kota-35-78"])),
        "reason": data.draw(st.sampled_from(["spam", "not_actionable", "duplicate", "incomplete"])),
        "rating": data.draw(st.integers(0, 6)),
        "due_date": due.date().isoformat(),
        "outcome": data.draw(st.sampled_from(["accepted", "resolved", "closed", "nonsense"])),
    }


def snapshot(report):
    return (report.status, report.version, report.stage_due_at, report.events.count())


def check_invariants(report):
    events = list(report.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].action == "submit" and events[0].from_status == "" and events[0].to_status in SUBMIT_TARGETS
    for previous, event in zip(events, events[1:]):
        assert event.from_status == previous.to_status
        rule = TABLE.get((event.from_status, event.action))
        assert rule is not None, (event.from_status, event.action)
        assert event.to_status == (rule.target or event.from_status)
        assert event.actor_role in rule.roles
        assert event.created_at >= previous.created_at
        if previous.to_status in TERMINAL:  # nothing leaves a terminal status (the Ombudsman's outcome stays)
            assert event.to_status == previous.to_status and event.action == "ombudsman_outcome"
    assert report.status == events[-1].to_status and report.version == len(events)
    if report.status == Status.NEEDS_INFO:  # clock paused
        assert report.stage_due_at is None and report.paused_days_left >= 1 and not report.is_overdue
    elif report.status in ACTIVE:
        assert report.stage_due_at is not None and report.stage
    if report.status in FINISHED:
        assert report.stage_due_at is None and report.closed_at is not None and not report.is_overdue
    if report.is_overdue:
        assert report.stage_due_at < clock.now() and report.escalation_level >= 1
    if report.escalation_level == 1:
        assert report.escalate_at is not None and report.escalate_at > report.stage_due_at
    assert report.transfer_count <= 3 and report.interim_count <= 2 and report.appeal_count <= 1
    # The current agency's reception time is its last assignment (monitoring cohorts read it).
    assignments = [e for e in events if e.action == "dispose" or (e.action == "submit" and e.to_status == Status.AT_AGENCY)]
    if report.agency_id is None:
        assert report.received_at is None
    else:
        assert report.received_at == assignments[-1].created_at
    for event in events:
        if "stage_ended" in event.data:  # the deadline in force when the stage ended
            due = event.data["stage_due_at"]
            assert event.data["on_time"] == (due is None or event.created_at <= datetime.fromisoformat(due))
    assert report.rating is None or 1 <= report.rating <= 5


def draw_step(data, report):
    """Mostly a move the table allows from the current status, by a role it allows; sometimes
    any action by anyone; sometimes time passes and the sweep runs."""
    kind = data.draw(st.integers(0, 9), label="kind")
    if kind <= 6:
        legal = sorted((a, r) for (s, a), rule in TABLE.items() if s == report.status and a in PEOPLE_ACTIONS for r in rule.roles)
        if legal:
            action, role = data.draw(st.sampled_from(legal), label="legal move")
            return action, role, data.draw(st.integers(0, 48), label="hours")
    if kind <= 7:
        action = data.draw(st.sampled_from(PEOPLE_ACTIONS), label="any action")
        role = data.draw(st.sampled_from([*ActorRole.values, "outsider"]), label="any role")
        return action, role, data.draw(st.integers(0, 48), label="hours")
    return "sweep", "", data.draw(st.integers(0, 40 * 24), label="hours")


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(length=st.integers(1, 40), start=st.sampled_from(["desk", "agency", "paused"]), data=st.data())
def test_random_sequences_keep_the_invariants(world, length, start, data):
    clock.freeze(MONDAY_9AM)
    if not hasattr(world, "ombudsman"):  # the fixture's world is shared by the examples
        world.ombudsman = make_ombudsman()
    submission = dict(GOOD_REPORT, target_agency_code="kota-35-78" if start == "agency" else "")
    report = report_submit(data=submission, actor=Actor()).report
    if start == "paused":  # make sure the clock pause is explored often
        clock.freeze(clock.now() + timedelta(hours=data.draw(st.integers(0, 72), label="hours before pause")))
        actor = Actor.for_user(world.national_admin)
        report = report_act(tracking_number=report.tracking_number, action="request_info", actor=actor, payload={"note": "Lengkapi."})
    check_invariants(report)
    for _ in range(length):
        action, role, hours = draw_step(data, report)
        clock.freeze(clock.now() + timedelta(hours=hours))
        if action == "sweep":
            paused = report.status == Status.NEEDS_INFO
            sla_sweep()
            report.refresh_from_db()
            if paused:
                assert report.status == Status.NEEDS_INFO and not report.is_overdue
        else:
            before = snapshot(report)
            was_terminal = report.status in TERMINAL
            try:
                report_act(
                    tracking_number=report.tracking_number,
                    action=action,
                    actor=actor_for(role, report, world),
                    payload=payload_for(action, report, world, data),
                )
            except DomainError:
                report = Report.objects.get(pk=report.pk)
                assert snapshot(report) == before  # a refused action writes nothing
            else:
                assert not was_terminal or (action == "ombudsman_outcome" and report.status == Status.OMBUDSMAN)
            report = Report.objects.get(pk=report.pk)
        check_invariants(report)
