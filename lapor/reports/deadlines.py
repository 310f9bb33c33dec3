"""Start, pause and resume the clock of a report's current stage (due times are stored)."""

from __future__ import annotations

from datetime import datetime

from lapor.agencies.sla import sla_for
from lapor.core import workdays

# The national desk works on Jakarta time.
DESK_TZ = workdays.DEFAULT_TZ


def _agency_tz(report) -> str:
    holder = report.unit or report.agency
    return holder.timezone if holder is not None else DESK_TZ


def _policy_agency_id(report):
    if report.agency is None:
        return None
    return report.agency.top_agency.pk


def start_stage(report, stage: str, now: datetime) -> None:
    """Set the stage and its due time from the SLA policy in force for the report."""
    tz = DESK_TZ if stage == "desk_verification" else _agency_tz(report)
    sla = sla_for(stage, agency_id=_policy_agency_id(report), category_id=report.category_id)
    report.stage = stage
    report.stage_due_at = sla.due_from(now, tz)
    report.is_overdue = False
    report.escalation_level = 0
    report.escalate_at = None
    report.paused_days_left = None


def stop_clock(report) -> None:
    """No stage runs any more (closed, rejected, archived, transferred)."""
    report.stage = ""
    report.stage_due_at = None
    report.is_overdue = False
    report.escalation_level = 0
    report.escalate_at = None
    report.paused_days_left = None


def pause(report, now: datetime) -> None:
    """Pause the desk's clock while the reporter supplements. At least one working day is kept
    so that the desk is not overdue the moment the reporter answers."""
    left = workdays.calendar().working_days_left(now, report.stage_due_at, DESK_TZ) if report.stage_due_at else 0
    report.paused_days_left = max(left, 1)
    report.stage_due_at = None
    report.is_overdue = False
    report.escalation_level = 0
    report.escalate_at = None


def resume(report, now: datetime) -> None:
    days = report.paused_days_left or 1
    report.stage_due_at = workdays.calendar().due_at(now, days, DESK_TZ)
    report.paused_days_left = None
    report.escalation_level = 0


def start_ombudsman_clock(report, now: datetime) -> None:
    sla = sla_for("ombudsman", agency_id=None, category_id=report.category_id)
    report.ombudsman_due_at = sla.due_from(now, DESK_TZ)


def escalation_time(report, now: datetime) -> datetime:
    """When an overdue report escalates from the agency admin to the national desk."""
    sla = sla_for("escalation", agency_id=_policy_agency_id(report), category_id=report.category_id)
    return sla.due_from(report.stage_due_at or now, DESK_TZ)


def stage_end(before_stage: str, before_due: datetime | None, report, now: datetime) -> dict:
    """What an action did to the stage whose clock was running, for its event's data.

    A stage ends when the action moves the report to another stage (or stops the clock): the
    desk disposes, rejects or archives; the agency forwards, says "not our authority" or archives;
    the unit follows up; the reporter replies or rates. The record keeps the deadline in force at
    that moment, so "on time" never changes later when an SLA policy or the calendar does.

    Not an end: pausing for more information (same stage, due cleared), resuming, an interim reply
    (same stage, later due), the desk moving a report from one agency to another before it
    verified (same stage restarted: that agency did not decide). A decision taken while the
    clock is paused (rejecting a report still waiting for the reporter) ends the stage with no
    deadline and counts as on time: a paused clock cannot run out (ADR 0005)."""
    if not before_stage or report.stage == before_stage:
        return {}
    return {
        "stage_ended": before_stage,
        "stage_due_at": before_due.isoformat() if before_due is not None else None,
        "on_time": before_due is None or now <= before_due,
    }
