#!/usr/bin/env python
"""What keeping the monitoring rollups costs each lifecycle transition, in-process.

    .venv/bin/python bench/transition.py [--reports 200] [--rounds 3] [--preload 20000]
    .venv/bin/python bench/transition.py --database-url postgres://postgres@127.0.0.1:5432/lapor_bench_10m

With --database-url, step 1 is skipped: the runs go into that already loaded database (kept).

1. creates a fresh PostgreSQL database lapor_bench_tr_<time> (dropped at the end unless
   --keep-db), migrates it, loads reference data and --preload reports with bench/generate.py
   (so that tables and indexes are not empty);
2. in this process (Django against that database, no HTTP, real time — nothing frozen) builds the
   cast: the national desk's admin, and for --agencies agencies an agency admin and a liaison
   officer of one of its units (the positions generate.py made, or bench-tr-* accounts), and a
   pool of citizen accounts;
3. runs the same deterministic workload (--reports reports per run, the same seed for the OFF and
   the ON run of a round) with settings.LAPOR_MONEV_ROLLUPS (or --setting LAPOR_EVENT_FEED) off and on, alternating ABBA
   (OFF ON, ON OFF, ...) over --rounds rounds, after an unmeasured warm-up of each: every report is
   submitted with services.report_submit (half by a signed-in citizen, half by a guest) and driven
   through desk dispose -> agency forward -> unit respond -> follow_up -> reporter rate with
   services.report_act, each call timed (perf_counter, and this process's CPU time) and its SQL
   statements counted (connection.execute_wrapper: every statement sent through a cursor,
   savepoints included; the BEGIN/COMMIT of the call's transaction are not cursor statements and
   are not counted).

The toggle is `django.test.override_settings(LAPOR_MONEV_ROLLUPS=...)`; while the setting does not
exist in config/settings.py the output says "setting absent" (the runs then measure the same code
twice: the noise floor). Tables whose name contains "rollup" are counted after each run, to show
that the ON runs write them and the OFF runs do not.

Prints per action and overall (per transition, and per whole lifecycle): median and p95 ms OFF vs
ON, the ratio ON/OFF of the medians, statements per call OFF vs ON, and the machine; target:
overhead < 20 % of the transition's latency. Saves bench/results/transition-<time>.json and .md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib

benchlib.use_venv()

import intake  # database helpers (prepare_database, drop_database, body_material) and wait_quiet
import psycopg

TARGET_OVERHEAD_PCT = 20
ACTIONS = ["submit", "dispose", "forward", "respond", "follow_up", "rate"]
SETTING = "LAPOR_MONEV_ROLLUPS"


# --- database -----------------------------------------------------------------------------------


def create_database(base_url: str) -> str:
    name = "lapor_bench_tr_" + datetime.now().strftime("%Y%m%d_%H%M%S") + f"_{os.getpid() % 1000}"
    with psycopg.connect(benchlib.psycopg_conninfo(benchlib.with_dbname(base_url, "postgres")), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return benchlib.with_dbname(base_url, name)


def rollup_tables() -> list[str]:
    from django.db import connection

    return sorted(t for t in connection.introspection.table_names() if "rollup" in t.lower())


def count_rows(tables: list[str]) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as c:
        out = {}
        for t in tables:
            c.execute(f'SELECT count(*) FROM "{t}"')
            out[t] = c.fetchone()[0]
    return out


# --- the cast -----------------------------------------------------------------------------------


def _holder(role: str, agency, username: str):
    """The user holding an active position of `role` at `agency`; created (with an unusable
    password: nobody signs in) when there is none."""
    from lapor.accounts.models import Position, User

    p = Position.objects.filter(role=role, agency=agency, is_active=True, holder__isnull=False).select_related("holder").first()
    if p is not None:
        return p.holder
    user = User.objects.filter(username=username).first() or User.objects.create(username=username, password="!bench", full_name=username)
    Position.objects.create(role=role, agency=agency, title=f"Bench {role} {agency.code}"[:150], holder=user)
    return user


def build_cast(n_agencies: int, n_citizens: int, seed: int) -> dict:
    from lapor.accounts.models import Role, User
    from lapor.agencies.models import Agency
    from lapor.accounts.actors import Actor

    desk = Agency.objects.filter(kind="national_desk").order_by("pk").first()
    if desk is None:
        raise SystemExit("no national desk agency: reference data did not load")
    units = {}
    for u in Agency.objects.filter(kind="unit", is_active=True, parent__parent__isnull=True).select_related("parent").order_by("code"):
        top = u.parent
        if top is not None and top.is_active and top.kind not in ("unit", "national_desk", "ombudsman", "ksp"):
            units.setdefault(top.code, []).append(u)
    if not units:
        raise SystemExit("no agency with a unit: reference data did not load")
    rng = random.Random(seed)
    codes = sorted(units)
    chosen = rng.sample(codes, min(n_agencies, len(codes)))
    pairs = []
    for code in chosen:
        unit = rng.choice(units[code])
        agency = unit.parent
        admin = _holder(Role.AGENCY_ADMIN, agency, f"bench-tr-admin-{agency.pk}")
        officer = _holder(Role.LIAISON_OFFICER, unit, f"bench-tr-lo-{unit.pk}")
        pairs.append({"agency": agency.code, "unit": unit.code, "admin": Actor.for_user(admin), "officer": Actor.for_user(officer)})
    desk_user = _holder(Role.NATIONAL_ADMIN, desk, "bench-tr-desk")
    names = [f"bench-tr-warga-{i}" for i in range(n_citizens)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create([User(username=n, password="!bench", full_name=n) for n in names if n not in have])
    citizens = [Actor.for_user(u) for u in User.objects.filter(username__in=names).order_by("username")]
    return {"desk": Actor.for_user(desk_user), "pairs": pairs, "citizens": citizens}


# --- the workload ---------------------------------------------------------------------------------


class _Cat:
    def __init__(self, code, name):
        self.code, self.name = code, name


NOTES = {
    "dispose": ["Kewenangan instansi terkait, mohon ditindaklanjuti.", "Didisposisikan sesuai wilayah dan urusan.", ""],
    "respond": ["Laporan Anda sudah kami terima dan sedang kami periksa ke lapangan.", "Terima kasih, kami sedang berkoordinasi dengan petugas terkait."],
    "follow_up": [
        "Petugas sudah turun ke lokasi dan perbaikan selesai dikerjakan pada hari ini.",
        "Pungutan telah dihentikan, uang dikembalikan kepada orang tua murid dan panitia diberi sanksi.",
        "Jadwal layanan sudah diperbaiki dan petugas tambahan ditempatkan mulai pekan ini.",
    ],
    "rate": ["Terima kasih, sudah ditangani.", "Penanganan cukup cepat.", "", "Masih kurang memuaskan."],
}


def plan(n: int, seed: int, cast: dict, material: dict) -> list[dict]:
    """n reports and their payloads, the same for a given seed."""
    rng = random.Random(seed)
    cats = [_Cat(c, name) for c, name in material["categories"]]
    now = benchlib.now_utc()
    out = []
    for _ in range(n):
        key, title, description, event_day = benchlib.report_text(rng, now)
        cat = benchlib.match_category(cats, key, rng)
        pair = rng.choice(cast["pairs"])
        signed_in = rng.random() < 0.5
        data = {
            "type": rng.choice(["complaint"] * 8 + ["aspiration", "information"]),
            "title": title,
            "description": description,
            "event_date": event_day.isoformat(),
            "region_code": rng.choice(material["regions"]),
            "address": f"Jl. Merdeka No. {rng.randint(1, 200)}" if rng.random() < 0.6 else "",
            "category_code": cat.code if cat else None,
            "is_anonymous": rng.random() < 0.15,
            "is_confidential": rng.random() < 0.1,
            "channel": rng.choice(["web", "web", "mobile", "api"]),
            **benchlib.contact(rng),
        }
        out.append(
            {
                "data": data,
                "pair": pair,
                "citizen": rng.choice(cast["citizens"]) if signed_in else None,
                "dispose": {"agency": pair["agency"], "note": rng.choice(NOTES["dispose"])},
                "forward": {"unit": pair["unit"]},
                "respond": {"note": rng.choice(NOTES["respond"])},
                "follow_up": {"note": rng.choice(NOTES["follow_up"])},
                "rate": {"rating": rng.choice([5, 5, 4, 4, 4, 3, 2, 1]), "comment": rng.choice(NOTES["rate"])},
            }
        )
    return out


class Counter:
    """Counts the statements sent through the default connection's cursors."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def run(items: list[dict], cast: dict, rollups: bool, counter: Counter) -> dict:
    """Every item's life under the given toggle; per action: wall ms, CPU ms, statements."""
    from django.test import override_settings

    from lapor.accounts.actors import Actor
    from lapor.reports.services import report_act, report_submit

    samples = {a: {"wall": [], "cpu": [], "statements": []} for a in ACTIONS}
    lifecycles = []

    def timed(action, fn):
        counter.n = 0
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn()
        wall = (time.perf_counter() - t0) * 1000
        s = samples[action]
        s["wall"].append(wall)
        s["cpu"].append((time.process_time() - c0) * 1000)
        s["statements"].append(counter.n)
        return result, wall

    with override_settings(**{SETTING: rollups}):
        t_run = time.perf_counter()
        for it in items:
            reporter = it["citizen"] or Actor()
            submitted, total = timed("submit", lambda: report_submit(data=it["data"], actor=reporter))
            number = submitted.report.tracking_number
            if it["citizen"] is None:
                reporter = Actor(reporter_secret=submitted.reporter_secret)
            for action, actor in (
                ("dispose", cast["desk"]),
                ("forward", it["pair"]["admin"]),
                ("respond", it["pair"]["officer"]),
                ("follow_up", it["pair"]["officer"]),
                ("rate", reporter),
            ):
                _, ms = timed(
                    action, lambda a=action, who=actor: report_act(tracking_number=number, action=a, actor=who, payload=it[a])
                )
                total += ms
            lifecycles.append(total)
        span = time.perf_counter() - t_run
    return {"samples": samples, "lifecycle_ms": lifecycles, "span_s": round(span, 2)}


