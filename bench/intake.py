#!/usr/bin/env python
"""Intake benchmark: sustained POST /api/v1/reports per second against gunicorn + PostgreSQL.

    .venv/bin/python bench/intake.py --duration 60 --rate 300

1. creates a fresh PostgreSQL database lapor_bench_<timestamp> (dropped at the end unless
   --keep-db), migrates it and loads reference data (`manage.py load_reference`, or the minimal
   slice of bench/benchlib.py while that command does not exist) and optionally --preload
   reports (bench/generate.py);
2. starts gunicorn (config.wsgi) on 127.0.0.1 with the chosen worker class, workers, threads and
   database connection mode (LAPOR_DB_POOL=1: psycopg pool in each worker; else persistent
   connections, CONN_MAX_AGE), LAPOR_ANON_SUBMISSIONS_PER_MINUTE=0, access log off;
3. drives POST /api/v1/reports at a fixed arrival rate (open loop, see bench/loadgen.py: latency is
   measured from each request's due time, so queueing counts), each with a unique Idempotency-Key
   and a realistic JSON body (texts from bench/benchlib.py templates, real region, category and
   agency codes of the database), after a --warmup at the same rate;
4. samples every gunicorn worker's RSS during the run and reads VmHWM at the end, and the CPU
   used by the workers, PostgreSQL and the load generator;
5. compares the acknowledged submissions (201 + tracking number) with the rows: each one must have
   its reports_report row and its submit event (seq 1) in reports_reportevent; an acknowledged
   submission without them is LOST. Rows written for requests that were not acknowledged
   (client timeout) are counted too.

Prints the figures and the machine; saves bench/results/intake-<date>.json and .md.
--matrix runs several server configurations (shorter runs) and prints a comparison;
--rates 200,300,400 runs steps of increasing rate against one server; --profile records a
py-spy profile of each worker during the measured phase (pip install py-spy into .venv).
Only loopback traffic; every phase is bounded by --duration and --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

benchlib.use_venv()

import loadgen
import psycopg

TARGET = {"rate": 300, "p99_ms": 100, "lost": 0, "rss_mib": 150}
MATRIX = [
    # name, worker class, workers, threads, pool
    ("sync w2", "sync", 2, 1, False),
    ("sync w3", "sync", 3, 1, False),
    ("sync w4", "sync", 4, 1, False),
    ("sync w4 pool", "sync", 4, 1, True),
    ("gthread w2x4", "gthread", 2, 4, False),
    ("gthread w2x4 pool", "gthread", 2, 4, True),
    ("gthread w3x2", "gthread", 3, 2, False),
]


# --- database -----------------------------------------------------------------------------------


def create_database(base_url: str) -> str:
    name = "lapor_bench_" + datetime.now().strftime("%Y%m%d_%H%M%S") + f"_{os.getpid() % 1000}"
    with psycopg.connect(benchlib.psycopg_conninfo(benchlib.with_dbname(base_url, "postgres")), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return benchlib.with_dbname(base_url, name)


def drop_database(url: str) -> None:
    from urllib.parse import urlsplit

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(benchlib.psycopg_conninfo(benchlib.with_dbname(url, "postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_database(url: str, preload: int) -> dict:
    """Migrate, load reference data and `preload` reports, in a child process (bench/generate.py)."""
    t0 = time.perf_counter()
    cmd = [
        str(benchlib.VENV_PYTHON),
        str(benchlib.BENCH_DIR / "generate.py"),
        "--reports",
        str(preload),
        "--database-url",
        url,
        "--migrate",
        "--no-save",
    ]
    out = subprocess.run(
        cmd, cwd=benchlib.ROOT, env=benchlib.django_env(url), capture_output=True, text=True, timeout=1800, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"preparing the database failed:\n{out.stdout}\n{out.stderr}")
    reference = next((line.split(":", 1)[1].strip() for line in out.stdout.splitlines() if line.startswith("reference:")), "?")
    return {"seconds": round(time.perf_counter() - t0, 1), "reference": reference, "preload": preload}


def body_material(url: str) -> dict:
    """Real codes from the database for realistic request bodies."""
    today = date.today()
    with psycopg.connect(benchlib.psycopg_conninfo(url)) as conn:
        regions = [
            r[0]
            for r in conn.execute(
                "SELECT code FROM agencies_region WHERE level IN ('village', 'district') ORDER BY random() LIMIT 5000"
            )
        ]
        if not regions:
            regions = [r[0] for r in conn.execute("SELECT code FROM agencies_region ORDER BY random() LIMIT 5000")]
        cats = conn.execute(
            "SELECT c.code, c.name FROM agencies_category c WHERE (c.active_from IS NULL OR c.active_from <= %s) "
            "AND (c.active_until IS NULL OR c.active_until >= %s) "
            "AND NOT EXISTS (SELECT 1 FROM agencies_category k WHERE k.parent_id = c.id)",
            [today, today],
        ).fetchall()
        agencies = [
            r[0]
            for r in conn.execute(
                "SELECT code FROM agencies_agency WHERE is_active AND kind NOT IN ('unit', 'national_desk', 'ombudsman', 'ksp') ORDER BY code"
            )
        ]
    if not regions or not agencies:
        raise SystemExit("no regions or agencies in the database: reference data did not load")
    return {"regions": regions, "categories": cats, "agencies": agencies}


class _Cat:
    def __init__(self, code, name):
        self.code, self.name = code, name


def build_requests(n: int, port: int, material: dict, seed: int) -> tuple[list[bytes], list[str]]:
    """n complete HTTP requests: POST /api/v1/reports, JSON body, unique Idempotency-Key."""
    rng = random.Random(seed)
    cats = [_Cat(c, name) for c, name in material["categories"]]
    out, keys = [], []
    now = datetime.now(UTC)
    for _ in range(n):
        key_word, title, description, event_day = benchlib.report_text(rng, now)
        cat = benchlib.match_category(cats, key_word, rng)
        body = {
            "type": rng.choice(["complaint"] * 8 + ["aspiration", "information"]),
            "title": title,
            "description": description,
            "event_date": event_day.isoformat() if rng.random() < 0.8 else None,
            "region_code": rng.choice(material["regions"]),
            "address": f"Jl. Merdeka No. {rng.randint(1, 200)}" if rng.random() < 0.6 else "",
            "category_code": cat.code if cat and rng.random() < 0.9 else None,
            "target_agency_code": rng.choice(material["agencies"]) if rng.random() < 0.25 else None,
            "is_anonymous": rng.random() < 0.15,
            "is_confidential": rng.random() < 0.1,
            "channel": rng.choice(["api", "mobile", "mobile", "web", "integration"]),
            **benchlib.contact(rng),
        }
        if rng.random() < 0.3:
            body["latitude"] = round(rng.uniform(-8.8, 3.6), 6)
            body["longitude"] = round(rng.uniform(95.3, 140.7), 6)
        payload = json.dumps(body, ensure_ascii=False).encode()
        key = str(uuid.uuid4())
        keys.append(key)
        out.append(
            f"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json\r\nUser-Agent: lapor-bench\r\nIdempotency-Key: {key}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
    return out, keys


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def proc_status(pid: int, key: str) -> int | None:
    """A /proc/<pid>/status value in KiB (VmRSS, VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """utime + stime of a process, seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK
    except (OSError, IndexError):
        return 0.0


PG_BACKGROUND = ("checkpointer", "background writer", "walwriter", "autovacuum launcher", "logical replication")


def postgres_cpu(dbname: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL processes serving `dbname` (its backends and autovacuum
    workers) plus the server's background processes, by PID; other databases' backends (someone
    else's tests on the same server) are not counted."""
    total: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if Path(f"/proc/{entry.name}/comm").read_text().strip() != "postgres":
                    continue
                cmd = Path(f"/proc/{entry.name}/cmdline").read_bytes().decode(errors="replace")
                if f" {dbname} " in cmd or any(b in cmd for b in PG_BACKGROUND):
                    total[int(entry.name)] = proc_cpu(int(entry.name))
            except OSError:
                pass
    return total


def wait_quiet(max_wait: float, threshold_pct: float = 10.0) -> float:
    """Wait until the machine is idle (busy < threshold % of all cores for 3 s in a row: nobody
    else's tests running), at most max_wait seconds. Returns the seconds waited."""
    t0 = time.monotonic()
    quiet = 0
    announced = False
    while time.monotonic() - t0 < max_wait:
        a = system_cpu()
        time.sleep(1)
        b = system_cpu()
        busy = 100 * (b[0] - a[0]) / max(1, b[1] - a[1])
        quiet = quiet + 1 if busy < threshold_pct else 0
        if quiet >= 3:
            break
        if not announced and time.monotonic() - t0 > 3:
            print(f"  waiting for the machine to be idle (busy {busy:.0f}%: other processes), up to {max_wait:g} s ...")
            announced = True
    return round(time.monotonic() - t0, 1)


def system_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


class RssSampler(threading.Thread):
    """Samples VmRSS of the gunicorn master's children every `interval` seconds, and the CPU
    time of this database's PostgreSQL processes (a backend that exits — CONN_MAX_AGE expiry —
    keeps the CPU it had at its last sample)."""

    def __init__(self, master: int, dbname: str, interval: float = 0.25):
        super().__init__(daemon=True)
        self.master, self.dbname, self.interval = master, dbname, interval
        self.peak: dict[int, int] = {}
        self.samples = 0
        self.pg_last: dict[int, float] = {}
        self.series: list = []  # every 5 s: (seconds since start, {pid: RSS MiB})
        self._pg_lock = threading.Lock()
        self._halt = threading.Event()

    def sample_pg(self) -> dict[int, float]:
        now = postgres_cpu(self.dbname)
        with self._pg_lock:
            self.pg_last.update(now)
            return dict(self.pg_last)

    def run(self):
        n = 0
        t0 = time.monotonic()
        while not self._halt.is_set():
            now = {}
            for pid in children(self.master):
                rss = proc_status(pid, "VmRSS")
                if rss:
                    self.peak[pid] = max(self.peak.get(pid, 0), rss)
                    now[str(pid)] = round(rss / 1024, 1)
            if n % 20 == 0:
                self.series.append((round(time.monotonic() - t0, 1), now))
            if n % 2 == 0:
                self.sample_pg()
            n += 1
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join()


class Server:
    def __init__(self, url: str, cfg: dict, logdir: Path):
        self.url, self.cfg, self.logdir = url, cfg, logdir
        self.port = free_port()
        self.proc = None

    def start(self):
        cfg = self.cfg
        env = benchlib.django_env(
            self.url,
            {
                "LAPOR_ANON_SUBMISSIONS_PER_MINUTE": "0",
                "LAPOR_DB_POOL": "1" if cfg["pool"] else "0",
                "LAPOR_DB_POOL_MIN": str(cfg.get("pool_min", 2)),
                "LAPOR_DB_POOL_MAX": str(cfg.get("pool_max", max(2, cfg["threads"]))),
                "LAPOR_DB_CONN_MAX_AGE": str(cfg.get("conn_max_age", 60)),
                "LAPOR_LOG_LEVEL": "WARNING",
                "LAPOR_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
            },
        )
        if cfg.get("variant"):
            env["LAPOR_BENCH_VARIANT"] = cfg["variant"]
        app = "bench.variants:application" if cfg.get("variant") else "config.wsgi:application"
        cmd = [
            str(benchlib.VENV_PYTHON),
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(cfg["workers"]),
            "--worker-class",
            cfg["worker_class"],
            "--threads",
            str(cfg["threads"]),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
        ]
        if cfg.get("preload_app"):
            cmd.append("--preload")
        self.log = open(self.logdir / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115 (open for the life of the server)
        self.proc = subprocess.Popen(cmd, cwd=benchlib.ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log.name}\n" + Path(self.log.name).read_text()[-3000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    if s.recv(12).startswith(b"HTTP/1.1 200") and len(children(self.proc.pid)) >= cfg["workers"]:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not become ready in 60 s")

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            self.log.flush()
            raise SystemExit(
                f"gunicorn exited with {self.proc.returncode} (killed by someone else?); its log:\n"
                + Path(self.log.name).read_text()[-3000:]
            )

    def workers(self) -> list[int]:
        return children(self.proc.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --- one phase ----------------------------------------------------------------------------------


def summarize(run: loadgen.Run, rate: float, duration: float) -> dict:
    res = run.results
    lat = sorted((r.done - r.due) * 1000 for r in res if r.done)  # failures count with their time to failure
    lag = sorted((r.sent - r.due) * 1000 for r in res if r.sent)
    by_status: dict[str, int] = {}
    for r in res:
        k = str(r.status) if r.status else (r.error or "no response")
        by_status[k] = by_status.get(k, 0) + 1
    ok = [r for r in res if r.status == 201]
    examples: dict[str, list] = {}
    for r in res:
        if r.status != 201 and len(examples.setdefault(str(r.status or r.error), [])) < 3:
            examples[str(r.status or r.error)].append(r.body[:300].decode(errors="replace") if r.body else r.error)
    span = (max(r.done for r in res) - run.started) if res else 0
    p = lambda q: round(benchlib.percentile(lat, q), 2) if lat else None
    return {
        "target_rate": rate,
        "requests": len(res),
        "acknowledged": len(ok),
        "replayed": sum(1 for r in ok if r.replayed),
        "by_status": by_status,
        "errors": len(res) - len(ok),
        "error_examples": examples,
        "offered_rate": round(len(res) / duration, 1),
        # 201s per second over the time from the first due time to the last response.
        "achieved_rate": round(len(ok) / span, 1) if span else 0.0,
        "latency_ms": {
            "p50": p(50),
            "p90": p(90),
            "p99": p(99),
            "p999": p(99.9),
            "max": round(lat[-1], 2) if lat else None,
            "mean": round(sum(lat) / len(lat), 2) if lat else None,
        },
        "send_lag_ms": {
            "p50": round(benchlib.percentile(lag, 50), 3) if lag else None,
            "p99": round(benchlib.percentile(lag, 99), 3) if lag else None,
            "max": round(lag[-1], 3) if lag else None,
        },
        "max_in_flight": run.max_in_flight,
        "connections_opened": run.connections_opened,
        "loadgen_cpu_s": round(run.cpu_s, 2),
        "loadgen_cpu_pct_of_core": round(100 * run.cpu_s / span, 1) if span else None,
        "span_s": round(span, 2),
    }


def tracking_numbers(run: loadgen.Run) -> list[str]:
    out = []
    for r in run.results:
        if r.status == 201:
            try:
                out.append(json.loads(r.body)["tracking_number"])
            except (ValueError, KeyError):
                out.append("?")
    return out


def check_rows(url: str, acked: list[str], rows_before: int) -> dict:
    """Every acknowledged tracking number must have its report row and its submit event."""
    with psycopg.connect(benchlib.psycopg_conninfo(url)) as conn:
        total = conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
        if str(benchlib.ROOT) not in sys.path:  # lapor.reports.states needs no Django set-up
            sys.path.insert(0, str(benchlib.ROOT))
        from lapor.reports.states import ACTION_CODES

        submit = ACTION_CODES.index("submit")  # the event log stores codes (ADR 0021)
        events = conn.execute("SELECT count(*) FROM reports_reportevent WHERE action = %s", [submit]).fetchone()[0]
        idem = conn.execute("SELECT count(*) FROM reports_idempotencyrecord").fetchone()[0]
        found = {
            r[0] for r in conn.execute("SELECT tracking_number FROM reports_report WHERE tracking_number = ANY(%s)", [acked])
        }
        with_event = conn.execute(
            "SELECT count(*) FROM reports_report r JOIN reports_reportevent e ON e.report_id = r.id AND e.seq = 1 AND e.action = %s "
            "WHERE r.tracking_number = ANY(%s)",
            [submit, acked],
        ).fetchone()[0]
    new_rows = total - rows_before
    lost = [t for t in acked if t not in found]
    return {
        "acknowledged": len(acked),
        "acknowledged_distinct": len(set(acked)),
        "report_rows_added": new_rows,
        "submit_events_total": events,
        "idempotency_records": idem,
        "acknowledged_with_row": len(found),
        "acknowledged_with_submit_event": with_event,
        "lost": len(lost) + (len(found) - with_event),
        "lost_examples": lost[:10],
        "rows_not_acknowledged": new_rows - len(found),
    }


def py_spy_start(pids: list[int], seconds: float, outdir: Path) -> list[tuple[subprocess.Popen, Path]]:
    exe = benchlib.ROOT / ".venv" / "bin" / "py-spy"
    if not exe.exists():
        print("  (--profile: py-spy not installed; `.venv/bin/pip install py-spy`)")
        return []
    procs = []
    for pid in pids:
        out = outdir / f"pyspy-{pid}.txt"
        procs.append(
            (
                subprocess.Popen(
                    [
                        str(exe),
                        "record",
                        "--pid",
                        str(pid),
                        "--duration",
                        str(int(seconds)),
                        "--rate",
                        "200",
                        "--format",
                        "raw",
                        "--output",
                        str(out),
                        "--nonblocking",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ),
                out,
            )
        )
    return procs


def py_spy_summary(files: list[Path], top: int = 25) -> dict:
    """Inclusive share of samples per frame (function, file:line stripped), and self share."""
    inclusive: dict[str, int] = {}
    self_: dict[str, int] = {}
    total = 0
    for f in files:
        if not f.exists():
            continue
        for line in f.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack:
                continue
            n = int(count)
            total += n
            frames = [
                fr.split(" (")[0]
                + " ("
                + fr.split(" (")[1].split(":")[0].replace(str(benchlib.ROOT) + "/", "").split("site-packages/")[-1]
                + ")"
                if " (" in fr
                else fr
                for fr in stack.split(";")
            ]
            for fr in set(frames):
                inclusive[fr] = inclusive.get(fr, 0) + n
            self_[frames[-1]] = self_.get(frames[-1], 0) + n
    if not total:
        return {}
    inc = sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]
    slf = sorted(self_.items(), key=lambda kv: -kv[1])[:top]
    return {
        "samples": total,
        "inclusive_pct": [(k, round(100 * v / total, 1)) for k, v in inc],
        "self_pct": [(k, round(100 * v / total, 1)) for k, v in slf],
    }


def run_config(args, cfg: dict, rates: list[float], logdir: Path) -> dict:
    url = create_database(args.pg_url)
    dbname = url.rsplit("/", 1)[1]
    out = {"config": cfg, "database": dbname, "phases": []}
    server = None
    try:
        out["prepare"] = prepare_database(url, args.preload)
        material = body_material(url)
        server = Server(url, cfg, logdir)
        server.start()
        out["port"] = server.port
        with psycopg.connect(benchlib.psycopg_conninfo(url)) as conn:
            rows_before = conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
        sampler = RssSampler(server.proc.pid, dbname)
        sampler.start()
        all_acked: list[str] = []
        seed = args.seed
        for i, rate in enumerate(rates):
            waited = wait_quiet(args.wait_quiet) if args.wait_quiet > 0 else 0
            server.check_alive()
            if args.warmup > 0:
                reqs, _ = build_requests(int(rate * args.warmup), server.port, material, seed)
                seed += 1
                warm = asyncio.run(loadgen.run_open_loop("127.0.0.1", server.port, reqs, rate=rate, timeout=args.timeout))
                all_acked += tracking_numbers(warm)
                w = summarize(warm, rate, args.warmup)
                print(
                    f"  warm-up {args.warmup:g} s at {rate:g}/s: p50 {w['latency_ms']['p50']} ms, p99 {w['latency_ms']['p99']} ms, {w['errors']} errors"
                )
            reqs, _ = build_requests(int(rate * args.duration), server.port, material, seed)
            seed += 1
            workers = server.workers()
            cpu_w0 = {pid: proc_cpu(pid) for pid in workers}
            cpu_pg0, sys0 = sampler.sample_pg(), system_cpu()
            profs = py_spy_start(workers, args.duration, logdir) if args.profile else []
            run = asyncio.run(
                loadgen.run_open_loop(
                    "127.0.0.1",
                    server.port,
                    reqs,
                    rate=rate,
                    timeout=args.timeout,
                    arrivals=args.arrivals,
                    max_conns=args.max_conns,
                    seed=seed,
                )
            )
            sys1 = system_cpu()
            span = max(1e-9, run.finished - run.started)
            phase = summarize(run, rate, args.duration)
            w_cpu = sum(proc_cpu(p) - c for p, c in cpu_w0.items())
            pg_cpu = sum(c - cpu_pg0.get(pid, 0.0) for pid, c in sampler.sample_pg().items())
            busy_pct = 100 * (sys1[0] - sys0[0]) / max(1, sys1[1] - sys0[1])
            ncpu = os.cpu_count() or 1
            ours = 100 * (w_cpu + pg_cpu + run.cpu_s) / span
            phase["cpu"] = {
                "workers_pct_of_core": round(100 * w_cpu / span, 1),
                "postgres_pct_of_core": round(100 * pg_cpu / span, 1),
                "loadgen_pct_of_core": phase["loadgen_cpu_pct_of_core"],
                "machine_busy_pct": round(busy_pct, 1),
                # CPU used by anything else on the machine meanwhile (% of one core): other people's tests, py-spy...
                "background_pct_of_core": round(max(0.0, busy_pct * ncpu - ours), 1),
            }
            phase["waited_for_idle_s"] = waited
            phase["cpu_ms_per_request"] = {
                "workers": round(w_cpu * 1000 / max(1, phase["requests"]), 2),
                "postgres": round(pg_cpu * 1000 / max(1, phase["requests"]), 2),
            }
            if profs:
                for p, _ in profs:
                    try:
                        p.wait(args.duration + 30)
                    except subprocess.TimeoutExpired:
                        p.kill()
                phase["profile"] = py_spy_summary([f for _, f in profs])
                phase["profile_files"] = [str(f) for _, f in profs]
            acked = tracking_numbers(run)
            all_acked += acked
            out["phases"].append(phase)
            print_phase(phase, cfg)
        time.sleep(0.5)
        sampler.stop()
        workers = server.workers()
        hwm = {pid: proc_status(pid, "VmHWM") for pid in workers}
        out["rss"] = {
            "workers": len(workers),
            "peak_rss_sampled_mib": {str(pid): round(kb / 1024, 1) for pid, kb in sampler.peak.items()},
            "vmhwm_mib": {str(pid): round((kb or 0) / 1024, 1) for pid, kb in hwm.items()},
            "master_vmhwm_mib": round((proc_status(server.proc.pid, "VmHWM") or 0) / 1024, 1),
            "samples": sampler.samples,
            "series": sampler.series,
        }
        out["rss"]["max_worker_peak_mib"] = max(
            list(out["rss"]["vmhwm_mib"].values()) + list(out["rss"]["peak_rss_sampled_mib"].values()) or [0]
        )
        out["rss"]["workers_replaced"] = len(set(sampler.peak) - set(workers))
        server_log = server.log.name
        server.stop()
        server = None
        out["check"] = check_rows(url, all_acked, rows_before)
        if any(ph["errors"] for ph in out["phases"]):
            out["server_log_tail"] = Path(server_log).read_text()[-4000:]
    finally:
        if server is not None:
            server.stop()
        if not args.keep_db:
            drop_database(url)
        else:
            out["kept_database"] = url
    return out


def print_phase(ph: dict, cfg: dict) -> None:
    l = ph["latency_ms"]
    print(
        f"  [{cfg['name']}] {ph['target_rate']:g}/s for {ph['span_s']:.0f} s: achieved {ph['achieved_rate']:.1f} acknowledged/s "
        f"({ph['acknowledged']}/{ph['requests']}); latency p50 {l['p50']} p90 {l['p90']} p99 {l['p99']} max {l['max']} ms; "
        f"errors {ph['errors']} {ph['by_status'] if ph['errors'] else ''}"
    )
    c = ph["cpu"]
    print(
        f"      CPU (% of one core): workers {c['workers_pct_of_core']}, PostgreSQL {c['postgres_pct_of_core']}, "
        f"load generator {c['loadgen_pct_of_core']}; machine busy {c['machine_busy_pct']}%; "
        f"per request: workers {ph['cpu_ms_per_request']['workers']} ms, PostgreSQL {ph['cpu_ms_per_request']['postgres']} ms; "
        f"send lag p99 {ph['send_lag_ms']['p99']} ms, in flight max {ph['max_in_flight']}"
    )
    if c["background_pct_of_core"] > 15:
        print(
            f"      WARNING: other processes used {c['background_pct_of_core']}% of a core during this phase: figures are pessimistic"
        )


def verdict(ph: dict, rss_mib: float, lost: int, duration: float) -> dict:
    return {
        "rate": ph["achieved_rate"] >= 0.98 * TARGET["rate"] and ph["target_rate"] >= TARGET["rate"] and ph["errors"] == 0,
        "duration": duration >= 60,
        "p99": (ph["latency_ms"]["p99"] or 1e9) < TARGET["p99_ms"],
        "lost": lost == 0,
        "rss": rss_mib < TARGET["rss_mib"],
    }


def markdown(data: dict) -> str:
    m = data["machine"]
    lines = [
        f"# intake benchmark, {data['when'][:16].replace('T', ' ')} UTC",
        "",
        f"Machine: {benchlib.machine_line(m)}. Parallel CPU speed-up measured with 2 processes: {m.get('cpu_parallel_speedup')}x.",
        "",
        f"Command: `{data['command']}`",
        "",
        "| config | target/s | achieved/s | p50 ms | p90 ms | p99 ms | max ms | errors | acked | rows | lost | worker peak RSS MiB | CPU % of a core: workers / PG / loadgen / others |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in data["runs"]:
        for ph in r["phases"]:
            l, c, chk = ph["latency_ms"], ph["cpu"], r.get("check", {})
            lines.append(
                f"| {r['config']['name']} | {ph['target_rate']:g} | {ph['achieved_rate']} | {l['p50']} | {l['p90']} | {l['p99']} | {l['max']} | "
                f"{ph['errors']} | {ph['acknowledged']} | {chk.get('acknowledged_with_row', '?')}* | {chk.get('lost', '?')}* | "
                f"{r.get('rss', {}).get('max_worker_peak_mib', '?')}* | {c['workers_pct_of_core']} / {c['postgres_pct_of_core']} / {c['loadgen_pct_of_core']} / {c['background_pct_of_core']} |"
            )
    lines += ["", "\\* per server run (all its phases and warm-ups together).", ""]
    if data.get("medians"):
        lines += [
            "Medians per configuration and rate:",
            "",
            "| config | rate | runs | achieved/s | p50 ms | p99 ms | worker CPU ms/req | PostgreSQL CPU ms/req | others % of a core |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {m['config']} | {m['rate']:g} | {m['n']} | {m['achieved']} | {m['p50']} | {m['p99']} | {m['workers_ms']} | {m['pg_ms']} | {m['others']} |"
            for m in data["medians"]
        ]
        lines.append("")
    for r in data["runs"]:
        chk = r.get("check", {})
        lines.append(
            f"- {r['config']['name']}: acknowledged {chk.get('acknowledged')} (warm-up included), with row {chk.get('acknowledged_with_row')}, "
            f"with submit event {chk.get('acknowledged_with_submit_event')}, rows added {chk.get('report_rows_added')}, "
            f"**lost {chk.get('lost')}**, rows not acknowledged {chk.get('rows_not_acknowledged')}; per-worker VmHWM MiB {r.get('rss', {}).get('vmhwm_mib')}"
        )
    if data.get("verdict"):
        lines += [
            "",
            "Target (≥300/s for 60 s, p99 < 100 ms, 0 lost, worker peak < 150 MiB): "
            + ", ".join(f"{k} {'OK' if v else 'NOT MET'}" for k, v in data["verdict"].items()),
        ]
    prof = next((ph.get("profile") for r in data["runs"] for ph in r["phases"] if ph.get("profile")), None)
    if prof:
        lines += ["", f"py-spy profile of the workers ({prof['samples']} samples), inclusive share:", ""]
        lines += [f"- {pct}% {frame}" for frame, pct in prof["inclusive_pct"][:20]]
    return "\n".join(lines) + "\n"


def medians(runs: list) -> list:
    import statistics

    groups: dict = {}
    for r in runs:
        for ph in r["phases"]:
            groups.setdefault((r["config"]["name"], ph["target_rate"]), []).append(ph)
    out = []
    for (name, rate), phs in groups.items():

        def med(f, phs=phs):
            return round(statistics.median(f(ph) for ph in phs), 2)

        out.append(
            {
                "config": name,
                "rate": rate,
                "n": len(phs),
                "achieved": med(lambda p: p["achieved_rate"]),
                "p50": med(lambda p: p["latency_ms"]["p50"]),
                "p99": med(lambda p: p["latency_ms"]["p99"]),
                "workers_ms": med(lambda p: p["cpu_ms_per_request"]["workers"]),
                "pg_ms": med(lambda p: p["cpu_ms_per_request"]["postgres"]),
                "others": med(lambda p: p["cpu"]["background_pct_of_core"]),
            }
        )
    return out


def cpu_parallel_speedup() -> float:
    """Work done by 2 concurrent CPU-bound processes relative to 1 (2.0 = two real cores)."""
    code = "import time\nt=time.perf_counter()\nx=0\nfor i in range(6_000_000): x+=i\nprint(time.perf_counter()-t)"
    one = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False).stdout)
    ps = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    two = max(float(p.communicate()[0]) for p in ps)
    return round(2 * one / two, 2)


def _stop_on_signal() -> None:
    """SIGTERM (and SIGINT, even when started in the background) end the run through the normal
    clean-up: gunicorn stopped, the database dropped."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def main() -> None:
    _stop_on_signal()
    p = argparse.ArgumentParser(description="Sustained POST /api/v1/reports per second against gunicorn + PostgreSQL.")
    p.add_argument("--duration", type=float, default=60, help="seconds of measured load per phase")
    p.add_argument("--rate", type=float, default=300, help="arrivals per second")
    p.add_argument("--rates", help="comma-separated rates run one after the other against the same server (overrides --rate)")
    p.add_argument(
        "--warmup",
        type=float,
        default=5,
        help="seconds at the same rate before each measured phase (not measured, but checked for loss)",
    )
    # Default: the best configuration measured on the 2-vCPU machine (see bench/README.md).
    p.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument(
        "--db-pool", action="store_true", help="LAPOR_DB_POOL=1 (psycopg pool per worker) instead of persistent connections"
    )
    p.add_argument("--conn-max-age", type=int, default=60, help="LAPOR_DB_CONN_MAX_AGE when not pooling")
    p.add_argument("--preload-app", action="store_true", help="gunicorn --preload")
    p.add_argument(
        "--variant",
        default="",
        help="what-if app changes patched in by bench/variants.py, e.g. refcache,noprecheck,nosavepoint,ssb; "
        "several separated by ';' are compared (an empty one is the app as it is)",
    )
    p.add_argument("--configs", help="with --matrix: only these configurations (comma-separated names)")
    p.add_argument(
        "--repeat", type=int, default=1, help="run every configuration this many times, interleaved; medians are printed"
    )
    p.add_argument("--matrix", action="store_true", help="run the configurations of MATRIX (use a shorter --duration)")
    p.add_argument("--preload", type=int, default=0, help="reports to load before the run (bench/generate.py)")
    p.add_argument("--arrivals", default="constant", choices=["constant", "poisson"])
    p.add_argument("--timeout", type=float, default=10, help="per-request timeout, seconds")
    p.add_argument("--max-conns", type=int, default=512)
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=300,
        help="before each measured phase wait up to this many seconds for the machine to be idle (0: don't)",
    )
    p.add_argument("--profile", action="store_true", help="py-spy record each worker during the measured phase")
    p.add_argument(
        "--pg-url", default=os.environ.get("LAPOR_BENCH_PG_URL", benchlib.DEFAULT_PG_URL), help="server to create the database on"
    )
    p.add_argument("--keep-db", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-save", action="store_true")
    args = p.parse_args()
    if args.duration > 600 or args.warmup > 120:
        raise SystemExit("phases are bounded: --duration <= 600, --warmup <= 120")

    rates = [float(x) for x in args.rates.split(",")] if args.rates else [args.rate]
    variants = args.variant.split(";") if ";" in args.variant else [args.variant]
    configs = []
    for variant in variants:
        if args.matrix:
            wanted = {c.strip() for c in args.configs.split(",")} if args.configs else None
            configs += [
                {
                    "name": n + (f" +{variant}" if variant else ""),
                    "worker_class": wc,
                    "workers": w,
                    "threads": t,
                    "pool": pool,
                    "pool_max": max(2, t),
                    "variant": variant,
                    "preload_app": args.preload_app,
                }
                for n, wc, w, t, pool in MATRIX
                if wanted is None or n in wanted
            ]
        else:
            name = (
                f"{args.worker_class} w{args.workers}"
                + (f"x{args.threads}" if args.worker_class == "gthread" else "")
                + (" pool" if args.db_pool else "")
                + (" preload" if args.preload_app else "")
                + (f" +{variant}" if variant else "")
            )
            configs.append(
                {
                    "name": name,
                    "worker_class": args.worker_class,
                    "workers": args.workers,
                    "threads": args.threads,
                    "pool": args.db_pool,
                    "pool_max": max(2, args.threads),
                    "conn_max_age": args.conn_max_age,
                    "preload_app": args.preload_app,
                    "variant": variant,
                }
            )
    configs = [dict(c) for _ in range(max(1, args.repeat)) for c in configs]  # interleaved: A B A B ...
    machine = benchlib.machine_info(args.pg_url)
    machine["cpu_parallel_speedup"] = cpu_parallel_speedup()
    print(f"machine: {benchlib.machine_line(machine)}; 2-process CPU speed-up {machine['cpu_parallel_speedup']}x")
    logdir = Path(tempfile.mkdtemp(prefix="lapor-intake-"))
    data = {
        "benchmark": "intake",
        "when": benchlib.now_utc().isoformat(),
        "machine": machine,
        "command": "python bench/intake.py " + " ".join(sys.argv[1:]),
        "target": TARGET,
        "runs": [],
    }
    for cfg in configs:
        print(
            f"config {cfg['name']}: {cfg['worker_class']}, {cfg['workers']} workers x {cfg['threads']} threads, "
            f"{'psycopg pool' if cfg['pool'] else 'persistent connections (CONN_MAX_AGE)'}"
        )
        data["runs"].append(run_config(args, cfg, rates, logdir))
        r = data["runs"][-1]
        chk, rss = r["check"], r["rss"]
        print(
            f"  acknowledged {chk['acknowledged']} (warm-ups included); rows: reports {chk['acknowledged_with_row']} of them, "
            f"submit events {chk['acknowledged_with_submit_event']}; LOST {chk['lost']}; rows not acknowledged {chk['rows_not_acknowledged']}"
        )
        print(
            f"  worker peak RSS (VmHWM) MiB: {rss['vmhwm_mib']}; sampled peak {rss['peak_rss_sampled_mib']}; master {rss['master_vmhwm_mib']}"
        )
    if len(data["runs"]) == 1 and len(rates) == 1:
        r = data["runs"][0]
        data["verdict"] = verdict(r["phases"][0], r["rss"]["max_worker_peak_mib"], r["check"]["lost"], args.duration)
        print("target: " + ", ".join(f"{k} {'OK' if v else 'NOT MET'}" for k, v in data["verdict"].items()))
    if len(data["runs"]) > 1:
        data["medians"] = medians(data["runs"])
        print("\nmedians per configuration and rate (over --repeat runs):")
        print(
            f"{'config':<44} {'rate':>5} {'n':>2} {'achieved':>8} {'p50':>7} {'p99':>8} {'w ms/req':>8} {'pg ms/req':>9} {'others%':>7}"
        )
        for m in data["medians"]:
            print(
                f"{m['config']:<44} {m['rate']:>5g} {m['n']:>2} {m['achieved']:>8} {m['p50']:>7} {m['p99']:>8} {m['workers_ms']:>8} {m['pg_ms']:>9} {m['others']:>7}"
            )
    if len(data["runs"]) > 1:
        print("\nconfig                 rate  achieved   p50     p99     max   errors lost  peakRSS  CPU w/pg/gen")
        for r in data["runs"]:
            for ph in r["phases"]:
                l, c = ph["latency_ms"], ph["cpu"]
                print(
                    f"{r['config']['name']:<20} {ph['target_rate']:>6g} {ph['achieved_rate']:>8} {l['p50']:>7} {l['p99']:>7} {l['max']:>7} "
                    f"{ph['errors']:>6} {r['check']['lost']:>4} {r['rss']['max_worker_peak_mib']:>7}  "
                    f"{c['workers_pct_of_core']}/{c['postgres_pct_of_core']}/{c['loadgen_pct_of_core']}"
                )
    if not args.no_save:
        paths = benchlib.save_results("intake", data, markdown(data))
        print(f"saved {paths[0].relative_to(benchlib.ROOT)} and {paths[1].name}")
    shutil.rmtree(logdir, ignore_errors=True) if not args.profile else print(f"profiles and logs in {logdir}")


if __name__ == "__main__":
    main()
