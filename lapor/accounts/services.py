"""Writers for positions. Work belongs to positions: handing a position to another person moves
its queue at once (queues are computed from positions), while past events keep who acted."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lapor.agencies.selectors import agency_and_units
from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record
from lapor.core.errors import InvalidInput, NotAllowed

from .models import Position, Role, User


def positions_managed_by(actor):
    """Positions this actor may hand over: everywhere for the national desk; for an agency admin,
    the positions of their agency and its units (not other admins' posts of the same agency)."""
    if actor.has_role(Role.NATIONAL_ADMIN):
        return Position.objects.all()
    agencies = set()
    for position in actor.positions_with(Role.AGENCY_ADMIN):
        agencies |= agency_and_units({position.agency_id})
    if not agencies:
        return Position.objects.none()
    return Position.objects.filter(agency_id__in=agencies, role__in=[Role.LIAISON_OFFICER, Role.AUDITOR])


def position_hand_over(*, position_id: int, to_username: str, actor) -> Position:
    with transaction.atomic():
        position = positions_managed_by(actor).select_for_update().filter(pk=position_id).first()
        if position is None:
            raise NotAllowed(_("You may not hand over this position."))
        to_user = User.objects.filter(username=(to_username or "").strip(), is_active=True).first()
        if to_user is None:
            raise InvalidInput(_("There is no active user with that username."), field="username")
        if to_user.pk == position.holder_id:
            raise InvalidInput(_("This person already holds the position."), field="username")
        previous = position.holder
        position.holder = to_user
        position.save(update_fields=["holder"])
        audit_record(
            kind=AuditEntry.Kind.POSITION_CHANGE,
            actor=actor,
            position=next((p for p in actor.positions if p.role in (Role.NATIONAL_ADMIN, Role.AGENCY_ADMIN)), None),
            subject_position=position,
            from_user=previous.username if previous else None,
            to_user=to_user.username,
        )
    return position
