"""Bulk-load mode of bench/generate.py: what PostgreSQL's "Populating a Database" advises.

Before a big load everything on the loaded tables but their columns and CHECK constraints is
dropped (primary keys, foreign keys and other tables' foreign keys to them, unique constraints,
secondary indexes, the full-text GIN index) and their autovacuum turned off; afterwards it is
built again. Their DDL waits in the table bench_generate_pending_ddl until it has run, so the next run
finishes what an interrupted one left.

On two cores the rebuild is scheduled around its one long, single-threaded statement, the GIN
index over the reports' text (260 s alone at ten million reports, nearly twice that beside the rest). Everything else goes beside
it without waiting on its lock:

- lane 1: the GIN index, then the reports' foreign keys' validation (which conflicts with any
  index build on the reports);
- lane 2: every b-tree, unique constraints as unique indexes (CREATE INDEX's SHARE lock admits
  other index builds on the same table), the events' foreign keys' validation and the events'
  primary key. Its backends run at a lower CPU priority than lane 1's (their parallel workers,
  forked by the postmaster, do not: measured at ten million, the load took longer without them);
- foreign keys are added NOT VALID first (instant: nothing writes the tables then) and validated
  in the lanes (VALIDATE CONSTRAINT takes only a SHARE UPDATE EXCLUSIVE lock on its table and ROW
  SHARE on the referenced one); unique indexes are attached as constraints at the end.

`write_rollups` fills empty rollup tables without their keys, then builds the keys
(generate.py runs it beside the rebuild, at lane 2's priority).
"""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import benchlib
import earlier_years as copies

LOAD_TABLES = ("reports_report", "reports_reportevent")
PENDING_TABLE = "bench_generate_pending_ddl"  # the DDL to restore, kept in the database until restored
BESIDE_NICENESS = 10  # lane 2's and the rollup writer's processes: behind the GIN build for the CPU

_UNIQUE = re.compile(r'^ALTER TABLE (\w+) ADD CONSTRAINT "([^"]+)" UNIQUE (\(.*\))$')
_FOREIGN_KEY = re.compile(r'^ALTER TABLE (\w+) ADD CONSTRAINT "([^"]+)" FOREIGN KEY')
_INDEX = re.compile(r"^CREATE (?:UNIQUE )?INDEX (\S+) ON (?:ONLY )?(?:public\.)?(\w+)")

RENUMBERED: list[int] = []  # reports given a new tracking number by the rebuild (their cells move)


def lower_priority(pid: int | None = None) -> None:
    """Let the kernel prefer other work over this process or thread (a backend's pid, or the
    calling thread). Without the right (another user's process, not root) nothing changes."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid if pid is not None else threading.get_native_id(), BESIDE_NICENESS)
    except (PermissionError, ProcessLookupError):
        pass


def secondary_ddl(cursor) -> list[tuple[str, str, str]]:
    """(kind, drop statement, create statement) of everything on the loaded tables but their
    columns and CHECK constraints, in the order to drop them: other tables' foreign keys to them
    ("referencing"), their own foreign keys, unique constraints, secondary indexes (the full-text
    GIN index included), primary keys."""
    tables = list(LOAD_TABLES)
    out = []
    cursor.execute(
        "SELECT c.contype, t.relname, c.conname, pg_get_constraintdef(c.oid), c.conrelid <> ALL(%s::regclass[]) "
        "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE (t.relname = ANY(%s) AND c.contype IN ('f', 'u')) OR (c.contype = 'f' AND c.confrelid = ANY(%s::regclass[])) "
        "ORDER BY c.conrelid <> ALL(%s::regclass[]) DESC, c.contype, t.relname, c.conname",
        [tables, tables, tables, tables],
    )
    for contype, table, name, definition, other in cursor.fetchall():
        kind = "unique" if contype == "u" else ("referencing" if other else "foreign key")
        out.append((kind, f'ALTER TABLE {table} DROP CONSTRAINT "{name}"', f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s) AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid) "
        "ORDER BY t.relname, i.relname",
        [tables],
    )
    for name, definition in cursor.fetchall():
        out.append(("index", f'DROP INDEX "{name}"', definition))
    cursor.execute(
        "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE t.relname = ANY(%s) AND c.contype = 'p' ORDER BY t.relname", [tables],
    )
    for table, name, definition in cursor.fetchall():
        out.append(("primary key", f'ALTER TABLE {table} DROP CONSTRAINT "{name}"', f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    return out


def drop_secondary(cursor) -> list[tuple[str, str, str]]:
    """Drop everything on the loaded tables but their columns (secondary_ddl), remembering the
    DDL in a table of the database (so that an interrupted load can restore them:
    restore_secondary at the next run); autovacuum off for the tables during the load. Even the
    primary keys go: the load appends rows with ids drawn from the sequences, and keeping an
    index up to date row by row costs more than building it once (a load on two connections
    at once also leaves its pages half full)."""
    restore_secondary(cursor)  # what an interrupted earlier run left
    ddl = secondary_ddl(cursor)
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (seq int PRIMARY KEY, kind text, ddl text)")
    cursor.execute(f"DELETE FROM {PENDING_TABLE}")
    for i, (kind, _, create) in enumerate(ddl):
        cursor.execute(f"INSERT INTO {PENDING_TABLE} VALUES (%s, %s, %s)", [i, kind, create])
    for table in LOAD_TABLES:
        cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    for _, drop, _ in ddl:
        cursor.execute(drop)
    return ddl


def dedupe_tracking_numbers(cursor) -> int:
    """Jobs draw tracking numbers independently (50 random bits each, as the app does); without
    the unique index during the load two may collide (p ~ n^2 / 2^51: about 4 % at ten million).
    Give the later one a new number, as the app's retry would."""
    from lapor.reports.tokens import new_tracking_number

    cursor.execute(
        "SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY tracking_number ORDER BY id) AS k "
        "FROM reports_report WHERE tracking_number IN (SELECT tracking_number FROM reports_report "
        "GROUP BY tracking_number HAVING count(*) > 1)) d WHERE k > 1"
    )
    ids = [row[0] for row in cursor.fetchall()]
    RENUMBERED.extend(ids)  # their monitoring facts carry the old number's shard: refreshed later
    for pk in ids:
        while True:
            number = new_tracking_number()
            cursor.execute("SELECT 1 FROM reports_report WHERE tracking_number = %s", [number])
            if not cursor.fetchone():
                break
        cursor.execute("UPDATE reports_report SET tracking_number = %s WHERE id = %s", [number, pk])
    return len(ids)


