#!/usr/bin/env python
"""Load N realistic reports with their full event history, fast.

    .venv/bin/python bench/generate.py --reports 100000 [--database-url postgres://postgres@127.0.0.1:5432/lapor_bench]

Each report is submitted at a random moment of the last 365 days (weekday/office-hour weighted)
and then lives its life through the app's own transition (lapor/reports/transition.py: the table
lapor/reports/workflow.TABLE, the effects lapor/reports/effects.EFFECTS, deadlines from
lapor/reports/deadlines): the desk disposes, asks for information or rejects, agencies forward or
say "not our authority", units respond, post interim replies and follow-ups, reporters reply, rate
and appeal; and the SLA sweep's moves (mark_overdue, escalate, offer_ombudsman, auto_close) happen
when the sweep's step table (lapor/reports/sweep.py) says they are due, up to now. So statuses,
due times, counters and milestones are what the app would have written, and every event sequence
is legal (seq 1..version).

Three files: bench/simulation.py (the world and the simulation), bench/copyrows.py (rows in COPY's
text format, or bulk_create on SQLite), and this one (the command, the jobs, timings, the rollups,
bulk mode through bench/bulkload.py and the earlier years through bench/earlier_years.py).

PostgreSQL: rows are written with COPY (psycopg 3 `cursor.copy`, rows formatted here in COPY's text
format), ids reserved from the tables' sequences, in batches (one transaction each,
synchronous_commit off), by --jobs processes. A big load (--bulk; by default when --reports >= 50,000
and >= the reports already there) first drops everything on the two loaded tables but their columns
(primary keys, foreign keys, other tables' foreign keys to them, unique constraints, secondary
indexes, the full-text GIN index) and turns their autovacuum off; afterwards bench/bulkload.py
builds them again in two lanes beside the rollup write, timed as part of the wall time; then
ANALYZE. The DDL waits in the table bench_generate_pending_ddl until it has run, so an interrupted
load's indexes are restored by the next run. SQLite (no DATABASE_URL):
bulk_create. Reference data: `manage.py load_reference` when the project has it, else a minimal
slice created here. Officials' positions (and their users, with unusable passwords) and a pool of
citizen accounts are created for the agencies used.

Texts come from templates in bench/benchlib.py. With --corpus PATH (e.g.
/work/shared/data/complaints/surabaya_2022.csv) descriptions are read from that file at run time
(its rows are never copied into the repository).

Prints reports/s and events/s, table sizes (pg_total_relation_size), the machine; saves
bench/results/generate-<date>.json and .md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

benchlib.use_venv()

import bulkload  # noqa: E402  (after the venv is on the path)
import earlier_years as copies  # noqa: E402
from copyrows import write_batch_orm, write_batch_pg  # noqa: E402
from simulation import Simulator, World, use_memory_lookups  # noqa: E402


def _proc_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) of a process of this machine (a PostgreSQL backend), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


_CTX: dict = {}  # set before forking: the world and settings shared by the jobs


def monitoring_cells():
    from lapor.rollups.accumulate import Accumulator

    return Accumulator()


def _copied(r) -> bool:
    return copies.copied(r)


def _rollup_event(e):
    """A simulated event as the rollups' fold reads it (ids of the acting position and agency)."""
    from lapor.rollups.accumulate import EventView

    pos, agency = e.actor_position, e.actor_agency
    return EventView(e.action, e.data, e.created_at, pos.pk if pos is not None else None, agency.pk if agency is not None else None)


