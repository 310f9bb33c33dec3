"""Fixtures of the privacy tests: the world (built once per module, inside a transaction that is
rolled back when the module ends), a signed-in client per role, a fetch cache shared by the
tests of a module, and a robust search for markers in responses and logs."""

from __future__ import annotations

import json
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from lapor.accounts.models import ApiToken
from lapor.core import clock
from tests.conftest import MONDAY_9AM, sign_in

from .policy_table import ROLES
from .world import World, WorldReport, build_world


# --- searching ------------------------------------------------------------------------------------
# Every marker of the world has a fixed shape with the report's number in it (see world.Markers),
# so one scan of a text finds every marker of every report, in any of the forms it takes in a
# page, a JSON body, a URL or a header: any case, HTML- or JSON-escaped apostrophes, encoded
# spaces and @, and numbers grouped with spaces, dots or dashes.
_SP = r"(?:\s|%20|\+|&nbsp;|&#160;|\\u00a0)"
_AP = r"(?:'|&#x27;|&#39;|&#039;|&apos;|\\u0027|%27|\u2019)"
_AT = r"(?:@|%40|&#64;|\\u0040)"
_SEP = r"[ .\-\u00a0]?"
TOKEN_LABELS = {"t": "title", "d": "description", "a": "address", "f": "attachment", "p": "public_note",
                "s": "reporter_note", "k": "rating_comment", "i": "internal", "j": "internal", "h": "photo",
                "g": "official_photo"}
_PATTERNS = [
    ("token", re.compile(r"rhs-(\d\d)-([tdafpskijhg])(?![a-z0-9])")),
    ("name", re.compile(rf"kirana{_SP}ma{_AP}ruf{_SP}zq(\d\d)")),
    ("email", re.compile(rf"kirana\.zq(\d\d){_AT}contoh\.id")),
    # 0813…, also written +62 813… or 62813…
    ("phone", re.compile(r"(?<!\d)(?:0|\+?62[ .\-]?)" + _SEP.join(["8", "1", "3", r"(\d)", r"(\d)", r"(\d)", r"(\d)", "5", "5", "2", "1"]) + r"(?!\d)")),
    ("nik", re.compile(r"(?<!\d)" + _SEP.join(["3", "5", "7", "8", "0", "1", r"(\d)", r"(\d)", r"(\d)", r"(\d)", "7", "7", "0", "0", "2", "1"]) + r"(?!\d)")),
]


def scan(text: str) -> set[tuple[int, str]]:
    """(report number, marker label) of every marker found in `text`."""
    lowered = text.lower()
    found = set()
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(lowered):
            if kind == "token":
                found.add((int(match.group(1)), TOKEN_LABELS[match.group(2)]))
            else:
                found.add((int("".join(match.groups())), kind))
    return found


@dataclass(frozen=True)
class Marker:
    label: str  # e.g. "nik", "title", "internal"
    text: str


def markers_of(r: WorldReport) -> list[Marker]:
    """The marker strings of one report, as stored (for checking the world and the scanner)."""
    m = r.m
    found = [
        Marker("name", m.name),
        Marker("email", m.email),
        Marker("phone", m.phone),
        Marker("nik", m.nik),
        Marker("title", m.title),
        Marker("description", m.description),
        Marker("address", m.address),
        Marker("attachment", m.attachment),
        Marker("photo", m.photo),
    ]
    if m.official_photo:
        found.append(Marker("official_photo", m.official_photo))
    if m.public_note:
        found.append(Marker("public_note", m.public_note))
    if m.reporter_note:
        found.append(Marker("reporter_note", m.reporter_note))
    if m.rating_comment:
        found.append(Marker("rating_comment", m.rating_comment))
    for note in m.internal_notes:
        found.append(Marker("internal", note))
    return found


# --- responses ------------------------------------------------------------------------------------
@dataclass
class Fetched:
    status: int
    text: str  # the body, and the Location and Content-Disposition headers
    location: str = ""


def _read(response) -> Fetched:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # the test client closes the response at the end
    else:
        body = response.content
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items() if k.lower() in ("location", "content-disposition"))
    return Fetched(response.status_code, body.decode("utf-8", "replace") + "\n" + headers, response.headers.get("Location", ""))


@dataclass
class Who:
    """One identity as the tests see it: a browser session and the matching API headers."""

    label: str
    role: str  # a row of POLICY_TABLE for reports it does not own
    web: Client
    api_headers: dict
    signed_in: bool
    owns: set = field(default_factory=set)  # tracking numbers of the reports it filed
    secrets: dict = field(default_factory=dict)  # tracking number -> reporter code (guests)
    user: object = None

    def headers_for(self, tracking_number: str | None = None) -> dict:
        headers = dict(self.api_headers)
        if tracking_number in self.secrets:
            headers["X-Reporter-Secret"] = self.secrets[tracking_number]
        return headers

    def role_on(self, r: WorldReport) -> str:
        return "reporter" if r.tracking_number in self.owns else self.role


