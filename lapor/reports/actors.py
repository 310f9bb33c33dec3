"""Which roles an actor (`lapor.accounts.actors.Actor`) may play on a given report.

The role decides which transitions are open (workflow.TABLE); the position through which it is
held is recorded on the event, so that work stays with the post when staff rotate."""

from __future__ import annotations

from lapor.accounts.actors import Actor
from lapor.accounts.models import Role

from .states import ActorRole, Status
from .tokens import reporter_secret_matches


def roles_on(actor: Actor, report) -> dict[str, object]:
    """Map of ActorRole -> the Position through which it is held (None for the reporter and
    the system)."""
    roles: dict[str, object] = {}
    if actor.system:
        roles[ActorRole.SYSTEM] = None
        return roles
    if is_reporter_of(actor, report):
        roles[ActorRole.REPORTER] = None
    for position in actor.positions:
        if position.role == Role.NATIONAL_ADMIN:
            roles.setdefault(ActorRole.NATIONAL_ADMIN, position)
        elif position.role == Role.AGENCY_ADMIN and report.agency_id == position.agency_id:
            roles.setdefault(ActorRole.AGENCY_ADMIN, position)
        elif position.role == Role.LIAISON_OFFICER and report.unit_id is not None and report.unit_id == position.agency_id:
            roles.setdefault(ActorRole.LIAISON_OFFICER, position)
        elif position.role == Role.OMBUDSMAN and report.status == Status.OMBUDSMAN:
            # Once the reporter consented to the transfer, the case is the Ombudsman's (ADR 0023).
            roles.setdefault(ActorRole.OMBUDSMAN, position)
    return roles


def is_reporter_of(actor: Actor, report) -> bool:
    """The report's own reporter: its account, or a guest holding its reporter secret."""
    if actor.user is not None and report.reporter_id is not None and report.reporter_id == actor.user.pk:
        return True
    return bool(actor.reporter_secret) and reporter_secret_matches(report.tracking_number, actor.reporter_secret)

