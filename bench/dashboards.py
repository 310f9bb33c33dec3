#!/usr/bin/env python
"""Monitoring dashboards: server time and worker memory at scale, cache bypassed.

    .venv/bin/python bench/dashboards.py --database-url postgres://postgres@127.0.0.1:5432/lapor_bench_dash [--requests 200] [--agency CODE]

Runs against an ALREADY LOADED database (bench/generate.py); it is not dropped. Steps:

1. in this process (Django set up against that database): makes sure two officials exist — the
   national admin `bench-dash-nasional` (a national_admin position at the national desk) and the
   agency admin `bench-dash-admin-<agency>` (an agency_admin position at the chosen agency: the
   one with the most reports unless --agency) — each with a fresh random password and a fresh
   confirmed authenticator (TOTP) device whose key only this run knows (previous devices of these
   two bench accounts are deleted);
2. starts gunicorn (config.wsgi, 2 sync workers, DEBUG off, persistent connections) on a free
   127.0.0.1 port, with REDIS_URL pointing at a Redis database of its own (--redis-url, default
   redis://127.0.0.1:6379/14) so that the dashboards' figure cache (dashboards.py, 5 minutes, keys
   `monev-dashboard:*`) lives where this script can empty it;
3. signs both officials in through the real pages: /masuk/ (password), then /masuk/dua-langkah/
   (the authenticator code, computed from the key as a phone would);
4. for each page — the national macro dashboard /monev/nasional/ (default period: this year so
   far), the same for the last 12 months (?dari=&sampai=), and the agency micro dashboard
   /monev/instansi/<code>/ — sends --warmup then --requests sequential GETs, deleting the
   `monev-dashboard:*` keys from Redis before every request (outside the timed window), so every
   request computes its figures (a cold cache: the worst case a viewer meets every 5 minutes);
   --warm adds a pass with the cache left warm, for comparison;
5. reads each gunicorn worker's VmHWM (peak RSS) from /proc/<pid>/status after each page.

Latency is measured by the client on loopback (connect, request, whole body): the app sends no
Server-Timing header (checked; recorded when present). Prints p50/p95/p99/max per page, worker
CPU and PostgreSQL CPU per request, worker peak RSS, the database's size and row counts, and the
machine; saves bench/results/dashboards-<time>.json and .md. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

benchlib.use_venv()

import intake  # process helpers: children, proc_status, proc_cpu, postgres_cpu, system_cpu, wait_quiet, free_port

TARGET = {"national_p95_ms": 300, "agency_p95_ms": 100, "worker_rss_mib": 200}
CACHE_PATTERN = "*monev-dashboard:*"  # Django's RedisCache stores ":<version>:monev-dashboard:..."
NATIONAL_USER = "bench-dash-nasional"


# --- accounts ---------------------------------------------------------------------------------


def pick_agency(code: str | None) -> tuple[str, str, int]:
    """(code, name, reports) of the agency whose micro dashboard is measured: --agency, or the
    handler agency with the most reports."""
    from django.db.models import Count

    from lapor.monev.dashboards import agency_of
    from lapor.monev.scopes import ScopeError
    from lapor.reports.models import Report

    if code:
        try:
            agency = agency_of(code)
        except ScopeError:
            raise SystemExit(f"--agency {code}: no such agency (a top-level agency that handles reports)") from None
        return agency.code, agency.name, Report.objects.filter(agency=agency).count()
    top = (
        Report.objects.filter(agency__isnull=False, agency__parent__isnull=True)
        .exclude(agency__kind__in=["unit", "national_desk", "ombudsman"])
        .values("agency__code", "agency__name")
        .annotate(n=Count("id"))
        .order_by("-n", "agency__code")
        .first()
    )
    if top is None:
        raise SystemExit("no report is held by an agency: load the database with bench/generate.py first")
    return top["agency__code"], top["agency__name"], top["n"]


def ensure_official(username: str, role: str, agency_code: str) -> tuple[str, int]:
    """An official holding an active position of `role` at the agency, with a new random password
    and a new confirmed TOTP device (key known to this run only). Returns (password, device id)."""
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lapor.accounts.models import Position, User
    from lapor.agencies.models import Agency

    agency = Agency.objects.get(code=agency_code)
    password = "bench-" + secrets.token_urlsafe(18)
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=password, full_name=f"Bench {username}")
        else:
            user.set_password(password)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        if not Position.objects.filter(holder=user, role=role, agency=agency, is_active=True).exists():
            Position.objects.create(role=role, agency=agency, title=f"Bench {role} {agency.code}"[:150], holder=user)
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Bench authenticator", key=secrets.token_hex(20), confirmed=True)
    return password, device.pk


def totp_code(device_id: int) -> str:
    """What the official's phone would show and the server accepts next (a code works once; the
    server allows one time step of clock difference)."""
    from django_otp.oath import hotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    d = TOTPDevice.objects.get(pk=device_id)
    now_t = (int(time.time()) - d.t0) // d.step + d.drift
    return f"{hotp(d.bin_key, max(now_t, d.last_t + 1), d.digits):0{d.digits}d}"


def sign_in(base: str, username: str, password: str, device_id: int, next_path: str) -> str:
    """Both sign-in steps through the pages; returns the Cookie header of the verified session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, fields: dict):
        html = opener.open(base + path, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not token:
            raise SystemExit(f"no CSRF token on {path}")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        return opener.open(urllib.request.Request(base + path, data=data, headers={"Referer": base + path}), timeout=30)

    answer = post("/masuk/", {"username": username, "password": password, "next": next_path})
    if urllib.parse.urlsplit(answer.url).path != "/masuk/dua-langkah/":
        raise SystemExit(f"{username}: the password step did not lead to the second step ({answer.url})")
    answer = post(f"/masuk/dua-langkah/?next={urllib.parse.quote(next_path)}", {"code": totp_code(device_id), "next": next_path})
    if urllib.parse.urlsplit(answer.url).path != next_path:
        raise SystemExit(f"{username}: the second step failed ({answer.url})")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def check_ready(prepare: bool) -> list[str]:
    """The database must be migrated, and the monitoring rollups (when the code has them) filled:
    a database loaded by generate.py's COPY has reports but no rollup rows. With `prepare`, run
    `migrate` and `monev_verify --rebuild`; otherwise refuse with the command to run. Returns what
    was done."""
    import io

    from django.core.management import call_command, get_commands
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    done = []
    pending = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    if pending:
        if not prepare:
            raise SystemExit(
                f"{len(pending)} migration(s) not applied to this database (e.g. {pending[0][0]}): run with --prepare "
                "(migrate, then rebuild the rollups) or `manage.py migrate`"
            )
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, stdout=io.StringIO())
        done.append(f"migrate ({len(pending)} migrations, {time.perf_counter() - t0:.0f} s)")
    tables = connection.introspection.table_names()
    if "monev_rollup" in tables:
        with connection.cursor() as c:
            c.execute("SELECT EXISTS (SELECT 1 FROM monev_rollup)")
            filled = c.fetchone()[0]
            c.execute("SELECT EXISTS (SELECT 1 FROM reports_report)")
            reports = c.fetchone()[0]
        if reports and not filled:
            if not prepare or "monev_verify" not in get_commands():
                raise SystemExit(
                    "the monitoring rollups are empty while there are reports (generate.py's COPY does not fill them): "
                    "run with --prepare or `manage.py monev_verify --rebuild`"
                )
            t0 = time.perf_counter()
            call_command("monev_verify", rebuild=True, stdout=io.StringIO())
            done.append(f"monev_verify --rebuild ({time.perf_counter() - t0:.0f} s)")
    return done


