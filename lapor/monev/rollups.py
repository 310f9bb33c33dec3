"""Monitoring rollups: the indicator counters kept up to date on every transition, so that a
dashboard reads a few hundred summed rows instead of every report and event (ADR 0019).

How they stay exact — *contribution deltas*. Every report contributes to a handful of rollup
cells (its cohort row as the nation sees it, its cohort row at its agency and unit, one row per
reception the agency decided and per "not our authority" it answered, its "overdue now" row, and
the working-day durations of its follow-up and completion). What a report contributes is a pure
function of a small snapshot, `Report.monitoring_facts`, kept on the report row itself:

    facts = {"ev": what its events said (folded one event at a time),
             "st": the report's state the indicators read (status class, agency, unit, days...)}

On a transition (`record`, called by `lapor.reports.services` in the transition's transaction,
under the report's row lock) the new facts are derived, the cells of the old facts are
subtracted and those of the new ones added, and the difference is written with one multi-row
UPSERT (plus one for the duration histogram when a duration appeared or moved). Rows are only
ever incremented by deltas, so concurrent transitions of different reports commute. Activity
(an official acted on a report) is an increment-only counter.

Each cell is kept at two grains: per day ("D") and per calendar month ("M", keyed by its first
day), so a period reads its whole months from the monthly rows and only its ragged ends from the
daily rows — or, for a month the period covers more than half of, the monthly row less the daily
rows of the days left out (`segments`; a monthly row is the sum of its days' rows).

`rebuild` recomputes everything from the event log (the same fold, replayed); `verify` compares
the stored rows and facts with that recomputation (`manage.py monev_verify`). The reference
engine (`indicators.compute`) stays the definition: tests assert `compute` here equals it for
every scope kind, filter and period."""

from __future__ import annotations

import time
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from math import floor

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum

from lapor.agencies.models import Agency, Category
from lapor.reports.models import Report, ReportEvent
from lapor.reports.states import Action, Status

from . import indicators as ref
from .models import Rollup, RollupDays
from .scopes import WIB, Period, Scope, handler_agencies

COUNTERS = Rollup.COUNTERS
NATIONAL, AGENCY, AGENCY_TOTAL, EVENT, OVERDUE = "N", "A", "G", "E", "O"  # Rollup.basis
DAY, MONTH = "D", "M"  # Rollup.grain
FOLLOW_UP, COMPLETION = "F", "C"  # RollupDays.metric
# Every submission of a day adds to that day's national row: spread over this many rows (by
# tracking number) so that concurrent submissions do not queue on one row lock.
NATIONAL_SHARDS = 16
# "Overdue now" is not about a day: its rows carry this date.
NOW_DAY = date(2000, 1, 1)

IN_PROCESS = {str(s) for s in ref.IN_PROCESS}
DESK_DECISIONS = {str(a) for a in ref.DESK_DECISIONS}
AGENCY_DECISIONS = {str(a) for a in ref.AGENCY_DECISIONS}


def enabled() -> bool:
    return getattr(settings, "LAPOR_MONEV_ROLLUPS", True)


# --- reference data the cells need, cached per process ---------------------------------------
class _Lookups:
    """Agency codes -> ids, agencies -> their top agency and time zone, categories -> priority.
    Read once and refreshed every few minutes or on a miss (agencies and categories change
    rarely; a changed category priority moves its reports' cells through `refresh_category`)."""

    TTL = 300.0

    def __init__(self):
        self.loaded_at = -1e9

    def _load(self):
        rows = list(Agency.objects.values_list("pk", "code", "parent_id", "timezone"))
        self.by_code = {code: pk for pk, code, _parent, _tz in rows}
        parents = {pk: parent for pk, _code, parent, _tz in rows}
        self.tz = {pk: tz for pk, _code, _parent, tz in rows}
        self.top = {}
        for pk in parents:
            node = pk
            while parents.get(node) is not None:
                node = parents[node]
            self.top[pk] = node
        self.priority = dict(Category.objects.values_list("pk", "is_priority"))
        self.loaded_at = time.monotonic()

    def fresh(self):
        if time.monotonic() - self.loaded_at > self.TTL:
            self._load()
        return self

    def agency_id(self, code) -> int:
        if code not in self.fresh().by_code:
            self._load()
        return self.by_code.get(code, 0)

    def top_of(self, agency_id: int) -> int:
        if agency_id not in self.fresh().top:
            self._load()
        return self.top.get(agency_id, agency_id)

    def is_priority(self, category_id) -> bool:
        if category_id is None:
            return False
        if category_id not in self.fresh().priority:
            self._load()
        return bool(self.priority.get(category_id))

    def timezone(self, agency_id) -> str:
        if agency_id not in self.fresh().tz:
            self._load()
        return self.tz.get(agency_id) or ref.workdays.DEFAULT_TZ


lookups = _Lookups()


def forget_lookups() -> None:
    """Tests and `load_reference` change agencies and categories under a running process."""
    lookups.loaded_at = -1e9


def wib_day(moment: datetime) -> str:
    return moment.astimezone(WIB).date().isoformat()


_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_us(moment: datetime) -> int:
    """An exact instant as an integer (microseconds since 1970), as the facts keep it."""
    return (moment - _EPOCH_UTC) // timedelta(microseconds=1)


