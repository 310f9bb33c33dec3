"""Copies of a simulated year, moved into earlier years (bench/generate.py --earlier-years N).

Simulating a report through the app's own workflow costs about half a millisecond of CPU; ten
million of them would take hours on two cores. Ten years of national data are therefore built
from one simulated year: its finished reports (closed, rejected, archived, sent to the
Ombudsman; a report still open a year ago would be an artefact) are copied N times, the k-th copy
moved back by k x 371 days, in SQL (INSERT ... SELECT, two connections at a time).

What keeps every copy exact, so that `manage.py monev_verify` finds no difference:

- 371 days is 53 weeks: every copied moment falls on the same weekday, and copies never overlap
  (the simulated span is 365 days).
- Working days: each copy's days get the simulated year's holidays, moved by the same shift,
  through the app's own HolidayOverride rows (where the packaged Indonesian list differs). A
  copied report's working-day durations and "on time" answers are then the original's.
- Monitoring facts: every date in them is relative to the submitted day, stored first
  (lapor/rollups/facts.py); the copy rewrites that one number.
- Tracking numbers are new random ones (as the app draws them) with the same national shard
  (crc32 % 16) as the original, so each copy's rollup cells are the original's, moved in time:
  the jobs sum the copied reports' day cells apart (lapor.rollups.accumulate.Accumulator `also=`), and each copy
  adds them at its shifted days; its monthly rows are summed from those in SQL.
- Events' due dates (`stage_due_at`, `due`, `due_date` in their compact data: "d", "e", "D") move too.
"""

from __future__ import annotations

import random
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import benchlib  # bench/ is on the path: generate.py imports this module

SHIFT_DAYS = 371
COPIED_STATUSES = ("closed", "rejected", "archived", "ombudsman")
BASE_TABLE = "bench_copy_base"  # the simulated year's finished reports' ids (UNLOGGED, dropped after)
CELLS_TABLE, DAYS_TABLE = "bench_copy_cells", "bench_copy_days"


def copied(report) -> bool:
    return report.status in COPIED_STATUSES and not report.is_overdue


def _connect():
    import psycopg
    from django.db import connection

    conn = psycopg.connect(**benchlib.conninfo_of(connection), autocommit=False)
    with conn.cursor() as c:
        c.execute("SET synchronous_commit = off")
        c.execute("SET work_mem = '256MB'")
    return conn


# --- holidays -------------------------------------------------------------------------------
def move_holidays(first: date, last: date, years: int) -> int:
    """For every copy, make its days' calendar the simulated span's (first..last, local dates),
    moved: HolidayOverride rows wherever the packaged calendar differs. Returns rows written."""
    from lapor.core import workdays
    from lapor.core.models import HolidayOverride

    workdays.reset_calendar()
    cal = workdays.calendar()
    rows = []
    for k in range(1, years + 1):
        shift = timedelta(days=SHIFT_DAYS * k)
        day = first
        while day <= last:
            want = cal.is_working_day(day)
            at = day - shift
            if cal.is_working_day(at) != want:
                name = cal.holiday_name(day) or ""
                rows.append(HolidayOverride(date=at, is_holiday=not want, name=f"bench copy of {day}: {name}"[:200]))
            day += timedelta(days=1)
    HolidayOverride.objects.filter(date__in=[r.date for r in rows]).delete()
    HolidayOverride.objects.bulk_create(rows)
    workdays.reset_calendar()
    return len(rows)


# --- tracking numbers -------------------------------------------------------------------------
def _numbers_by_shard(wanted: dict[int, int], rng: random.Random) -> dict[int, list[str]]:
    """Random tracking numbers (the app's alphabet and length) until each shard has its count."""
    from lapor.rollups.folding import NATIONAL_SHARDS
    from lapor.reports.tokens import ALPHABET, LENGTH

    out: dict[int, list[str]] = {s: [] for s in range(NATIONAL_SHARDS)}
    need = dict(wanted)
    left = sum(need.values())
    bits = 5 * LENGTH
    getrandbits, crc = rng.getrandbits, zlib.crc32
    while left:
        x = getrandbits(bits)
        number = "".join(ALPHABET[(x >> (5 * i)) & 31] for i in range(LENGTH))
        shard = crc(number.encode()) % NATIONAL_SHARDS
        if need.get(shard, 0):
            out[shard].append(number)
            need[shard] -= 1
            left -= 1
    return out