# --- figures --------------------------------------------------------------------------------------


def _med(v):
    return round(statistics.median(v), 3) if v else None


def _p95(v):
    return round(benchlib.percentile(sorted(v), 95), 3) if v else None


def summarize(runs: list[dict]) -> dict:
    """Pooled over the rounds, per mode: per action, all transitions, whole lifecycles."""
    pooled = {}
    for mode in ("off", "on"):
        mine = [r for r in runs if r["mode"] == mode]
        per = {}
        for a in ACTIONS:
            wall = [x for r in mine for x in r["samples"][a]["wall"]]
            cpu = [x for r in mine for x in r["samples"][a]["cpu"]]
            st = [x for r in mine for x in r["samples"][a]["statements"]]
            per[a] = {
                "n": len(wall),
                "median_ms": _med(wall),
                "p95_ms": _p95(wall),
                "cpu_median_ms": _med(cpu),
                "statements_median": _med(st),
                "statements_mean": round(sum(st) / len(st), 2) if st else None,
            }
        every = [x for r in mine for a in ACTIONS for x in r["samples"][a]["wall"]]
        trans = [x for r in mine for a in ACTIONS[1:] for x in r["samples"][a]["wall"]]
        st_every = [x for r in mine for a in ACTIONS for x in r["samples"][a]["statements"]]
        life = [x for r in mine for x in r["lifecycle_ms"]]
        pooled[mode] = {
            "actions": per,
            "all_calls": {"n": len(every), "median_ms": _med(every), "p95_ms": _p95(every), "statements_mean": round(sum(st_every) / max(1, len(st_every)), 2)},
            "transitions_only": {"n": len(trans), "median_ms": _med(trans), "p95_ms": _p95(trans)},
            "lifecycle": {"n": len(life), "median_ms": _med(life), "p95_ms": _p95(life)},
            "round_lifecycle_medians_ms": [_med(r["lifecycle_ms"]) for r in mine],
        }

    def ratio(a, b):
        return round(a / b, 3) if a and b else None

    comp = {}
    for a in ACTIONS:
        off, on = pooled["off"]["actions"][a], pooled["on"]["actions"][a]
        r = ratio(on["median_ms"], off["median_ms"])
        comp[a] = {
            "ratio_median": r,
            "ratio_p95": ratio(on["p95_ms"], off["p95_ms"]),
            "overhead_pct": round(100 * (r - 1), 1) if r else None,
            "statements_off": off["statements_mean"],
            "statements_on": on["statements_mean"],
        }
    for key in ("all_calls", "transitions_only", "lifecycle"):
        r = ratio(pooled["on"][key]["median_ms"], pooled["off"][key]["median_ms"])
        comp[key] = {"ratio_median": r, "ratio_p95": ratio(pooled["on"][key]["p95_ms"], pooled["off"][key]["p95_ms"]), "overhead_pct": round(100 * (r - 1), 1) if r else None}
    cpu_all = {
        mode: [x for r in runs if r["mode"] == mode for a in ACTIONS for x in r["samples"][a]["cpu"]] for mode in ("off", "on")
    }
    comp["all_calls"]["cpu_median_ms_off"] = _med(cpu_all["off"])
    comp["all_calls"]["cpu_median_ms_on"] = _med(cpu_all["on"])
    comp["all_calls"]["cpu_ratio_median"] = ratio(_med(cpu_all["on"]), _med(cpu_all["off"]))
    paired = []
    for rnd in sorted({r["round"] for r in runs}):
        by = {r["mode"]: _med(r["lifecycle_ms"]) for r in runs if r["round"] == rnd}
        if by.get("off") and by.get("on"):
            paired.append(round(by["on"] / by["off"], 3))
    comp["lifecycle"]["paired_round_ratios"] = paired
    comp["lifecycle"]["paired_ratio_median"] = round(statistics.median(paired), 3) if paired else None
    offs = [m for m in pooled["off"]["round_lifecycle_medians_ms"] if m]
    noise = round(100 * (max(offs) / min(offs) - 1), 1) if len(offs) > 1 else None
    return {"pooled": pooled, "comparison": comp, "noise_off_vs_off_pct": noise}


