"""Who is acting: a signed-in user with their active positions, an agency's API client (acting as
that agency, ADR 0036), a guest holding the reporter secret given at submission, or the system
(the SLA sweep).

The positions decide what the user may do; the one through which they act is recorded on what
they write, so that work stays with the post when staff rotate. Which roles an actor plays on a
given report is the reports' business (`lapor.reports.actors.roles_on`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lapor.agencies.models import Agency

from .models import Position, Role


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    positions: tuple = field(default_factory=tuple)
    reporter_secret: str | None = None
    system: bool = False
    client: object | None = None  # an ApiClient: positions then hold its agency's admin post, unsaved

    @classmethod
    def for_user(cls, user, *, reporter_secret: str | None = None) -> "Actor":
        if user is None or not user.is_authenticated:
            return cls(reporter_secret=reporter_secret)
        positions = tuple(Position.objects.filter(holder=user, is_active=True).select_related("agency"))
        return cls(user=user, positions=positions, reporter_secret=reporter_secret)

    @classmethod
    def for_client(cls, client) -> "Actor":
        """An agency's API client: it sees and may do what the agency's admin may (a unit's client,
        what the unit's liaison officer may), through a post that exists only in this request."""
        role = Role.LIAISON_OFFICER if client.agency.kind == Agency.Kind.UNIT else Role.AGENCY_ADMIN
        post = Position(role=role, agency=client.agency, title=client.name, is_active=True)
        return cls(positions=(post,), client=client)

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
