"""Who may see what of a report: one declarative table, role x permission -> scope.

Everything that lists or shows reports asks here (through `selectors`): the API, the pages, and
later the exports and dashboards. A scope is evaluated two ways from one definition: as a
database filter (for lists) and as a predicate on a loaded report (for one report, or to redact
rows of a list), and tests check that both agree.

Reporters are not in the table: a reporter always sees their own report in full (content,
identity) but never internal notes. The identity of an anonymous reporter is shown to no role
at all here; the national desk's audited reveal is a separate, logged action (issue #3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.db.models import Q

from lapor.accounts.models import Role
from lapor.agencies.models import Agency
from lapor.agencies.selectors import agency_and_units
from lapor.core import clock
from lapor.core.redact import redact

from .actors import is_reporter_of
from .states import ACTIVE, Status


class Permission(StrEnum):
    VIEW = "view"  # know the report exists; its status, timeline, and non-confidential content
    READ_CONFIDENTIAL = "read_confidential"  # the title, description and notes of a confidential report
    READ_INTERNAL_NOTES = "read_internal_notes"  # notes officials write for each other (dispositions, forwards)
    SEE_IDENTITY = "see_identity"  # name and contact of a reporter who is not anonymous
    REVEAL_IDENTITY = "reveal_identity"  # an anonymous reporter's identity, with a reason, audited


class Scope(StrEnum):
    ALL = "all"  # every report
    AGENCY_TREE = "agency_tree"  # reports at the position's agency or any of its units
    UNIT = "unit"  # reports forwarded to the position's unit
    COORDINATED = "coordinated"  # reports at agencies the position's agency coordinates (and their units)
    PRIORITY = "priority"  # reports in national-priority-programme categories
    OMBUDSMAN_CASES = "ombudsman_cases"  # offered or transferred to the Ombudsman, or open for over 60 days
    OMBUDSMAN_TRANSFERRED = "ombudsman_transferred"  # transferred to the Ombudsman


P, S = Permission, Scope
POLICY: dict[tuple[str, str], str] = {
    (Role.NATIONAL_ADMIN, P.VIEW): S.ALL,
    (Role.NATIONAL_ADMIN, P.READ_CONFIDENTIAL): S.ALL,
    (Role.NATIONAL_ADMIN, P.READ_INTERNAL_NOTES): S.ALL,
    (Role.NATIONAL_ADMIN, P.SEE_IDENTITY): S.ALL,
    # Only to verify a report (e.g. a suspected fake), giving a reason; see privacy.py.
    (Role.NATIONAL_ADMIN, P.REVEAL_IDENTITY): S.ALL,
    # The agency chain handling a report: its admin and the unit's liaison officer.
    (Role.AGENCY_ADMIN, P.VIEW): S.AGENCY_TREE,
    (Role.AGENCY_ADMIN, P.READ_CONFIDENTIAL): S.AGENCY_TREE,
    (Role.AGENCY_ADMIN, P.READ_INTERNAL_NOTES): S.AGENCY_TREE,
    (Role.AGENCY_ADMIN, P.SEE_IDENTITY): S.AGENCY_TREE,
    (Role.LIAISON_OFFICER, P.VIEW): S.UNIT,
    (Role.LIAISON_OFFICER, P.READ_CONFIDENTIAL): S.UNIT,
    (Role.LIAISON_OFFICER, P.READ_INTERNAL_NOTES): S.UNIT,
    (Role.LIAISON_OFFICER, P.SEE_IDENTITY): S.UNIT,
    # Supervisors monitor handling; they do not read confidential content or identities.
    (Role.AUDITOR, P.VIEW): S.AGENCY_TREE,
    (Role.AUDITOR, P.READ_INTERNAL_NOTES): S.AGENCY_TREE,
    (Role.COORDINATOR, P.VIEW): S.COORDINATED,
    (Role.COORDINATOR, P.READ_INTERNAL_NOTES): S.COORDINATED,
    (Role.KSP, P.VIEW): S.PRIORITY,
    (Role.KSP, P.READ_INTERNAL_NOTES): S.PRIORITY,
    (Role.OMBUDSMAN, P.VIEW): S.OMBUDSMAN_CASES,
    (Role.OMBUDSMAN, P.READ_INTERNAL_NOTES): S.OMBUDSMAN_CASES,
    # Once the reporter consented to the transfer, the Ombudsman handles the case.
    (Role.OMBUDSMAN, P.READ_CONFIDENTIAL): S.OMBUDSMAN_TRANSFERRED,
    (Role.OMBUDSMAN, P.SEE_IDENTITY): S.OMBUDSMAN_TRANSFERRED,
    # The platform operator manages reference data, not reports: no row.
}
OMBUDSMAN_DAYS = 60


@dataclass
class Grants:
    """One actor's scopes for one permission, resolved to agency ids once."""

    all: bool = False
    agency_tree: set = field(default_factory=set)  # agency ids (agencies and their units)
    units: set = field(default_factory=set)
    priority: bool = False
    ombudsman_cases: bool = False
    ombudsman_transferred: bool = False

    def q(self) -> Q | None:
        """A filter on Report, or None when the actor may see nothing through positions. (For
        `all`, an always-true condition: Q() alone would vanish when OR-ed with another.)"""
        if self.all:
            return Q(pk__isnull=False)
        parts = []
        if self.agency_tree:
            parts += [Q(agency_id__in=self.agency_tree), Q(unit_id__in=self.agency_tree)]
        if self.units:
            parts.append(Q(unit_id__in=self.units))
        if self.priority:
            parts.append(Q(category__is_priority=True))
        if self.ombudsman_cases:
            open_since = clock.now() - timedelta(days=OMBUDSMAN_DAYS)
            parts += [
                Q(ombudsman_offered_at__isnull=False),
                Q(status=Status.OMBUDSMAN),
                Q(status__in=sorted(ACTIVE), submitted_at__lt=open_since),
            ]
        if self.ombudsman_transferred:
            parts.append(Q(status=Status.OMBUDSMAN))
        if not parts:
            return None
        condition = parts[0]
        for part in parts[1:]:
            condition |= part
        return condition

    def covers(self, report) -> bool:
        """The same scopes, evaluated on a loaded report (no query; `category` should be loaded)."""
        if self.all:
            return True
        if self.agency_tree and (report.agency_id in self.agency_tree or report.unit_id in self.agency_tree):
            return True
        if self.units and report.unit_id in self.units:
            return True
        if self.priority and report.category_id is not None and report.category.is_priority:
            return True
        if self.ombudsman_cases:
            if report.ombudsman_offered_at is not None or report.status == Status.OMBUDSMAN:
                return True
            if report.status in ACTIVE and report.submitted_at < clock.now() - timedelta(days=OMBUDSMAN_DAYS):
                return True
        if self.ombudsman_transferred and report.status == Status.OMBUDSMAN:
            return True
        return False