def table_lines(s: dict) -> list[str]:
    p, c = s["pooled"], s["comparison"]
    lines = [
        "| action | calls per mode | OFF median ms | ON median ms | OFF p95 ms | ON p95 ms | ON/OFF median | overhead | statements OFF | statements ON | CPU ms OFF / ON (this process) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for a in ACTIONS:
        off, on = p["off"]["actions"][a], p["on"]["actions"][a]
        lines.append(
            f"| {a} | {off['n']} | {off['median_ms']:.2f} | {on['median_ms']:.2f} | {off['p95_ms']:.2f} | {on['p95_ms']:.2f} | "
            f"{c[a]['ratio_median']} | {c[a]['overhead_pct']:+.1f} % | {off['statements_mean']} | {on['statements_mean']} | "
            f"{off['cpu_median_ms']:.2f} / {on['cpu_median_ms']:.2f} |"
        )
    for key, label in (("transitions_only", "every transition (report_act)"), ("all_calls", "every call (submit included)"), ("lifecycle", "whole lifecycle (6 calls)")):
        off, on = p["off"][key], p["on"][key]
        st = f"{p['off']['all_calls']['statements_mean']} | {p['on']['all_calls']['statements_mean']}" if key == "all_calls" else "| "
        cpu = f"{c[key]['cpu_median_ms_off']:.2f} / {c[key]['cpu_median_ms_on']:.2f}" if key == "all_calls" else ""
        lines.append(
            f"| **{label}** | {off['n']} | {off['median_ms']:.2f} | {on['median_ms']:.2f} | {off['p95_ms']:.2f} | {on['p95_ms']:.2f} | "
            f"**{c[key]['ratio_median']}** | **{c[key]['overhead_pct']:+.1f} %** | {st} | {cpu} |"
        )
    lines += [
        "",
        f"Paired per round (ON/OFF of the lifecycle medians of the same round): {c['lifecycle']['paired_round_ratios']}, "
        f"median **{c['lifecycle']['paired_ratio_median']}**. CPU of this process per call (Python side, insensitive to "
        f"waiting): OFF {c['all_calls']['cpu_median_ms_off']} ms, ON {c['all_calls']['cpu_median_ms_on']} ms "
        f"(ratio {c['all_calls']['cpu_ratio_median']}).",
    ]
    return lines


def verdict(s: dict) -> dict:
    c = s["comparison"]
    worst = max(ACTIONS, key=lambda a: c[a]["overhead_pct"] or 0)
    return {
        f"lifecycle overhead < {TARGET_OVERHEAD_PCT} %": (c["lifecycle"]["overhead_pct"] or 0) < TARGET_OVERHEAD_PCT,
        f"every action's overhead < {TARGET_OVERHEAD_PCT} % (worst: {worst} {c[worst]['overhead_pct']:+.1f} %)": all(
            (c[a]["overhead_pct"] or 0) < TARGET_OVERHEAD_PCT for a in ACTIONS
        ),
    }


def database_line(prepare: dict) -> str:
    if "existing_database" in prepare:
        return f"the already loaded `{prepare['existing_database']}` ({prepare.get('reports', 0):,} reports when the run began)"
    return f"fresh, {prepare['preload']:,} reports preloaded ({prepare['reference']})"


def markdown(data: dict) -> str:
    s = data["summary"]
    lines = [
        f"# transition benchmark (rollups OFF vs ON), {data['when'][:16].replace('T', ' ')} UTC",
        "",
        f"Machine: {benchlib.machine_line(data['machine'])}",
        "",
        f"Command: `{data['command']}`",
        "",
        f"Setting `{SETTING}`: **{data['setting']['state']}**. Database: {database_line(data['prepare'])}; {data['args']['reports']} reports per run, {data['args']['rounds']} rounds of OFF and ON "
        f"(ABBA order), {len(data['cast'])} agency/unit pairs. In-process (services, no HTTP), real time. Statements: cursor "
        "statements per call (execute_wrapper), BEGIN/COMMIT not included.",
        "",
        *table_lines(s),
        "",
        f"Noise floor: the OFF rounds' lifecycle medians differ by {s['noise_off_vs_off_pct']} % among themselves "
        f"({s['pooled']['off']['round_lifecycle_medians_ms']} ms; ON rounds {s['pooled']['on']['round_lifecycle_medians_ms']} ms).",
        "",
        "Runs: "
        + "; ".join(
            f"{r['round']}{r['mode'].upper()} {r['span_s']} s, others {r['others_pct_of_core']} % of a core"
            + (f", rollup rows {r['rollup_rows']}" if r["rollup_rows"] else "")
            for r in data["runs"]
        ),
        "",
        "Target: " + ", ".join(f"{k} {'OK' if v else 'NOT MET'}" for k, v in data["verdict"].items()),
        "",
    ]
    if data["notes"]:
        lines += [f"- {n}" for n in data["notes"]] + [""]
    return "\n".join(lines)


def main() -> None:
    global SETTING  # --setting chooses what OFF and ON toggle
    benchlib.stop_on_signal()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows when the output goes to a file
    p = argparse.ArgumentParser(description="Cost of the monitoring rollups per lifecycle transition (OFF vs ON), in-process.")
    p.add_argument("--reports", type=int, default=200, help="reports (each with 6 timed calls) per run")
    p.add_argument("--rounds", type=int, default=3, help="rounds; each runs the workload once OFF and once ON")
    p.add_argument("--warmup", type=int, default=20, help="unmeasured reports before the rounds, OFF then ON")
    p.add_argument("--preload", type=int, default=20000, help="reports loaded first by bench/generate.py")
    p.add_argument("--agencies", type=int, default=30, help="agency/unit pairs the reports go to")
    p.add_argument("--citizens", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--wait-quiet", type=float, default=60, help="before each run wait up to this many s for an idle machine (0: don't)")
    p.add_argument("--pg-url", default=os.environ.get("LAPOR_BENCH_PG_URL", benchlib.DEFAULT_PG_URL), help="server to create the database on")
    p.add_argument("--keep-db", action="store_true")
    p.add_argument(
        "--database-url",
        help="run against this already loaded database (e.g. bench/generate.py's ten million) instead of a fresh "
        "one; its reports stay, the runs' reports are added, nothing is dropped",
    )
    p.add_argument(
        "--setting",
        default="LAPOR_MONEV_ROLLUPS",
        choices=["LAPOR_MONEV_ROLLUPS", "LAPOR_EVENT_FEED"],
        help="what OFF and ON toggle: the rollups (default) or the event feed's entries (ADR 0032)",
    )
    p.add_argument("--no-save", action="store_true")
    args = p.parse_args()
    SETTING = args.setting
    if not 1 <= args.reports <= 5000 or not 1 <= args.rounds <= 20 or args.preload > 1_000_000:
        raise SystemExit("bounded: --reports 1..5000, --rounds 1..20, --preload <= 1,000,000")

    machine = benchlib.machine_info(args.pg_url)
    print(f"machine: {benchlib.machine_line(machine)}")
    url = args.database_url or create_database(args.pg_url)
    dbname = url.rsplit("/", 1)[1]
    if not args.database_url:
        print(f"database {dbname}: migrating, reference data, {args.preload:,} reports (bench/generate.py) ...")
    data: dict = {
        "benchmark": "transition",
        "when": benchlib.now_utc().isoformat(),
        "machine": machine,
        "command": "python bench/transition.py " + " ".join(sys.argv[1:]),
        "args": {k: v for k, v in vars(args).items() if k != "pg_url"},
        "runs": [],
        "notes": [],
    }
    try:
        if args.database_url:
            import psycopg

            with psycopg.connect(benchlib.psycopg_conninfo(url)) as conn:
                reports = conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
            data["prepare"] = {"existing_database": dbname, "reports": reports}
            print(f"database {dbname}: already loaded, {reports:,} reports")
        else:
            data["prepare"] = intake.prepare_database(url, args.preload)
            print(f"  ready in {data['prepare']['seconds']} s ({data['prepare']['reference']})")
        material = intake.body_material(url)
        os.environ.setdefault("LAPOR_LOG_LEVEL", "WARNING")
        benchlib.setup_django(url)
        from django.conf import settings
        from django.db import connection

        present = hasattr(settings, SETTING)
        data["setting"] = {
            "present": present,
            "default": getattr(settings, SETTING, None),
            "state": f"present (default {getattr(settings, SETTING)!r}), toggled with override_settings" if present
            else "setting absent: the toggle has no effect; OFF and ON run the same code (this measures the noise floor)",
        }
        print(f"{SETTING}: {data['setting']['state']}")
        cast = build_cast(args.agencies, args.citizens, args.seed)
        data["cast"] = [{"agency": x["agency"], "unit": x["unit"]} for x in cast["pairs"]]
        tables = rollup_tables()
        data["rollup_tables"] = tables
        print(f"cast: national desk, {len(cast['pairs'])} agency/unit pairs, {len(cast['citizens'])} citizens; rollup tables: {tables or 'none'}")
        counter = Counter()
        with connection.execute_wrapper(counter):
            if args.warmup:
                warm = plan(args.warmup, args.seed + 1000, cast, material)
                run(warm, cast, False, counter)
                run(plan(args.warmup, args.seed + 1001, cast, material), cast, True, counter)
            for rnd in range(args.rounds):
                items = plan(args.reports, args.seed + rnd, cast, material)
                for mode in (("off", "on") if rnd % 2 == 0 else ("on", "off")):
                    waited = intake.wait_quiet(args.wait_quiet) if args.wait_quiet > 0 else 0
                    before = count_rows(tables)
                    sys0, own0 = intake.system_cpu(), time.process_time()
                    pg0 = intake.postgres_cpu(dbname)
                    res = run(items, cast, mode == "on", counter)
                    sys1, own = intake.system_cpu(), time.process_time() - own0
                    pg = sum(c - pg0.get(pid, 0.0) for pid, c in intake.postgres_cpu(dbname).items())
                    busy = 100 * (sys1[0] - sys0[0]) / max(1, sys1[1] - sys0[1])
                    others = max(0.0, busy * (os.cpu_count() or 1) - 100 * (own + pg) / max(1e-9, res["span_s"]))
                    after = count_rows(tables)
                    res.update(
                        {
                            "round": rnd + 1,
                            "mode": mode,
                            "waited_for_idle_s": waited,
                            "others_pct_of_core": round(others, 1),
                            "postgres_cpu_ms_per_call": round(pg * 1000 / (len(items) * len(ACTIONS)), 3),
                            "rollup_rows": {t: after[t] - before[t] for t in tables},
                        }
                    )
                    data["runs"].append(res)
                    lm = _med(res["lifecycle_ms"])
                    print(
                        f"  round {rnd + 1} {mode.upper():<3}: {len(items)} lifecycles in {res['span_s']} s, lifecycle median {lm:.2f} ms; "
                        + ", ".join(f"{a} {_med(res['samples'][a]['wall']):.2f}" for a in ACTIONS)
                        + f" ms (medians); others {res['others_pct_of_core']}% of a core"
                        + f"; PostgreSQL CPU {res['postgres_cpu_ms_per_call']} ms per call"
                        + (f"; rollup rows +{res['rollup_rows']}" if tables else "")
                    )
                    if others > 15:
                        print(f"      WARNING: other processes used {others:.0f}% of a core during this run")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db and not args.database_url:
            intake.drop_database(url)
        else:
            data["kept_database"] = url
            print(f"database kept: {url}")

    s = summarize(data["runs"])
    data["summary"] = s
    data["verdict"] = verdict(s)
    st_off = {a: s["pooled"]["off"]["actions"][a]["statements_mean"] for a in ACTIONS}
    st_on = {a: s["pooled"]["on"]["actions"][a]["statements_mean"] for a in ACTIONS}
    if data["setting"]["present"] and st_off == st_on and not any(sum(r["rollup_rows"].values()) for r in data["runs"]):
        data["notes"].append(
            f"{SETTING} exists but ON and OFF sent the same statements and no rollup table grew: the toggle had no visible "
            "effect (read once at import time? maintenance deferred to a background job?)."
        )
    if not data["setting"]["present"]:
        data["notes"].append(f"{SETTING} is absent from settings: OFF and ON ran the same code; the differences are noise.")
    if any(r["others_pct_of_core"] > 15 for r in data["runs"]):
        data["notes"].append("Other processes used more than 15 % of a core during some runs (see Runs): figures are noisy.")
    print()
    print(f"{SETTING}: {data['setting']['state']}")
    print("pooled over the rounds (ms per call; statements per call through cursors, BEGIN/COMMIT not counted):")
    for line in table_lines(s):
        print("  " + line)
    print(f"noise: OFF rounds' lifecycle medians differ by {s['noise_off_vs_off_pct']} % among themselves")
    print("target: " + ", ".join(f"{k} {'OK' if v else 'NOT MET'}" for k, v in data["verdict"].items()))
    for n in data["notes"]:
        print("note: " + n)
    if not args.no_save:
        paths = benchlib.save_results("transition", data, markdown(data))
        print(f"saved {paths[0].relative_to(benchlib.ROOT)} and {paths[1].name}")


if __name__ == "__main__":
    main()