def run_chunk(args) -> dict:
    """Simulate and write `count` reports in batches; returns counts and timings."""
    count, seed = args
    world, batch, now, corpus, is_pg = (_CTX[k] for k in ("world", "batch", "now", "corpus", "is_pg"))
    from django.db import IntegrityError, connections
    from django.utils import translation

    connections.close_all()
    if is_pg:
        from django.db import connection

        with connection.cursor() as c:  # the load is durable once the run ends (every commit flushed then)
            c.execute("SET synchronous_commit = off")
    rng = random.Random(seed)
    sim = Simulator(world, rng, now, corpus)
    n_reports = n_events = 0
    t_sim = t_write = cpu_sim = cpu_write = cpu_rollups = 0.0
    statuses: dict[str, int] = {}
    done = 0
    totals = monitoring_cells() if _CTX.get("rollups") else None
    # the cells of the reports that bench/generate.py copies into earlier years (--earlier-years)
    copied = monitoring_cells() if _CTX.get("rollups") and _CTX.get("earlier_years") else None
    while done < count:
        size = min(batch, count - done)
        c0 = time.process_time()
        t0 = time.perf_counter()
        reports, events, lives = [], [], []
        # Untranslated: the effects word their refusals (and the labels they pass along) eagerly,
        # and the simulation only drops the refused moves; nothing translated goes into a row.
        with translation.override(None):
            for _ in range(size):
                r, evs = sim.live()
                reports.append(r)
                events.extend(evs)
                lives.append((r, evs))
                statuses[r.status] = statuses.get(r.status, 0) + 1
        t1 = time.perf_counter()
        c1 = time.process_time()
        for attempt in range(3):
            cells = None
            if totals is not None:  # each report's monitoring facts, and its rollup cells
                r0 = time.process_time()
                cells = monitoring_cells()
                copied_cells = monitoring_cells()
                for r, evs in lives:
                    also = copied_cells if copied is not None and _copied(r) else None
                    r.monitoring_facts = cells.add(r, [_rollup_event(e) for e in evs], also=also)
                cpu_rollups += time.process_time() - r0
            try:
                (write_batch_pg if is_pg else write_batch_orm)(reports, events)
                break
            except IntegrityError:  # a tracking number already in the table (50 random bits: rare)
                from lapor.reports.tokens import new_tracking_number

                if attempt == 2:
                    raise
                for r in reports:
                    r.tracking_number = new_tracking_number()
        if cells is not None:
            totals.merge(cells.plain())
            if copied is not None:
                copied.merge(copied_cells.plain())
        t_write += time.perf_counter() - t1
        t_sim += t1 - t0
        cpu_sim += c1 - c0
        cpu_write += time.process_time() - c1
        n_reports += len(reports)
        n_events += len(events)
        done += size
    server_cpu = None
    if is_pg:
        from django.db import connection

        with connection.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            server_cpu = _proc_cpu_s(c.fetchone()[0])
    connections.close_all()
    return {
        "reports": n_reports,
        "events": n_events,
        "simulate_s": t_sim,
        "write_s": t_write,
        "simulate_cpu_s": cpu_sim,
        "write_client_cpu_s": cpu_write - cpu_rollups,
        "rollups_cpu_s": cpu_rollups,
        "rollups": totals.plain() if totals is not None else None,
        "copied_rollups": copied.plain() if copied is not None else None,
        "server_cpu_s": server_cpu,
        "statuses": statuses,
        "actions": sim.counts,
    }


def write_rollups(parts, earlier_years: int, timings: dict, *, beside: bool = False) -> None:
    """The loaded reports' monitoring rollups (lapor/rollups): the jobs' sums. Into empty
    tables at once (bulkload.write_rollups); else added to what the tables hold. `beside`: on a
    thread of its own beside the index rebuild, at a lower CPU priority (its own connection,
    closed at the end)."""
    from django.db import connection

    from lapor.rollups.accumulate import Accumulator

    t0 = time.perf_counter()
    try:
        if beside:
            bulkload.lower_priority()
            with connection.cursor() as c:
                c.execute("SELECT pg_backend_pid()")
                bulkload.lower_priority(c.fetchone()[0])
        total, copied = Accumulator(), Accumulator()
        for p in parts:
            total.merge(p["rollups"])
            if earlier_years:
                copied.merge(p["copied_rollups"])
        written = None
        if connection.vendor == "postgresql":
            timings["rollup_write_steps_s"] = steps = {}
            written = bulkload.write_rollups(total, copied, earlier_years, copies.SHIFT_DAYS, steps)
        if written is None:
            total.write()
            if earlier_years:
                written = copies.copy_cells(copied, earlier_years)
        timings["rollup_rows"] = written
        timings["rollups_write_s"] = round(time.perf_counter() - t0, 2)
        timings["rollup_cells"] = len(total.cells) + len(total.days)
    finally:
        if beside:
            connection.close()