# --- the per-report fold ---------------------------------------------------------------------
def fold(ev: dict, event) -> dict:
    """What the report's events say, one more event folded in (docs/indicators.md, "How it is
    computed"): the first desk decision, the first follow-up, the latest rating, the receptions
    its agencies decided and the "not our authority" answers given. `event` needs `action`,
    `data` and `created_at` (a ReportEvent, saved or not)."""
    ev = dict(ev)
    action, data = str(event.action), event.data or {}
    day = wib_day(event.created_at)
    ended = data.get("stage_ended")
    # [verified within 3 HK], agency scope: a decision on the pending reception (before a new
    # reception replaces it: a disposition while pending is the desk taking the report back).
    pending = ev.get("pend")
    if pending and ended == "agency_verification":
        if action in AGENCY_DECISIONS:
            ev["rc"] = [*ev.get("rc", []), [pending[0], pending[1], bool(data.get("on_time"))]]
        ev.pop("pend")
    if action == Action.SUBMIT and data.get("target_agency"):
        ev["pend"] = [day, lookups.agency_id(data["target_agency"])]
    elif action == Action.DISPOSE:
        ev["pend"] = [day, lookups.agency_id(data.get("agency"))]
    # [verified within 3 HK], national: the first decision that ended the desk's verification
    if action in DESK_DECISIONS and ended == "desk_verification" and "dd" not in ev:
        ev["dd"] = bool(data.get("on_time"))
    # [followed up within 5 HK], [days to follow-up]
    if action == Action.FOLLOW_UP and "ff" not in ev:
        ev["ff"] = [epoch_us(event.created_at), data["on_time"] if "on_time" in data else None]
    # [satisfaction]: the latest rating
    if action == Action.RATE:
        ev["rt"] = int(data["rating"])
    # [re-dispositions]
    if action == Action.NOT_OUR_AUTHORITY:
        ev["nr"] = [*ev.get("nr", []), [day, lookups.agency_id(data.get("from_agency"))]]
    return ev


def derive(report, ev: dict) -> dict:
    """The facts: the folded events and the report's state that the indicators read."""
    received = report.received_at
    holder = report.unit_id or report.agency_id
    tz = lookups.timezone(holder) if holder else ref.workdays.DEFAULT_TZ
    first_follow_up = _EPOCH_UTC + timedelta(microseconds=ev["ff"][0]) if "ff" in ev else None
    closed = report.closed_at if report.status == Status.CLOSED else None
    st = {
        "s": str(report.status),
        "sd": wib_day(report.submitted_at),
        "sh": zlib.crc32(report.tracking_number.encode()) % NATIONAL_SHARDS,
        "a": report.agency_id or 0,
        "u": report.unit_id or 0,
        "rd": wib_day(received) if received else None,
        "pr": lookups.is_priority(report.category_id),
        "om": report.ombudsman_offered_at is not None or report.status == Status.OMBUDSMAN,
        "oo": report.ombudsman_offered_at is not None and report.status != Status.OMBUDSMAN,
        "ov": bool(report.is_overdue),
        "ro": report.reopen_count > 0,
        "ap": report.appeal_count > 0,
    }
    # Working days as the reference counts them: from received (nation: submitted) in the zone
    # of the unit handling the report, else its agency.
    if first_follow_up is not None:
        st["fn"] = ref.working_days(report.submitted_at, first_follow_up, tz)
        if received:
            st["fa"] = ref.working_days(received, first_follow_up, tz)
    if closed is not None:
        st["cn"] = ref.working_days(report.submitted_at, closed, tz)
        if received:
            st["ca"] = ref.working_days(received, closed, tz)
    return {"ev": ev, "st": st}


def _month(day: str) -> str:
    return day[:8] + "01"


def contribution(facts: dict) -> tuple[dict, dict]:
    """The report's cells: {(basis, day, agency, unit, priority, ombudsman): {counter: n}} and
    {(basis, day, agency, unit, priority, ombudsman, metric, days): n}, at the day grain."""
    cells: dict[tuple, dict[str, int]] = {}
    days: dict[tuple, int] = {}
    if not facts:
        return cells, days
    ev, st = facts["ev"], facts["st"]
    flags = (st["pr"], st["om"])

    def add(key, **counts):
        cell = cells.setdefault(key, {})
        for name, n in counts.items():
            cell[name] = cell.get(name, 0) + n

    def cohort(basis, key, days_key, follow_key, completion_key, also=None):
        status = st["s"]
        counts = {"received": 1}
        if status == Status.CLOSED:
            counts["completed"] = 1
        elif status in IN_PROCESS:
            counts["in_process"] = 1
        elif status == Status.OMBUDSMAN:
            counts["omb_transferred"] = 1
        if st["oo"]:
            counts["omb_offered"] = 1
        if "ff" in ev:
            counts["followed_up"] = 1
            on_time = ev["ff"][1]
            if on_time is not None:
                counts["fu_measured"] = 1
                counts["fu_on_time"] = int(bool(on_time))
            counts["reopened"] = int(st["ro"])
            if follow_key in st:
                days[(*days_key, FOLLOW_UP, st[follow_key])] = 1
        if "rt" in ev:
            counts["rated"] = 1
            counts["appealed"] = int(st["ap"])
            counts[f"rating_{ev['rt']}"] = 1
        if completion_key in st:
            days[(*days_key, COMPLETION, st[completion_key])] = 1
        if basis == NATIONAL and "dd" in ev:
            counts["verified_decided"] = 1
            counts["verified_on_time"] = int(ev["dd"])
        add(key, **counts)
        if also is not None:
            add(also, **counts)

    # National rows have no agency: the column carries the report's shard instead (durations,
    # written only at a follow-up or a closure, are not sharded).
    cohort(NATIONAL, (NATIONAL, st["sd"], st["sh"], 0, *flags), (NATIONAL, st["sd"], 0, 0, *flags), "fn", "cn")
    if st["a"] and st["rd"]:
        unit_key = (AGENCY, st["rd"], st["a"], st["u"], *flags)
        # and the agency's total (unit 0): what agency, province and national tables read
        cohort(AGENCY, unit_key, unit_key, "fa", "ca", also=(AGENCY_TOTAL, st["rd"], st["a"], 0, *flags))
    for day, agency_id, on_time in ev.get("rc", ()):
        add((EVENT, day, agency_id, 0, *flags), verified_decided=1, verified_on_time=int(on_time))
    for day, agency_id in ev.get("nr", ()):
        add((EVENT, day, agency_id, 0, *flags), re_dispositions=1)
    if st["ov"]:
        add((OVERDUE, NOW_DAY.isoformat(), st["a"], st["u"], *flags), overdue=1)
    return cells, days


