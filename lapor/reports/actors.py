"""Who is acting, and which roles they may play on a given report.

An actor is a signed-in user with their active positions, a guest reporter holding the secret
given at submission, or the system (the SLA sweep). The role decides which transitions are
open (workflow.TABLE); the position is recorded on the event so that work stays with the
post when staff rotate."""

from __future__ import annotations

from dataclasses import dataclass, field

from lapor.accounts.models import Position, Role

from .states import ActorRole, Status
from .tokens import reporter_secret_matches


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    positions: tuple = field(default_factory=tuple)
    reporter_secret: str | None = None
    system: bool = False

    @classmethod
    def for_user(cls, user, *, reporter_secret: str | None = None) -> "Actor":
        if user is None or not user.is_authenticated:
            return cls(reporter_secret=reporter_secret)
        positions = tuple(Position.objects.filter(holder=user, is_active=True).select_related("agency"))
        return cls(user=user, positions=positions, reporter_secret=reporter_secret)

    @classmethod
    def system_actor(cls) -> "Actor":
        return cls(system=True)

    @property
    def user_id(self):
        return self.user.pk if self.user is not None else None

    def has_role(self, role: str) -> bool:
        return any(p.role == role for p in self.positions)

    def positions_with(self, role: str) -> list:
        return [p for p in self.positions if p.role == role]

    def roles_on(self, report) -> dict[str, object]:
        """Map of ActorRole -> the Position through which it is held (None for the reporter
        and the system)."""
        roles: dict[str, object] = {}
        if self.system:
            roles[ActorRole.SYSTEM] = None
            return roles
        if self.is_reporter_of(report):
            roles[ActorRole.REPORTER] = None
        for position in self.positions:
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

    def is_reporter_of(self, report) -> bool:
        if self.user is not None and report.reporter_id is not None and report.reporter_id == self.user.pk:
            return True
        return bool(self.reporter_secret) and reporter_secret_matches(report.tracking_number, self.reporter_secret)
