"""Reads of reports. Everything that lists reports for a person goes through
`reports_visible_to`, so nothing leaks by forgetting a filter.

This is the lifecycle's working scope (desk, agency, unit, reporter). The full access policy
for supervisors, auditors, KSP and the Ombudsman builds on it (issue #3)."""

from __future__ import annotations

import dataclasses

from django.db.models import Q, QuerySet

from lapor.accounts.models import Role
from lapor.agencies.models import Agency

from .models import Report, ReportEvent


def _agency_and_units(agency_ids: set[int]) -> set[int]:
    """The agencies and all their nested units (a unit tree is shallow: a few levels)."""
    found = set(agency_ids)
    frontier = set(agency_ids)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def reports_visible_to(actor) -> QuerySet[Report]:
    if actor.system or actor.has_role(Role.NATIONAL_ADMIN):
        return Report.objects.all()
    condition = Q(pk__in=[])
    if actor.user_id:
        condition |= Q(reporter_id=actor.user_id)
    admin_agencies = {p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)}
    if admin_agencies:
        condition |= Q(agency_id__in=admin_agencies)
        condition |= Q(unit_id__in=_agency_and_units(admin_agencies))
    liaison_units = {p.agency_id for p in actor.positions_with(Role.LIAISON_OFFICER)}
    if liaison_units:
        condition |= Q(unit_id__in=liaison_units)
    return Report.objects.filter(condition)


def can_view(actor, report: Report) -> bool:
    if actor.system or actor.has_role(Role.NATIONAL_ADMIN) or actor.is_reporter_of(report):
        return True
    return reports_visible_to(actor).filter(pk=report.pk).exists()


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


def report_by_tracking_number(number: str) -> Report | None:
    from .tokens import normalise_tracking_number

    return (
        Report.objects.select_related("agency", "unit", "category", "region", "suggested_agency", "target_agency")
        .filter(tracking_number=normalise_tracking_number(number))
        .first()
    )


def report_timeline(report: Report, *, public: bool) -> list[ReportEvent]:
    """Events in order. `public` hides internal notes (events still show, notes do not)."""
    events = list(report.events.select_related("actor_agency").order_by("seq"))
    if public:
        for event in events:
            if not event.note_public:
                event.note = ""
    return events


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


def sees_internal_notes(actor, report: Report) -> bool:
    """Officials who may see the report read every note; its reporter (signed in or with the
    secret) reads only the public ones, like everybody else."""
    if actor.system or actor.has_role(Role.NATIONAL_ADMIN):
        return True
    if not actor.positions:
        return False
    as_official = dataclasses.replace(actor, user=None, reporter_secret=None)
    return reports_visible_to(as_official).filter(pk=report.pk).exists()


def public_timeline(report: Report) -> list[ReportEvent]:
    """The timeline anybody may read: internal notes hidden, and every note hidden when the
    report is confidential (the notes discuss its content)."""
    events = report_timeline(report, public=True)
    if report.is_confidential:
        for event in events:
            event.note = ""
    return events