def generate(
    database_url: str | None,
    n: int,
    *,
    jobs: int = 2,
    batch: int = 5000,
    seed: int = 1,
    max_agencies: int = 200,
    citizens: int = 500,
    corpus_path: str | None = None,
    quiet: bool = False,
    bulk: bool | None = None,
    now: datetime | None = None,
    index_workers: int = 2,
    rollups: bool = True,
    earlier_years: int = 0,
) -> dict:
    """Load n reports into an already migrated database (Django must be set up for it), with
    their monitoring facts and rollup cells unless `rollups` is false (then run
    `manage.py monev_verify --rebuild` before reading the dashboards). With `earlier_years`
    (PostgreSQL), the finished ones are then copied into that many earlier years (earlier_years.py)."""
    from django.db import connection

    is_pg = connection.vendor == "postgresql"
    reference = benchlib.ensure_reference()
    rng = random.Random(seed)
    world = World(rng, max_agencies)
    world.ensure_people(citizens)
    use_memory_lookups(world)  # the look-ups of agencies, positions, SLA policies and holidays
    corpus = benchlib.corpus_texts(corpus_path) if corpus_path else None
    now = now or datetime.now(UTC)
    jobs = max(1, min(jobs, n // max(batch, 1) or 1)) if is_pg else 1
    timings: dict = {}
    dropped = []
    started = time.perf_counter()
    if is_pg:
        with connection.cursor() as c:  # indexes an interrupted bulk load left dropped
            restored = bulkload.restore_secondary(c, workers=index_workers)
        if restored and not quiet:
            print(f"restored {restored} indexes/constraints that an interrupted bulk load had dropped")
        started = time.perf_counter()
    if is_pg and n:
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM reports_report")
            existing = c.fetchone()[0]
        if bulk is None:  # rebuilding the indexes costs about as much as loading what is already there
            bulk = (n >= 50_000 and n >= existing) or bool(earlier_years)
        if bulk:
            t0 = time.perf_counter()
            with connection.cursor() as c:
                dropped = bulkload.drop_secondary(c)
            timings["drop_s"] = round(time.perf_counter() - t0, 2)
    from django.db import connections

    connections.close_all()
    earlier_years = earlier_years if is_pg and n else 0
    _CTX.update(world=world, batch=batch, now=now, corpus=corpus, is_pg=is_pg, rollups=rollups, earlier_years=earlier_years)
    shares = [n // jobs + (1 if i < n % jobs else 0) for i in range(jobs)]
    load_started = time.perf_counter()
    if n == 0:
        parts = []
    elif jobs == 1:
        parts = [run_chunk((n, seed))]
    else:
        import multiprocessing as mp

        from django.db import connections

        connections.close_all()
        with mp.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(run_chunk, [(share, seed * 1000 + i) for i, share in enumerate(shares)])
    load_wall = time.perf_counter() - load_started
    copied = None
    if earlier_years:
        t0 = time.perf_counter()
        timings["holiday_overrides"] = copies.move_holidays(*copies.simulated_span(now), earlier_years)
        copied = copies.copy_reports(earlier_years, workers=index_workers, seed=seed)
        timings["earlier_years_s"] = round(time.perf_counter() - t0, 2)
    statements: dict = {}
    write = rollups and n
    if dropped:
        # The indexes and the rollups do not depend on each other: the rollups are written beside
        # the index rebuild's second lane (bulkload.py), at its lower CPU priority.
        from concurrent.futures import ThreadPoolExecutor

        t0 = time.perf_counter()
        with ThreadPoolExecutor(1) as side:
            beside = side.submit(write_rollups, parts, earlier_years, timings, beside=True) if write else None
            with connection.cursor() as c:
                bulkload.restore_secondary(c, workers=index_workers, timings=statements)
            timings["index_build_s"] = round(time.perf_counter() - t0, 2)
            if beside is not None:
                beside.result()
        timings["index_build_and_rollups_s"] = round(time.perf_counter() - t0, 2)
        timings["tracking_numbers_renumbered"] = statements.pop("deduplicated tracking numbers", 0)
    elif write:
        write_rollups(parts, earlier_years, timings)
    if write and bulkload.RENUMBERED:  # reports renumbered by the rebuild move their cells
        from lapor.reports.services import refresh_monitoring_facts

        refresh_monitoring_facts(bulkload.RENUMBERED)
    for p in parts:
        p.pop("rollups", None)
        p.pop("copied_rollups", None)
    if is_pg and n:
        t0 = time.perf_counter()
        with connection.cursor() as c:
            for table in (*bulkload.LOAD_TABLES, "monev_rollup", "monev_rollupdays", "rollups_hotspot"):
                c.execute(f"ANALYZE {table}")
        timings["analyze_s"] = round(time.perf_counter() - t0, 2)
    wall = time.perf_counter() - started
    result = {
        "reports": sum(p["reports"] for p in parts) + (copied["reports"] if copied else 0),
        "events": sum(p["events"] for p in parts) + (copied["events"] if copied else 0),
        "simulated_reports": sum(p["reports"] for p in parts),
        "earlier_years": copied,
        "wall_s": round(wall, 2),
        "jobs": jobs,
        "batch": batch,
        "backend": connection.vendor,
        "reference": reference,
        "bulk_mode": bool(dropped),
        "load_wall_s": round(load_wall, 2),
        **timings,
        "ddl_s": statements,
        "simulate_s": round(sum(p["simulate_s"] for p in parts), 2),
        "write_s": round(sum(p["write_s"] for p in parts), 2),
        "simulate_cpu_s": round(sum(p["simulate_cpu_s"] for p in parts), 2),
        "write_client_cpu_s": round(sum(p["write_client_cpu_s"] for p in parts), 2),
        "rollups_cpu_s": round(sum(p["rollups_cpu_s"] for p in parts), 2),
        "server_cpu_s": round(sum(p["server_cpu_s"] or 0 for p in parts), 2) if is_pg else None,
        "statuses": {},
        "actions": {},
    }
    for p in parts:
        for k, v in p["statuses"].items():
            result["statuses"][k] = result["statuses"].get(k, 0) + v
        for k, v in p["actions"].items():
            result["actions"][k] = result["actions"].get(k, 0) + v
    result["reports_per_s"] = round(result["reports"] / wall, 1) if wall and n else None
    result["events_per_s"] = round(result["events"] / wall, 1) if wall and n else None
    result["rows_per_s"] = round((result["reports"] + result["events"]) / wall, 1) if wall and n else None
    if is_pg and n:
        with connection.cursor() as c:
            result["size_bytes"], result["table_bytes"], result["table_rows"] = {}, {}, {}
            for table in (*bulkload.LOAD_TABLES, "monev_rollup", "monev_rollupdays", "rollups_hotspot"):
                c.execute(
                    f"SELECT pg_total_relation_size('{table}'), pg_table_size('{table}'), pg_indexes_size('{table}'), "
                    f"(SELECT count(*) FROM {table})"
                )
                total, heap, idx, rows = c.fetchone()
                result["size_bytes"][table] = total
                result["table_bytes"][table] = {"table_toast": heap, "indexes": idx}
                result["table_rows"][table] = rows
            c.execute("SELECT pg_database_size(current_database())")
            result["database_bytes"] = c.fetchone()[0]
    return result


def verify_histories() -> dict:
    """Replay every report's events against workflow.TABLE (PostgreSQL): seq 1..version without
    gaps, submission first, each move legal from the previous status, last status = report.status."""
    from django.db import connection, transaction

    from lapor.reports.states import ACTION_CODES, STATUS_CODES
    from lapor.reports.workflow import SUBMIT_TARGETS, TABLE

    checked = bad = 0
    examples = []
    with transaction.atomic():
        with connection.connection.cursor(name="bench_verify") as cur:
            cur.itersize = 20000
            cur.execute(
                "SELECT e.report_id, e.seq, e.action, e.from_status, e.to_status, r.status, r.version "
                "FROM reports_reportevent e JOIN reports_report r ON r.id = e.report_id ORDER BY e.report_id, e.seq"
            )
            current, state, ok, expect, final = None, None, True, 1, None

            def close():
                nonlocal checked, bad
                if current is None:
                    return
                checked += 1
                good = ok and state == final[0] and expect - 1 == final[1]
                if not good:
                    bad += 1
                    if len(examples) < 5:
                        examples.append(current)

            for report_id, seq, action, frm, to, status, version in cur:
                action, frm, to = ACTION_CODES[action], STATUS_CODES[frm], STATUS_CODES[to]  # codes (ADR 0021)
                if report_id != current:
                    close()
                    current, ok, expect, final = report_id, True, 1, (status, version)
                    state = None
                if seq != expect:
                    ok = False
                expect += 1
                if seq == 1:
                    ok = ok and action == "submit" and frm == "" and to in SUBMIT_TARGETS
                else:
                    rule = TABLE.get((frm, action))
                    ok = ok and frm == state and rule is not None and to == (rule.target or frm)
                state = to
            close()
        with connection.cursor() as c:
            c.execute(
                "SELECT count(*) FROM reports_report r WHERE NOT EXISTS (SELECT 1 FROM reports_reportevent e WHERE e.report_id = r.id)"
            )
            without = c.fetchone()[0]
    return {"reports_checked": checked, "illegal_histories": bad, "reports_without_events": without, "examples": examples}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reports", type=int, required=True, help="how many reports to add")
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://... (default: $DATABASE_URL; empty means the SQLite file of the settings)",
    )
    p.add_argument(
        "--create-db", action="store_true", help="create the PostgreSQL database of --database-url and migrate it first"
    )
    p.add_argument("--migrate", action="store_true", help="run migrations first")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (PostgreSQL only)")
    p.add_argument("--batch", type=int, default=5000, help="reports per transaction")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-agencies", type=int, default=200, help="agencies (with their units) that receive reports")
    p.add_argument(
        "--corpus",
        help="read descriptions at run time from this complaints CSV (e.g. /work/shared/data/complaints/surabaya_2022.csv)",
    )
    p.add_argument(
        "--verify", action="store_true", help="afterwards, replay every report's events against the transition table (PostgreSQL)"
    )
    p.add_argument(
        "--bulk",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="PostgreSQL: drop the loaded tables' foreign keys, unique constraints and secondary indexes (the "
        "full-text GIN index too) and turn their autovacuum off before the load, re-create and validate them "
        "after it (timed, part of the wall time). Default: when --reports >= 50,000 and >= the reports already there",
    )
    p.add_argument("--index-workers", type=int, default=2, help="connections re-creating indexes at once (--bulk)")
    p.add_argument("--now", help="the simulation's 'now' (ISO 8601, UTC); default: the current time")
    p.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    p.add_argument(
        "--earlier-years", type=int, default=0,
        help="PostgreSQL: then copy the finished reports into this many earlier years (earlier_years.py), "
        "e.g. --reports 1000000 --earlier-years 10 for ten million",
    )
    p.add_argument(
        "--no-rollups", action="store_true", help="skip the monitoring facts and rollups (monev_verify --rebuild adds them later)"
    )
    args = p.parse_args()

    url = args.database_url or None
    if url and args.create_db:
        from urllib.parse import urlsplit

        import psycopg

        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(benchlib.psycopg_conninfo(benchlib.with_dbname(url, "postgres")), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    benchlib.setup_django(url)
    if args.migrate or args.create_db:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    from django.db import connection

    machine = benchlib.machine_info(url if url else None)
    print(f"machine: {benchlib.machine_line(machine)}")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    result = generate(
        url,
        args.reports,
        jobs=args.jobs,
        batch=args.batch,
        seed=args.seed,
        max_agencies=args.max_agencies,
        corpus_path=args.corpus,
        bulk=args.bulk,
        now=datetime.fromisoformat(args.now).replace(tzinfo=UTC) if args.now else None,
        index_workers=args.index_workers,
        rollups=not args.no_rollups,
        earlier_years=args.earlier_years,
    )
    print(f"reference: {result['reference']}")
    print(
        f"loaded {result['reports']:,} reports and {result['events']:,} events in {result['wall_s']:.1f} s "
        f"({result['jobs']} jobs, batches of {result['batch']}): {result['reports_per_s'] or 0:,.0f} reports/s, "
        f"{result['events_per_s'] or 0:,.0f} events/s, {result['rows_per_s'] or 0:,.0f} rows/s"
    )
    print(
        f"  time in simulation {result['simulate_s']} s ({result['simulate_cpu_s']} s CPU), in writing "
        f"({'COPY' if result['backend'] == 'postgresql' else 'bulk_create'}) {result['write_s']} s (of which formatting rows, "
        f"client CPU: {result['write_client_cpu_s']} s) (summed over jobs)"
        + (f"; the loading PostgreSQL backends used {result['server_cpu_s']} CPU-s" if result.get("server_cpu_s") else "")
    )
    if result["reports"]:
        print(f"  events per report: {result['events'] / result['reports']:.2f}")
        print(
            "  statuses: "
            + ", ".join(f"{k} {v / result['reports']:.1%}" for k, v in sorted(result["statuses"].items(), key=lambda kv: -kv[1]))
        )
    if result["backend"] == "postgresql" and result["reports"]:
        print(
            f"  wall split: load (simulate + COPY, {result['jobs']} jobs) {result['load_wall_s']} s"
            + (f", drop indexes {result['drop_s']} s, re-create indexes/constraints {result['index_build_s']} s" if result["bulk_mode"] else "")
            + (f", monitoring rollups: facts and cells {result['rollups_cpu_s']} CPU-s in the jobs, {result.get('rollup_cells', 0):,} cells "
               f"({result.get('rollup_rows') or 0:,} rows with the copies') written in {result.get('rollups_write_s', 0)} s"
               + (" beside the indexes" if result["bulk_mode"] else "") if result.get("rollup_cells") else ", no monitoring rollups (--no-rollups)")
            + (f", indexes and rollups together {result['index_build_and_rollups_s']} s" if result.get("index_build_and_rollups_s") else "")
            + f", ANALYZE {result['analyze_s']} s"
        )
        if result.get("earlier_years"):
            e = result["earlier_years"]
            print(
                f"  earlier years: {result['simulated_reports']:,} reports simulated, {e['copied_per_year']:,} finished ones "
                f"copied into each of {e['years']} earlier years ({e['reports']:,} reports, {e['events']:,} events) in "
                f"{result['earlier_years_s']} s wall ({e['tracking_numbers_s']} s drawing tracking numbers), "
                f"{result['holiday_overrides']} holiday overrides"
            )
        for ddl, secs in sorted(result["ddl_s"].items(), key=lambda kv: -kv[1] if isinstance(kv[1], float) else 0)[:30]:
            print(f"    {secs:>8} s  {ddl[:140]}")
    if "size_bytes" in result:
        for table, total in result["size_bytes"].items():
            tb = result["table_bytes"][table]
            print(
                f"  {table}: {total / 1048576:,.1f} MiB (table+toast {tb['table_toast'] / 1048576:,.1f}, indexes "
                f"{tb['indexes'] / 1048576:,.1f}), {result['table_rows'][table]:,} rows"
            )
        print(f"  database size (pg_database_size): {result['database_bytes'] / 1048576:,.1f} MiB")
    if args.verify and connection.vendor == "postgresql":
        t0 = time.perf_counter()
        result["verify"] = verify_histories()
        v = result["verify"]
        print(
            f"  verify: {v['reports_checked']:,} histories replayed against workflow.TABLE in {time.perf_counter() - t0:.1f} s: "
            f"{v['illegal_histories']} illegal, {v['reports_without_events']} reports without events"
        )
    if not args.no_save and args.reports:
        data = {
            "benchmark": "generate",
            "when": benchlib.now_utc().isoformat(),
            "machine": machine,
            "args": {k: v for k, v in vars(args).items() if k != "database_url"},
            "result": result,
        }
        md = [
            f"# generate: {result['reports']:,} reports",
            "",
            f"Machine: {benchlib.machine_line(machine)}",
            "",
            f"Command: `.venv/bin/python bench/generate.py --reports {args.reports}"
            + (f" --earlier-years {args.earlier_years}" if args.earlier_years else "")
            + (" --no-rollups" if args.no_rollups else "")
            + f" --jobs {args.jobs}` ({result['backend']}, {result['jobs']} jobs)",
            "",
            "| figure | value |",
            "|---|---|",
            f"| wall time | {result['wall_s']} s |",
            f"| reports/s | {result['reports_per_s']:,} |",
            f"| events/s | {result['events_per_s']:,} |",
            f"| rows/s | {result['rows_per_s']:,} |",
            f"| events per report | {result['events'] / result['reports']:.2f} |",
        ]
        if result["backend"] == "postgresql":
            md += [
                f"| bulk mode (indexes/constraints dropped and re-created) | {'yes' if result['bulk_mode'] else 'no'} |",
                f"| load (simulate + COPY, {result['jobs']} jobs), wall | {result['load_wall_s']} s |",
            ]
            if result["bulk_mode"]:
                md += [
                    f"| drop indexes/constraints, wall | {result['drop_s']} s |",
                    f"| re-create indexes/constraints, wall (bulkload.py: two lanes) | {result['index_build_s']} s |",
                    f"| indexes/constraints and the rollup write beside them, wall | {result.get('index_build_and_rollups_s', 0)} s |",
                ]
            if result.get("earlier_years"):
                e = result["earlier_years"]
                md += [
                    f"| reports simulated (the last 365 days) | {result['simulated_reports']:,} |",
                    f"| finished reports copied into each of {e['years']} earlier years (earlier_years.py) | "
                    f"{e['copied_per_year']:,} ({e['reports']:,} reports, {e['events']:,} events in all) |",
                    f"| copying, wall (2 connections; {e['tracking_numbers_s']} s drawing tracking numbers) | "
                    f"{result['earlier_years_s']} s |",
                ]
            md += [
                f"| monitoring facts and rollup cells, summed over jobs | {result['rollups_cpu_s']} s CPU |",
                f"| rollup cells written ({result.get('rollup_cells', 0):,}; {result.get('rollup_rows') or 0:,} rows with the copies'), wall | "
                f"{result.get('rollups_write_s', 0)} s |",
                f"| ANALYZE, wall | {result['analyze_s']} s |",
                f"| simulation, summed over jobs | {result['simulate_s']} s wall, {result['simulate_cpu_s']} s CPU |",
                f"| writing (COPY), summed over jobs | {result['write_s']} s wall, {result['write_client_cpu_s']} s client CPU |",
                f"| loading PostgreSQL backends | {result['server_cpu_s']} s CPU |",
            ]
        if "size_bytes" in result:
            for table, total in result["size_bytes"].items():
                tb = result["table_bytes"][table]
                md.append(
                    f"| {table} size | {total / 1048576:,.1f} MiB (table+toast {tb['table_toast'] / 1048576:,.1f}, "
                    f"indexes {tb['indexes'] / 1048576:,.1f}), {result['table_rows'][table]:,} rows |"
                )
            md.append(f"| database size (pg_database_size) | {result['database_bytes'] / 1048576:,.1f} MiB |")
        if result.get("ddl_s"):
            md += ["", "Re-created (wall s each; two lanes, bulkload.py):", ""]
            md += [f"- {secs} s `{ddl}`" for ddl, secs in sorted(result["ddl_s"].items(), key=lambda kv: -kv[1])]
        md += [
            "",
            "Statuses: "
            + ", ".join(f"{k} {v / result['reports']:.1%}" for k, v in sorted(result["statuses"].items(), key=lambda kv: -kv[1])),
            "",
        ]
        paths = benchlib.save_results("generate", data, "\n".join(md))
        print(f"saved {paths[0].relative_to(benchlib.ROOT)} and {paths[1].name}")


if __name__ == "__main__":
    main()
