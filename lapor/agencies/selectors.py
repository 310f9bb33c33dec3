"""Reads over the agency registry."""

from __future__ import annotations

from .models import Agency, AgencyDecree


def agency_and_units(agency_ids: set[int]) -> set[int]:
    """The agencies and all their nested units (a unit tree is shallow: one query per level)."""
    found = set(agency_ids)
    frontier = set(agency_ids)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


# --- decrees (SK) ------------------------------------------------------------------------------
def decree_of(agency) -> AgencyDecree | None:
    """The agency's decree in force (the latest by date), or None. Feeds the connectivity
    indicator (keterhubungan): an agency is connected on paper when it has one."""
    return AgencyDecree.objects.filter(agency=agency, revoked_at__isnull=True).order_by("-date", "-pk").first()


def agency_has_decree(agency) -> bool:
    return AgencyDecree.objects.filter(agency=agency, revoked_at__isnull=True).exists()


def decree_agencies_of(actor) -> set[int] | None:
    """Agencies whose decrees the actor may read (None: all). The national desk reads every
    agency's; an agency admin and an APIP auditor those of their agency and its units."""
    from lapor.accounts.models import Role

    if actor.has_role(Role.NATIONAL_ADMIN):
        return None
    roots = {p.agency_id for p in actor.positions if p.role in (Role.AGENCY_ADMIN, Role.AUDITOR)}
    return agency_and_units(roots) if roots else set()


def decrees_visible_to(actor):
    agencies = decree_agencies_of(actor)
    decrees = AgencyDecree.objects.select_related("agency", "recorded_by", "revoked_by")
    return decrees if agencies is None else decrees.filter(agency_id__in=agencies)


def decree_recording_agencies(actor):
    """Agencies the actor may record decrees for: the agencies where they are agency admin; the
    national desk records for any active agency that is not a unit (it keeps the registry)."""
    from lapor.accounts.models import Role

    if actor.has_role(Role.NATIONAL_ADMIN):
        return Agency.objects.filter(is_active=True).exclude(kind__in=[Agency.Kind.UNIT, Agency.Kind.NATIONAL_DESK])
    return Agency.objects.filter(pk__in={p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)}, is_active=True)


def may_see_decrees(actor) -> bool:
    from lapor.accounts.models import Role

    return any(actor.has_role(role) for role in (Role.NATIONAL_ADMIN, Role.AGENCY_ADMIN, Role.AUDITOR))