# --- the copy ---------------------------------------------------------------------------------
def _report_select(columns: list[str], k: int, id_offset: int) -> str:
    """The SELECT list copying a report row k shifts back."""
    from lapor.reports.models import Report

    fields = {f.column: f for f in Report._meta.concrete_fields}
    days = SHIFT_DAYS * k
    out = []
    for col in columns:
        f = fields[col]
        kind = f.get_internal_type()
        if col == "id":
            out.append(f"r.id + {k * id_offset}")
        elif col == "tracking_number":
            out.append("m.tracking_number")
        elif col == "duplicate_of_id":
            out.append(f"r.duplicate_of_id + {k * id_offset}")
        elif col == "monitoring_facts":
            out.append(
                f"CASE WHEN r.monitoring_facts = '' THEN '' ELSE '[' || "
                f"(split_part(substr(r.monitoring_facts, 2), ',', 1)::int - {days})::text || "
                f"substr(r.monitoring_facts, strpos(r.monitoring_facts, ',')) END"
            )
        elif kind == "DateTimeField":
            out.append(f"r.{col} - interval '{days} days'")
        elif kind == "DateField":
            out.append(f"r.{col} - {days}")
        else:
            out.append(f"r.{col}")
    return ", ".join(out)


# An event's due dates in its compact data (lapor.reports.eventdata): "d" (stage_due_at) and "e"
# (due) as seconds since the epoch, "D" (due_date) as a date. Moved by rewriting the numbers in the
# text, which keeps it exactly as the app would write the moved event.
_SHIFT_FUNCTIONS = (
    """CREATE FUNCTION pg_temp.shift_seconds(t text, k text, s bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN m IS NULL THEN t ELSE m[1] || (m[2]::bigint - s)::text || m[3] END
      FROM (SELECT regexp_match(t, '^(.*"' || k || '":)(-?\\d+)(.*)$') AS m) x $$""",
    """CREATE FUNCTION pg_temp.shift_date(t text, k text, n integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN m IS NULL THEN t ELSE m[1] || to_char(m[2]::date - n, 'YYYY-MM-DD') || m[3] END
      FROM (SELECT regexp_match(t, '^(.*"' || k || '":")(\\d{4}-\\d\\d-\\d\\d)(".*)$') AS m) x $$""",
)


def _shift_seconds(t: str, key: str, seconds: int) -> str:
    """`t` with the number after `"key":` less `seconds` (an expression without function calls of
    our own: PostgreSQL evaluates it in about 2 µs a row, the functions above in 19)."""
    number = f"substring({t} from '\"{key}\":(-?[0-9]+)')"
    at = f"strpos({t}, '\"{key}\":')"
    return (f"CASE WHEN {number} IS NULL THEN {t} ELSE substr({t}, 1, {at} + 3) || ({number}::bigint - {seconds})::text "
            f"|| substr({t}, {at} + 4 + length({number})) END")


def _shift_date(t: str, key: str, days: int) -> str:
    at = f"strpos({t}, '\"{key}\":\"')"
    return (f"CASE WHEN {at} = 0 THEN {t} ELSE substr({t}, 1, {at} + 4) || "
            f"to_char(substr({t}, {at} + 5, 10)::date - {days}, 'YYYY-MM-DD') || substr({t}, {at} + 15) END")


def _event_data(days: int) -> str:
    """The event's data with its due dates moved. An event has one of them at most (a stage's
    end, the overdue mark, an interim reply's date): that one is moved inline; one that had
    two would go through the functions above, which move every one."""
    seconds = days * 86400
    has = {key: f"(strpos(e.data, '\"{key}\":') > 0)" for key in ("d", "e", "D")}
    every = f"pg_temp.shift_date(pg_temp.shift_seconds(pg_temp.shift_seconds(e.data, 'd', {seconds}), 'e', {seconds}), 'D', {days})"
    return (
        f"CASE WHEN {has['d']}::int + {has['e']}::int + {has['D']}::int > 1 THEN {every} "
        f"WHEN {has['d']} THEN {_shift_seconds('e.data', 'd', seconds)} "
        f"WHEN {has['e']} THEN {_shift_seconds('e.data', 'e', seconds)} "
        f"WHEN {has['D']} THEN {_shift_date('e.data', 'D', days)} ELSE e.data END"
    )