def _grains(key: tuple) -> list[tuple]:
    """A day-grain key at both grains (overdue-now rows have one)."""
    basis, day = key[0], key[1]
    if basis == OVERDUE:
        return [(basis, DAY, *key[1:])]
    return [(basis, DAY, *key[1:]), (basis, MONTH, _month(day), *key[2:])]


def delta(old: dict, new: dict) -> tuple[dict, dict]:
    """new cells minus old cells, at both grains, zero entries dropped."""
    (old_cells, old_days), (new_cells, new_days) = contribution(old), contribution(new)
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days: dict[tuple, int] = defaultdict(int)
    for sign, source in ((-1, old_cells), (1, new_cells)):
        for key, counts in source.items():
            for grain_key in _grains(key):
                for name, n in counts.items():
                    cells[grain_key][name] += sign * n
    for sign, source in ((-1, old_days), (1, new_days)):
        for key, n in source.items():
            for grain_key in _grains(key):
                days[grain_key] += sign * n
    cells = {k: {n: v for n, v in c.items() if v} for k, c in cells.items()}
    return {k: c for k, c in cells.items() if c}, {k: n for k, n in days.items() if n}


# --- writing ---------------------------------------------------------------------------------
KEY_COLUMNS = ("basis", "grain", "day", "agency_id", "unit_id", "priority", "ombudsman")
_CONFLICT = "(basis, grain, agency_id, day, unit_id, priority, ombudsman)"


def _sql_key(key: tuple) -> tuple:
    basis, grain, day, agency_id, unit_id, priority, ombudsman = key
    return (basis, grain, date.fromisoformat(day), agency_id, unit_id, bool(priority), bool(ombudsman))


_CODES = frozenset({NATIONAL, AGENCY, AGENCY_TOTAL, EVENT, OVERDUE, DAY, MONTH, FOLLOW_UP, COMPLETION})


def _literal(value) -> str:
    """A value of a rollup row written into the statement itself. A transition's statement has
    60 to 150 values: passed as parameters, the driver's client-side placeholder parsing and
    adaptation cost about 0.2 ms of a 5 ms transition. Only integers, dates and the one-letter
    codes above can occur; anything else is refused."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    if value in _CODES:
        return f"'{value}'"
    raise TypeError(f"not a rollup value: {value!r}")


def _values(rows) -> str:
    return ", ".join("(" + ", ".join(map(_literal, row)) + ")" for row in rows)


def _cells_sql(cells: dict[tuple, dict[str, int]]) -> str:
    """One statement for a transition's cells, naming only the counters that change (a
    transition moves two to six of the 21)."""
    table = Rollup._meta.db_table
    changed = [name for name in COUNTERS if any(name in counts for counts in cells.values())]
    columns = (*KEY_COLUMNS, *changed)
    rows = ((*_sql_key(key), *(counts.get(name, 0) for name in changed)) for key, counts in cells.items())
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in changed)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {_values(rows)} "
        f"ON CONFLICT {_CONFLICT} DO UPDATE SET {updates}"
    )


def _upsert_cells(cells: dict[tuple, dict[str, int]]) -> None:
    if cells:
        with connection.cursor() as cursor:
            cursor.execute(_cells_sql(cells))


_DAYS_CONFLICT = "(basis, grain, agency_id, day, unit_id, priority, ombudsman, metric, days)"


def _copy_upsert(model, columns: tuple, conflict: str, rows, updates: str) -> None:
    """PostgreSQL: rows COPYed into a temporary table and added with one INSERT ... SELECT."""
    table = model._meta.db_table
    types = {"basis": "char(1)", "grain": "char(1)", "metric": "char(1)", "day": "date", "priority": "boolean",
             "ombudsman": "boolean"}
    definitions = ", ".join(f"{c} {types.get(c, 'integer')}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE load_{table} ({definitions}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY load_{table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM load_{table} "
            f"ON CONFLICT {conflict} DO UPDATE SET {updates.format(t=table)}"
        )
        cursor.execute(f"DROP TABLE load_{table}")  # the caller's transaction may go on


def _days_sql(days: dict[tuple, int]) -> str:
    table = RollupDays._meta.db_table
    columns = (*KEY_COLUMNS, "metric", "days", "n")
    rows = ((*_sql_key(key[: len(KEY_COLUMNS)]), *key[len(KEY_COLUMNS) :], n) for key, n in days.items())
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {_values(rows)} "
        f"ON CONFLICT {_DAYS_CONFLICT} DO UPDATE SET n = {table}.n + excluded.n"
    )


def _upsert_days(days: dict[tuple, int]) -> None:
    if days:
        with connection.cursor() as cursor:
            cursor.execute(_days_sql(days))


def _statements(cells: dict, days: dict) -> list[str]:
    """The statements adding these cells and durations (none when nothing changes)."""
    return ([_cells_sql(cells)] if cells else []) + ([_days_sql(days)] if days else [])


def _leading(statements: list[str]) -> str:
    """Parameter-free statements as data-modifying WITHs, to lead another statement (PostgreSQL
    runs them all, once, in the statement's round trip)."""
    return "WITH " + ", ".join(f"rollup_{i} AS ({sql})" for i, sql in enumerate(statements)) + " "


def _upsert(cells: dict, days: dict) -> None:
    """Cells and durations outside a transition (a refresh): PostgreSQL takes them in one
    statement, other databases one after the other."""
    statements = _statements(cells, days)
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_leading(statements[:-1]) + statements[-1] if len(statements) > 1 else statements[0])
        else:
            for sql in statements:
                cursor.execute(sql)


_EVENT_INSERT = f'INSERT INTO "{ReportEvent._meta.db_table}"'


