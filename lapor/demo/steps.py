"""The next action on a simulated report: who does what, when, with which note.

`Director.next_step` looks at the report's current status and its plan and returns one Step
(or None: nobody acts, and the report waits, for the SLA sweep or for good). Only actions that
workflow.TABLE allows from the status for the actor's role are ever chosen; a service refusing
one is a bug worth reporting, so reports.py does not swallow it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

from lapor.accounts.actors import Actor
from lapor.core import workdays
from lapor.reports.effects import MAX_TRANSFERS
from lapor.reports.models import Report
from lapor.reports.states import OMBUDSMAN_NEXT_OUTCOMES, TERMINAL, Action as A, OmbudsmanOutcome, Status

from .accounts import DemoAccounts
from .catalog import Office
from .plans import Plan
from .text import Draft, Place, TextGenerator
from .themes import Theme
from .timing import citizen_time, office_time

DESK_TZ = workdays.DEFAULT_TZ


@dataclass
class Case:
    """One simulated report and what the simulation knows about it."""

    theme: Theme
    plan: Plan
    draft: Draft
    place: Place
    region_code: str
    event_date: date | None
    route: list[Office]  # route[k]: where the desk sends it after k transfers
    reporter: Actor  # the signed-in reporter, or a guest with the secret (set at submission)
    data: dict  # what the reporter submits
    index: int = -1
    original: str = ""  # an earlier report on the same matter, for "archive as duplicate"
    number: str = ""
    report: Report | None = None
    token: int = 0  # bumped whenever the plan's next step is replaced
    resumed: bool = False  # a stalled handler woke up after the escalation
    units: dict = field(default_factory=dict)  # office agency pk -> the unit it forwards to

    @property
    def status(self) -> str:
        return self.report.status


@dataclass
class Step:
    at: datetime
    action: str
    actor: Actor
    payload: Callable[[Report, datetime], dict]  # built when the step runs, from the fresh report


class Director:
    def __init__(self, rng: random.Random, text: TextGenerator, accounts: DemoAccounts):
        self.rng = rng
        self.text = text
        self.accounts = accounts

    def next_step(self, case: Case, now: datetime) -> Step | None:
        if case.status == Status.OMBUDSMAN:
            return self._ombudsman(case, now)
        if case.status in TERMINAL or (case.plan.stall == case.status and not case.resumed):
            return None
        return getattr(self, f"_{case.status}")(case, now)

    def ombudsman_answer(self, case: Case, now: datetime) -> Step | None:
        """The reporter's answer to the 60-day Ombudsman offer, some hours or days later."""
        if case.plan.ombudsman == "ignore":
            return None
        consent = case.plan.ombudsman == "consent"
        action = A.OMBUDSMAN_CONSENT if consent else A.OMBUDSMAN_DECLINE
        note = self.text.ombudsman(consent)
        return Step(citizen_time(now, 3, 96, self.rng), action, case.reporter, lambda r, t: {"note": note})

    def _ombudsman(self, case: Case, now: datetime) -> Step | None:
        """The Ombudsman's outcomes on a transferred report, some working days apart: most cases
        accepted for examination first, then resolved or closed (ADR 0023)."""
        following = OMBUDSMAN_NEXT_OUTCOMES[case.report.ombudsman_outcome or ""]
        if not following or self.accounts.ombudsman is None:
            return None
        if OmbudsmanOutcome.ACCEPTED in following and self.rng.random() < 0.8:
            outcome = OmbudsmanOutcome.ACCEPTED
        else:
            outcome = OmbudsmanOutcome.RESOLVED if self.rng.random() < 0.6 else OmbudsmanOutcome.CLOSED
        note = self.text.ombudsman_outcome(outcome)
        at = office_time(now, self.rng.randint(3, 12), DESK_TZ, self.rng)
        return Step(at, A.OMBUDSMAN_OUTCOME, self.accounts.ombudsman, lambda r, t: {"outcome": str(outcome), "note": note})

    # --- timing ------------------------------------------------------------------------------
    def _office_at(self, case: Case, now: datetime, stage: str, tz: str) -> datetime:
        if case.plan.fast:
            days = 0
        elif stage in case.plan.slow:
            days = self.rng.randint(4, 9)  # past the 3/5-HK deadlines: overdue, often escalated
        else:
            days = self.rng.choices((0, 1, 2, 3), (30, 40, 20, 10))[0]
        return office_time(now, days, tz, self.rng)

    def _citizen_at(self, case: Case, now: datetime) -> datetime:
        if case.plan.fast:
            return citizen_time(now, 0.5, 6, self.rng)
        if "reporter" in case.plan.slow:
            return citizen_time(now, 24 * 8, 24 * 20, self.rng)  # often after the automatic closure
        return citizen_time(now, 1, 24 * 5, self.rng)

    def _desk(self) -> Actor:
        return self.rng.choice(self.accounts.desk)

    # --- the national desk -------------------------------------------------------------------
    def _submitted(self, case: Case, now: datetime) -> Step:
        plan, text = case.plan, self.text
        at = self._office_at(case, now, "desk", DESK_TZ)
        if plan.desk == "request_info" and case.report.version == 1:
            return Step(at, A.REQUEST_INFO, self._desk(), lambda r, t: {"note": text.request_info()})
        if plan.desk == "reject":
            reason = plan.reject_reason
            return Step(at, A.REJECT, self._desk(), lambda r, t: {"reason": reason, "note": text.reject_note(reason)})
        if plan.desk == "archive":
            return Step(at, A.ARCHIVE, self._desk(), lambda r, t: self._archive_payload(case))
        return self._dispose(case, at)

    def _needs_info(self, case: Case, now: datetime) -> Step:
        if case.plan.supplement:
            def payload(report, t):
                full = self.text.report(case.theme, case.place, case.event_date or t.date(), anonymous=report.is_anonymous)
                case.draft = Draft(case.draft.title, full.description, full.slots)
                return {"note": self.text.supplement(full.slots), "description": full.description}

            return Step(self._citizen_at(case, now), A.SUPPLEMENT, case.reporter, payload)
        # No answer: after about two weeks the desk rejects it as incomplete.
        at = office_time(now, 2 if case.plan.fast else self.rng.randint(8, 12), DESK_TZ, self.rng)
        note = self.text.reject_note("incomplete")
        return Step(at, A.REJECT, self._desk(), lambda r, t: {"reason": "incomplete", "note": note})

    def _returned(self, case: Case, now: datetime) -> Step:
        return self._dispose(case, self._office_at(case, now, "desk", DESK_TZ))

    def _dispose(self, case: Case, at: datetime) -> Step:
        transfers = case.report.transfer_count
        office = case.route[min(transfers, len(case.route) - 1)]

        def payload(report, t):
            note = self.text.dispose_note(str(office.agency), again=transfers > 0, final=transfers >= MAX_TRANSFERS)
            return {"agency": office.agency.code, "note": note}

        return Step(at, A.DISPOSE, self._desk(), payload)

    def _archive_payload(self, case: Case) -> dict:
        reason = case.plan.archive_reason
        if reason == "duplicate" and not case.original:
            reason = "not_actionable"
        data = {"reason": reason, "note": self.text.archive_note(reason, case.original)}
        if reason == "duplicate":
            data["duplicate_of"] = case.original
        return data

    # --- the agency admin --------------------------------------------------------------------
    def _at_agency(self, case: Case, now: datetime) -> Step:
        report, plan = case.report, case.plan
        admin = self.accounts.admins[report.agency_id]
        at = self._office_at(case, now, "agency", report.agency.timezone)
        transfers = report.transfer_count
        if transfers < min(plan.bounces, MAX_TRANSFERS):
            here, there = report.agency, case.route[transfers + 1].agency
            note = self.text.not_our_authority(str(here), str(there))
            return Step(at, A.NOT_OUR_AUTHORITY, admin, lambda r, t: {"suggested_agency": there.code, "note": note})
        if plan.agency == "archive":
            return Step(at, A.ARCHIVE, admin, lambda r, t: self._archive_payload(case))
        return self._forward(case, admin, at, appeal=False)

    def _appealed(self, case: Case, now: datetime) -> Step:
        admin = self.accounts.admins[case.report.agency_id]
        at = self._office_at(case, now, "agency", case.report.agency.timezone)
        if case.plan.appeal_outcome == "dismiss":
            return Step(at, A.DISMISS_APPEAL, admin, lambda r, t: {"note": self.text.dismiss_appeal(t.date())})
        return self._forward(case, admin, at, appeal=True)

    def _forward(self, case: Case, admin: Actor, at: datetime, *, appeal: bool) -> Step:
        office = next(o for o in case.route if o.agency.pk == case.report.agency_id)
        unit = case.units.setdefault(office.agency.pk, office.unit_for(case.theme, case.region_code, self.rng))
        note = self.text.forward_note(str(unit), appeal=appeal)
        return Step(at, A.FORWARD, admin, lambda r, t: {"unit": unit.code, "note": note})

    # --- the liaison officer -----------------------------------------------------------------
    def _forwarded(self, case: Case, now: datetime) -> Step:
        return self._unit_step(case, now, first=True)

    def _in_process(self, case: Case, now: datetime) -> Step:
        return self._unit_step(case, now, first=False)

    def _unit_step(self, case: Case, now: datetime, *, first: bool) -> Step:
        report, plan, rng = case.report, case.plan, self.rng
        officer = self.accounts.liaisons[report.unit_id]
        tz = report.unit.timezone
        if report.interim_count < plan.interim:
            due = self._interim_due(report, now, tz)
            return Step(self._office_at(case, now, "unit", tz), A.INTERIM_REPLY, officer,
                        lambda r, t: {"due_date": due.isoformat(), "note": self.text.interim(due)})
        if first and plan.respond_first:
            return Step(office_time(now, 0, tz, rng), A.RESPOND, officer, lambda r, t: {"note": self.text.respond(t.date())})
        if report.interim_count and report.stage_due_at and not plan.fast:
            # After an extension the follow-up comes near the new due date (or late, when slow).
            due_day = report.stage_due_at.astimezone(ZoneInfo(tz)).date()
            shift = rng.randint(2, 6) if "unit" in plan.slow else -rng.randint(0, 3)
            day = workdays.calendar().add_working_days(due_day, shift) if shift > 0 else _back(due_day, -shift)
            at = max(office_time(now, 0, tz, rng), office_time(_start_of(day, tz), 0, tz, rng))
        elif plan.fast:
            at = office_time(now, 0, tz, rng)
        else:
            days = rng.randint(6, 12) if "unit" in plan.slow else rng.choices((0, 1, 2, 3, 4), (10, 30, 30, 20, 10))[0]
            at = office_time(now, days, tz, rng)
        unit_name = str(report.unit)
        return Step(at, A.FOLLOW_UP, officer,
                    lambda r, t: {"note": self.text.follow_up(case.theme, case.draft.slots, t.date(), unit_name)})

    def _interim_due(self, report: Report, now: datetime, tz: str) -> date:
        cal = workdays.calendar()
        today = now.astimezone(ZoneInfo(tz)).date()
        current = report.stage_due_at.astimezone(ZoneInfo(tz)).date() if report.stage_due_at else today
        # Between 5 and 15 working days past the current due date, never beyond the 60-HK cap.
        due = cal.add_working_days(max(current, today), self.rng.randint(5, 15))
        return min(due, cal.add_working_days(today, 55))

    # --- the reporter ------------------------------------------------------------------------
    def _followed_up(self, case: Case, now: datetime) -> Step | None:
        report, plan, text = case.report, case.plan, self.text
        choice = plan.after_follow_up
        if report.rating is not None:  # rated before the appeal: a last reply, or nothing
            choice = "reply" if report.reopen_count == 0 and self.rng.random() < 0.2 else "silent"
        elif choice == "reply" and report.reopen_count >= 1:
            choice = "rate"
        if choice == "silent":
            return None  # the sweep closes it after the reply period
        at = self._citizen_at(case, now)
        if choice == "reply":
            return Step(at, A.REPLY, case.reporter, lambda r, t: {"note": text.reply(case.theme, case.draft.slots)})
        return Step(at, A.RATE, case.reporter, lambda r, t: {"rating": plan.rating, "comment": text.rating_comment(plan.rating)})

    def _closed(self, case: Case, now: datetime) -> Step | None:
        report, plan, text = case.report, case.plan, self.text
        if report.rating is None and plan.late_rate:
            return Step(citizen_time(now, 12, 24 * 6, self.rng), A.RATE, case.reporter,
                        lambda r, t: {"rating": plan.rating, "comment": text.rating_comment(plan.rating)})
        if report.rating is not None and report.rating <= 2 and plan.appeal and report.appeal_count == 0:
            return Step(self._citizen_at(case, now), A.APPEAL, case.reporter,
                        lambda r, t: {"note": text.appeal(case.theme, case.draft.slots)})
        return None


def _back(day: date, n: int) -> date:
    """The n-th working day before `day` (n == 0: `day` itself)."""
    cal = workdays.calendar()
    while n > 0:
        day = date.fromordinal(day.toordinal() - 1)
        if cal.is_working_day(day):
            n -= 1
    return day


def _start_of(day: date, tz: str) -> datetime:
    return datetime(day.year, day.month, day.day, 6, 0, tzinfo=ZoneInfo(tz))