@dataclass
class PrivacyWorld:
    world: World
    who: dict  # label -> Who
    build_logs: list = field(default_factory=list)  # what was logged while the world was built
    _cache: dict = field(default_factory=dict)

    @property
    def reports(self) -> list[WorldReport]:
        return self.world.reports

    def get(self, who: Who, url: str, *, api_for: str | None = None, cached: bool = True) -> Fetched:
        """GET as `who` (cached per identity and URL): a page with their session; an /api/ path
        with their API headers, and the reporter code of report `api_for` if they hold it."""
        is_api = url.startswith("/api/")
        key = (who.label, url, api_for)
        if cached and key in self._cache:
            return self._cache[key]
        if is_api:
            response = who.web.get(url, headers={"Accept-Language": "en", **who.headers_for(api_for)})
        else:
            response = who.web.get(url, headers={"Accept-Language": "en"})
        fetched = _read(response)
        if cached:
            self._cache[key] = fetched
        return fetched

    def post(self, who: Who, url: str, data: dict, *, api_for: str | None = None, files: dict | None = None) -> Fetched:
        """POST as `who`: JSON with their API headers to /api/, a form with their session elsewhere."""
        if url.startswith("/api/"):
            response = who.web.post(url, data=json.dumps(data), content_type="application/json",
                                    headers={"Accept-Language": "en", **who.headers_for(api_for)})
        else:
            response = who.web.post(url, {**data, **(files or {})}, headers={"Accept-Language": "en"})
        return _read(response)

    def reporter_of(self, r: WorldReport) -> Who:
        return next(w for w in self.who.values() if r.tracking_number in w.owns)

    def who_for(self, role: str, r: WorldReport) -> Who:
        """The identity that plays `role` on report r (the reporter: whoever filed it)."""
        return self.reporter_of(r) if role == "reporter" else self.who[role]


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(user=user, name='privacy')[1]}"}


def _make_clients(world: World) -> dict:
    who = {}
    for role in ROLES:
        if role == "reporter":
            continue
        web = Client()
        if role == "public":
            who[role] = Who(role, role, web, {}, signed_in=False)
            continue
        user = world.users[role]
        sign_in(web, user)
        who[role] = Who(role, role, web, _bearer(user), signed_in=True, user=user)
    guest = Who("guest_reporter", "public", Client(), {}, signed_in=False)
    for r in world.reports:
        if r.owner == "guest":
            # The real path: the guest gives the code on the track page; it is kept in the session.
            response = guest.web.post(f"/lacak/{r.tracking_number}/", {"kode": r.secret})
            assert response.status_code == 302, response.status_code
            guest.owns.add(r.tracking_number)
            guest.secrets[r.tracking_number] = r.secret
        else:
            web = Client()
            sign_in(web, r.user)
            label = f"citizen_{r.idx:02d}"
            who[label] = Who(label, "outsider", web, _bearer(r.user), signed_in=True, owns={r.tracking_number}, user=r.user)
    who["guest_reporter"] = guest
    return who


@pytest.fixture(scope="module")
def pw(django_db_setup, django_db_blocker):
    """The world and its people, built once per module and rolled back at its end."""
    with django_db_blocker.unblock():
        cache.clear()
        with transaction.atomic():
            with capturing_logs() as handler:
                world = build_world()
                clients = _make_clients(world)
            yield PrivacyWorld(world=world, who=clients, build_logs=[log_text(handler)] if handler.records else [])
            transaction.set_rollback(True)
        clock.freeze(None)
        cache.clear()


@pytest.fixture(autouse=True)
def _privacy_state(db):
    """Each test: the world's clock, an empty cache (rate limits, sign-in lockout)."""
    clock.freeze(MONDAY_9AM)
    cache.clear()
    yield


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def capturing_logs():
    """Every log record production can write at its most verbose (LAPOR_LOG_LEVEL=DEBUG), from
    every logger (also those that do not propagate): all at DEBUG, except the loggers whose level
    settings.LOGGING pins (django.db.backends, django.template), which no setting makes more verbose."""
    from django.conf import settings

    handler = _Collect()
    pinned = {name for name, conf in settings.LOGGING.get("loggers", {}).items() if "level" in conf}
    loggers = [logging.root] + [
        lg for name, lg in logging.root.manager.loggerDict.items()
        if isinstance(lg, logging.Logger) and name not in pinned and not any(name.startswith(p + ".") for p in pinned)
    ]
    saved = [(lg, lg.level) for lg in loggers]
    # The configured handlers (the console) keep printing only what they printed before.
    printing = {h: h.level for lg in loggers for h in lg.handlers}
    for h in printing:
        h.setLevel(max(h.level, logging.root.getEffectiveLevel()))
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        if lg is logging.root or not lg.propagate:
            lg.addHandler(handler)
    try:
        yield handler
    finally:
        for lg, level in saved:
            lg.setLevel(level)
            lg.removeHandler(handler)
        for h, level in printing.items():
            h.setLevel(level)


@pytest.fixture
def all_logs():
    with capturing_logs() as handler:
        yield handler


def log_text(handler) -> str:
    parts = []
    for record in handler.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            parts.append(record.exc_text)
        if record.stack_info:
            parts.append(record.stack_info)
        parts.append(repr({k: v for k, v in record.__dict__.items() if k not in ("request", "exc_info", "args", "msg")}))
        if getattr(record, "request", None) is not None:
            request = record.request
            parts.append(f"{request.method} {request.get_full_path()}")  # (a body is the client's own input)
    return "\n".join(parts)


def check_logs(handler) -> list[str]:
    """No marker in any log record (not even a search term the client sent)."""
    found = scan(log_text(handler))
    return [f"the logs hold {sorted(f'#{i:02d}:{label}' for i, label in found)}"] if found else []