def _copy_one(k: int, numbers: list[tuple[int, str]], report_cols: list[str], event_cols: list[str],
              offsets: tuple[int, int], pages: tuple[int, int]) -> dict:
    conn = _connect()
    id_offset, event_offset = offsets
    days = SHIFT_DAYS * k
    t0 = time.perf_counter()
    with conn, conn.cursor() as c:
        for function in _SHIFT_FUNCTIONS:
            c.execute(function)
        c.execute("CREATE TEMPORARY TABLE copy_map (id bigint PRIMARY KEY, tracking_number varchar(10)) ON COMMIT DROP")
        with c.copy("COPY copy_map (id, tracking_number) FROM STDIN") as cp:
            for pk, number in numbers:
                cp.write_row((pk, number))
        c.execute(
            f"INSERT INTO reports_report ({', '.join(report_cols)}) "
            f"SELECT {_report_select(report_cols, k, id_offset)} FROM reports_report r JOIN copy_map m ON m.id = r.id "
            f"WHERE r.ctid < '({pages[0]},0)'"
        )
        reports = c.rowcount
        select = []
        for col in event_cols:
            if col == "id":
                select.append(f"e.id + {k * event_offset}")
            elif col == "report_id":
                select.append(f"e.report_id + {k * id_offset}")
            elif col == "created_at":
                select.append(f"e.created_at - interval '{days} days'")
            elif col == "data":
                select.append(_event_data(days))
            else:
                select.append(f"e.{col}")
        c.execute(
            f"INSERT INTO reports_reportevent ({', '.join(event_cols)}) SELECT {', '.join(select)} "
            f"FROM reports_reportevent e JOIN copy_map m ON m.id = e.report_id WHERE e.ctid < '({pages[1]},0)'"
        )
        events = c.rowcount
    conn.close()
    return {"k": k, "reports": reports, "events": events, "wall_s": round(time.perf_counter() - t0, 2)}


def copy_reports(years: int, *, workers: int = 2, seed: int = 1) -> dict:
    """Copy the finished reports (with their events; their search text is in the row) into `years` earlier
    years. Run with the load's indexes and keys dropped (bulk mode); returns counts and timings.

    Each copy reads the originals with a TID range scan over the pages the tables had before the
    copies began (rows never move during a load): without it the tenth copy would scan nine
    earlier copies' 55 million events to find the simulated year's 6."""
    from django.db import connection

    from lapor.rollups.folding import NATIONAL_SHARDS

    with connection.cursor() as c:
        c.execute("SELECT coalesce(max(id), 0) FROM reports_report")
        id_offset = c.fetchone()[0]
        c.execute("SELECT coalesce(max(id), 0) FROM reports_reportevent")
        event_offset = c.fetchone()[0]
        c.execute(
            "SELECT id, tracking_number FROM reports_report WHERE status = ANY(%s) AND NOT is_overdue AND id <= %s "
            "ORDER BY id",
            [list(COPIED_STATUSES), id_offset],
        )
        base = c.fetchall()
        c.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'reports_report' ORDER BY ordinal_position")
        report_cols = [r[0] for r in c.fetchall()]
        c.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'reports_reportevent' ORDER BY ordinal_position"
        )
        event_cols = [r[0] for r in c.fetchall()]
        pages = []
        for table in ("reports_report", "reports_reportevent"):
            c.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int + 1", [table])
            pages.append(c.fetchone()[0])
        c.execute(
            "SELECT coalesce(max(id), 0) FROM reports_reportevent WHERE report_id IN (SELECT id FROM reports_report "
            "WHERE status = ANY(%s) AND NOT is_overdue AND id <= %s)", [list(COPIED_STATUSES), id_offset],
        )
        last_copied_event = c.fetchone()[0]
    shards = [zlib.crc32(number.encode()) % NATIONAL_SHARDS for _, number in base]
    wanted: dict[int, int] = {}
    for s in shards:
        wanted[s] = wanted.get(s, 0) + 1
    rng = random.Random(seed * 7919)
    t0 = time.perf_counter()
    python_s = 0.0

    def numbers_for_copy():
        pool = _numbers_by_shard(wanted, rng)
        return [(pk, pool[s].pop()) for (pk, _), s in zip(base, shards)]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = []
        for k in range(1, years + 1):
            p0 = time.perf_counter()
            numbers = numbers_for_copy()
            python_s += time.perf_counter() - p0
            futures.append(pool.submit(_copy_one, k, numbers, report_cols, event_cols, (id_offset, event_offset), tuple(pages)))
        results = [f.result() for f in futures]
    with connection.cursor() as c:  # the last copy's largest ids (max(id) would scan the tables: no keys now)
        for table, last in (("reports_report", base[-1][0] + years * id_offset if base else id_offset),
                            ("reports_reportevent", max(event_offset, last_copied_event + years * event_offset))):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [max(last, 1)])
    return {
        "years": years,
        "copied_per_year": len(base),
        "reports": sum(r["reports"] for r in results),
        "events": sum(r["events"] for r in results),
        "wall_s": round(time.perf_counter() - t0, 2),
        "tracking_numbers_s": round(python_s, 2),
        "per_copy": results,
    }


