"""Which rollup cells a report's facts add to, and the difference between two sets of facts.

A cell's key is `Cell` (a named tuple: hashed and compared as the plain tuple it is, cheap on
the intake path), its counters a dict {counter name: n}; a duration's key is `DaysCell`, its
value how many reports took that many working days."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from lapor.reports.states import IN_PROCESS, Status

from .facts import Facts
from .folding import wib_day
from .lookups import lookups

NATIONAL, AGENCY, AGENCY_TOTAL, EVENT, OVERDUE, HOT_SPOT = "N", "A", "G", "E", "O", "H"  # Rollup.basis
DAY, MONTH = "D", "M"  # Rollup.grain
FOLLOW_UP, COMPLETION = "F", "C"  # RollupDays.metric
# "Overdue now" is not about a day: its rows carry this date.
NOW_DAY = date(2000, 1, 1)

_IN_PROCESS = frozenset(str(s) for s in IN_PROCESS)


class Cell(NamedTuple):
    """A rollup row's key (monev_rollup's primary key; `day` as an ISO date in memory)."""

    basis: str
    grain: str
    day: str
    agency_id: int  # national rows: the shard
    unit_id: int
    priority: bool
    ombudsman: bool


class DaysCell(NamedTuple):
    """A duration histogram row's key (monev_rollupdays's primary key)."""

    basis: str
    grain: str
    day: str
    agency_id: int
    unit_id: int
    priority: bool
    ombudsman: bool
    metric: str
    days: int


def _grains(basis: str, day: str, *rest) -> list[tuple]:
    """A cell at both grains (the day, its calendar month); overdue-now rows have one."""
    if basis == OVERDUE:
        return [(basis, DAY, day, *rest)]
    return [(basis, DAY, day, *rest), (basis, MONTH, day[:8] + "01", *rest)]


def contribution(facts: Facts | None) -> tuple[dict, dict]:
    """The report's cells at the day grain: {(basis, day, agency, unit, priority, ombudsman):
    {counter: n}} and {(basis, day, agency, unit, priority, ombudsman, metric, days): n}."""
    cells: dict[tuple, dict[str, int]] = {}
    days: dict[tuple, int] = {}
    if not facts:
        return cells, days
    ev, st = facts.events, facts.state
    flags = (st.priority, st.ombudsman)

    def add(key, **counts):
        cell = cells.setdefault(key, {})
        for name, n in counts.items():
            cell[name] = cell.get(name, 0) + n

    def cohort(basis, key, days_key, follow_up_days, completion_days, also=None):
        status = st.status
        counts = {"received": 1}
        if status == Status.CLOSED:
            counts["completed"] = 1
        elif status in _IN_PROCESS:
            counts["in_process"] = 1
        elif status == Status.OMBUDSMAN:
            counts["omb_transferred"] = 1
        if st.ombudsman_offer_open:
            counts["omb_offered"] = 1
        if ev.first_follow_up is not None:
            counts["followed_up"] = 1
            on_time = ev.first_follow_up[1]
            if on_time is not None:
                counts["fu_measured"] = 1
                counts["fu_on_time"] = int(bool(on_time))
            counts["reopened"] = int(st.reopened)
            if follow_up_days is not None:
                days[(*days_key, FOLLOW_UP, follow_up_days)] = 1
        if ev.rating is not None:
            counts["rated"] = 1
            counts["appealed"] = int(st.appealed)
            counts[f"rating_{ev.rating}"] = 1
        if completion_days is not None:
            days[(*days_key, COMPLETION, completion_days)] = 1
        if basis == NATIONAL and ev.desk_on_time is not None:
            counts["verified_decided"] = 1
            counts["verified_on_time"] = int(ev.desk_on_time)
        add(key, **counts)
        if also is not None:
            add(also, **counts)

    # National rows have no agency: the column carries the report's shard instead (durations,
    # written only at a follow-up or a closure, are not sharded).
    cohort(NATIONAL, (NATIONAL, st.submitted_day, st.shard, 0, *flags), (NATIONAL, st.submitted_day, 0, 0, *flags),
           st.follow_up_days, st.completion_days)
    if st.agency_id and st.received_day:
        unit_key = (AGENCY, st.received_day, st.agency_id, st.unit_id, *flags)
        # and the agency's total (unit 0): what agency, province and national tables read
        cohort(AGENCY, unit_key, unit_key, st.follow_up_days_agency, st.completion_days_agency,
               also=(AGENCY_TOTAL, st.received_day, st.agency_id, 0, *flags))
    for day, agency_id, on_time in ev.receptions:
        add((EVENT, day, agency_id, 0, *flags), verified_decided=1, verified_on_time=int(on_time))
    for day, agency_id in ev.not_ours:
        add((EVENT, day, agency_id, 0, *flags), re_dispositions=1)
    if st.overdue:
        add((OVERDUE, NOW_DAY.isoformat(), st.agency_id, st.unit_id, *flags), overdue=1)
    # The hot spots (lapor/monev/hotspots.py): reports by submission day, top-level category and
    # area, whatever their status; no filter reads them, so no flags split them.
    if st.category and st.area:
        add((HOT_SPOT, st.submitted_day, st.category, st.area, False, False), received=1)
    return cells, days


def delta(old: Facts | None, new: Facts | None) -> tuple[dict[Cell, dict[str, int]], dict[DaysCell, int]]:
    """new cells minus old cells, at both grains, zero entries dropped."""
    (old_cells, old_days), (new_cells, new_days) = contribution(old), contribution(new)
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days: dict[tuple, int] = defaultdict(int)
    for sign, source in ((-1, old_cells), (1, new_cells)):
        for key, counts in source.items():
            for grain_key in _grains(*key):
                for name, n in counts.items():
                    cells[grain_key][name] += sign * n
    for sign, source in ((-1, old_days), (1, new_days)):
        for key, n in source.items():
            for grain_key in _grains(*key):
                days[grain_key] += sign * n
    out_cells = {}
    for key, counts in cells.items():
        counts = {name: n for name, n in counts.items() if n}
        if counts:
            out_cells[Cell(*key)] = counts
    return out_cells, {DaysCell(*key): n for key, n in days.items() if n}


def add_activity(cells: dict, event) -> None:
    """[activity]: an official (an event with a position) of the agency or its units acted —
    one more `acted` in the cells of that day and month of the position's top agency."""
    if not event.actor_position_id or not event.actor_agency_id:
        return
    for key in _grains(EVENT, wib_day(event.created_at), lookups.top_of(event.actor_agency_id), 0, False, False):
        cell = cells.setdefault(Cell(*key), {})
        cell["acted"] = cell.get("acted", 0) + 1
