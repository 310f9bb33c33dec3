"""The indicator engine: every figure of docs/indicators.md, computed exactly from the reports
and their events, for any scope and period.

This is the reference ("direct recomputation"): it reads the rows themselves every time. Later
rollups will be checked against it, so it favours plain, checkable code over speed: SQL
selects and counts the rows, Python does the percentiles and working-day durations.

Section names of docs/indicators.md are cited as [name]."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from math import floor

from lapor.accounts.models import Position, Role
from lapor.agencies.models import Agency, AgencyDecree
from lapor.agencies.selectors import agency_and_units, tops
from lapor.core import workdays
from lapor.reports.models import Report, ReportEvent
from lapor.reports.states import AGENCY_DECISIONS, DESK_DECISIONS, IN_PROCESS, Action, Status

from .scopes import Period, Scope, handler_agencies


@dataclass
class Indicators:
    scope: Scope
    period: Period
    # [received]
    received: int = 0
    # [verified within 3 HK (%)]: decided = reports (national) or receptions (agencies) whose
    # verification was decided; None for a unit, which does not verify.
    verified_decided: int = 0
    verified_on_time: int = 0
    verified_on_time_pct: Decimal | None = None
    # [followed up within 5 HK (%)]: followed_up counts the cohort's followed-up reports;
    # punctuality is over those whose first follow-up recorded it (every one since ADR 0015).
    followed_up: int = 0
    followed_up_measured: int = 0
    followed_up_on_time: int = 0
    followed_up_on_time_pct: Decimal | None = None
    # [follow-up rate], [completion rate]
    completed: int = 0
    in_process: int = 0
    follow_up_rate: Decimal | None = None
    completion_rate: Decimal | None = None
    # [days to follow-up], [days to completion], working days
    days_to_follow_up_median: Decimal | None = None
    days_to_follow_up_p90: Decimal | None = None
    days_to_completion_median: Decimal | None = None
    days_to_completion_p90: Decimal | None = None
    # [overdue now]
    overdue_now: int = 0
    # [re-dispositions]
    re_dispositions: int = 0
    re_disposition_share: Decimal | None = None
    # [reopen rate]: over the cohort's followed-up reports
    reopened: int = 0
    reopen_rate: Decimal | None = None
    # [appeal rate]: over the cohort's rated reports
    rated: int = 0
    appealed: int = 0
    appeal_rate: Decimal | None = None
    # [satisfaction]
    satisfaction_count: int = 0
    satisfaction_mean: Decimal | None = None
    satisfaction_distribution: dict[int, int] = field(default_factory=lambda: {n: 0 for n in range(1, 6)})
    # [Ombudsman transfers]
    ombudsman_transferred: int = 0
    ombudsman_offered: int = 0  # offered, not (yet) transferred
    # [connectivity], [activity]: over the scope's agencies (one for an agency scope); None for a unit
    agencies: int = 0
    connected: int = 0
    connectivity_pct: Decimal | None = None
    active: int = 0
    activity_pct: Decimal | None = None

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) for printing; "—" for an empty denominator."""
        d = self.satisfaction_distribution
        verified = f"{show(self.verified_on_time_pct, '%')} ({self.verified_on_time} of {self.verified_decided})"
        followed_up = f"{show(self.followed_up_on_time_pct, '%')} ({self.followed_up_on_time} of {self.followed_up_measured})"
        rate = f"{show(self.follow_up_rate, '%')} ({self.completed} completed + {self.in_process} in process)"
        ratings = " ".join(str(d[n]) for n in range(1, 6))
        to_follow_up = f"{show(self.days_to_follow_up_median)} / {show(self.days_to_follow_up_p90)}"
        to_completion = f"{show(self.days_to_completion_median)} / {show(self.days_to_completion_p90)}"
        return [
            ("received", str(self.received)),
            ("verified within 3 HK", verified),
            ("followed up within 5 HK", followed_up),
            ("follow-up rate", rate),
            ("completion rate", show(self.completion_rate, "%")),
            ("days to follow-up (median / p90)", to_follow_up),
            ("days to completion (median / p90)", to_completion),
            ("overdue now", str(self.overdue_now)),
            ("re-dispositions", f"{self.re_dispositions} ({show(self.re_disposition_share, '%')})"),
            ("reopen rate", f"{show(self.reopen_rate, '%')} ({self.reopened} of {self.followed_up})"),
            ("appeal rate", f"{show(self.appeal_rate, '%')} ({self.appealed} of {self.rated})"),
            ("satisfaction", f"{show(self.satisfaction_mean)} from {self.satisfaction_count} ratings, 1-5: {ratings}"),
            ("Ombudsman", f"{self.ombudsman_transferred} transferred, {self.ombudsman_offered} offered"),
            ("connectivity", f"{show(self.connectivity_pct, '%')} ({self.connected} of {self.agencies})"),
            ("activity", f"{show(self.activity_pct, '%')} ({self.active} of {self.agencies})"),
        ]


