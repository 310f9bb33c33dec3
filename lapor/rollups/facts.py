"""A report's monitoring facts: what its rollup cells are a pure function of (ADR 0019).

In memory the facts are `Facts`: what the report's events said (`EventFacts`, folded one event at
a time) and the report's state the indicators read (`StateFacts`). Stored, they are one compact
JSON array in a text column (`Report.monitoring_facts`, `FactsField`): at ten million reports a
JSON object cost about 380 bytes a report (key names, ISO dates, per-entry headers), this about
60 (ADR 0019, "Storage").

Positions of the stored array (trailing nulls dropped):

    0  submitted day, as days since 1970-01-01 (WIB)
    1  national shard          2  status           3  agency id   4  unit id
    5  received day, days after the submitted day (null: not received)
    6  flags: priority=1 ombudsman=2 open Ombudsman offer=4 overdue=8 reopened=16 appealed=32
    7-10  working days: to the first follow-up from submission, from reception; to completion
          from submission, from reception (null: not yet)
    11 first desk decision on time: 1 / 0 (null: none yet)
    12 first follow-up: [microseconds after the submitted day's WIB midnight, on time: true/false/null]
    13 latest rating
    14 receptions decided: [[day after submission, agency id, on time 1/0], ...]
    15 "not our authority" answers: [[day after submission, agency id], ...]
    16 the pending reception: [day after submission, agency id]
    17 the top-level category's id    18 the area number (`areas.number`: the regency, else the
       province, of the report's location)    (null: none)

Every date is relative to the submitted day, which comes first: moving a report in time (a
data set copied into earlier years by bench/earlier_years.py) rewrites one number."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date, timedelta

from lapor.core.codes import PackedDictField

_EPOCH = date(1970, 1, 1)
_DAY_US = 86_400_000_000
_WIB_OFFSET_US = 7 * 3_600_000_000  # WIB is UTC+7 all year (no daylight saving)


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What the report's events said (docs/indicators.md, "How it is computed")."""

    desk_on_time: bool | None = None  # the first desk decision that ended its verification
    first_follow_up: tuple[int, bool | None] | None = None  # (microseconds since 1970, on time)
    rating: int | None = None  # the latest
    receptions: tuple[tuple[str, int, bool], ...] = ()  # decided: (WIB day, agency id, on time)
    not_ours: tuple[tuple[str, int], ...] = ()  # "not our authority" answers: (WIB day, agency id)
    pending: tuple[str, int] | None = None  # the reception awaiting the agency: (WIB day, agency id)


@dataclass(frozen=True, slots=True)
class StateFacts:
    """The report's state the indicators read."""

    status: str
    submitted_day: str  # WIB, ISO
    shard: int  # of the national rows
    agency_id: int  # 0: none
    unit_id: int  # 0: none
    received_day: str | None
    priority: bool  # its category is a national priority (KSP)
    ombudsman: bool  # offered or transferred to the Ombudsman
    ombudsman_offer_open: bool  # offered and not transferred
    overdue: bool
    reopened: bool
    appealed: bool
    # working days (None: not yet): to the first follow-up, to completion; from submission (the
    # nation's count) and from reception (the agency's)
    follow_up_days: int | None = None
    follow_up_days_agency: int | None = None
    completion_days: int | None = None
    completion_days_agency: int | None = None
    # the hot spots' cell (`cells.HOT_SPOT`): the report's top-level category and the area of its
    # location (lapor/rollups/areas.py); 0: none
    category: int = 0
    area: int = 0


FLAGS = ("priority", "ombudsman", "ombudsman_offer_open", "overdue", "reopened", "appealed")
DURATIONS = ("follow_up_days", "follow_up_days_agency", "completion_days", "completion_days_agency")


@dataclass(frozen=True, slots=True)
class Facts:
    events: EventFacts
    state: StateFacts


def _day_number(day: str) -> int:
    return (date.fromisoformat(day) - _EPOCH).days


def _day(number: int) -> str:
    return (_EPOCH + timedelta(days=number)).isoformat()