def grants(actor, permission: str) -> Grants:
    """Resolve the actor's positions against the table (cached on the actor per permission)."""
    cache = actor.__dict__.setdefault("_grants", {})
    if permission in cache:
        return cache[permission]
    result = Grants(all=bool(actor.system))
    for position in actor.positions:
        scope = POLICY.get((position.role, permission))
        if scope == S.ALL:
            result.all = True
        elif scope == S.AGENCY_TREE:
            result.agency_tree |= agency_and_units({position.agency_id})
        elif scope == S.UNIT:
            result.units.add(position.agency_id)
        elif scope == S.COORDINATED:
            coordinated = set(Agency.objects.filter(coordinator_id=position.agency_id).values_list("pk", flat=True))
            result.agency_tree |= agency_and_units(coordinated) if coordinated else set()
        elif scope == S.PRIORITY:
            result.priority = True
        elif scope == S.OMBUDSMAN_CASES:
            result.ombudsman_cases = True
        elif scope == S.OMBUDSMAN_TRANSFERRED:
            result.ombudsman_transferred = True
    cache[permission] = result
    return result


def allows(actor, permission: str, report) -> bool:
    """Whether the actor holds `permission` on this report (the reporter's own rights included)."""
    if permission != P.READ_INTERNAL_NOTES and is_reporter_of(actor, report):
        return True
    return grants(actor, permission).covers(report)


def can_read_content(actor, report) -> bool:
    """Title, description, location details, attachments and notes: public (anyone holding the
    tracking number, and later the public feed) unless the report is confidential."""
    if not report.is_confidential:
        return True
    return allows(actor, P.READ_CONFIDENTIAL, report)


def can_see_identity(actor, report) -> bool:
    """The reporter's name and contact: never for an anonymous report (except to the reporter)."""
    if report.is_anonymous:
        return is_reporter_of(actor, report)
    return allows(actor, P.SEE_IDENTITY, report)


def readable_text(actor, report, text: str) -> str:
    """Free text (title, description, address, notes, comment) as this actor may read it.
    Personal data typed into it (NIK/KK, phone, e-mail) identifies the reporter, so only those
    who may see the reporter's identity read it as written; everyone else — supervisors, and
    every official on an anonymous report — reads it redacted, like the public."""
    return text if can_see_identity(actor, report) else redact(text)