def save_event(event, statements: list[str]) -> None:
    """Insert a transition's event with the rollup statements `record` returned. PostgreSQL: in
    one round trip, the statements leading the event's INSERT as data-modifying WITHs (a
    transition then costs no more round trips than without rollups: at 300 submissions a
    second each one counts). Other databases: the statements, then the event."""
    if statements and connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        statements = []
    if not statements:
        event.save(force_insert=True)
        return
    led = []

    def lead(execute, sql, params, many, context):
        if led or not sql.startswith(_EVENT_INSERT):
            return execute(sql, params, many, context)
        led.append(sql)  # once: nothing else the save may send is led
        return execute(_leading(statements) + sql, params, many, context)

    with connection.execute_wrapper(lead):
        event.save(force_insert=True)
    if not led:  # the ORM's INSERT changed shape: never lose the cells
        raise RuntimeError(f"the event's INSERT was not recognised ({_EVENT_INSERT}…)")


def add_activity(cells: dict[tuple, dict[str, int]], event) -> None:
    """[activity]: an official (an event with a position) of the agency or its units acted —
    one more `acted` in the cells of that day and month of the position's top agency."""
    if not event.actor_position_id or not event.actor_agency_id:
        return
    key = (EVENT, wib_day(event.created_at), lookups.top_of(event.actor_agency_id), 0, False, False)
    for grain_key in _grains(key):
        cell = cells.setdefault(grain_key, {})
        cell["acted"] = cell.get("acted", 0) + 1


def record(report, event) -> list[str]:
    """Fold one transition into the report's facts and return the statements that move its
    rollup cells, for `save_event` to write with the event. Called before the report row is
    saved (it carries the new facts), inside the transition's transaction."""
    if not enabled():
        return []
    old = report.monitoring_facts or {}
    new = derive(report, fold(old.get("ev", {}), event))
    report.monitoring_facts = new
    cells, days = delta(old, new)
    add_activity(cells, event)
    return _statements(cells, days)


