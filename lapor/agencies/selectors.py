"""Reads over the agency registry."""

from __future__ import annotations

from .models import Agency


def agency_and_units(agency_ids: set[int]) -> set[int]:
    """The agencies and all their nested units (a unit tree is shallow: one query per level)."""
    found = set(agency_ids)
    frontier = set(agency_ids)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found
