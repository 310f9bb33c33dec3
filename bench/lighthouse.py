"""Lighthouse on the pages people load most: performance and accessibility, mobile profile.

    .venv/bin/python bench/lighthouse.py              # 3 runs per page
    .venv/bin/python bench/lighthouse.py --runs 5 --official admin.nasional

1. makes a throw-away installation in a temporary folder: SQLite database, `migrate`,
   `collectstatic` (whitenoise's compressed storage, as in production), `load_reference` and a
   little demo data (`load_demo --reports N`, demo mode on for that database only);
2. starts gunicorn (`config.wsgi`, 2 workers, DEBUG off) on a free 127.0.0.1 port;
3. signs a demo official in through the pages, both steps (password, then the code of their
   published demo authenticator key), and hands the session cookie to Lighthouse as an extra
   header for the queue and dashboard pages;
4. runs `node_modules/.bin/lighthouse` (package.json; `make test` or `npm ci` installs it) with
   CHROME_PATH=/usr/bin/chromium, headless, on the default mobile profile (simulated slow 4G and
   4× CPU slowdown), categories performance and accessibility, `--runs` times per page: home `/`,
   submission `/lapor/`, track `/lacak/<n>/` (a public demo report with a long timeline), the
   official's queue `/petugas/` and the national dashboard `/monev/nasional/` (the official's
   session);
5. prints the median per page and the machine, checks the targets (accessibility 100,
   performance ≥ 95, submission page < 100 KB and national dashboard < 300 KB transferred on
   first load, from Lighthouse's
   total-byte-weight), and saves `bench/results/lighthouse-<time>.json` and `.md`, with the
   audits that did not pass in full (what to fix when a target is missed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib  # noqa: E402

benchlib.use_venv()

from demosite import Server, demo_track_number, prepare, sign_in  # noqa: E402

LIGHTHOUSE = benchlib.ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
BUDGET_BYTES = 100 * 1000  # the submission page, compressed, first load
DASHBOARD_BUDGET_BYTES = 300 * 1000  # the national dashboard, first load
TARGET_PERFORMANCE = 95
TARGET_ACCESSIBILITY = 100
METRICS = {
    "first-contentful-paint": "FCP ms",
    "largest-contentful-paint": "LCP ms",
    "total-blocking-time": "TBT ms",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI ms",
}


# --- Lighthouse --------------------------------------------------------------------------------


def lighthouse_version() -> str:
    return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=False).stdout.strip()


def chromium_version() -> str:
    out = subprocess.run([CHROME, "--version"], capture_output=True, text=True, check=False).stdout
    return out.strip().splitlines()[-1] if out.strip() else "?"


def run_lighthouse(url: str, out: Path, headers: dict | None) -> dict:
    cmd = [
        str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox", "--quiet", "--max-wait-for-load=45000",
    ]
    if headers:
        cmd.append("--extra-headers=" + json.dumps(headers))
    env = dict(os.environ, CHROME_PATH=CHROME)
    # Chromium's trace sometimes misses the navigation's start on this busy machine (Lighthouse's
    # NO_NAVSTART): that run measured nothing, so it is run again, at most twice more.
    for _attempt in range(3):
        out.unlink(missing_ok=True)
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode == 0 and out.exists():
            return json.loads(out.read_text())
        if "NO_NAVSTART" not in done.stderr:
            break
    raise SystemExit(f"lighthouse failed on {url}:\n{done.stderr[-3000:]}")


def summary(lhr: dict) -> dict:
    """The figures of one run, and the audits that did not pass in full."""
    audits, cats = lhr["audits"], lhr["categories"]
    weight = audits["total-byte-weight"]
    not_passed = []
    for cat in ("performance", "accessibility"):
        for ref in cats[cat]["auditRefs"]:
            a = audits[ref["id"]]
            if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"):
                not_passed.append({"category": cat, "id": a["id"], "title": a["title"], "score": a["score"],
                                   "value": a.get("displayValue", "")})
    return {
        "final_url": lhr.get("finalDisplayedUrl") or lhr.get("finalUrl"),
        "performance": round(cats["performance"]["score"] * 100),
        "accessibility": round(cats["accessibility"]["score"] * 100),
        "metrics": {label: audits[key]["numericValue"] for key, label in METRICS.items()},
        "total_byte_weight": round(weight["numericValue"]),
        "resources": [{"url": i["url"], "bytes": i["totalBytes"]} for i in weight.get("details", {}).get("items", [])],
        "not_passed": not_passed,
        "runtime_error": lhr.get("runtimeError", {}).get("message"),
    }


def median_of(runs: list[dict]) -> dict:
    med = lambda xs: statistics.median(xs)  # noqa: E731
    return {
        "performance": med([r["performance"] for r in runs]),
        "accessibility": med([r["accessibility"] for r in runs]),
        "metrics": {k: round(med([r["metrics"][k] for r in runs]), 3 if k == "CLS" else 0) for k in METRICS.values()},
        "total_byte_weight": med([r["total_byte_weight"] for r in runs]),
    }


# --- main --------------------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description="Lighthouse (mobile) on the home, submission, track, queue and national dashboard pages.")
    p.add_argument("--runs", type=int, default=3, help="runs per page (default 3; the median is reported)")
    p.add_argument("--reports", type=int, default=300, help="demo reports to load (default 300)")
    p.add_argument("--official", default="admin.nasional", help="demo official whose queue is measured (default admin.nasional)")
    p.add_argument("--keep", action="store_true", help="keep the temporary installation and the raw Lighthouse reports")
    args = p.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci` (or `make test`) first")
    if not os.access(CHROME, os.X_OK):
        raise SystemExit(f"{CHROME} is missing: apt-get install chromium")

    folder = Path(tempfile.mkdtemp(prefix="lapor-lighthouse-"))
    server = None
    try:
        env = prepare(folder, args.reports)
        number = demo_track_number()
        server = Server(env, folder)
        cookies = sign_in(server.url, args.official)
        session_header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        pages = [
            ("home", "/", None),
            ("submission", "/lapor/", None),
            ("track", f"/lacak/{number}/", None),
            ("queue", "/petugas/", session_header),
            ("dashboard", "/monev/nasional/", session_header),
        ]
        machine = benchlib.machine_info()
        machine.update({"lighthouse": lighthouse_version(), "chromium": chromium_version(), "node": subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()})
        print(benchlib.machine_line(machine) + f"; Lighthouse {machine['lighthouse']}, {machine['chromium']}, node {machine['node']}")
        results = {}
        for name, path, headers in pages:
            runs = []
            for i in range(args.runs):
                lhr = run_lighthouse(server.url + path, folder / f"{name}-{i + 1}.json", headers)
                s = summary(lhr)
                if s["runtime_error"]:
                    raise SystemExit(f"{name}: Lighthouse runtime error: {s['runtime_error']}")
                if headers and urllib.parse.urlsplit(s["final_url"]).path != path:
                    raise SystemExit(f"the {name} run ended on {s['final_url']}: the session was not accepted")
                runs.append(s)
                print(f"  {name:<10} run {i + 1}: performance {s['performance']:>3}, accessibility {s['accessibility']:>3}, "
                      f"{s['total_byte_weight'] / 1000:.1f} KB")
            results[name] = {"path": path, "median": median_of(runs), "runs": runs}
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    checks = []
    for name, r in results.items():
        m = r["median"]
        checks.append((f"{name}: accessibility {m['accessibility']:g} = {TARGET_ACCESSIBILITY}", m["accessibility"] >= TARGET_ACCESSIBILITY))
        checks.append((f"{name}: performance {m['performance']:g} ≥ {TARGET_PERFORMANCE}", m["performance"] >= TARGET_PERFORMANCE))
    sub = results["submission"]["median"]["total_byte_weight"]
    checks.append((f"submission page {sub / 1000:.1f} KB < {BUDGET_BYTES / 1000:.0f} KB transferred on first load", sub < BUDGET_BYTES))
    board = results["dashboard"]["median"]["total_byte_weight"]
    checks.append((f"national dashboard {board / 1000:.1f} KB < {DASHBOARD_BUDGET_BYTES / 1000:.0f} KB transferred on first load",
                   board < DASHBOARD_BUDGET_BYTES))

    lines = [
        f"# Lighthouse, mobile profile — {benchlib.stamp()}",
        "",
        f"Machine: {benchlib.machine_line(machine)}; Lighthouse {machine['lighthouse']}, {machine['chromium']}, node {machine['node']}.",
        f"Median of {args.runs} runs per page; gunicorn 2 workers, SQLite, DEBUG off, {args.reports} demo reports; "
        f"queue of `{args.official}` (signed in with both steps).",
        "",
        "| page | path | performance | accessibility | FCP ms | LCP ms | TBT ms | CLS | SI ms | transferred |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        m, mm = r["median"], r["median"]["metrics"]
        path = "/lacak/&lt;n&gt;/" if name == "track" else r["path"]
        lines.append(
            f"| {name} | `{path}` | {m['performance']:g} ({', '.join(str(x['performance']) for x in r['runs'])}) | "
            f"{m['accessibility']:g} | {mm['FCP ms']:.0f} | {mm['LCP ms']:.0f} | {mm['TBT ms']:.0f} | {mm['CLS']:g} | "
            f"{mm['SI ms']:.0f} | {m['total_byte_weight'] / 1000:.1f} KB |"
        )
    lines += ["", "Targets:", ""] + [f"- {'PASS' if ok else 'FAIL'} {text}" for text, ok in checks]
    lines += ["", "Submission page, first load (Lighthouse total-byte-weight, one run):", ""]
    lines += [f"- {x['url'].replace(server.url, '')}: {x['bytes'] / 1000:.1f} KB" for x in results["submission"]["runs"][0]["resources"]]
    flagged = {}
    for name, r in results.items():
        for a in r["runs"][0]["not_passed"]:
            flagged.setdefault((a["category"], a["id"], a["title"]), []).append(f"{name} {a['score']:.2f} {a['value']}".strip())
    lines += ["", "Audits not passed in full (first run of each page; score, value):", ""]
    lines += [f"- {cat}/{aid} ({title}): " + "; ".join(v) for (cat, aid, title), v in sorted(flagged.items())] or ["- none"]
    markdown = "\n".join(lines) + "\n"
    print("\n" + markdown)
    data = {"machine": machine, "runs_per_page": args.runs, "demo_reports": args.reports, "official": args.official,
            "targets": {"performance": TARGET_PERFORMANCE, "accessibility": TARGET_ACCESSIBILITY, "submission_bytes": BUDGET_BYTES},
            "checks": [{"check": t, "pass": ok} for t, ok in checks], "pages": results}
    json_path, md_path = benchlib.save_results("lighthouse", data, markdown)
    print(f"saved {json_path.relative_to(benchlib.ROOT)} and {md_path.name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