def refresh_reports(report_ids) -> int:
    """Re-derive the facts of these reports from their stored events and state and move their
    cells (after a direct change: a category's priority, a data repair). Returns how many
    reports changed."""
    changed = 0
    ids = list(report_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        with transaction.atomic():
            reports = Report.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
            for report in reports:
                new = replay_facts(report)
                if new == (report.monitoring_facts or {}):
                    continue
                cells, days = delta(report.monitoring_facts or {}, new)
                _upsert(cells, days)
                Report.objects.filter(pk=report.pk).update(monitoring_facts=new)
                changed += 1
    return changed


def refresh_category(category_id: int) -> int:
    """A category became (or stopped being) a national priority: move its reports' cells."""
    forget_lookups()
    return refresh_reports(Report.objects.filter(category_id=category_id).order_by("pk").values_list("pk", flat=True))


def replay_facts(report, events=None) -> dict:
    """The facts recomputed from the event log (events ordered by seq)."""
    if events is None:
        events = ReportEvent.objects.filter(report=report).only("action", "data", "created_at").order_by("seq")
    ev: dict = {}
    for event in events:
        ev = fold(ev, event)
    return derive(report, ev)


# --- rebuild and verify ----------------------------------------------------------------------
REPORT_FIELDS = (
    "pk", "tracking_number", "status", "submitted_at", "received_at", "closed_at", "agency_id", "unit_id", "category_id",
    "ombudsman_offered_at", "is_overdue", "reopen_count", "appeal_count", "monitoring_facts",
)


class EventView:
    """What the fold and the activity count read of an event, without a model instance (the
    recount; bulk loads such as bench/generate.py)."""

    __slots__ = ("action", "data", "created_at", "actor_position_id", "actor_agency_id")

    def __init__(self, action, data, created_at, actor_position_id, actor_agency_id):
        self.action, self.data, self.created_at = action, data, created_at
        self.actor_position_id, self.actor_agency_id = actor_position_id, actor_agency_id


class Accumulator:
    """Cells of many reports summed in memory: the recount, and bulk loads (bench/generate.py)
    that write reports and events directly and add their cells in one go."""

    def __init__(self):
        self.cells: dict = defaultdict(lambda: defaultdict(int))
        self.days: dict = defaultdict(int)
        self.reports = self.events = 0

    def add(self, report, events, *, also: "Accumulator | None" = None) -> dict:
        """Add one report with its events (in seq order), to `also` as well if given (a bulk
        load keeping a subset's sums apart); returns its facts."""
        facts = replay_facts(report, events)
        cells, days = delta({}, facts)
        for event in events:
            add_activity(cells, event)
        for totals in (self, also) if also is not None else (self,):
            for key, counts in cells.items():
                target = totals.cells[key]
                for name, n in counts.items():
                    target[name] += n
            for key, n in days.items():
                totals.days[key] += n
            totals.reports += 1
            totals.events += len(events)
        return facts

    def merge(self, other: "Accumulator") -> None:
        for key, counts in other.cells.items():
            target = self.cells.setdefault(key, {})
            for name, n in counts.items():
                target[name] = target.get(name, 0) + n
        for key, n in other.days.items():
            self.days[key] = self.days.get(key, 0) + n
        self.reports += other.reports
        self.events += other.events

    def plain(self) -> "Accumulator":
        """Without the defaultdict factories (lambdas cannot cross a process boundary)."""
        out = Accumulator()
        out.cells = {k: dict(v) for k, v in self.cells.items()}
        out.days = dict(self.days)
        out.reports, out.events = self.reports, self.events
        return out

    def write(self, batch: int = 500) -> None:
        """Add the sums to the stored rollups (UPSERT increments, so rows already there keep
        theirs). PostgreSQL: COPY into a temporary table, then one INSERT ... SELECT ... ON
        CONFLICT per table (a million cells in seconds rather than minutes)."""
        cells = [(k, {n: v for n, v in c.items() if v}) for k, c in self.cells.items()]
        cells = [(k, c) for k, c in cells if c]
        if connection.vendor == "postgresql":
            with transaction.atomic():
                _copy_upsert(Rollup, (*KEY_COLUMNS, *COUNTERS), _CONFLICT,
                             ((*_sql_key(k), *(c.get(n, 0) for n in COUNTERS)) for k, c in cells),
                             ", ".join(f"{c} = {{t}}.{c} + excluded.{c}" for c in COUNTERS))
                _copy_upsert(RollupDays, (*KEY_COLUMNS, "metric", "days", "n"), _DAYS_CONFLICT,
                             ((*_sql_key(k[: len(KEY_COLUMNS)]), *k[len(KEY_COLUMNS):], n) for k, n in self.days.items() if n),
                             "n = {t}.n + excluded.n")
            return
        for start in range(0, len(cells), batch):
            _upsert_cells(dict(cells[start : start + batch]))
        days = [(k, n) for k, n in self.days.items() if n]
        for start in range(0, len(days), batch):
            _upsert_days(dict(days[start : start + batch]))


@dataclass
class Recount:
    totals: Accumulator
    facts_differ: int = 0

    @property
    def cells(self):
        return self.totals.cells

    @property
    def days(self):
        return self.totals.days

    @property
    def reports(self):
        return self.totals.reports

    @property
    def events(self):
        return self.totals.events


def recount(*, batch: int = 2000, progress=None, on_batch=None) -> Recount:
    """Every cell recomputed from the event log, in report-id batches (memory stays bounded by
    the rollup's size, not the log's). `on_batch(changed)` receives each batch's reports whose
    stored facts differ from the recomputed ones, with the recomputed facts set."""
    forget_lookups()
    out = Recount(Accumulator())
    last = 0
    while True:
        reports = list(Report.objects.filter(pk__gt=last).order_by("pk").only(*REPORT_FIELDS)[:batch])
        if not reports:
            break
        last = reports[-1].pk
        events_of = defaultdict(list)
        rows = (
            ReportEvent.objects.filter(report_id__gte=reports[0].pk, report_id__lte=last)
            .order_by("report_id", "seq")
            .values_list("report_id", "action", "data", "created_at", "actor_position_id", "actor_agency_id")
        )
        for report_id, *fields in rows.iterator(chunk_size=10000):
            events_of[report_id].append(EventView(*fields))
        changed = []
        for report in reports:
            facts = out.totals.add(report, events_of.get(report.pk, []))
            if facts != (report.monitoring_facts or {}):
                out.facts_differ += 1
                report.monitoring_facts = facts
                changed.append(report)
        if on_batch is not None:
            on_batch(changed)
        if progress:
            progress(out)
    return out


def _stored_cells() -> dict:
    stored = {}
    for row in Rollup.objects.values_list(*KEY_COLUMNS, *COUNTERS).iterator(chunk_size=20000):
        key = _norm_key(row[: len(KEY_COLUMNS)])
        counts = {name: n for name, n in zip(COUNTERS, row[len(KEY_COLUMNS) :]) if n}
        if counts:
            stored[key] = counts
    return stored


def _stored_days() -> dict:
    stored = {}
    for *key, n in RollupDays.objects.values_list(*KEY_COLUMNS, "metric", "days", "n").iterator(chunk_size=20000):
        if n:
            stored[(*_norm_key(key[: len(KEY_COLUMNS)]), key[-2], key[-1])] = n
    return stored


def _norm_key(key) -> tuple:
    basis, grain, day, agency_id, unit_id, priority, ombudsman = key
    return (basis, grain, day.isoformat() if isinstance(day, date) else str(day), agency_id, unit_id, bool(priority), bool(ombudsman))


@dataclass
class Verification:
    reports: int
    events: int
    cells_checked: int
    differences: list  # (table, key, what, stored, expected)
    facts_differ: int

    @property
    def ok(self) -> bool:
        return not self.differences and not self.facts_differ


def verify(*, progress=None, limit: int = 50) -> Verification:
    """Compare the stored rollups (and each report's facts) with a recount from the event log."""
    expected = recount(progress=progress)
    want_cells = {_norm_key(k): {n: v for n, v in c.items() if v} for k, c in expected.cells.items()}
    want_cells = {k: c for k, c in want_cells.items() if c}
    want_days = {(*_norm_key(k[: len(KEY_COLUMNS)]), k[-2], k[-1]): n for k, n in expected.days.items() if n}
    have_cells, have_days = _stored_cells(), _stored_days()
    differences = []
    for key in sorted(set(want_cells) | set(have_cells), key=str):
        have, want = have_cells.get(key, {}), want_cells.get(key, {})
        for name in COUNTERS:
            if have.get(name, 0) != want.get(name, 0):
                differences.append(("rollup", key, name, have.get(name, 0), want.get(name, 0)))
    for key in sorted(set(want_days) | set(have_days), key=str):
        if have_days.get(key, 0) != want_days.get(key, 0):
            differences.append(("days", key, "n", have_days.get(key, 0), want_days.get(key, 0)))
    return Verification(
        reports=expected.reports,
        events=expected.events,
        cells_checked=len(set(want_cells) | set(have_cells)) + len(set(want_days) | set(have_days)),
        differences=differences[:limit] if limit else differences,
        facts_differ=expected.facts_differ,
    )


def rebuild(*, batch: int = 2000, progress=None) -> Recount:
    """Replace every rollup row and every report's facts with a recount from the event log.
    Runs in one transaction: dashboards read the old rows until it commits."""

    def save_facts(changed):
        Report.objects.bulk_update(changed, ["monitoring_facts"], batch_size=500)

    with transaction.atomic():
        expected = recount(batch=batch, progress=progress, on_batch=save_facts)
        Rollup.objects.all().delete()
        RollupDays.objects.all().delete()
        expected.totals.write()
    if connection.vendor == "postgresql":  # every row replaced: plan from the new ones
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Rollup._meta.db_table}, {RollupDays._meta.db_table}")
    return expected


