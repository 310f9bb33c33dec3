"""Reads of reports. Everything that lists reports for a person goes through
`reports_visible_to`, and everything that shows one through `can_view` and `timeline_for`, so
nothing leaks by forgetting a filter. What each role may see is decided in `policy.py`."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lapor.accounts.models import Role

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


def report_queue(actor, *, status: str | None = None, overdue: bool | None = None) -> QuerySet[Report]:
    """An officer's working queue: what waits for one of their positions, soonest due first."""
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
    queryset = Report.objects.filter(condition)
    if status:
        queryset = queryset.filter(status=status)
    if overdue is not None:
        queryset = queryset.filter(is_overdue=overdue)
    return queryset.select_related("agency", "unit", "category", "region").order_by("stage_due_at", "pk")


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
    return events