def show(value: Decimal | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


# --- rounding and statistics ----------------------------------------------------------------
def round_half_up(value: Fraction, places: int) -> Decimal:
    """Exact: `value` is a fraction, so 0.5 is never 0.4999... (all figures are >= 0)."""
    scaled = floor(value * 10**places + Fraction(1, 2))
    return (Decimal(scaled) / Decimal(10**places)).quantize(Decimal(1).scaleb(-places))


def percent(part: int, whole: int) -> Decimal | None:
    """Percent with one decimal, half up; None (shown "—") when the denominator is empty.
    In integers: floor(1000 * part / whole + 1/2) tenths, as round_half_up gives (dashboards
    compute thousands of these)."""
    if not whole:
        return None
    tenths = (2000 * part + whole) // (2 * whole)
    return Decimal(tenths).scaleb(-1).quantize(_TENTH)


_TENTH = Decimal("0.1")


def percentile(values: list[int], p: Fraction) -> Decimal | None:
    """Linear interpolation between closest ranks (PostgreSQL's percentile_cont, so a rollup
    in SQL gives the same number), one decimal half up."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    low = floor(position)
    high = min(low + 1, len(ordered) - 1)
    exact = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round_half_up(Fraction(exact), 1)


MEDIAN, P90 = Fraction(1, 2), Fraction(9, 10)
working_days = workdays.working_days


# --- the engine -----------------------------------------------------------------------------
def cohort(scope: Scope, period: Period):
    """[Cohort]: the reports received by the scope in the period (national: submitted)."""
    if scope.is_national:
        return Report.objects.filter(scope.filter_q(), period.q("submitted_at"))
    return Report.objects.filter(scope.reports_q(), period.q("received_at"))


def compute(scope: Scope, period: Period) -> Indicators:
    out = Indicators(scope, period)
    received_field = "submitted_at" if scope.is_national else "received_at"
    reports = list(
        cohort(scope, period)
        .select_related("agency", "unit")
        .only(
            "pk", "status", received_field, "closed_at", "reopen_count", "appeal_count", "ombudsman_offered_at",
            "agency__timezone", "unit__timezone",
        )
    )
    by_id = {r.pk: r for r in reports}
    events = _cohort_events(scope, period)

    # [received], [follow-up rate], [completion rate]
    out.received = len(reports)
    out.completed = sum(r.status == Status.CLOSED for r in reports)
    out.in_process = sum(r.status in IN_PROCESS for r in reports)
    out.follow_up_rate = percent(out.completed + out.in_process, out.received)
    out.completion_rate = percent(out.completed, out.received)

    first_follow_up: dict[int, ReportEvent] = {}
    latest_rating: dict[int, int] = {}
    first_desk_decision: dict[int, ReportEvent] = {}
    for event in events:  # ordered by report and seq
        if event.action == Action.FOLLOW_UP:
            first_follow_up.setdefault(event.report_id, event)
        elif event.action == Action.RATE:
            latest_rating[event.report_id] = event.data["rating"]
        elif event.action in DESK_DECISIONS and event.data.get("stage_ended") == "desk_verification":
            first_desk_decision.setdefault(event.report_id, event)

    # [verified within 3 HK (%)]
    if scope.is_national:
        decided = list(first_desk_decision.values())
        out.verified_decided = len(decided)
        out.verified_on_time = sum(bool(e.data["on_time"]) for e in decided)
    elif not scope.is_unit:
        out.verified_decided, out.verified_on_time = _agency_verifications(scope, period)
    if not scope.is_unit:
        out.verified_on_time_pct = percent(out.verified_on_time, out.verified_decided)

    # [followed up within 5 HK (%)], [days to follow-up]
    out.followed_up = len(first_follow_up)
    measured = [e.data["on_time"] for e in first_follow_up.values() if "on_time" in e.data]
    out.followed_up_measured = len(measured)
    out.followed_up_on_time = sum(bool(on_time) for on_time in measured)
    out.followed_up_on_time_pct = percent(out.followed_up_on_time, out.followed_up_measured)
    durations = [
        working_days(_received(by_id[rid], scope), e.created_at, _tz(by_id[rid])) for rid, e in first_follow_up.items()
    ]
    out.days_to_follow_up_median = percentile(durations, MEDIAN)
    out.days_to_follow_up_p90 = percentile(durations, P90)

    # [days to completion]
    durations = [
        working_days(_received(r, scope), r.closed_at, _tz(r)) for r in reports if r.status == Status.CLOSED
    ]
    out.days_to_completion_median = percentile(durations, MEDIAN)
    out.days_to_completion_p90 = percentile(durations, P90)

    # [overdue now]
    out.overdue_now = Report.objects.filter(scope.reports_q(), is_overdue=True).count()

    # [re-dispositions]
    out.re_dispositions = _re_dispositions(scope, period)
    out.re_disposition_share = percent(out.re_dispositions, out.received)

    # [reopen rate]
    out.reopened = sum(by_id[rid].reopen_count > 0 for rid in first_follow_up)
    out.reopen_rate = percent(out.reopened, out.followed_up)

    # [appeal rate]: an appeal clears the report's rating, so "rated" is read from the events.
    out.rated = len(latest_rating)
    out.appealed = sum(by_id[rid].appeal_count > 0 for rid in latest_rating)
    out.appeal_rate = percent(out.appealed, out.rated)

    # [satisfaction]: the latest rating of each report
    ratings = list(latest_rating.values())
    out.satisfaction_count = len(ratings)
    for rating in ratings:
        out.satisfaction_distribution[rating] += 1
    out.satisfaction_mean = round_half_up(Fraction(sum(ratings), len(ratings)), 2) if ratings else None

    # [Ombudsman transfers]
    out.ombudsman_transferred = sum(r.status == Status.OMBUDSMAN for r in reports)
    out.ombudsman_offered = sum(r.ombudsman_offered_at is not None and r.status != Status.OMBUDSMAN for r in reports)

    # [connectivity], [activity]
    if not scope.is_unit:
        members = set(handler_agencies().filter(pk__in=scope.agency_ids, is_active=True).values_list("pk", flat=True))
        out.agencies = len(members)
        out.connected = len(connected_agencies(members))
        out.active = len(active_agencies(members, period))
        out.connectivity_pct = percent(out.connected, out.agencies)
        out.activity_pct = percent(out.active, out.agencies)
    return out


def _received(report: Report, scope: Scope) -> datetime:
    return report.submitted_at if scope.is_national else report.received_at


def _tz(report: Report) -> str:
    # As deadlines do: the zone of the unit handling the report, else of its agency.
    holder = report.unit or report.agency
    return holder.timezone if holder is not None else workdays.DEFAULT_TZ


def _cohort_events(scope: Scope, period: Period) -> list[ReportEvent]:
    actions = [Action.FOLLOW_UP, Action.RATE]
    if scope.is_national:
        actions += list(DESK_DECISIONS)
    return list(
        ReportEvent.objects.filter(report__in=cohort(scope, period).values("pk"), action__in=actions)
        .only("report_id", "seq", "action", "data", "created_at")
        .order_by("report_id", "seq")
    )


def _codes(ids) -> list[str]:
    return sorted(Agency.objects.filter(pk__in=ids).values_list("code", flat=True))


def _agency_verifications(scope: Scope, period: Period) -> tuple[int, int]:
    """[verified within 3 HK (%)], agency scope: every reception by one of the scope's agencies
    in the period (a submission naming it, a disposition to it), and the agency's decision on
    it — the first later event that ended its verification stage by forwarding or by "not our
    authority". Receptions count even when the report has left the agency since (it is often
    the "not our authority" answer itself that is measured). A reception the desk took back
    (disposed elsewhere) before the agency decided is not decided. Returns (decided, on time)."""
    codes = set(_codes(scope.agency_ids))
    # The data is read in Python (it is compact text in the database: lapor.reports.eventdata).
    receptions = ReportEvent.objects.filter(
        period.q("created_at"), scope.filter_q("report__"), action__in=[Action.SUBMIT, Action.DISPOSE]
    ).values_list("report_id", "seq", "action", "data")
    starts = {
        (report_id, seq)
        for report_id, seq, action, data in receptions
        if data.get("target_agency" if action == Action.SUBMIT else "agency") in codes
    }
    if not starts:
        return 0, 0
    later = (
        ReportEvent.objects.filter(report__in={report_id for report_id, _ in starts})
        .only("report_id", "seq", "action", "data")
        .order_by("report_id", "seq")
    )
    by_report: dict[int, list[ReportEvent]] = {}
    for event in later:
        if event.action == Action.DISPOSE or event.data.get("stage_ended") == "agency_verification":
            by_report.setdefault(event.report_id, []).append(event)
    decided = on_time = 0
    for report_id, seq in starts:
        for event in by_report.get(report_id, ()):
            if event.seq <= seq:
                continue
            if event.data.get("stage_ended") == "agency_verification":
                if event.action in AGENCY_DECISIONS:
                    decided += 1
                    on_time += bool(event.data["on_time"])
                break
            if event.action == Action.DISPOSE:  # taken back by the desk before a decision
                break
    return decided, on_time


def _re_dispositions(scope: Scope, period: Period) -> int:
    """[re-dispositions]: "not our authority" answers given by the scope in the period. The
    answer is the agency admin's, so a unit gives none."""
    events = ReportEvent.objects.filter(action=Action.NOT_OUR_AUTHORITY).filter(period.q("created_at"))
    events = events.filter(scope.filter_q("report__"))
    if scope.is_unit:
        return 0
    if scope.is_national:
        return events.count()
    codes = set(_codes(scope.agency_ids))
    return sum(data.get("from_agency") in codes for data in events.values_list("data", flat=True))