# --- reading: the indicators from the rollups -----------------------------------------------
@dataclass(frozen=True)
class Segments:
    """The rows of a period: `rows` are read, and those of them that match `minus` (None: none)
    are taken away."""

    rows: Q
    minus: Q | None


def segments(period: Period) -> Segments:
    """The rows of a period: its whole calendar months from the monthly grain, a ragged month
    from the daily grain — or, when the period covers more than half of it, from its monthly row
    less the daily rows of the days it leaves out (a monthly row is the sum of its days' rows).
    The current month of "this year so far" and of "the last 12 months" is such a month, and the
    days it leaves out are after today, so have no rows: at scale a month's daily rows are
    tens of times its monthly rows."""
    months, added, taken = [], [], []
    start = date(period.first.year, period.first.month, 1)
    while start <= period.last:
        end = _day_after(_next_month(start), -1)
        first, last = max(period.first, start), min(period.last, end)
        covered, length = (last - first).days + 1, (end - start).days + 1
        if covered == length or length - covered < covered:
            months.append(start)
            if start < first:
                taken.append((start, _day_after(first, -1)))
            if last < end:
                taken.append((_day_after(last), end))
        else:
            added.append((first, last))
        start = _next_month(start)
    parts = [Q(grain=DAY, day__gte=first, day__lte=last) for first, last in added]
    if months:  # consecutive: only the period's first and last months may be read by day
        parts.append(Q(grain=MONTH, day__gte=months[0], day__lte=months[-1]))
    minus = _any([Q(grain=DAY, day__gte=first, day__lte=last) for first, last in taken])
    return Segments(_any(parts + ([minus] if minus is not None else [])), minus)


def _day_after(day: date, days: int = 1) -> date:
    return date.fromordinal(day.toordinal() + days)


def _any(parts: list[Q]) -> Q | None:
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _flags(scope: Scope) -> Q:
    if scope.only == Scope.PRIORITY:
        return Q(priority=True)
    if scope.only == Scope.OMBUDSMAN:
        return Q(ombudsman=True)
    return Q()


SUMS = {name: Sum(name) for name in COUNTERS}
_MINUS = "minus_"  # 1 on the rows to take away (Segments.minus)


def _signed(queryset, minus: Q | None, fields: list[str]):
    """The rows with a column telling those to take away, grouped by it too."""
    if minus is None:
        return queryset, fields
    from django.db.models import Case, IntegerField, Value, When

    taken = Case(When(minus, then=Value(1)), default=Value(0), output_field=IntegerField())
    return queryset.annotate(**{_MINUS: taken}), [*fields, _MINUS]


def _sums(queryset, group: str | None, minus: Q | None = None, sums: dict = SUMS) -> dict:
    """{group value (or None): {counter: total}}; rows matching `minus` count negatively."""
    queryset, fields = _signed(queryset, minus, [group] if group else [])
    if not fields:
        row = queryset.aggregate(**sums)
        return {None: {k: v or 0 for k, v in row.items()}}
    out = {} if group else {None: dict.fromkeys(sums, 0)}
    for row in queryset.values(*fields).annotate(**sums).order_by():
        key = row.pop(group) if group else None
        sign = -1 if row.pop(_MINUS, 0) else 1
        total = out.setdefault(key, dict.fromkeys(sums, 0))
        for name, n in row.items():
            total[name] += sign * (n or 0)
    return out


def _histograms(queryset, group: str | None, minus: Q | None = None) -> dict:
    """{group value (or None): {metric: {days: n}}}; rows matching `minus` count negatively."""
    out: dict = defaultdict(lambda: {FOLLOW_UP: defaultdict(int), COMPLETION: defaultdict(int)})
    queryset, fields = _signed(queryset, minus, ([group] if group else []) + ["metric", "days"])
    for row in queryset.values(*fields).annotate(total=Sum("n")).order_by():
        sign = -1 if row.get(_MINUS) else 1
        out[row[group] if group else None][row["metric"]][row["days"]] += sign * row["total"]
    return out


