"""The per-report fold: a report's events, one at a time, and its state -> its `Facts`."""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lapor.core import workdays
from lapor.core.clock import WIB
from lapor.reports.states import AGENCY_DECISIONS, DESK_DECISIONS, Action, Status

from . import areas
from .facts import EventFacts, Facts, StateFacts
from .lookups import lookups

# Every submission of a day adds to that day's national row: spread over this many rows (by
# tracking number) so that concurrent submissions do not queue on one row lock.
NATIONAL_SHARDS = 16

_DESK_DECISIONS = frozenset(str(a) for a in DESK_DECISIONS)
_AGENCY_DECISIONS = frozenset(str(a) for a in AGENCY_DECISIONS)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
NO_EVENTS = EventFacts()


def wib_day(moment: datetime) -> str:
    return moment.astimezone(WIB).date().isoformat()


def epoch_us(moment: datetime) -> int:
    """An exact instant as an integer (microseconds since 1970), as the facts keep it."""
    return (moment - _EPOCH_UTC) // timedelta(microseconds=1)


def fold(ev: EventFacts, event) -> EventFacts:
    """What the report's events say, one more event folded in (docs/indicators.md, "How it is
    computed"): the first desk decision, the first follow-up, the latest rating, the receptions
    its agencies decided and the "not our authority" answers given. `event` needs `action`,
    `data` and `created_at` (a ReportEvent, saved or not, or an `EventView`)."""
    action, data = str(event.action), event.data or {}
    day = wib_day(event.created_at)
    ended = data.get("stage_ended")
    changes = {}
    pending = ev.pending
    # [verified within 3 HK], agency scope: a decision on the pending reception (before a new
    # reception replaces it: a disposition while pending is the desk taking the report back).
    if pending and ended == "agency_verification":
        if action in _AGENCY_DECISIONS:
            changes["receptions"] = (*ev.receptions, (pending[0], pending[1], bool(data.get("on_time"))))
        changes["pending"] = None
    if action == Action.SUBMIT and data.get("target_agency"):
        changes["pending"] = (day, lookups.agency_id(data["target_agency"]))
    elif action == Action.DISPOSE:
        changes["pending"] = (day, lookups.agency_id(data.get("agency")))
    # [verified within 3 HK], national: the first decision that ended the desk's verification
    if action in _DESK_DECISIONS and ended == "desk_verification" and ev.desk_on_time is None:
        changes["desk_on_time"] = bool(data.get("on_time"))
    # [followed up within 5 HK], [days to follow-up]
    if action == Action.FOLLOW_UP and ev.first_follow_up is None:
        changes["first_follow_up"] = (epoch_us(event.created_at), data["on_time"] if "on_time" in data else None)
    # [satisfaction]: the latest rating
    if action == Action.RATE:
        changes["rating"] = int(data["rating"])
    # [re-dispositions]
    if action == Action.NOT_OUR_AUTHORITY:
        changes["not_ours"] = (*ev.not_ours, (day, lookups.agency_id(data.get("from_agency"))))
    return replace(ev, **changes) if changes else ev


def derive(report, ev: EventFacts) -> Facts:
    """The facts: the folded events and the report's state that the indicators read."""
    received = report.received_at
    holder = report.unit_id or report.agency_id
    tz = lookups.timezone(holder) if holder else workdays.DEFAULT_TZ
    first_follow_up = _EPOCH_UTC + timedelta(microseconds=ev.first_follow_up[0]) if ev.first_follow_up else None
    closed = report.closed_at if report.status == Status.CLOSED else None
    # Working days as the reference counts them: from received (nation: submitted) in the zone
    # of the unit handling the report, else its agency.
    days = {}
    if first_follow_up is not None:
        days["follow_up_days"] = workdays.working_days(report.submitted_at, first_follow_up, tz)
        if received:
            days["follow_up_days_agency"] = workdays.working_days(received, first_follow_up, tz)
    if closed is not None:
        days["completion_days"] = workdays.working_days(report.submitted_at, closed, tz)
        if received:
            days["completion_days_agency"] = workdays.working_days(received, closed, tz)
    state = StateFacts(
        status=str(report.status),
        submitted_day=wib_day(report.submitted_at),
        shard=zlib.crc32(report.tracking_number.encode()) % NATIONAL_SHARDS,
        agency_id=report.agency_id or 0,
        unit_id=report.unit_id or 0,
        received_day=wib_day(received) if received else None,
        priority=lookups.is_priority(report.category_id),
        ombudsman=report.ombudsman_offered_at is not None or report.status == Status.OMBUDSMAN,
        ombudsman_offer_open=report.ombudsman_offered_at is not None and report.status != Status.OMBUDSMAN,
        overdue=bool(report.is_overdue),
        reopened=report.reopen_count > 0,
        appealed=report.appeal_count > 0,
        category=lookups.top_category(report.category_id),
        area=areas.number(report.region_id),
        **days,
    )
    return Facts(ev, state)


def replay(report, events) -> Facts:
    """The facts recomputed from the report's events (in seq order) and its state."""
    ev = NO_EVENTS
    for event in events:
        ev = fold(ev, event)
    return derive(report, ev)
