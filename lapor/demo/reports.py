"""Generate the demo reports through the real services, by moving the clock.

Every report is submitted with `report_submit` and moved with `report_act`, as its officers
and reporter would, at simulated moments over the last ~120 days; the SLA sweep runs twice a
simulated day, so overdue marks, escalations, automatic closures and Ombudsman offers are
the sweep's own. Every event is therefore legal by construction, and a service refusing a
step the transition table allows stops the load with the report's number and the step.

After the reports, the demo's user survey gets its responses the same way (survey.py).

Idempotent: when the demo citizen already has reports, nothing is generated. The whole load
is one transaction, so a failure leaves nothing half-made behind. The clock is released at
the end, even on error.
"""

from __future__ import annotations

import heapq
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.reports.models import Report, ReportEvent
from lapor.reports.services import report_act, report_submit
from lapor.reports.states import Action as A, Channel, Status
from lapor.reports.sweep import sla_sweep
from lapor.reports.workflow import TABLE

from .accounts import DEMO_CITIZEN, CITIZEN_NAMES, DemoAccounts, ensure_accounts
from .catalog import Catalog, load_catalog
from .connectivity import DemoConnectivity, ensure_connectivity
from .plans import SHOWCASE, Plan, random_plan
from .steps import Case, Director, Step
from .survey import DemoSurvey, demo_survey, ensure_survey
from .text import TextGenerator
from .themes import THEMES
from .timing import submission_time

SWEEP_EVERY = timedelta(hours=12)  # twice a simulated day: deadlines end at 23:59 local time
CHANNELS = {Channel.WEB: 40, Channel.MOBILE: 25, Channel.WHATSAPP: 10, Channel.SMS: 7, Channel.EMAIL: 6,
            Channel.COUNTER: 5, Channel.INTEGRATION: 5, Channel.API: 2}
# Reports from these channels arrive without an account (gateways, officers at the counter).
GUEST_CHANNELS = {Channel.SMS, Channel.WHATSAPP, Channel.COUNTER, Channel.INTEGRATION, Channel.EMAIL}


class NotEmpty(RuntimeError):
    """Reports that are not demo data exist: the simulated sweeps at past moments would write
    back-dated events into their timelines, so the demo loads only into an empty table."""


class DemoPathError(RuntimeError):
    """A service refused a step that the transition table allows: a bug to report, not to hide."""


@dataclass
class DemoResult:
    created: bool
    reports: int = 0
    events: int = 0
    by_status: dict = field(default_factory=dict)
    accounts: DemoAccounts | None = None
    seconds: float = 0.0
    survey: DemoSurvey | None = None
    connectivity: DemoConnectivity | None = None


def demo_report_count() -> int:
    """The marker: the demo citizen's reports (every load gives them some)."""
    return Report.objects.filter(reporter__username=DEMO_CITIZEN).count()


def status_counts() -> dict:
    counts = Counter(Report.objects.values_list("status", flat=True))
    return {status: counts.get(status, 0) for status in Status.values}


def load_demo(*, reports: int = 2000, seed: int = 2026, days: int = 120, end: datetime | None = None,
              progress=None) -> DemoResult:
    if demo_report_count():
        return DemoResult(created=False, reports=Report.objects.count(), by_status=status_counts(), survey=demo_survey())
    if Report.objects.exists():
        raise NotEmpty(f"the database already has {Report.objects.count():,} reports that are not demo data; "
                       "the demo loads only into an empty report table")
    started = time.monotonic()
    end = end or clock.now()
    events_before = ReportEvent.objects.count()
    # Hundreds of simulated sweeps would each log a line; the demo prints its own summary.
    sweep_log = logging.getLogger("lapor.reports.sweep")
    level = sweep_log.level
    sweep_log.setLevel(logging.WARNING)
    try:
        with transaction.atomic():
            rng = random.Random(seed)
            catalog = load_catalog(rng)
            accounts = ensure_accounts(catalog)
            clock.freeze(end - timedelta(days=days))  # decrees and templates exist before the first report
            connectivity = ensure_connectivity(catalog, accounts)
            sim = Simulation(catalog, accounts, rng, TextGenerator(seed), end - timedelta(days=days), end, progress)
            sim.add_cases(reports)
            sim.run()
            try:
                survey = ensure_survey(accounts, seed=seed, end=end)
            except Exception as exc:
                raise DemoPathError(f"{type(exc).__name__} on a demo survey response at {clock.now().isoformat()}: "
                                    f"{exc} {getattr(exc, 'errors', '')}".rstrip()) from exc
    finally:
        clock.freeze(None)
        sweep_log.setLevel(level)
    return DemoResult(True, len(sim.cases), ReportEvent.objects.count() - events_before, status_counts(), accounts,
                      time.monotonic() - started, survey, connectivity)