def pack(facts: Facts | None) -> str:
    if not facts:
        return ""
    ev, st = facts.events, facts.state
    sd = _day_number(st.submitted_day)
    midnight_us = sd * _DAY_US - _WIB_OFFSET_US

    def rel(day: str) -> int:
        return _day_number(day) - sd

    row = [
        sd, st.shard, st.status, st.agency_id, st.unit_id,
        None if st.received_day is None else rel(st.received_day),
        sum(1 << i for i, name in enumerate(FLAGS) if getattr(st, name)),
        *(getattr(st, name) for name in DURATIONS),
        None if ev.desk_on_time is None else int(ev.desk_on_time),
        None if ev.first_follow_up is None else [ev.first_follow_up[0] - midnight_us, ev.first_follow_up[1]],
        ev.rating,
        [[rel(day), agency, int(on_time)] for day, agency, on_time in ev.receptions] or None,
        [[rel(day), agency] for day, agency in ev.not_ours] or None,
        None if ev.pending is None else [rel(ev.pending[0]), ev.pending[1]],
        st.category or None,
        st.area or None,
    ]
    while row[-1] is None:
        row.pop()
    return json.dumps(row, separators=(",", ":"))


def unpack(text: str) -> Facts | None:
    if not text:
        return None
    row = json.loads(text)
    row += [None] * (19 - len(row))
    sd, sh, status, agency, unit, rd, bits, fn, fa, cn, ca, dd, ff, rt, rc, nr, pend, cat, area = row
    midnight_us = sd * _DAY_US - _WIB_OFFSET_US
    state = StateFacts(
        status, _day(sd), sh, agency, unit, None if rd is None else _day(sd + rd),
        *(bool(bits >> i & 1) for i in range(len(FLAGS))),
        fn, fa, cn, ca, cat or 0, area or 0,
    )
    events = EventFacts(
        desk_on_time=None if dd is None else bool(dd),
        first_follow_up=None if ff is None else (ff[0] + midnight_us, ff[1]),
        rating=rt,
        receptions=tuple((_day(sd + day), agency_id, bool(on_time)) for day, agency_id, on_time in rc or ()),
        not_ours=tuple((_day(sd + day), agency_id) for day, agency_id in nr or ()),
        pending=None if pend is None else (_day(sd + pend[0]), pend[1]),
    )
    return Facts(events, state)


# The JSON object the facts were stored as before the packed array (migration reports 0009).
_LEGACY_EVENTS = {"dd": "desk_on_time", "ff": "first_follow_up", "rt": "rating", "rc": "receptions", "nr": "not_ours",
                  "pend": "pending"}
_LEGACY_STATE = {"s": "status", "sd": "submitted_day", "sh": "shard", "a": "agency_id", "u": "unit_id",
                 "rd": "received_day", "pr": "priority", "om": "ombudsman", "oo": "ombudsman_offer_open",
                 "ov": "overdue", "ro": "reopened", "ap": "appealed", "fn": "follow_up_days",
                 "fa": "follow_up_days_agency", "cn": "completion_days", "ca": "completion_days_agency"}


def from_legacy(obj: dict) -> Facts | None:
    """Facts from the old JSON object (its first follow-up already in microseconds)."""
    if not obj:
        return None

    def frozen(value):
        return tuple(frozen(v) for v in value) if isinstance(value, list) else value

    events = EventFacts(**{_LEGACY_EVENTS[k]: frozen(v) for k, v in obj["ev"].items()})
    state = StateFacts(**{_LEGACY_STATE[k]: v for k, v in obj["st"].items()})
    return Facts(events, state)


assert [f.name for f in fields(StateFacts)][6:12] == list(FLAGS)  # the flags' bit order


class FactsField(PackedDictField):
    """`Report.monitoring_facts`: `Facts` (or None, none yet) in Python, the packed array in the
    database ("" for none)."""

    def from_db_value(self, value, expression, connection):
        return unpack(value) if value else None

    def to_python(self, value):
        return unpack(value) if isinstance(value, str) else (value or None)

    def get_prep_value(self, value):
        return pack(value) if isinstance(value, Facts) else ("" if not value else value)

    def value_to_string(self, obj):
        return pack(self.value_from_object(obj))
