"""The lifecycle as one transition table: (status, action) -> (next status, roles allowed).

This is the only place that says which moves are legal. `services.report_act` applies it under
a row lock; nothing else assigns `Report.status`. A target of None means the status stays
(the action records an event and changes data such as a due time or a flag).

Guards that depend on the report's data (the transfer cap, the appeal condition, the Ombudsman
offer) are checked by the action's effect in `effects.py` and raise IllegalTransition too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lapor.core.errors import IllegalTransition

from .states import ACTIVE, Action, ActorRole, Status

S = Status
A = Action
R = ActorRole


@dataclass(frozen=True)
class Rule:
    target: str | None
    roles: frozenset[str]
    # Whether the note written with this action is shown to the reporter and the public view.
    note_public: bool


TABLE: dict[tuple[str, str], Rule] = {}


def _add(action: str, sources, target, roles, *, note_public: bool) -> None:
    for source in sources:
        key = (source, action)
        if key in TABLE:
            raise RuntimeError(f"duplicate transition {key}")
        TABLE[key] = Rule(target, frozenset(roles), note_public)


# National desk (Admin Nasional)
_add(A.DISPOSE, [S.SUBMITTED, S.RETURNED, S.AT_AGENCY], S.AT_AGENCY, [R.NATIONAL_ADMIN], note_public=False)
_add(A.REQUEST_INFO, [S.SUBMITTED], S.NEEDS_INFO, [R.NATIONAL_ADMIN], note_public=True)
_add(A.REJECT, [S.SUBMITTED, S.NEEDS_INFO, S.RETURNED], S.REJECTED, [R.NATIONAL_ADMIN], note_public=True)
_add(A.ARCHIVE, [S.SUBMITTED, S.RETURNED], S.ARCHIVED, [R.NATIONAL_ADMIN], note_public=True)
# Reporter (Pelapor)
_add(A.SUPPLEMENT, [S.NEEDS_INFO], S.SUBMITTED, [R.REPORTER], note_public=True)
_add(A.REPLY, [S.FOLLOWED_UP], S.IN_PROCESS, [R.REPORTER], note_public=True)
_add(A.RATE, [S.FOLLOWED_UP, S.CLOSED], S.CLOSED, [R.REPORTER], note_public=True)
_add(A.APPEAL, [S.CLOSED], S.APPEALED, [R.REPORTER], note_public=True)
_add(A.OMBUDSMAN_CONSENT, sorted(ACTIVE), S.OMBUDSMAN, [R.REPORTER], note_public=True)
_add(A.OMBUDSMAN_DECLINE, sorted(ACTIVE), None, [R.REPORTER], note_public=True)
# Agency admin (Admin Instansi)
_add(A.FORWARD, [S.AT_AGENCY, S.APPEALED], S.FORWARDED, [R.AGENCY_ADMIN], note_public=False)
_add(A.NOT_OUR_AUTHORITY, [S.AT_AGENCY], S.RETURNED, [R.AGENCY_ADMIN], note_public=True)
_add(A.ARCHIVE, [S.AT_AGENCY], S.ARCHIVED, [R.AGENCY_ADMIN], note_public=True)
_add(A.DISMISS_APPEAL, [S.APPEALED], S.CLOSED, [R.AGENCY_ADMIN], note_public=True)
# Liaison officer (Pejabat Penghubung) in the unit
_add(A.RESPOND, [S.FORWARDED], S.IN_PROCESS, [R.LIAISON_OFFICER], note_public=True)
_add(A.FOLLOW_UP, [S.FORWARDED, S.IN_PROCESS], S.FOLLOWED_UP, [R.LIAISON_OFFICER], note_public=True)
_add(A.INTERIM_REPLY, [S.FORWARDED, S.IN_PROCESS], S.IN_PROCESS, [R.LIAISON_OFFICER], note_public=True)
# Ombudsman: its outcome on a transferred report; the report stays transferred (ADR 0023).
_add(A.OMBUDSMAN_OUTCOME, [S.OMBUDSMAN], None, [R.OMBUDSMAN], note_public=True)
# The SLA sweep
_add(A.AUTO_CLOSE, [S.FOLLOWED_UP], S.CLOSED, [R.SYSTEM], note_public=True)
_add(A.MARK_OVERDUE, sorted(ACTIVE - {S.NEEDS_INFO, S.FOLLOWED_UP}), None, [R.SYSTEM], note_public=False)
_add(A.ESCALATE, sorted(ACTIVE - {S.NEEDS_INFO, S.FOLLOWED_UP}), None, [R.SYSTEM], note_public=False)
_add(A.OFFER_OMBUDSMAN, sorted(ACTIVE), None, [R.SYSTEM], note_public=True)

# Submission creates the report; it is not a move between two statuses, so it is not in TABLE.
# A report with a target agency chosen by the reporter starts at that agency.
SUBMIT_TARGETS = (S.SUBMITTED, S.AT_AGENCY)

ACTIONS = sorted({action for _, action in TABLE})
# Taken by the system only (the sweep): no person may ask for them.
SYSTEM_ONLY = frozenset(
    action for action in ACTIONS if all(rule.roles == {R.SYSTEM} for (_, a), rule in TABLE.items() if a == action)
)


def rule_for(status: str, action: str) -> Rule:
    """The rule for this move, or IllegalTransition with a message that names both."""
    rule = TABLE.get((status, action))
    if rule is None:
        if action not in ACTIONS:
            raise IllegalTransition(_("Unknown action “%(action)s”.") % {"action": action}, code="unknown_action")
        raise IllegalTransition(
            _("The action “%(action)s” is not possible while the report is “%(status)s”.")
            % {"action": Action(action).label, "status": Status(status).label}
        )
    return rule


def next_status(status: str, action: str) -> str:
    rule = rule_for(status, action)
    return rule.target if rule.target is not None else status


def actions_for(status: str, roles: set[str]) -> list[str]:
    """Actions any of these roles may take from this status (for building pages)."""
    return [action for (source, action), rule in TABLE.items() if source == status and rule.roles & roles]