def _table_of(index_ddl: str) -> str:
    return _INDEX.match(index_ddl).group(2)


def restore_secondary(cursor, *, workers: int = 2, maintenance_work_mem: str = "1GB", timings: dict | None = None) -> int:
    """Re-create what drop_secondary dropped: the reports' primary key first (the foreign keys
    to it need it), the foreign keys NOT VALID, then two lanes of connections (module docstring;
    one lane when `workers` is 1), then the unique indexes attached as constraints and the other
    tables' foreign keys. Objects that exist already (an interrupted run's) are not made again.
    Autovacuum back on. Returns how many statements of the pending DDL there were."""
    import psycopg
    from django.db import connection

    cursor.execute("SELECT to_regclass(%s)", [PENDING_TABLE])
    if cursor.fetchone()[0] is None:
        return 0
    cursor.execute(f"SELECT kind, ddl FROM {PENDING_TABLE} ORDER BY seq")
    pending = cursor.fetchall()
    timings = timings if timings is not None else {}
    cursor.execute("SELECT conname, convalidated FROM pg_constraint WHERE conrelid IN (SELECT oid FROM pg_class WHERE relkind = 'r')")
    constraints = dict(cursor.fetchall())
    cursor.execute(
        "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = ANY(%s)", [list(LOAD_TABLES)],
    )
    indexes = {row[0] for row in cursor.fetchall()}
    conninfo = benchlib.conninfo_of(connection)
    failed: list[str] = []  # unique indexes refused by duplicates (tracking numbers: deduplicated, built again)

    def run(ddl, *, beside=False):
        t0 = time.perf_counter()
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            if beside:
                lower_priority(conn.info.backend_pid)
            conn.execute(f"SET maintenance_work_mem = '{maintenance_work_mem}'")
            conn.execute("SET work_mem = '1GB'")  # a foreign key's validation is one anti-join over the whole table
            conn.execute("SET synchronous_commit = off")
            try:
                conn.execute(ddl)
            except psycopg.errors.UniqueViolation:
                if "CREATE UNIQUE INDEX" not in ddl:
                    raise
                failed.append(ddl)
        timings[ddl] = round(time.perf_counter() - t0, 2)

    gin, btrees, validations, attach, referencing, primary = [], [], {}, [], [], {}
    for kind, ddl in pending:
        if kind == "index":
            if _INDEX.match(ddl).group(1).strip('"') not in indexes:
                (gin if " USING gin " in ddl else btrees).append(ddl)
            continue
        table, name = re.match(r'ALTER TABLE (\w+) ADD CONSTRAINT "([^"]+)"', ddl).groups()
        if kind == "primary key":
            if name not in constraints:
                primary[table] = ddl
        elif kind == "unique":
            if name in constraints:
                continue
            if name not in indexes:
                btrees.append(f'CREATE UNIQUE INDEX "{name}" ON {table} {_UNIQUE.match(ddl).group(3)}')
            attach.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"')
        elif kind == "referencing":
            if name not in constraints:
                referencing.append(ddl)
        elif not constraints.get(name, False):
            validations.setdefault(table, []).append((ddl, name in constraints))
    reports, events = LOAD_TABLES
    if reports in primary:
        run(primary.pop(reports))
    for vs in validations.values():
        for ddl, exists in vs:
            if not exists:
                cursor.execute(ddl + " NOT VALID")
    validate = {table: [f'ALTER TABLE {table} VALIDATE CONSTRAINT "{_FOREIGN_KEY.match(d).group(2)}"' for d, _ in vs]
                for table, vs in validations.items()}
    # events first on lane 2: their builds are the biggest after the GIN index, and their foreign
    # keys' validation needs no lock the GIN build holds (VALIDATE takes ROW SHARE on the reports)
    lane_1 = [*gin, *validate.get(reports, [])]
    lane_2 = [*primary.values(), *(d for d in btrees if _table_of(d) == events), *validate.get(events, []),
              *(d for d in btrees if _table_of(d) != events)]

    def lane(statements, beside):
        for ddl in statements:
            run(ddl, beside=beside)

    if workers > 1:
        with ThreadPoolExecutor(2) as pool:
            for future in [pool.submit(lane, lane_1, False), pool.submit(lane, lane_2, True)]:
                future.result()
    else:
        lane(lane_1 + lane_2, False)
    if failed:
        timings["deduplicated tracking numbers"] = dedupe_tracking_numbers(cursor)
        for ddl in failed:
            run(ddl)
    for ddl in [*attach, *referencing]:
        cursor.execute(ddl)
    for table in LOAD_TABLES:
        cursor.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled)")
    cursor.execute(f"DROP TABLE {PENDING_TABLE}")
    return len(pending)