class Simulation:
    def __init__(self, catalog: Catalog, accounts: DemoAccounts, rng, text: TextGenerator, start, end, progress=None):
        self.catalog, self.accounts, self.rng, self.text = catalog, accounts, rng, text
        self.start, self.end, self.progress = start, end, progress
        self.director = Director(rng, text, accounts)
        self.cases: list[Case] = []
        self.by_pk: dict[int, Case] = {}
        self.latest: dict[tuple, str] = {}  # (agency, theme, region) -> last tracking number, for duplicates
        self.queue: list = []
        self.seq = 0
        self.pending: dict[int, tuple[int, Step]] = {}  # case index -> (token, its next step)
        self.answers: dict[int, Step] = {}  # case index -> the reporter's answer to the Ombudsman offer

    # --- setting up ---------------------------------------------------------------------------
    def add_cases(self, n: int) -> None:
        span = (self.end - self.start).total_seconds() / 86400
        for i, (_, days_before, plan) in enumerate(SHOWCASE[:n]):
            # A few minutes apart: no two reports are submitted at the same moment.
            at = self.end - timedelta(days=min(days_before, span - 1), minutes=7 * i)
            self._add(plan, at, self.accounts.citizen)
        for _ in range(n - len(self.cases)):
            self._add(random_plan(self.rng), submission_time(self.start, self.end, self.rng), None)
        t = self.start + SWEEP_EVERY
        while t < self.end:
            self._push(t, "sweep", -1)
            t += SWEEP_EVERY
        self._push(self.end, "sweep", -1)

    def _add(self, plan: Plan, at: datetime, reporter) -> None:
        rng, catalog = self.rng, self.catalog
        themes = THEMES
        if plan.bounces:  # a bounce needs a plausible other agency: the theme's ministry
            themes = [t for t in THEMES if catalog.central_for(t)] or THEMES
        theme = rng.choices(themes, [t.weight for t in themes])[0]
        central = catalog.central_for(theme)
        if central and rng.random() < theme.central_share and not plan.bounces:
            home = central
            region_code, place = rng.choice(catalog.elsewhere if rng.random() < 0.7 else rng.choice(catalog.local).places)
            # A ministry may hand the matter to the regency/city government of the place.
            partner = catalog.local_for(region_code)
        else:
            weights = [4 if office is catalog.demo_city else 1 for office in catalog.local]
            home = rng.choices(catalog.local, weights)[0]
            region_code, place = rng.choice(home.places)
            partner = central
        if partner is None:
            plan = replace(plan, bounces=0)
        day = at.astimezone(ZoneInfo("Asia/Jakarta")).date()
        # The day before or earlier: the text names an hour, which must not be after the submission.
        event_date = day - timedelta(days=rng.choice((1, 1, 1, 2, 2, 3, 5, 7, 10, 14, 21)))
        channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
        anonymous, confidential = rng.random() < 0.10, rng.random() < 0.05
        kind = "complaint"
        if plan.desk == "reject" and not plan.target:
            draft = self.text.junk(plan.reject_reason, place, event_date, theme)
        else:
            kinds = TextGenerator.kinds(theme)
            kind = rng.choices(kinds, [85, 8, 7][: len(kinds)])[0]
            vague = plan.desk == "request_info" and not plan.target
            draft = self.text.report(theme, place, event_date, kind=kind, channel=channel, anonymous=anonymous, vague=vague)
        if reporter is None:
            roll = rng.random()
            if channel in GUEST_CHANNELS or roll < 0.55:
                reporter = None
            else:
                reporter = self.accounts.citizen if roll > 0.95 else rng.choice(self.accounts.citizens)
        categories = [c for c in catalog.categories.get(theme.key, []) if c.is_active_on(day)]
        data = {
            "type": kind, "title": draft.title[:200], "description": draft.description, "region_code": region_code,
            "event_date": None if plan.desk == "request_info" else event_date.isoformat(),
            # Mostly the theme's main category; sometimes a neighbouring one.
            "category_code": (categories[0] if rng.random() < 0.7 else rng.choice(categories)).code if categories else "",
            "target_agency_code": home.agency.code if plan.target else "", "channel": channel,
            "is_anonymous": anonymous, "is_confidential": confidential,
        }
        if reporter is None:
            data.update(self._guest_contact(anonymous))
        route = [home, partner, home, partner] if partner else [home]
        actor = Actor(user=reporter) if reporter else Actor()
        case = Case(theme, plan, draft, place, region_code, event_date, route, actor, data, index=len(self.cases))
        self.cases.append(case)
        self._push(at, "submit", case.index)

    def _guest_contact(self, anonymous: bool) -> dict:
        rng = self.rng
        name = rng.choice(CITIZEN_NAMES)
        email = name.lower().replace(" ", ".") + f"{rng.randint(1, 99)}@example.com"
        if anonymous:  # an anonymous guest leaves at most an e-mail address for the answer
            return {"contact_email": email} if rng.random() < 0.5 else {}
        contact = {"contact_name": name, "contact_phone": f"0812-0000-{rng.randint(0, 9999):04d}"}
        if rng.random() < 0.5:
            contact["contact_email"] = email
        return contact

    # --- running -------------------------------------------------------------------------------
    def _push(self, at: datetime, kind: str, index: int, token: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.queue, (at, self.seq, kind, index, token))

    def run(self) -> None:
        submitted = 0
        while self.queue:
            at, _, kind, index, token = heapq.heappop(self.queue)
            clock.freeze(at)
            if kind == "sweep":
                self._sweep(at)
            elif kind == "submit":
                self._submit(self.cases[index], index, at)
                submitted += 1
                if self.progress and submitted % 500 == 0:
                    self.progress(f"{submitted} reports submitted")
            else:
                self._step(index, token, at)

    def _submit(self, case: Case, index: int, at: datetime) -> None:
        result = report_submit(data=case.data, actor=case.reporter)
        report = result.report
        case.number, case.report = report.tracking_number, report
        if result.reporter_secret:
            case.reporter = Actor(reporter_secret=result.reporter_secret)
        self.by_pk[report.pk] = case
        key = (case.route[0].agency.pk, case.theme.key, case.region_code[:5])
        case.original = self.latest.get(key, "")
        self.latest[key] = case.number
        self._plan_next(index, at)

    def _plan_next(self, index: int, now: datetime) -> None:
        case = self.cases[index]
        case.token += 1
        self.pending.pop(index, None)
        step = self.director.next_step(case, now)
        if step is not None and step.at <= self.end:
            self.pending[index] = (case.token, step)
            self._push(step.at, "step", index, case.token)

    def _step(self, index: int, token: int, at: datetime) -> None:
        case = self.cases[index]
        if token == 0:  # the reporter's answer to the Ombudsman offer, beside the plan's line
            step = self.answers.pop(index)
            if (case.status, step.action) not in TABLE:
                return  # the report was closed meanwhile: nothing left to transfer
            before = case.status
            self._apply(case, step, at)
            if case.status != before:
                self._plan_next(index, at)  # transferred: drop the plan's pending step
            return
        current, step = self.pending.get(index, (None, None))
        if current != token:
            return  # replaced: the sweep moved the report meanwhile
        self._apply(case, step, at)
        self._plan_next(index, at)

    def _apply(self, case: Case, step: Step, at: datetime) -> None:
        if (case.status, step.action) not in TABLE:
            raise DemoPathError(f"demo bug: planned {step.action} from {case.status} on {case.number}")
        payload = step.payload(case.report, at)
        try:
            case.report = report_act(tracking_number=case.number, action=step.action, actor=step.actor, payload=payload)
        except Exception as exc:
            raise DemoPathError(
                f"{type(exc).__name__} on report {case.number} at {at.isoformat()}: {step.action} from {case.status} "
                f"by {step.actor.user or 'the reporter'} with {payload!r}: {exc}"
            ) from exc

    def _sweep(self, at: datetime) -> None:
        result = sla_sweep(now=at)
        moved = {a for a in (A.AUTO_CLOSE, A.OFFER_OMBUDSMAN, A.ESCALATE) if result.counts.get(a)}
        if not moved:
            return
        # In a fixed order, so that the same seed gives the same demo on every database.
        events = (ReportEvent.objects.filter(created_at=at, action__in=moved).order_by("report_id")
                  .values_list("report_id", "action"))
        for report_id, action in events:
            case = self.by_pk[report_id]  # the table held no other reports
            if action == A.AUTO_CLOSE:
                case.report.status, case.report.stage_due_at = Status.CLOSED, None
                self._plan_next(case.index, at)
            elif action == A.OFFER_OMBUDSMAN:
                answer = self.director.ombudsman_answer(case, at)
                if answer is not None and answer.at <= self.end:
                    self.answers[case.index] = answer
                    self._push(answer.at, "step", case.index, 0)
            elif case.plan.stall == case.status and case.plan.resume and not case.resumed:
                case.resumed = True  # escalated: the stalled handler finally acts
                self._plan_next(case.index, at)
