"""Workload and ageing inside an agency (the micro dashboard): the open reports it holds, per
unit and per liaison-officer position, bucketed by their age in working days.

Open = still being handled (`states.ACTIVE`). A report's age counts from when the agency
received it (`received_at`; `submitted_at` when missing) to now, in working days of the zone of
the unit handling it, else of the agency — as deadlines and `indicators.working_days` count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from lapor.accounts.models import Position, Role
from lapor.agencies.models import Agency
from lapor.agencies.selectors import agency_and_units
from lapor.core import clock, workdays
from lapor.reports import policy
from lapor.reports.models import Report
from lapor.reports.selectors import reports_visible_to
from lapor.reports.states import ACTIVE, Status

from .indicators import _tz, working_days
from .scopes import units_under

OPEN = sorted(ACTIVE)
# What waits for a liaison officer (lapor.reports.selectors._waiting_for).
WAITING_FOR_LIAISON = (Status.FORWARDED, Status.IN_PROCESS)
# (first, last) working days of each age bucket; None: no upper bound.
BUCKETS = ((0, 3), (4, 5), (6, 10), (11, None))
BUCKET_LABELS = ("0–3", "4–5", "6–10", ">10")
AGE_FIELDS = ("pk", "received_at", "submitted_at", "is_overdue", "unit_id", "agency__timezone", "unit__timezone")


def bucket_of(days: int) -> int:
    """The index in BUCKETS of an age in working days."""
    for index, (_first, last) in enumerate(BUCKETS):
        if last is None or days <= last:
            return index
    raise AssertionError("unreachable")


def age(report: Report, now=None) -> int:
    """Working days since the agency received the report (unit, agency and zone loaded)."""
    start = report.received_at or report.submitted_at
    return working_days(start, now or clock.now(), _tz(report))


def open_reports(agency: Agency) -> QuerySet[Report]:
    """The open reports an agency holds (with those at its units)."""
    return Report.objects.filter(agency=agency, status__in=OPEN).select_related("agency", "unit")


@dataclass
class WorkloadRow:
    label: str
    code: str = ""  # the unit's code (for the drill-down); "" for the agency's own row
    unit_label: str = ""  # positions: the unit the position serves
    vacant: bool = False  # positions: nobody holds it
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.buckets)

    def add(self, reports: _Open) -> None:
        self.buckets[bucket_of(reports.days)] += reports.n
        self.overdue += reports.n if reports.is_overdue else 0


@dataclass(frozen=True)
class _Open:
    """Open reports alike in what the workload tables show: `n` of them."""

    unit_id: int | None
    status: str
    is_overdue: bool
    days: int  # age in working days
    n: int = 1


def open_ages(agency: Agency) -> list[_Open]:
    """The agency's open reports counted by unit, status, overdue flag and the day they were
    received, in the database (an agency may hold tens of thousands): as `age`, that day is in the
    zone of the unit handling the report, else of the agency. One grouped query reads every
    report's day in the agency's zone; the reports of units in another zone (rare) are read again
    in theirs."""
    now, own = clock.now(), agency.timezone or workdays.DEFAULT_TZ
    reports = open_reports(agency)
    memo: dict[tuple, int] = {}
    out = []

    def counted(rows, tz: str) -> list[dict]:
        day = TruncDate(Coalesce("received_at", "submitted_at"), tzinfo=ZoneInfo(tz))
        fields = ("unit_id", "unit__timezone", "status", "is_overdue", "day")
        return list(rows.annotate(day=day).values(*fields).annotate(n=Count("pk")).order_by())

    def add(row: dict, tz: str) -> None:
        key = (row["day"], tz)
        if key not in memo:  # from the start of that day there: the same count as `age`
            memo[key] = working_days(datetime.combine(row["day"], time(0), tzinfo=ZoneInfo(tz)), now, tz)
        out.append(_Open(row["unit_id"], row["status"], row["is_overdue"], memo[key], row["n"]))

    elsewhere: set[str] = set()
    for row in counted(reports, own):
        tz = (row["unit__timezone"] if row["unit_id"] else own) or workdays.DEFAULT_TZ
        if tz == own:
            add(row, tz)
        else:
            elsewhere.add(tz)
    for tz in sorted(elsewhere):
        zone = Q(unit__timezone__in=[tz, ""] if tz == workdays.DEFAULT_TZ else [tz])
        for row in counted(reports.filter(zone, unit__isnull=False), tz):
            add(row, tz)
    return out


def workload_by_unit(agency: Agency, ages: list[_Open] | None = None) -> list[WorkloadRow]:
    """One row for the reports not yet forwarded (at the agency itself), then one per direct unit
    (a nested unit's reports count in the unit above it), each bucketed by age."""
    units = list(agency.units.order_by("name", "code"))
    own = WorkloadRow(str(agency))
    rows = {unit.pk: WorkloadRow(str(unit), code=unit.code) for unit in units}
    under = units_under(agency.pk)
    for reports in open_ages(agency) if ages is None else ages:
        row = rows.get(under.get(reports.unit_id)) if reports.unit_id else own
        (row or own).add(reports)
    return [own] + [rows[unit.pk] for unit in units]


def workload_by_position(agency: Agency, ages: list[_Open] | None = None) -> list[WorkloadRow]:
    """One row per active liaison-officer position of the agency's units: the reports waiting for
    it (forwarded to its unit, not yet followed up — its queue), bucketed by age. Two positions at
    one unit share its queue, so each shows it."""
    tree = agency_and_units({agency.pk})
    positions = list(
        Position.objects.filter(agency_id__in=tree, role=Role.LIAISON_OFFICER, is_active=True)
        .select_related("agency")
        .order_by("agency__name", "title", "pk")
    )
    by_unit: dict[int, list[_Open]] = {}
    for report in open_ages(agency) if ages is None else ages:
        if report.status in WAITING_FOR_LIAISON and report.unit_id in tree:
            by_unit.setdefault(report.unit_id, []).append(report)
    rows = []
    for position in positions:
        row = WorkloadRow(position.title, code=position.agency.code, unit_label=str(position.agency),
                          vacant=position.holder_id is None)
        for reports in by_unit.get(position.agency_id, ()):
            row.add(reports)
        rows.append(row)
    return rows


# --- the drill-down: one unit's (or the agency's) open reports, as the viewer may see them ------
@dataclass
class OpenReport:
    tracking_number: str
    title: str  # as the viewer may read it; "" when the content is confidential to them
    confidential: bool  # content hidden from this viewer
    status: str
    unit: str
    received: object  # aware datetime
    age: int  # working days
    bucket: str
    overdue: bool
    due: object  # aware datetime or None


def open_report_rows(actor, agency: Agency, unit: Agency | None = None) -> list[OpenReport]:
    """The open reports of the agency (or of one unit and its nested units) that the viewer may
    see: listed through `reports_visible_to`, titles through `readable_text`, and no title where
    the viewer may not read the content. No reporter's identity at all. Oldest first."""
    queryset = reports_visible_to(actor).filter(agency=agency, status__in=OPEN)
    if unit is not None:
        queryset = queryset.filter(unit_id__in=agency_and_units({unit.pk}))
    now = clock.now()
    rows = []
    for report in queryset.select_related("agency", "unit", "category").order_by("received_at", "pk"):
        readable = policy.can_read_content(actor, report)
        days = age(report, now)
        rows.append(OpenReport(
            tracking_number=report.tracking_number,
            title=policy.readable_text(actor, report, report.title) if readable else "",
            confidential=not readable,
            status=report.get_status_display(),
            unit=str(report.unit) if report.unit_id else "",
            received=report.received_at or report.submitted_at,
            age=days,
            bucket=BUCKET_LABELS[bucket_of(days)],
            overdue=report.is_overdue,
            due=report.stage_due_at,
        ))
    return rows