def _top_of(tree: set[int]) -> dict[int, int]:
    """Each agency or unit of `tree` -> its top agency."""
    parents = dict(Agency.objects.filter(pk__in=tree).values_list("pk", "parent_id"))
    return tops({pk: parents.get(pk) for pk in tree})


def connected_agencies(agency_ids: set[int]) -> set[int]:
    """[connectivity], now: a decree in force, and an active agency-admin position and an active
    liaison-officer position with a holder, in the agency or its units."""
    if not agency_ids:
        return set()
    with_decree = set(
        AgencyDecree.objects.filter(agency_id__in=agency_ids, revoked_at__isnull=True).values_list("agency_id", flat=True)
    )
    tree = agency_and_units(with_decree)
    top = _top_of(tree)
    held: dict[str, set[int]] = {Role.AGENCY_ADMIN: set(), Role.LIAISON_OFFICER: set()}
    for role, agency_id in Position.objects.filter(
        agency_id__in=tree, role__in=list(held), is_active=True, holder__isnull=False
    ).values_list("role", "agency_id"):
        held[role].add(top[agency_id])
    return with_decree & held[Role.AGENCY_ADMIN] & held[Role.LIAISON_OFFICER]


def active_agencies(agency_ids: set[int], period: Period) -> set[int]:
    """[activity]: an official of the agency or its units (an event's position) acted on a
    report in the period."""
    if not agency_ids:
        return set()
    tree = agency_and_units(agency_ids)
    top = _top_of(tree)
    acted = (
        ReportEvent.objects.filter(period.q("created_at"), actor_agency_id__in=tree, actor_position__isnull=False)
        .values_list("actor_agency_id", flat=True)
        .distinct()
    )
    return {top[pk] for pk in acted}


