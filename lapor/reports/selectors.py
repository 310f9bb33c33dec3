"""Reads of reports. Everything that lists reports for a person goes through
`reports_visible_to`, and everything that shows one through `can_view` and `timeline_for`, so
nothing leaks by forgetting a filter. What each role may see is decided in `policy.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from lapor.accounts.models import Role
from lapor.core import clock, workdays

from . import policy
from .models import Report, ReportEvent


def reports_visible_to(actor) -> QuerySet[Report]:
    """The reports this actor may know of: their own, and those the policy's VIEW scopes cover."""
    grants = policy.grants(actor, policy.Permission.VIEW)
    if grants.all:
        return Report.objects.all()
    condition = grants.q()
    if condition is None:
        condition = Q(pk__in=[])
    if actor.user_id:
        condition |= Q(reporter_id=actor.user_id)
    return Report.objects.filter(condition)


def can_view(actor, report: Report) -> bool:
    return policy.allows(actor, policy.Permission.VIEW, report)


@dataclass(frozen=True)
class QueueFilter:
    """What an officer narrows their queue to. Empty values mean "all"."""

    status: str = ""
    overdue: bool | None = None
    due_soon: bool = False  # not yet overdue, due by the end of the next working day
    category_id: int | None = None  # a category and its sub-categories
    province_code: str = ""
    channel: str = ""
    sort: str = "due"  # one of QUEUE_SORTS


QUEUE_SORTS = {"due": ("stage_due_at", "pk"), "newest": ("-submitted_at", "-pk"), "oldest": ("submitted_at", "pk")}


def _waiting_for(actor) -> Q:
    """What waits for one of the actor's positions."""
    from .states import Status

    condition = Q(pk__in=[])
    if actor.has_role(Role.NATIONAL_ADMIN):
        condition |= Q(status__in=[Status.SUBMITTED, Status.RETURNED, Status.NEEDS_INFO]) | Q(escalation_level=2)
    admin_agencies = {p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)}
    if admin_agencies:
        condition |= Q(agency_id__in=admin_agencies, status__in=[Status.AT_AGENCY, Status.APPEALED])
        condition |= Q(agency_id__in=admin_agencies, escalation_level__gte=1)
    liaison_units = {p.agency_id for p in actor.positions_with(Role.LIAISON_OFFICER)}
    if liaison_units:
        condition |= Q(unit_id__in=liaison_units, status__in=[Status.FORWARDED, Status.IN_PROCESS])
    return condition


def due_soon_cutoff() -> datetime:
    """The end of the next working day (Jakarta): "due soon" means due before this."""
    return workdays.calendar().due_at(clock.now(), 1)


def report_queue(actor, f: QueueFilter = QueueFilter()) -> QuerySet[Report]:
    """An officer's working queue: what waits for one of their positions, soonest due first."""
    queryset = Report.objects.filter(_waiting_for(actor))
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.overdue is not None:
        queryset = queryset.filter(is_overdue=f.overdue)
    if f.due_soon:
        queryset = queryset.filter(is_overdue=False, stage_due_at__lte=due_soon_cutoff())
    if f.category_id:
        queryset = queryset.filter(Q(category_id=f.category_id) | Q(category__parent_id=f.category_id))
    if f.province_code:
        queryset = queryset.filter(Q(region_id=f.province_code) | Q(region__code__startswith=f.province_code + "."))
    if f.channel:
        queryset = queryset.filter(channel=f.channel)
    return queryset.select_related("agency", "unit", "category", "region").order_by(*QUEUE_SORTS.get(f.sort, QUEUE_SORTS["due"]))


def queue_counts(actor) -> dict:
    """Counts over the whole queue (before filters): total, overdue, due soon, and per status."""
    rows = Report.objects.filter(_waiting_for(actor)).values("status").annotate(
        n=Count("pk"),
        overdue=Count("pk", filter=Q(is_overdue=True)),
        due_soon=Count("pk", filter=Q(is_overdue=False, stage_due_at__lte=due_soon_cutoff())),
    )
    counts = {"total": 0, "overdue": 0, "due_soon": 0, "by_status": {}}
    for row in rows:
        counts["total"] += row["n"]
        counts["overdue"] += row["overdue"]
        counts["due_soon"] += row["due_soon"]
        counts["by_status"][row["status"]] = row["n"]
    return counts


def reports_of_reporter(user) -> QuerySet[Report]:
    """The reports a signed-in citizen submitted, newest first ("my reports")."""
    return Report.objects.filter(reporter_id=user.pk).select_related("agency", "unit", "category", "region").order_by("-submitted_at", "-pk")


def report_by_tracking_number(number: str) -> Report | None:
    from .tokens import normalise_tracking_number

    return (
        Report.objects.select_related("agency", "unit", "category", "region", "suggested_agency", "target_agency")
        .filter(tracking_number=normalise_tracking_number(number))
        .first()
    )


def handler_of(report: Report) -> tuple[str, object | None]:
    """Who handles the report next, in words for the citizen: (role, agency)."""
    from .states import Status

    if report.status in (Status.SUBMITTED, Status.RETURNED):
        return "national_desk", None
    if report.status == Status.NEEDS_INFO:
        return "reporter", None
    if report.status in (Status.AT_AGENCY, Status.APPEALED):
        return "agency_admin", report.agency
    if report.status in (Status.FORWARDED, Status.IN_PROCESS):
        return "unit", report.unit
    if report.status == Status.FOLLOWED_UP:
        return "reporter", None
    return "nobody", None


def available_actions(actor, report: Report) -> list[str]:
    """Actions this actor may take on this report now: allowed by the table for their role and
    not refused by the action's data guard."""
    from .effects import guard_open
    from .services import SYSTEM_ONLY
    from .workflow import actions_for

    return sorted(
        a for a in actions_for(report.status, set(actor.roles_on(report))) if a not in SYSTEM_ONLY and guard_open(report, a)
    )


def timeline_for(actor, report: Report) -> list[ReportEvent]:
    """The timeline as this actor may read it: every note for officials who may read internal
    notes; public notes for the reporter and the public; no notes at all for whoever may not read
    a confidential report's content (the notes discuss it)."""
    events = list(report.events.select_related("actor_agency").order_by("seq"))
    content = policy.can_read_content(actor, report)
    internal = content and policy.allows(actor, policy.Permission.READ_INTERNAL_NOTES, report)
    for event in events:
        if not content or (not event.note_public and not internal):
            event.note = ""
        elif event.note:
            event.note = policy.readable_text(actor, report, event.note)
    return events
