"""One move of a report's lifecycle, in memory: the one definition of what a transition does.

`submission` is a new report's first move; `transition` checks every later move against `workflow.TABLE` for the role acting, runs the action's
effect (`effects.EFFECTS`), ends the stage whose clock was running (`deadlines.stage_end`),
sets the status, version and time of the change, and returns the new event — unsaved. Of the
actor it takes only the role, the position and the user to record; it writes nothing and asks
nothing of the database itself (the effects may look agencies and positions up).

`services.apply_action` calls it after the checks that need the database and the actor (the
report is visible, which role is usable, the version the actor read) and then writes the
report and its event (`services._write`); bench/simulation.py calls it with its in-memory
stand-ins for Report and ReportEvent (any object with the same attributes).
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from lapor.core.errors import NotAllowed

from . import deadlines, workflow
from .effects import EFFECTS, Context
from .models import ReportEvent
from .states import Action, ActorRole, Status


def submission(report, target_agency, user, now: datetime, *, event_class=ReportEvent):
    """A new report's first move: to the agency the reporter chose (its admin verifies it), else
    to the national desk; its stage clock and the Ombudsman clock started. Returns the `submit`
    event, built with `event_class` and not saved. The report carries its channel already."""
    if target_agency is not None:
        report.status = Status.AT_AGENCY
        report.agency = target_agency
        report.received_at = now
        deadlines.start_stage(report, "agency_verification", now)
    else:
        report.status = Status.SUBMITTED
        deadlines.start_stage(report, "desk_verification", now)
    deadlines.start_ombudsman_clock(report, now)
    return event_class(
        report=report,
        seq=1,
        action=Action.SUBMIT,
        from_status="",
        to_status=report.status,
        actor=user,
        actor_role=ActorRole.REPORTER,
        note_public=True,
        data={"channel": report.channel, "target_agency": target_agency.code if target_agency is not None else None},
        created_at=now,
    )


def transition(report, action: str, role: str, position, user, payload: dict, now: datetime, *, event_class=ReportEvent):
    """Apply `action` to `report` (changed in place) as `role`, held through `position` (or
    None: the reporter, the system) by `user` (or None), and return the new event, built with
    `event_class` and not saved.

    Raises IllegalTransition when the move is not in the table from the report's status,
    NotAllowed when `role` may not make it, and whatever the effect raises for its own guards
    and input (IllegalTransition, InvalidInput)."""
    rule = workflow.rule_for(report.status, action)
    if role not in rule.roles:
        raise NotAllowed(_("You may not take the action “%(action)s” on this report.") % {"action": Action(action).label})
    from_status = report.status
    before_stage, before_due = report.stage, report.stage_due_at
    effect = EFFECTS[action](report, Context(now=now, role=role, payload=payload))
    ended = deadlines.stage_end(before_stage, before_due, report, now)
    if ended:
        # Verified / followed up on time is computed from these (docs/indicators.md).
        effect.data = {**effect.data, **ended}
    report.status = rule.target or report.status
    report.version += 1
    report.updated_at = now
    return event_class(
        report=report,
        seq=report.version,
        action=action,
        from_status=from_status,
        to_status=report.status,
        actor=user,
        actor_role=role,
        actor_position=position,
        actor_agency=position.agency if position is not None else None,
        note=effect.note,
        note_public=rule.note_public,
        data=effect.data,
        created_at=now,
    )
