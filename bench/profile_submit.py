#!/usr/bin/env python
"""Where the time of one submission goes, in-process (no gunicorn, no network).

    .venv/bin/python bench/profile_submit.py [--requests 500] [--database-url postgres://...]

Creates a fresh PostgreSQL database (dropped afterwards) unless --database-url is given, loads
reference data, then in this process:
  1. lists the SQL statements of one POST /api/v1/reports (with an Idempotency-Key);
  2. times N requests through Django's test client (middleware + django-ninja + report_submit)
     and N direct calls of services.report_submit; wall and CPU time per request;
  3. cProfiles N requests and prints the costliest functions (cumulative) and the split by layer.
Prints the machine; saves bench/results/profile-submit-<date>.json and .md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

benchlib.use_venv()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=500)
    p.add_argument("--database-url", help="an existing, migrated database with reference data (default: a fresh one)")
    p.add_argument("--pg-url", default=os.environ.get("LAPOR_BENCH_PG_URL", benchlib.DEFAULT_PG_URL))
    p.add_argument("--no-save", action="store_true")
    p.add_argument(
        "--timer",
        choices=["wall", "cpu"],
        default="wall",
        help="what cProfile counts: wall time (PostgreSQL's share shows as psycopg waiting) or this process's CPU time",
    )
    args = p.parse_args()

    import intake  # database helpers

    fresh = args.database_url is None
    url = args.database_url or intake.create_database(args.pg_url)
    try:
        if fresh:
            intake.prepare_database(url, 0)
        material = intake.body_material(url)
        os.environ["LAPOR_ANON_SUBMISSIONS_PER_MINUTE"] = "0"
        os.environ.setdefault("LAPOR_DB_CONN_MAX_AGE", "60")
        benchlib.setup_django(url)
        result = profile(args.requests, material, timer=args.timer)
    finally:
        if fresh:
            from django.db import connections

            connections.close_all()
            intake.drop_database(url)
    machine = benchlib.machine_info(args.pg_url)
    print(f"machine: {benchlib.machine_line(machine)}")
    if not args.no_save:
        data = {"benchmark": "profile_submit", "when": benchlib.now_utc().isoformat(), "machine": machine, "result": result}
        md = (
            [
                "# profile of one submission (in-process)",
                "",
                f"Machine: {benchlib.machine_line(machine)}",
                "",
                f"Command: `.venv/bin/python bench/profile_submit.py --requests {args.requests} --timer {args.timer}`",
                "",
                f"- first request in a fresh process: {result['first_request_ms']} ms",
                f"- SQL statements per POST /api/v1/reports: {len(result['queries'])}",
                f"- test client: {result['client_ms']['wall']} ms wall, {result['client_ms']['cpu']} ms CPU per request (median of 5 rounds)",
                f"- services.report_submit alone: {result['service_ms']['wall']} ms wall, {result['service_ms']['cpu']} ms CPU per call",
                "",
                "Statements:",
                "",
            ]
            + [f"{i + 1}. `{q[:160]}`" for i, q in enumerate(result["queries"])]
            + ["", "Layers (cProfile, cumulative share of a request):", ""]
            + [f"- {k}: {v}%" for k, v in result["layers"].items()]
            + ["", "```", result["top"], "```", ""]
        )
        paths = benchlib.save_results("profile-submit", data, "\n".join(md))
        print(f"saved {paths[0].relative_to(benchlib.ROOT)} and {paths[1].name}")


def profile(n: int, material: dict, timer: str = "wall") -> dict:
    import intake
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lapor.accounts.actors import Actor
    from lapor.reports.services import report_submit

    client = Client()
    reqs, _ = intake.build_requests(n * 12 + 200, 8000, material, seed=7)
    bodies = [r.split(b"\r\n\r\n", 1)[1] for r in reqs]
    it = iter(bodies)

    def post():
        resp = client.post(
            "/api/v1/reports", data=next(it), content_type="application/json", headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        assert resp.status_code == 201, resp.content
        return resp

    t0 = time.perf_counter()
    post()
    first_ms = round((time.perf_counter() - t0) * 1000, 1)
    print(f"first request in a fresh process: {first_ms} ms")
    for _ in range(100):  # warm: URL resolver, schemas, calendars, connection
        post()
    with CaptureQueriesContext(connection) as ctx:
        post()
    queries = [q["sql"] for q in ctx.captured_queries]
    reset_queries()
    print(f"SQL statements per submission: {len(queries)}")
    for i, q in enumerate(queries):
        print(f"  {i + 1}. {q[:150]}")

    def rounds(fn):
        walls, cpus = [], []
        for _ in range(5):
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(n // 5 or 1):
                fn()
            walls.append((time.perf_counter() - w0) * 1000 / (n // 5 or 1))
            cpus.append((time.process_time() - c0) * 1000 / (n // 5 or 1))
        return {"wall": round(sorted(walls)[2], 2), "cpu": round(sorted(cpus)[2], 2)}

    client_ms = rounds(post)
    print(
        f"test client, per request: {client_ms['wall']} ms wall, {client_ms['cpu']} ms CPU (this process; PostgreSQL's time is in wall)"
    )
    anon = Actor()

    def direct():
        data = json.loads(next(it))
        report_submit(data=data, actor=anon, idempotency_key=str(uuid.uuid4()))

    service_ms = rounds(direct)
    print(f"services.report_submit, per call: {service_ms['wall']} ms wall, {service_ms['cpu']} ms CPU")

    prof = cProfile.Profile(time.process_time) if timer == "cpu" else cProfile.Profile()
    prof.enable()
    for _ in range(n):
        post()
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[2] for v in stats.stats.values())  # total self time

    def cum(pattern_file: str, func: str | None = None) -> float:
        best = 0.0
        for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
            if pattern_file in file and (func is None or name == func):
                best = max(best, ct)
        return round(100 * best / total, 1) if total else 0.0

    def self_in(pattern: str) -> float:
        s = sum(v[2] for k, v in stats.stats.items() if pattern in k[0])
        return round(100 * s / total, 1) if total else 0.0

    layers = {
        "whole request (test client handler)": cum("django/test/client.py", "request"),
        "middleware + view dispatch (BaseHandler.get_response)": cum("django/core/handlers/base.py", "get_response"),
        "ninja operation (parse + validate + view)": cum("ninja/operation.py", "run"),
        "report_submit": cum("lapor/reports/services.py", "report_submit"),
        "clean_submission (validation + 1-3 lookups)": cum("lapor/reports/intake.py", "clean_submission"),
        "_replay (idempotency lookup)": cum("lapor/reports/services.py", "_replay"),
        "_create (report + event inserts, deadlines)": cum("lapor/reports/services.py", "_create"),
        "deadlines.start_stage + start_ombudsman_clock": round(
            cum("lapor/reports/deadlines.py", "start_stage") + cum("lapor/reports/deadlines.py", "start_ombudsman_clock"), 1
        ),
        "IdempotencyRecord insert (Manager.create inside report_submit)": None,
        "psycopg execute (send + wait for PostgreSQL)": cum("psycopg/cursor.py", "execute"),
        "Django SQL compilation (SQLCompiler.as_sql, all)": cum("django/db/models/sql/compiler.py", "as_sql"),
        "transaction commit": cum("django/db/backends/base/base.py", "commit"),
        "self time in django/": self_in("/django/"),
        "self time in psycopg/": self_in("/psycopg/"),
        "self time in ninja/ + pydantic": round(self_in("/ninja/") + self_in("/pydantic"), 1),
        "self time in lapor/": self_in("/lapor/"),
    }
    layers = {k: v for k, v in layers.items() if v is not None}
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(45)
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(30)
    top = "\n".join(line[:200] for line in out.getvalue().splitlines() if line.strip())
    print("\nlayers (share of total profiled time):")
    for k, v in layers.items():
        print(f"  {v:5.1f}%  {k}")
    print("\n" + top)
    return {
        "first_request_ms": first_ms,
        "queries": queries,
        "client_ms": client_ms,
        "service_ms": service_ms,
        "layers": layers,
        "top": top,
        "requests": n,
    }


if __name__ == "__main__":
    main()