def percentile_of_counts(counts: dict[int, int], p: Fraction):
    """`indicators.percentile` over a histogram {value: how many}: the same linear
    interpolation between closest ranks, without expanding the values."""
    total = sum(n for n in counts.values() if n > 0)
    if not total:
        return None
    ordered = sorted((v, n) for v, n in counts.items() if n > 0)
    position = (total - 1) * p
    low = floor(position)

    def at(rank: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if rank < seen:
                return value
        return ordered[-1][0]

    low_value, high_value = at(low), at(min(low + 1, total - 1))
    exact = low_value + (high_value - low_value) * (position - low)
    return ref.round_half_up(Fraction(exact), 1)


def _fill(out: ref.Indicators, s: dict, hist: dict, *, verified: dict | None) -> None:
    """The figures of one scope from its summed counters (docs/indicators.md formulas)."""
    out.received = s["received"]
    out.completed, out.in_process = s["completed"], s["in_process"]
    out.follow_up_rate = ref.percent(out.completed + out.in_process, out.received)
    out.completion_rate = ref.percent(out.completed, out.received)
    if verified is not None:
        out.verified_decided, out.verified_on_time = verified["verified_decided"], verified["verified_on_time"]
        out.verified_on_time_pct = ref.percent(out.verified_on_time, out.verified_decided)
    out.followed_up = s["followed_up"]
    out.followed_up_measured, out.followed_up_on_time = s["fu_measured"], s["fu_on_time"]
    out.followed_up_on_time_pct = ref.percent(out.followed_up_on_time, out.followed_up_measured)
    out.days_to_follow_up_median = percentile_of_counts(hist[FOLLOW_UP], ref.MEDIAN)
    out.days_to_follow_up_p90 = percentile_of_counts(hist[FOLLOW_UP], ref.P90)
    out.days_to_completion_median = percentile_of_counts(hist[COMPLETION], ref.MEDIAN)
    out.days_to_completion_p90 = percentile_of_counts(hist[COMPLETION], ref.P90)
    out.re_disposition_share = ref.percent(out.re_dispositions, out.received)
    out.reopened = s["reopened"]
    out.reopen_rate = ref.percent(out.reopened, out.followed_up)
    out.rated, out.appealed = s["rated"], s["appealed"]
    out.appeal_rate = ref.percent(out.appealed, out.rated)
    distribution = {n: s[f"rating_{n}"] for n in range(1, 6)}
    out.satisfaction_distribution = distribution
    out.satisfaction_count = sum(distribution.values())
    total = sum(n * c for n, c in distribution.items())
    out.satisfaction_mean = ref.round_half_up(Fraction(total, out.satisfaction_count), 2) if out.satisfaction_count else None
    out.ombudsman_transferred, out.ombudsman_offered = s["omb_transferred"], s["omb_offered"]


class _Reader:
    """Sums for the scopes under one parent, read with a handful of grouped queries. Every read is
    kept, so that the scopes of one period and filter that need the same rows read them once: a
    national page's headline and its agency table both need every agency's event and overdue rows
    and which agencies are connected and active (see `compute_many`, `shared`)."""

    def __init__(self, period: Period, only_q: Q):
        self.period, self.only_q = period, only_q
        self.when = segments(period)
        self._kept: dict = {}

    def _once(self, key: tuple, read):
        if key not in self._kept:
            self._kept[key] = read()
        return self._kept[key]

    def cohort(self, basis: str, group: str | None, *, durations: bool, days_basis: str = "", **where):
        def read():
            rows = Rollup.objects.filter(self.when.rows, self.only_q, basis=basis, **where)
            if not durations:
                return _sums(rows, group, self.when.minus), _histograms(RollupDays.objects.none(), group)
            days_where = dict(where)
            if basis == NATIONAL:
                # RollupDays has no (basis, grain, day) index: naming the national rows' agency
                # column (a shard number, or 0) lets its key index bound the days too, instead of
                # reading every national histogram row ever written.
                days_where.setdefault("agency_id__in", list(range(NATIONAL_SHARDS)))
            days = RollupDays.objects.filter(self.when.rows, self.only_q, basis=days_basis or basis, **days_where)
            return _sums(rows, group, self.when.minus), _histograms(days, group, self.when.minus)

        return self._once(("cohort", basis, group, durations, days_basis, _hashable(where)), read)

    def events(self, group: str | None, **where):
        def read():
            return _sums(Rollup.objects.filter(self.when.rows, self.only_q, basis=EVENT, **where), group, self.when.minus)

        return self._once(("events", group, _hashable(where)), read)

    def overdue(self, group: str | None, **where):
        def read():
            return _sums(Rollup.objects.filter(self.only_q, basis=OVERDUE, grain=DAY, **where), group)

        return self._once(("overdue", group, _hashable(where)), read)

    def members(self, agency_ids) -> set[int]:
        """The active agencies that handle reports among these (a long list is not sent to the
        database: every such agency is read and the list applied here)."""
        ids = frozenset(agency_ids)

        def read():
            rows = handler_agencies().filter(is_active=True)
            if len(ids) <= MANY_AGENCIES:
                rows = rows.filter(pk__in=sorted(ids))
            return set(rows.values_list("pk", flat=True)) & ids

        return self._once(("members", ids), read)

    def connected(self, agency_ids) -> set[int]:
        ids = frozenset(agency_ids)
        return self._once(("connected", ids), lambda: ref.connected_agencies(set(ids)))

    def active(self, agency_ids, events: dict) -> set[int]:
        """Which of the agencies an official acted for in the period (activity is not narrowed by
        the filter). `events`: the agencies' event sums, read with this reader's filter and
        covering every one of them; without a filter they hold the answer (`acted` only ever
        grows, so a sum above 0 is a row above 0)."""
        ids = frozenset(agency_ids)
        if not self.only_q:
            return {pk for pk in ids if events.get(pk, {}).get("acted", 0) > 0}

        def read():
            rows = Rollup.objects.filter(self.when.rows, basis=EVENT, acted__gt=0)
            if len(ids) <= MANY_AGENCIES:
                rows = rows.filter(agency_id__in=sorted(ids))
            acted = _sums(rows, "agency_id", self.when.minus, sums={"acted": Sum("acted")})
            return {pk for pk in ids if acted.get(pk, {}).get("acted", 0) > 0}

        return self._once(("active", ids), read)


def _hashable(where: dict) -> tuple:
    return tuple((name, tuple(value) if isinstance(value, list | range) else value) for name, value in sorted(where.items()))


def _total(groups: dict, members) -> dict:
    """The members' sums added up; to be read, not changed (one member's are its own row, not a
    copy: an agency table's 600 rows need no adding up)."""
    if len(members) == 1:
        (member,) = members
        if member in groups:
            return groups[member]
    out = dict.fromkeys(COUNTERS, 0)
    for member in members:
        for name, n in groups.get(member, {}).items():
            out[name] += n
    return out


def _total_hist(groups: dict, members) -> dict:
    out = {FOLLOW_UP: defaultdict(int), COMPLETION: defaultdict(int)}
    for member in members:
        found = groups.get(member)
        if not found:
            continue
        for metric in (FOLLOW_UP, COMPLETION):
            for value, n in found[metric].items():
                out[metric][value] += n
    return out


# Above this many agencies a table reads every agency's rows and keeps its own in Python: a long
# IN list costs more to send and plan than the few rows of other agencies cost to skip.
MANY_AGENCIES = 100


def _agency_figures(reader: _Reader, scopes: list[Scope], period: Period, durations: bool) -> list[ref.Indicators]:
    """Province, coordinator and agency scopes: their agencies' rows summed."""
    ids = sorted(set().union(*(s.agency_ids for s in scopes))) if scopes else []
    where = {} if len(ids) > MANY_AGENCIES else {"agency_id__in": ids}
    cohort, hist = reader.cohort(AGENCY_TOTAL, "agency_id", durations=durations, days_basis=AGENCY, **where)
    events = reader.events("agency_id", **where)
    overdue = reader.overdue("agency_id", **where)
    members_all = reader.members(ids)
    connected = reader.connected(members_all)
    active = reader.active(members_all, events)
    out = []
    for scope in scopes:
        figures = ref.Indicators(scope, period)
        events_total = _total(events, scope.agency_ids)
        figures.re_dispositions = events_total["re_dispositions"]
        _fill(figures, _total(cohort, scope.agency_ids), _total_hist(hist, scope.agency_ids), verified=events_total)
        figures.overdue_now = _total(overdue, scope.agency_ids)["overdue"]
        members = members_all & scope.agency_ids
        figures.agencies, figures.connected, figures.active = len(members), len(connected & members), len(active & members)
        figures.connectivity_pct = ref.percent(figures.connected, figures.agencies)
        figures.activity_pct = ref.percent(figures.active, figures.agencies)
        out.append(figures)
    return out


def _tops(unit_ids) -> list[int]:
    """The agencies of these units: rows are keyed by agency first, so a unit's rows are read
    through its agency's part of the index."""
    return sorted({lookups.top_of(pk) for pk in unit_ids})


def _unit_figures(reader: _Reader, scopes: list[Scope], period: Period, durations: bool) -> list[ref.Indicators]:
    ids = sorted(set().union(*(s.agency_ids for s in scopes))) if scopes else []
    tops = _tops(ids)
    cohort, hist = reader.cohort(AGENCY, "unit_id", durations=durations, agency_id__in=tops, unit_id__in=ids)
    overdue = reader.overdue("unit_id", agency_id__in=tops, unit_id__in=ids)
    out = []
    for scope in scopes:
        figures = ref.Indicators(scope, period)
        _fill(figures, _total(cohort, scope.agency_ids), _total_hist(hist, scope.agency_ids), verified=None)
        figures.overdue_now = _total(overdue, scope.agency_ids)["overdue"]
        out.append(figures)
    return out


def _national_figures(reader: _Reader, scope: Scope, period: Period, durations: bool) -> ref.Indicators:
    figures = ref.Indicators(scope, period)
    cohort, hist = reader.cohort(NATIONAL, None, durations=durations)
    # Events and overdue rows per agency, summed here: the same rows a national page's agency
    # table reads, so the two share one query (the sum over every agency is the nation's).
    events = reader.events("agency_id")
    figures.re_dispositions = _total(events, events)["re_dispositions"]
    _fill(figures, cohort[None], hist[None], verified=cohort[None])
    overdue = reader.overdue("agency_id")
    figures.overdue_now = _total(overdue, overdue)["overdue"]
    members = reader.members(scope.agency_ids)
    figures.agencies = len(members)
    figures.connected = len(reader.connected(members))
    figures.active = len(reader.active(members, events))
    figures.connectivity_pct = ref.percent(figures.connected, figures.agencies)
    figures.activity_pct = ref.percent(figures.active, figures.agencies)
    return figures


def compute_many(
    scopes: list[Scope], period: Period, *, durations: bool = True, shared: dict | None = None
) -> list[ref.Indicators]:
    """`indicators.compute` for each scope, from the rollups; scopes of one kind and filter are
    read together (a dashboard table's rows cost the same few queries as one row). Without
    `durations`, the medians and 90th percentiles are left empty (tables that do not show them
    skip the histograms). `shared`: a dict the caller passes to every call of one page, where the
    reads are kept, so that its headline and tables read what they have in common once (the
    figures are of one moment only: do not keep it beyond the page)."""
    out: dict[int, ref.Indicators] = {}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, scope in enumerate(scopes):
        groups[(scope.kind == Scope.NATIONAL, scope.kind == Scope.UNIT, scope.only)].append(index)
    readers = {} if shared is None else shared
    for (national, unit, only), indexes in groups.items():
        if (period, only) not in readers:
            readers[(period, only)] = _Reader(period, _flags(scopes[indexes[0]]))
        reader = readers[(period, only)]
        if national:
            for i in indexes:
                out[i] = _national_figures(reader, scopes[i], period, durations)
        else:
            found = (_unit_figures if unit else _agency_figures)(reader, [scopes[i] for i in indexes], period, durations)
            out.update(zip(indexes, found))
    return [out[i] for i in range(len(scopes))]


def compute(scope: Scope, period: Period, *, shared: dict | None = None) -> ref.Indicators:
    return compute_many([scope], period, shared=shared)[0]


def compute_children(parent: Scope, period: Period, *, by: str = "") -> list[ref.Indicators]:
    return compute_many(ref.child_scopes(parent, by=by), period)


def trend(scope: Scope, period: Period) -> dict[str, tuple[int, int | None]]:
    """Received and follow-up rate per calendar month of the period ("YYYY-MM" -> (received,
    rate)), each month cut to the period: one grouped query instead of one scope per month."""
    if scope.is_national:
        where = Q(basis=NATIONAL)
    elif scope.is_unit:
        where = Q(basis=AGENCY, agency_id__in=_tops(scope.agency_ids), unit_id__in=sorted(scope.agency_ids))
    else:
        where = Q(basis=AGENCY_TOTAL, agency_id__in=sorted(scope.agency_ids))
    when = segments(period)
    sums = {name: Sum(name) for name in ("received", "completed", "in_process")}
    days = _sums(Rollup.objects.filter(when.rows, _flags(scope), where), "day", when.minus, sums=sums)
    months: dict[str, list[int]] = {}
    day, last = date(period.first.year, period.first.month, 1), period.last
    while day <= last:
        months[day.isoformat()[:7]] = [0, 0]
        day = _next_month(day)
    for day, row in days.items():
        totals = months[day.isoformat()[:7]]
        totals[0] += row["received"]
        totals[1] += row["completed"] + row["in_process"]
    return {month: (received, ref.percent(answered, received)) for month, (received, answered) in months.items()}