def copy_day_tables(cursor, totals) -> None:
    """The copied reports' day cells (summed by the jobs apart; `totals` an Accumulator) COPYed
    into the temporary tables CELLS_TABLE and DAYS_TABLE (dropped at commit): basis, day, agency,
    unit, priority, Ombudsman, then the counters, or the duration's metric, days and count."""
    from lapor.rollups import cells, writing

    counters = writing.COUNTERS
    key = "basis char(1), day date, agency_id integer, unit_id integer, priority boolean, ombudsman boolean"

    def day_key(k):
        return (k[0], date.fromisoformat(k[2]), k[3], k[4], bool(k[5]), bool(k[6]))

    cursor.execute(f"CREATE TEMPORARY TABLE {CELLS_TABLE} ({key}, {', '.join(f'{n} integer' for n in counters)}) ON COMMIT DROP")
    with cursor.cursor.copy(f"COPY {CELLS_TABLE} FROM STDIN") as cp:
        for k, counts in totals.cells.items():
            if k[1] == cells.DAY and k[0] != cells.OVERDUE:
                cp.write_row((*day_key(k), *(counts.get(n, 0) for n in counters)))
    cursor.execute(f"CREATE TEMPORARY TABLE {DAYS_TABLE} ({key}, metric char(1), days integer, n integer) ON COMMIT DROP")
    with cursor.cursor.copy(f"COPY {DAYS_TABLE} FROM STDIN") as cp:
        for k, n in totals.days.items():
            if k[1] == cells.DAY and n:
                cp.write_row((*day_key(k), k[7], k[8], n))


def copy_cells(totals, years: int) -> int:
    """Each copy's rollup cells added to what the tables hold: the copied reports' day cells at
    the shifted days, and their monthly rows summed from those. Returns rows written (an empty
    database gets them faster from bulkload.write_rollups)."""
    from django.db import connection, transaction

    from lapor.rollups import writing
    from lapor.rollups.cells import HOT_SPOT

    counters = writing.COUNTERS
    key = writing.KEY_COLUMNS
    written = 0
    with transaction.atomic(), connection.cursor() as c:
        copy_day_tables(c, totals)
        rest = "agency_id, unit_id, priority, ombudsman"
        sums = ", ".join(f"sum({n})" for n in counters)
        cols = ", ".join(counters)
        for k in range(1, years + 1):
            shift = SHIFT_DAYS * k
            month = f"date_trunc('month', day - {shift})::date"
            for select in (  # the day rows, then the monthly rows summed from them (the hot spots' apart)
                f"SELECT basis, 'D', day - {shift}, {rest}, {cols} FROM {CELLS_TABLE} WHERE basis <> '{HOT_SPOT}'",
                f"SELECT basis, 'M', {month}, {rest}, {sums} FROM {CELLS_TABLE} WHERE basis <> '{HOT_SPOT}' "
                f"GROUP BY basis, {month}, {rest}",
            ):
                c.execute(
                    f"INSERT INTO monev_rollup ({', '.join(key)}, {cols}) {select} "
                    f"ON CONFLICT {writing.CONFLICT} DO UPDATE SET "
                    + ", ".join(f"{n} = monev_rollup.{n} + excluded.{n}" for n in counters)
                )
                written += c.rowcount
            for select in (  # the hot spots' cells: their own table (ADR 0031)
                f"SELECT 'D', day - {shift}, agency_id, unit_id, received FROM {CELLS_TABLE} WHERE basis = '{HOT_SPOT}'",
                f"SELECT 'M', {month}, agency_id, unit_id, sum(received) FROM {CELLS_TABLE} WHERE basis = '{HOT_SPOT}' "
                f"GROUP BY {month}, agency_id, unit_id",
            ):
                c.execute(
                    f"INSERT INTO {writing.HOT_TABLE} ({', '.join(writing.HOT_COLUMNS)}) {select} "
                    f"ON CONFLICT {writing.HOT_CONFLICT} DO UPDATE SET n = {writing.HOT_TABLE}.n + excluded.n"
                )
                written += c.rowcount
            for select in (
                f"SELECT basis, 'D', day - {shift}, {rest}, metric, days, n FROM {DAYS_TABLE}",
                (
                    f"SELECT basis, 'M', {month}, {rest}, metric, days, sum(n) FROM {DAYS_TABLE} "
                    f"GROUP BY basis, {month}, {rest}, metric, days"
                ),
            ):
                c.execute(
                    f"INSERT INTO monev_rollupdays ({', '.join(key)}, metric, days, n) {select} "
                    f"ON CONFLICT {writing.DAYS_CONFLICT} DO UPDATE SET n = monev_rollupdays.n + excluded.n"
                )
                written += c.rowcount
    return written


def simulated_span(now: datetime) -> tuple[date, date]:
    """The local days the simulation's moments can fall on (submissions in the last 365 days, in
    any Indonesian time zone), with a day's margin each side."""
    return (now - timedelta(days=365, hours=24)).date(), (now + timedelta(hours=33)).date()