# --- the server ---------------------------------------------------------------------------------


class Server:
    """gunicorn with config.wsgi: sync workers, DEBUG off, persistent connections, the given Redis."""

    def __init__(self, url: str, redis_url: str, workers: int, timeout: int, logdir: Path):
        self.port = intake.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = benchlib.django_env(
            url,
            {
                "LAPOR_DEBUG": "0",
                "LAPOR_DB_POOL": "0",
                "LAPOR_DB_CONN_MAX_AGE": "60",
                "LAPOR_LOG_LEVEL": "WARNING",
                "LAPOR_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "REDIS_URL": redis_url,
            },
        )
        cmd = [
            str(benchlib.VENV_PYTHON), "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--worker-class", "sync",
            "--timeout", str(timeout), "--log-level", "warning",
        ]  # fmt: skip
        self.log = open(logdir / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115 (open for the server's life)
        self.proc = subprocess.Popen(cmd, cwd=benchlib.ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("gunicorn exited:\n" + Path(self.log.name).read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.base + "/masuk/", timeout=5) as r:
                    if r.status == 200 and len(self.workers()) >= workers:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not become ready in 60 s")

    def workers(self) -> list[int]:
        return intake.children(self.proc.pid)

    def hwm_mib(self) -> dict[str, float]:
        return {str(pid): round((intake.proc_status(pid, "VmHWM") or 0) / 1024, 1) for pid in self.workers()}

    def rss_mib(self) -> dict[str, float]:
        return {str(pid): round((intake.proc_status(pid, "VmRSS") or 0) / 1024, 1) for pid in self.workers()}

    def reset_hwm(self) -> bool:
        """Reset each worker's VmHWM to its current RSS (Linux: "5" > /proc/<pid>/clear_refs), so
        that the peak measured afterwards is the dashboards' own: the sign-in's Argon2 password
        check alone takes ~100 MiB (Django's memory_cost) for a moment."""
        ok = True
        for pid in self.workers():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                ok = False
        return ok

    def stop(self) -> None:
        workers = self.workers()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:  # a worker still inside a slow request
                self.proc.kill()
                self.proc.wait()
        for pid in workers:  # orphaned workers of a killed master
            try:
                if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self.log.close()


# --- the figure cache ---------------------------------------------------------------------------


class FigureCache:
    """The dashboards' keys in the server's Redis database."""

    def __init__(self, redis_url: str):
        import redis

        self.r = redis.Redis.from_url(redis_url)
        self.r.ping()

    def keys(self) -> list[bytes]:
        return list(self.r.scan_iter(match=CACHE_PATTERN, count=1000))

    def clear(self) -> int:
        keys = self.keys()
        if keys:
            self.r.unlink(*keys)
        return len(keys)


# --- measuring ------------------------------------------------------------------------------------


class PageTimeout(Exception):
    """A request took longer than --timeout."""



def get(port: int, path: str, cookie: str, timeout: float) -> tuple[float, int, int, str | None, bytes]:
    """(ms, status, bytes, Server-Timing, body) of one GET on a new loopback connection (gunicorn's
    sync worker closes each connection anyway)."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": f"127.0.0.1:{port}", "User-Agent": "lapor-bench"})
        resp = conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - t0) * 1000
        return ms, resp.status, len(body), resp.getheader("Server-Timing"), body
    finally:
        conn.close()


def stats(values: list[float]) -> dict:
    v = sorted(values)
    if not v:
        return {}
    return {
        "n": len(v),
        "p50": round(statistics.median(v), 1),
        "p95": round(benchlib.percentile(v, 95), 1),
        "p99": round(benchlib.percentile(v, 99), 1),
        "max": round(v[-1], 1),
        "min": round(v[0], 1),
        "mean": round(sum(v) / len(v), 1),
    }


def measure_page(server: Server, cache: FigureCache | None, page: dict, cookie: str, args, dbname: str) -> dict:
    """--warmup then --requests sequential GETs; with `cache`, its keys are deleted before each one."""
    waited = intake.wait_quiet(args.wait_quiet) if args.wait_quiet > 0 else 0
    out: dict = {
        "name": page["name"],
        "path": page["path"],
        "cache": "bypassed" if cache else "warm",
        "waited_for_idle_s": waited,
        "timeout_s": args.timeout,
    }
    cleared, clear_ms, keys_written = [], [], []

    def one() -> tuple[float, int, int, str | None]:
        if cache is not None:
            c0 = time.perf_counter()
            cleared.append(cache.clear())
            clear_ms.append((time.perf_counter() - c0) * 1000)
        try:
            ms, status, size, timing, body = get(server.port, page["path"], cookie, args.timeout)
        except TimeoutError:
            raise PageTimeout from None
        if status != 200:
            raise SystemExit(f"{page['path']}: HTTP {status}\n{body[:500].decode(errors='replace')}")
        if page["marker"] not in body:
            raise SystemExit(f"{page['path']}: the page does not look like the dashboard (no {page['marker']!r})")
        if cache is not None:
            keys_written.append(len(cache.keys()))
        return ms, status, size, timing

    started = time.perf_counter()
    warmed = 0
    try:
        for _ in range(args.warmup):
            one()
            warmed += 1
            if time.perf_counter() - started > args.page_budget / 3:
                break  # slow pages: keep time for the measured requests
    except PageTimeout:
        print(f"      a warm-up request took longer than --timeout {args.timeout:g} s: page not measured")
        out.update({"latency_ms": {}, "timed_out": True, "requests_wanted": args.requests, "cut_by_budget": True, "warmup_done": warmed})
        return out
    if cache is not None and keys_written and max(keys_written) == 0:
        raise SystemExit(
            "the dashboard wrote no monev-dashboard:* key to Redis: the server does not use this Redis for its cache "
            "(REDIS_URL?); refusing to call the figures cold"
        )
    workers = server.workers()
    w0 = {pid: intake.proc_cpu(pid) for pid in workers}
    pg0, sys0 = intake.postgres_cpu(dbname), intake.system_cpu()
    own0 = time.process_time()
    lat, sizes, timings = [], [], []
    cleared.clear(), clear_ms.clear(), keys_written.clear()
    t0 = time.perf_counter()
    wanted = args.requests if cache is not None else args.warm_requests
    timed_out = False
    for _ in range(wanted):
        try:
            ms, _status, size, timing = one()
        except PageTimeout:
            timed_out = True
            print(f"      a request took longer than --timeout {args.timeout:g} s: measuring of this page stopped")
            break
        lat.append(ms)
        sizes.append(size)
        if timing:
            timings.append(timing)
        if time.perf_counter() - started > args.page_budget:
            break
    cut = len(lat) < wanted
    if cut:
        print(f"      page budget ({args.page_budget:g} s) spent: {len(lat)} of {wanted} requests measured")
    span = time.perf_counter() - t0
    sys1 = intake.system_cpu()
    w_cpu = sum(intake.proc_cpu(p) - c for p, c in w0.items())
    pg1 = intake.postgres_cpu(dbname)
    pg_cpu = sum(c - pg0.get(pid, 0.0) for pid, c in pg1.items())
    own = time.process_time() - own0
    busy = 100 * (sys1[0] - sys0[0]) / max(1, sys1[1] - sys0[1])
    n = len(lat)
    out.update(
        {
            "latency_ms": stats(lat),
            "requests_wanted": wanted,
            "cut_by_budget": cut,
            "timed_out": timed_out,
            "warmup_done": warmed,
            "bytes": int(statistics.median(sizes)) if sizes else None,
            "server_timing_examples": timings[:3],
            "cache_keys_deleted_per_request": round(statistics.median(cleared), 1) if cleared else None,
            "cache_keys_written_per_request": round(statistics.median(keys_written), 1) if keys_written else None,
            "cache_clear_ms_median": round(statistics.median(clear_ms), 2) if clear_ms else None,
            "cpu_ms_per_request": {"workers": round(w_cpu * 1000 / max(1, n), 1), "postgres": round(pg_cpu * 1000 / max(1, n), 1)},
            "cpu": {
                "machine_busy_pct": round(busy, 1),
                # anything else on the machine meanwhile, % of one core (other people's tests)
                "others_pct_of_core": round(max(0.0, busy * (os.cpu_count() or 1) - 100 * (w_cpu + pg_cpu + own) / span), 1),
            },
            "span_s": round(span, 1),
            "worker_vmhwm_mib_after": server.hwm_mib(),
        }
    )
    return out


def db_facts(url: str, agency_code: str, periods: dict) -> dict:
    import psycopg

    with psycopg.connect(benchlib.psycopg_conninfo(url)) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        reports = conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM reports_reportevent").fetchone()[0]
        rel = {
            t: conn.execute("SELECT pg_total_relation_size(%s)", [t]).fetchone()[0]
            for t in ("reports_report", "reports_reportevent")
        }
        agency_reports = conn.execute(
            "SELECT count(*) FROM reports_report r JOIN agencies_agency a ON a.id = r.agency_id WHERE a.code = %s", [agency_code]
        ).fetchone()[0]
        in_period = {}
        for name, (first, last) in periods.items():
            lo = datetime.combine(first, datetime.min.time(), ZoneInfo("Asia/Jakarta"))
            hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), ZoneInfo("Asia/Jakarta"))
            in_period[name] = conn.execute(
                "SELECT count(*) FROM reports_report WHERE submitted_at >= %s AND submitted_at < %s", [lo, hi]
            ).fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "database_size_mib": round(size / 1048576, 1),
        "reports_report_rows": reports,
        "reports_reportevent_rows": events,
        "relation_size_mib": {k: round(v / 1048576, 1) for k, v in rel.items()},
        "agency_reports": agency_reports,
        "reports_submitted_in_period": in_period,
        "postgresql": version,
    }


# --- output ---------------------------------------------------------------------------------------


def _limit(p: dict) -> int:
    return TARGET["agency_p95_ms"] if p["kind"] == "agency" else TARGET["national_p95_ms"]


def _met(p: dict) -> bool:
    return not p.get("timed_out") and bool(p["latency_ms"]) and p["latency_ms"]["p95"] < _limit(p)


def verdicts(data: dict) -> dict:
    out = {f"{p['name']} p95 < {_limit(p)} ms": _met(p) for p in data["pages"] if p["cache"] == "bypassed"}
    out[f"worker peak RSS < {TARGET['worker_rss_mib']} MiB"] = data["rss"]["max_worker_vmhwm_mib"] < TARGET["worker_rss_mib"]
    return out


def _n(p: dict) -> str:
    l = p["latency_ms"]
    text = str(l.get("n", 0))
    if p.get("timed_out"):
        text += f" (then a request > {p.get('timeout_s')} s: stopped)"
    elif p.get("cut_by_budget"):
        text += f" of {p['requests_wanted']} (page budget)"
    return text


def markdown(data: dict) -> str:
    f, m = data["database"], data["machine"]
    lines = [
        f"# dashboards benchmark, {data['when'][:16].replace('T', ' ')} UTC",
        "",
        f"Machine: {benchlib.machine_line(m)}",
        "",
        f"Command: `{data['command']}`",
        "",
        f"Database `{data['database_name']}`: {f['database_size_mib']:,} MiB (pg_database_size); reports_report "
        f"{f['reports_report_rows']:,} rows ({f['relation_size_mib']['reports_report']} MiB), reports_reportevent "
        f"{f['reports_reportevent_rows']:,} rows ({f['relation_size_mib']['reports_reportevent']} MiB). Agency "
        f"`{data['agency']['code']}` ({data['agency']['name']}): {f['agency_reports']:,} reports. Reports submitted in the "
        f"periods: " + ", ".join(f"{k} {v:,}" for k, v in f["reports_submitted_in_period"].items()) + ".",
        "",
        f"Server: gunicorn config.wsgi, {data['server']['workers']} sync workers, DEBUG off, CONN_MAX_AGE 60, cache "
        f"RedisCache at `{data['server']['redis_url']}`. Figure cache: {data['cache_method']}",
        "",
        f"Latency: {data['latency_note']}",
        "",
        "| page | cache | requests | p50 ms | p95 ms | p99 ms | max ms | target p95 | KB | worker CPU ms/req | PostgreSQL CPU ms/req | others % of a core |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in data["pages"]:
        l = p["latency_ms"]
        target = f"< {_limit(p)} {'OK' if _met(p) else 'NOT MET'}" if p["cache"] == "bypassed" else ""
        cpu = p.get("cpu_ms_per_request", {})
        lines.append(
            f"| `{p['path']}` | {p['cache']} | {_n(p)} | {l.get('p50', '—')} | {l.get('p95', '—')} | {l.get('p99', '—')} | "
            f"{l.get('max', '—')} | {target} | {(p.get('bytes') or 0) / 1000:.1f} | {cpu.get('workers', '—')} | "
            f"{cpu.get('postgres', '—')} | {p.get('cpu', {}).get('others_pct_of_core', '—')} |"
        )
    r = data["rss"]
    lines += [
        "",
        f"Worker peak RSS (VmHWM): after the sign-ins {r['after_sign_in_mib']} MiB (Argon2's ~100 MiB password check)"
        + ("; then reset (clear_refs), so the following are the dashboards' own" if r["reset_after_sign_in"] else "; not reset: the following include it")
        + f"; at the end {r['vmhwm_mib']} MiB — max "
        f"**{r['max_worker_vmhwm_mib']} MiB** (target < {TARGET['worker_rss_mib']} MiB). Workers replaced during the run: "
        f"{r['workers_replaced']}.",
        "",
        "Targets: " + ", ".join(f"{k} {'OK' if v else 'NOT MET'}" for k, v in data["verdict"].items()),
        "",
    ]
    return "\n".join(lines)


def print_page(p: dict) -> None:
    l = p["latency_ms"]
    if not l:
        print(f"  {p['name']:<28} [{p['cache']}] not measured (timed out)")
        return
    print(
        f"  {p['name']:<28} [{p['cache']}] n={_n(p)}: p50 {l['p50']} ms, p95 {l['p95']} ms, p99 {l['p99']} ms, max {l['max']} ms; "
        f"{p['bytes'] / 1000:.1f} KB; CPU per request: workers {p['cpu_ms_per_request']['workers']} ms, "
        f"PostgreSQL {p['cpu_ms_per_request']['postgres']} ms; others {p['cpu']['others_pct_of_core']}% of a core"
    )
    if p["cache"] == "bypassed":
        print(
            f"      cache: {p['cache_keys_deleted_per_request']} monev-dashboard keys deleted before each request "
            f"({p['cache_clear_ms_median']} ms, untimed), {p['cache_keys_written_per_request']} written by each; "
            f"worker VmHWM now {p['worker_vmhwm_mib_after']} MiB"
        )
    if p["cpu"]["others_pct_of_core"] > 15:
        print(f"      WARNING: other processes used {p['cpu']['others_pct_of_core']}% of a core meanwhile: figures are pessimistic")


def main() -> None:
    benchlib.stop_on_signal()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows when the output goes to a file
    p = argparse.ArgumentParser(description="Monitoring dashboards' server time and worker memory, figure cache bypassed.")
    p.add_argument("--database-url", required=True, help="an already loaded database (bench/generate.py); it is kept")
    p.add_argument("--requests", type=int, default=200, help="measured requests per page")
    p.add_argument("--warmup", type=int, default=10, help="requests per page before measuring")
    p.add_argument("--agency", help="the agency of the micro dashboard (default: the one with the most reports)")
    p.add_argument(
        "--redis-url",
        default=os.environ.get("LAPOR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="the server's cache; only the monev-dashboard:* keys in it are deleted",
    )
    p.add_argument("--warm", action="store_true", help="also measure each page with the figure cache left warm")
    p.add_argument("--warm-requests", type=int, default=50, help="requests per page of the --warm pass")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--timeout", type=float, default=300, help="per-request timeout, s (gunicorn's worker timeout: this + 10)")
    p.add_argument(
        "--page-budget",
        type=float,
        default=600,
        help="at most this many s per page and pass (warm-up at most a third of it): slow pages get fewer requests, said in the output",
    )
    p.add_argument("--wait-quiet", type=float, default=120, help="before each page wait up to this many s for an idle machine (0: don't)")
    p.add_argument(
        "--prepare",
        action="store_true",
        help="apply pending migrations and fill empty monitoring rollups (manage.py monev_verify --rebuild) first",
    )
    p.add_argument("--no-save", action="store_true")
    args = p.parse_args()
    if not 1 <= args.requests <= 5000 or not 0 <= args.warmup <= 200:
        raise SystemExit("bounded: --requests 1..5000, --warmup 0..200")

    url = args.database_url
    dbname = urllib.parse.urlsplit(url).path.lstrip("/")
    benchlib.setup_django(url)
    from lapor.accounts.models import Role
    from lapor.agencies.models import Agency

    prepared = check_ready(args.prepare)
    if prepared:
        print("prepared the database: " + ", ".join(prepared))
    if not Agency.objects.filter(kind="national_desk").exists():
        raise SystemExit("no national desk agency: load the database with bench/generate.py first")
    desk = Agency.objects.filter(kind="national_desk").order_by("pk").first()
    code, name, n_agency = pick_agency(args.agency)
    agency_user = f"bench-dash-admin-{code}"[:150]
    nat_password, nat_device = ensure_official(NATIONAL_USER, Role.NATIONAL_ADMIN, desk.code)
    ag_password, ag_device = ensure_official(agency_user, Role.AGENCY_ADMIN, code)
    print(f"officials: {NATIONAL_USER} (national admin at {desk.code}), {agency_user} (agency admin at {code}); fresh password and authenticator key")

    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    year_first = date(today.year, 1, 1)
    try:
        twelve_first = today.replace(year=today.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        twelve_first = today - timedelta(days=364)
    periods = {"this year so far": (year_first, today), "last 12 months": (twelve_first, today)}
    pages = [
        {"name": "national, this year", "kind": "national", "path": "/monev/nasional/", "user": "national"},
        {
            "name": "national, last 12 months",
            "kind": "national",
            "path": f"/monev/nasional/?dari={twelve_first.isoformat()}&sampai={today.isoformat()}",
            "user": "national",
        },
        {"name": f"agency {code}, this year", "kind": "agency", "path": f"/monev/instansi/{code}/", "user": "agency"},
    ]

    machine = benchlib.machine_info(url)
    print(f"machine: {benchlib.machine_line(machine)}")
    facts = db_facts(url, code, periods)
    print(
        f"database {dbname}: {facts['database_size_mib']:,} MiB; reports_report {facts['reports_report_rows']:,} rows, "
        f"reports_reportevent {facts['reports_reportevent_rows']:,} rows; agency {code} ({name}) {facts['agency_reports']:,} reports; "
        "submitted in period: " + ", ".join(f"{k} {v:,}" for k, v in facts["reports_submitted_in_period"].items())
    )
    from django.db import connections

    connections.close_all()

    cache = FigureCache(args.redis_url)
    cache_method = (
        "config/settings.py has no switch for a dummy cache (REDIS_URL set: RedisCache, else LocMemCache per process), so "
        f"the server uses its own Redis database ({args.redis_url}) and the script deletes the `monev-dashboard:*` keys "
        "(SCAN + UNLINK) before every request, outside the timed window: each measured request computes every figure and "
        "writes it to the cache (as a viewer meets it once the 5 minutes are over). Other cached values (the working-day "
        "calendar, SLA policies) stay cached, as in production."
    )
    print("figure cache: " + cache_method)
    logdir = Path(tempfile.mkdtemp(prefix="lapor-dash-"))
    server = None
    data = {
        "benchmark": "dashboards",
        "when": benchlib.now_utc().isoformat(),
        "machine": machine,
        "command": "python bench/dashboards.py " + " ".join(a if "://" not in a else a.rsplit("/", 1)[0] + "/" + dbname for a in sys.argv[1:]),
        "target": TARGET,
        "database_name": dbname,
        "database": facts,
        "agency": {"code": code, "name": name, "reports": n_agency},
        "accounts": {"national_admin": NATIONAL_USER, "agency_admin": agency_user},
        "prepared": prepared,
        "cache_method": cache_method,
        "latency_note": "client-side on loopback (new connection, request, whole body); no Server-Timing header is sent by the app"
        " (recorded per page when present)",
        "pages": [],
    }
    try:
        server = Server(url, args.redis_url, args.workers, int(args.timeout) + 10, logdir)
        data["server"] = {"workers": args.workers, "worker_class": "sync", "redis_url": args.redis_url, "port": server.port}
        workers_at_start = set(server.workers())
        cookies = {
            "national": sign_in(server.base, NATIONAL_USER, nat_password, nat_device, "/monev/"),
            "agency": sign_in(server.base, agency_user, ag_password, ag_device, "/monev/"),
        }
        print(f"gunicorn on {server.base}, workers {sorted(workers_at_start)}; both officials signed in (password + authenticator code)")
        after_sign_in = server.hwm_mib()
        hwm_reset = server.reset_hwm()
        print(
            f"worker VmHWM after the sign-ins (Argon2 password checks): {after_sign_in} MiB; "
            + ("reset to the current RSS " + str(server.hwm_mib()) + " MiB: the peaks below are the dashboards' own" if hwm_reset
               else "could not be reset (/proc/<pid>/clear_refs): the peaks below include the sign-ins")
        )
        passes = [cache] + ([None] if args.warm else [])
        for page in pages:
            page["marker"] = b"monev" if page["kind"] == "national" else code.encode()
            for c in passes:
                if c is None:  # warm: fill the cache once, then measure hits
                    get(server.port, page["path"], cookies[page["user"]], args.timeout)
                res = measure_page(server, c, page, cookies[page["user"]], args, dbname)
                res["kind"] = page["kind"]
                data["pages"].append(res)
                print_page(res)
        hwm = server.hwm_mib()
        replaced = len(workers_at_start - set(server.workers()))
        data["rss"] = {
            "after_sign_in_mib": after_sign_in,
            "reset_after_sign_in": hwm_reset,
            "vmhwm_mib": hwm,
            "rss_now_mib": server.rss_mib(),
            "max_worker_vmhwm_mib": max(hwm.values() or [0]),
            "workers_replaced": replaced,
        }
        if replaced:
            print(f"WARNING: {replaced} worker(s) were replaced during the run (timeout or crash?): see {server.log.name}")
    finally:
        if server is not None:
            server.stop()
        try:
            cache.clear()
        except Exception:  # noqa: BLE001 (clean-up only)
            pass
    print(
        f"worker peak RSS (VmHWM) MiB: after sign-in {data['rss']['after_sign_in_mib']}, at the end {data['rss']['vmhwm_mib']} "
        f"(target < {TARGET['worker_rss_mib']} MiB)"
    )
    data["verdict"] = verdicts(data)
    print("targets: " + ", ".join(f"{k} {'OK' if v else 'NOT MET'}" for k, v in data["verdict"].items()))
    if not args.no_save:
        paths = benchlib.save_results("dashboards", data, markdown(data))
        print(f"saved {paths[0].relative_to(benchlib.ROOT)} and {paths[1].name}")
    if data["rss"]["workers_replaced"]:
        print(f"gunicorn log kept in {logdir}")
    else:
        shutil.rmtree(logdir, ignore_errors=True)
    sys.exit(0 if all(data["verdict"].values()) else 1)


if __name__ == "__main__":
    main()