# --- rollups ---------------------------------------------------------------------------------
def _create_temp(cursor, name: str, columns: list[tuple[str, str]], rows) -> None:
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)}) ON COMMIT DROP")
    with cursor.cursor.copy(f"COPY {name} FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def write_rollups(total, copied, years: int, shift_days: int, timings: dict | None = None) -> int | None:
    """Write the load's rollup cells into EMPTY rollup tables (PostgreSQL): `total` holds the
    simulated reports' cells (an Accumulator), `copied` the day cells of those copied into each
    of `years` earlier years, `shift_days` apart (earlier_years.py). In one transaction: the keys
    and indexes dropped, each table filled by INSERT ... SELECT (day rows as they are: the
    copies never overlap each other or the simulated span; monthly rows summed over everything
    that falls in the month), then the keys built again (which also proves the day rows unique).
    Returns rows written, or None (nothing done) when a table already holds rows: the caller
    then adds to them (Accumulator.write and earlier_years.copy_cells). `timings` receives each
    step's wall seconds."""
    from django.db import connection, transaction

    from lapor.rollups import writing
    from lapor.rollups.cells import HOT_SPOT

    counters = list(writing.COUNTERS)
    rest = "agency_id, unit_id, priority, ombudsman"
    key_types = [("basis", "char(1)"), ("grain", "char(1)"), ("day", "date"), ("agency_id", "integer"),
                 ("unit_id", "integer"), ("priority", "boolean"), ("ombudsman", "boolean")]
    day_types = [("metric", "char(1)"), ("days", "integer"), ("n", "integer")]
    written = 0
    timings = timings if timings is not None else {}
    clock = [time.perf_counter()]

    def step(name):
        now = time.perf_counter()
        timings[name] = round(timings.get(name, 0) + now - clock[0], 2)
        clock[0] = now

    with transaction.atomic(), connection.cursor() as c:
        c.execute("LOCK TABLE monev_rollup, monev_rollupdays, rollups_hotspot IN ACCESS EXCLUSIVE MODE")
        c.execute("SELECT EXISTS (SELECT 1 FROM monev_rollup) OR EXISTS (SELECT 1 FROM monev_rollupdays) "
                  "OR EXISTS (SELECT 1 FROM rollups_hotspot)")
        if c.fetchone()[0]:
            return None
        # in memory: the days' key sorts 21 million rows, the monthly sums hash 7 million groups (ten million reports)
        c.execute("SET LOCAL maintenance_work_mem = '4GB'")
        c.execute("SET LOCAL work_mem = '2GB'")
        c.execute("SET LOCAL synchronous_commit = off")
        keys = []  # (drop, create) of each table's primary key and indexes
        for table in ("monev_rollup", "monev_rollupdays", "rollups_hotspot"):
            c.execute(
                "SELECT i.relname, x.indisprimary, pg_get_indexdef(i.oid), "
                "(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.conindid = i.oid AND k.contype = 'p') "
                "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass", [table],
            )
            for name, primary, index_def, constraint_def in c.fetchall():
                if primary:
                    keys.append((f'ALTER TABLE {table} DROP CONSTRAINT "{name}"',
                                 f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {constraint_def}'))
                else:
                    keys.append((f'DROP INDEX "{name}"', index_def))
        for drop, _ in keys:
            c.execute(drop)
        step("lock and drop keys")

        cells = ((*writing.sql_key(k), *(counts.get(n, 0) for n in counters))
                 for k, counts in total.cells.items() if any(counts.values()))
        _create_temp(c, "load_cells", [*key_types, *((n, "integer") for n in counters)], cells)
        _create_temp(c, "load_days", [*key_types, *day_types],
                     ((*writing.sql_key(k[:7]), *k[7:], n) for k, n in total.days.items() if n))
        copies.copy_day_tables(c, copied)
        step("COPY the cells into temporary tables")

        for table, source, copy_source, values, sums in (
            ("monev_rollup", "load_cells", copies.CELLS_TABLE, ", ".join(counters), ", ".join(f"sum({n})" for n in counters)),
            ("monev_rollupdays", "load_days", copies.DAYS_TABLE, "metric, days, n", "metric, days, sum(n)"),
        ):
            extra = "" if table == "monev_rollup" else ", metric, days"
            # the hot spots' cells go to their own table (below, ADR 0031)
            wide = f" AND basis <> '{HOT_SPOT}'" if table == "monev_rollup" else ""
            columns = f"basis, grain, day, {rest}, {values}"
            c.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {source} WHERE grain = 'D'{wide}")
            written += c.rowcount
            step(f"{table}: simulated day rows")
            for k in range(1, years + 1):  # each copy's day rows together (as the dashboards read a year)
                c.execute(f"INSERT INTO {table} ({columns}) SELECT basis, 'D', day - {shift_days * k}, {rest}, {values} "
                          f"FROM {copy_source} WHERE TRUE{wide}")
                written += c.rowcount
            step(f"{table}: copies' day rows")
            month = "date_trunc('month', day - s.shift)::date"
            c.execute(
                f"INSERT INTO {table} ({columns}) SELECT basis, 'M', day, {rest}, {sums} FROM ("
                f"SELECT basis, day, {rest}, {values} FROM {source} WHERE grain = 'M'{wide} UNION ALL "
                f"SELECT basis, {month}, {rest}, {values} FROM {copy_source}, "
                f"(SELECT {shift_days} * k AS shift FROM generate_series(1, {years}) k) s WHERE TRUE{wide}) m "
                f"GROUP BY basis, day, {rest}{extra}"
            )
            written += c.rowcount
            step(f"{table}: monthly rows")
        hot = "INSERT INTO rollups_hotspot (grain, day, category_id, area, n) "
        is_hot = f"basis = '{HOT_SPOT}'"
        c.execute(hot + f"SELECT 'D', day, agency_id, unit_id, received FROM load_cells WHERE grain = 'D' AND {is_hot}")
        written += c.rowcount
        for k in range(1, years + 1):
            c.execute(hot + f"SELECT 'D', day - {shift_days * k}, agency_id, unit_id, received "
                            f"FROM {copies.CELLS_TABLE} WHERE {is_hot}")
            written += c.rowcount
        c.execute(
            hot + "SELECT 'M', day, agency_id, unit_id, sum(received) FROM ("
            f"SELECT day, agency_id, unit_id, received FROM load_cells WHERE grain = 'M' AND {is_hot} UNION ALL "
            f"SELECT {month}, agency_id, unit_id, received FROM {copies.CELLS_TABLE}, "
            f"(SELECT {shift_days} * k AS shift FROM generate_series(1, {years}) k) s WHERE {is_hot}) m "
            "GROUP BY day, agency_id, unit_id"
        )
        written += c.rowcount
        step("rollups_hotspot: day and monthly rows")
        for _, create in keys:
            c.execute(create)
            step(create)
    return written