# --- dashboard tables -----------------------------------------------------------------------
def child_scopes(parent: Scope, *, by: str = "") -> list[Scope]:
    """The rows under a scope: national -> provinces (by="agency": every agency); province and
    coordinator -> their agencies; agency -> its units; unit -> its own units."""
    if parent.is_national and by != Scope.AGENCY:
        return [scope.narrowed(parent.only) for scope in Scope.provinces()]
    if parent.kind in (Scope.NATIONAL, Scope.PROVINCE, Scope.COORDINATOR):
        # the nation's agencies are every handling agency: no need to send their ids back
        agencies = handler_agencies() if parent.is_national else Agency.objects.filter(pk__in=parent.agency_ids)
        agencies = agencies.order_by("name", "code").only("pk", "code", "name", "short_name")
        return [Scope(Scope.AGENCY, a.code, str(a), frozenset({a.pk}), only=parent.only) for a in agencies]
    holder = Agency.objects.get(code=parent.code)
    return [Scope.unit(unit.code).narrowed(parent.only) for unit in holder.units.order_by("name", "code")]


def compute_children(parent: Scope, period: Period, *, by: str = "") -> list[Indicators]:
    """One row per child scope, each computed over its own reports (a parent's figure is never
    an average of these: docs/indicators.md, "Scope")."""
    return [compute(child, period) for child in child_scopes(parent, by=by)]
