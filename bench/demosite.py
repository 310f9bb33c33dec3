"""A throw-away Lapor installation for the page benchmarks (bench/lighthouse.py) and the
screenshots (bench/screenshots.py): SQLite in a temporary folder, reference data and a little demo
data, static files collected as in production, gunicorn with DEBUG off, and an official signed in
through the pages with both steps.

Nothing here is imported by the application."""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import benchlib


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(folder: Path, reports: int) -> dict:
    """A fresh installation under `folder`; returns the environment the server needs."""
    env = {
        "LAPOR_VAR_DIR": str(folder),
        "LAPOR_SQLITE_PATH": str(folder / "lapor.sqlite3"),
        "LAPOR_STATIC_ROOT": str(folder / "static"),
        "LAPOR_MEDIA_ROOT": str(folder / "media"),
        "LAPOR_SECRET_KEY": "bench-demosite-" + os.urandom(16).hex(),
        "LAPOR_DEBUG": "0",
        "LAPOR_DEMO": "1",  # this throw-away database only: load_demo and its demo authenticator keys
        "LAPOR_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LAPOR_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    benchlib.setup_django(None)
    from django.core.management import call_command

    t0 = time.monotonic()
    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)
    call_command("load_reference", verbosity=0, stdout=quiet)
    call_command("load_demo", reports=reports, verbosity=0, stdout=quiet, stderr=quiet)
    print(f"installation ready in {time.monotonic() - t0:.0f} s ({reports} demo reports) under {folder}")
    return env


def demo_track_number() -> str:
    """A public demo report with the longest timeline (the heaviest track page)."""
    from django.db.models import Count

    from lapor.reports.public import PUBLIC_STATUSES
    from lapor.reports.models import Report

    report = (
        Report.objects.filter(is_confidential=False, status__in=PUBLIC_STATUSES)
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .first()
    )
    if report is None:
        raise SystemExit("no public demo report: raise --reports")
    return report.tracking_number


class Server:
    def __init__(self, env: dict, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 (open for the server's life)
        cmd = [str(benchlib.VENV_PYTHON), "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
               "--workers", "2", "--log-level", "warning"]
        self.proc = subprocess.Popen(cmd, cwd=benchlib.ROOT, env=benchlib.django_env(None, env), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("gunicorn exited:\n" + Path(self.log.name).read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not become ready in 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise SystemExit("no CSRF token on the sign-in page")
    return found.group(1)


def sign_in(base: str, username: str) -> dict:
    """Sign `username` in through the pages (password, then the authenticator code, as a phone
    would compute it from the demo key); returns the cookies of the verified session."""
    from lapor.demo.accounts import DEMO_PASSWORD

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, fields: dict):
        token = _csrf(opener.open(base + path, timeout=10).read().decode())
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return opener.open(urllib.request.Request(base + path, data=data, headers={"Referer": base + path}), timeout=10)

    answer = post("/masuk/", {"username": username, "password": DEMO_PASSWORD, "next": "/petugas/"})
    if urllib.parse.urlsplit(answer.url).path != "/masuk/dua-langkah/":
        raise SystemExit(f"{username}: the password step did not lead to the second step ({answer.url})")
    answer = post("/masuk/dua-langkah/?next=/petugas/", {"code": totp_code(username), "next": "/petugas/"})
    if urllib.parse.urlsplit(answer.url).path != "/petugas/":
        raise SystemExit(f"{username}: the second step failed ({answer.url})")
    return {c.name: c.value for c in jar}


def totp_code(username: str) -> str:
    """The code a demo official's authenticator app shows next (their key is the published demo key)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lapor.demo.totp import next_code

    return next_code(TOTPDevice.objects.get(user__username=username, confirmed=True))[0]
