"""Writing cells: the statements that add a delta to the stored rows (UPSERT increments, so
concurrent transitions of different reports commute), and bulk loads through COPY."""

from __future__ import annotations

from datetime import date

from django.db import connection

from .cells import AGENCY, AGENCY_TOTAL, COMPLETION, DAY, EVENT, FOLLOW_UP, HOT_SPOT, MONTH, NATIONAL, OVERDUE
from .models import HotSpotCell, Rollup, RollupDays

COUNTERS = Rollup.COUNTERS
TABLE, DAYS_TABLE, HOT_TABLE = Rollup._meta.db_table, RollupDays._meta.db_table, HotSpotCell._meta.db_table
KEY_COLUMNS = ("basis", "grain", "day", "agency_id", "unit_id", "priority", "ombudsman")
DAYS_COLUMNS = (*KEY_COLUMNS, "metric", "days", "n")
# The primary keys' column order, which ON CONFLICT names.
CONFLICT = "(basis, grain, agency_id, day, unit_id, priority, ombudsman)"
DAYS_CONFLICT = "(basis, grain, agency_id, day, unit_id, priority, ombudsman, metric, days)"
# The hot spots' cells (basis H in memory) have their own narrow table (ADR 0031).
HOT_COLUMNS = ("grain", "day", "category_id", "area", "n")
HOT_CONFLICT = "(grain, day, category_id, area)"

_CODES = frozenset({NATIONAL, AGENCY, AGENCY_TOTAL, EVENT, OVERDUE, HOT_SPOT, DAY, MONTH, FOLLOW_UP, COMPLETION})


def sql_key(key: tuple) -> tuple:
    """A cell's key as its columns hold it (the day a date, the flags booleans)."""
    basis, grain, day, agency_id, unit_id, priority, ombudsman = key
    return (basis, grain, date.fromisoformat(day), agency_id, unit_id, bool(priority), bool(ombudsman))


def cell_rows(cells, counters=COUNTERS):
    """(key columns..., counters...) per cell, for COPY or VALUES."""
    return ((*sql_key(key), *(counts.get(name, 0) for name in counters)) for key, counts in cells)


def hot_rows(cells):
    """(grain, day, category, area, n) per hot-spot cell (a `Cell` of basis H)."""
    return ((key[1], date.fromisoformat(key[2]), key[3], key[4], counts.get("received", 0)) for key, counts in cells)


def split(cells: dict) -> tuple[dict, dict]:
    """The cells stored in `monev_rollup`, and the hot spots' cells (their own table)."""
    wide, hot = {}, {}
    for key, counts in cells.items():
        (hot if key[0] == HOT_SPOT else wide)[key] = counts
    return wide, hot


def days_rows(days):
    """(key columns..., metric, days, n) per duration cell."""
    n_key = len(KEY_COLUMNS)
    return ((*sql_key(key[:n_key]), *key[n_key:], n) for key, n in days)


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


def cells_sql(cells: dict) -> str:
    """One statement for a transition's cells, naming only the counters that change (a
    transition moves two to six of the 21)."""
    changed = [name for name in COUNTERS if any(name in counts for counts in cells.values())]
    columns = (*KEY_COLUMNS, *changed)
    updates = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in changed)
    return (
        f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES {_values(cell_rows(cells.items(), changed))} "
        f"ON CONFLICT {CONFLICT} DO UPDATE SET {updates}"
    )


def hot_sql(hot: dict) -> str:
    return (
        f"INSERT INTO {HOT_TABLE} ({', '.join(HOT_COLUMNS)}) VALUES {_values(hot_rows(hot.items()))} "
        f"ON CONFLICT {HOT_CONFLICT} DO UPDATE SET n = {HOT_TABLE}.n + excluded.n"
    )


def days_sql(days: dict) -> str:
    return (
        f"INSERT INTO {DAYS_TABLE} ({', '.join(DAYS_COLUMNS)}) VALUES {_values(days_rows(days.items()))} "
        f"ON CONFLICT {DAYS_CONFLICT} DO UPDATE SET n = {DAYS_TABLE}.n + excluded.n"
    )


def statements(cells: dict, days: dict) -> list[str]:
    """The statements adding these cells and durations (none when nothing changes)."""
    wide, hot = split(cells)
    return ([cells_sql(wide)] if wide else []) + ([hot_sql(hot)] if hot else []) + ([days_sql(days)] if days else [])


def leading(sql: list[str]) -> str:
    """Parameter-free statements as data-modifying WITHs, to lead another statement (PostgreSQL
    runs them all, once, in the statement's round trip)."""
    return "WITH " + ", ".join(f"rollup_{i} AS ({s})" for i, s in enumerate(sql)) + " "


def execute(sql: list[str]) -> None:
    """Run these statements now: PostgreSQL in one round trip, other databases one by one."""
    if not sql:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(leading(sql[:-1]) + sql[-1] if len(sql) > 1 else sql[0])
        else:
            for statement in sql:
                cursor.execute(statement)


def add(cells: dict, days: dict) -> None:
    """Add cells and durations to the stored rows (a refresh, a batch)."""
    execute(statements(cells, days))


def copy_add(cells, days) -> None:
    """PostgreSQL, many cells (a rebuild, a bulk load): the rows COPYed into temporary tables and
    added with one INSERT ... SELECT ... ON CONFLICT per table (a million cells in seconds rather
    than minutes). `cells`: (key, counts) pairs; `days`: (key, n) pairs. Inside the caller's
    transaction."""
    cells = list(cells)
    wide = [(key, counts) for key, counts in cells if key[0] != HOT_SPOT]
    hot = [(key, counts) for key, counts in cells if key[0] == HOT_SPOT]
    _copy_upsert(TABLE, (*KEY_COLUMNS, *COUNTERS), CONFLICT, cell_rows(wide),
                 ", ".join(f"{c} = {{t}}.{c} + excluded.{c}" for c in COUNTERS))
    _copy_upsert(HOT_TABLE, HOT_COLUMNS, HOT_CONFLICT, hot_rows(hot), "n = {t}.n + excluded.n")
    _copy_upsert(DAYS_TABLE, DAYS_COLUMNS, DAYS_CONFLICT, days_rows(days), "n = {t}.n + excluded.n")


def _copy_upsert(table: str, columns: tuple, conflict: str, rows, updates: str) -> None:
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
