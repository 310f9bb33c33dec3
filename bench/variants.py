"""What-if variants of the submission path, for measuring suggested app changes before anyone
makes them. Used only by bench/intake.py --variant (never by the app).

    python bench/intake.py --variant refcache,noprecheck,nosavepoint,ssb ...

gunicorn then loads `bench.variants:application` (this module) instead of `config.wsgi`; it sets
up Django from config.settings with the settings variants below, and patches the code variants in
memory, in the worker processes only:

- ssb          DATABASES OPTIONS server_side_binding=True: psycopg binds parameters on the
               server and prepares statements executed 5+ times (settings change).
- refcache     clean_submission's Region / Category / Agency lookups served from a per-process
               cache (60 s, like lapor.agencies.sla and lapor.core.workdays): -3 SELECTs.
- noprecheck   report_submit does not look the Idempotency-Key up before inserting; the
               (scope, key) unique constraint catches a retry, which is then answered by _replay:
               -1 SELECT.
- warm         import the URLconf (django-ninja + pydantic schemas, ~0.65 s) and build the
               working-day calendar when the worker starts (with gunicorn --preload: once, in the
               master), instead of on each worker's first request.
- nosavepoint  no savepoint around the report INSERT (the tracking-number retry would instead
               retry the whole transaction): -2 statements (SAVEPOINT, RELEASE).

The code variants were written against lapor/reports at a5b3fc6..a7e31c2; commit e6a7c33 made
those three changes in the app itself (optimistic Idempotency-Key insert, no savepoint, cached
look-ups). On such code the variant refuses to load instead of measuring nonsense (each one
checks the source it patches).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VARIANT = {v.strip() for v in os.environ.get("LAPOR_BENCH_VARIANT", "").split(",") if v.strip()}
KNOWN = {"ssb", "refcache", "noprecheck", "nosavepoint", "warm"}
if VARIANT - KNOWN:
    raise RuntimeError(f"unknown variant(s) {sorted(VARIANT - KNOWN)}; known: {sorted(KNOWN)}")


def _settings() -> None:
    from django.conf import settings

    if "ssb" in VARIANT:
        settings.DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True


class _CachedQuery:
    def __init__(self, manager, kwargs):
        self.manager, self.kwargs = manager, kwargs

    def first(self):
        return self.manager.lookup(self.kwargs)


class _CachedManager:
    TTL = 60.0

    def __init__(self, model):
        self.model = model
        self._cache: dict = {}
        self._lock = threading.Lock()

    def filter(self, **kwargs):
        return _CachedQuery(self, kwargs)

    def lookup(self, kwargs):
        key = tuple(sorted(kwargs.items()))
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit is not None and now - hit[0] < self.TTL:
            return hit[1]
        obj = self.model.objects.filter(**kwargs).first()
        with self._lock:
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[key] = (now, obj)
        return obj


def _cached_model(model):
    return type(
        model.__name__,
        (),
        {"objects": _CachedManager(model), "Kind": getattr(model, "Kind", None), "DoesNotExist": model.DoesNotExist},
    )


def _require(ok: bool, name: str) -> None:
    if not ok:
        raise RuntimeError(f"variant {name!r} does not apply: the app already has this change (see bench/variants.py)")


def _patch() -> None:
    import inspect

    from django.db import connection, transaction

    from lapor.reports import intake, services

    submit_src = inspect.getsource(services.report_submit)
    if "refcache" in VARIANT:
        _require(
            all(hasattr(intake, n) for n in ("Region", "Category", "Agency"))
            and "Region.objects.filter" in inspect.getsource(intake.clean_submission),
            "refcache",
        )
    if "noprecheck" in VARIANT:
        _require(submit_src.find("_replay(") < submit_src.find("transaction.atomic()"), "noprecheck")
    if "nosavepoint" in VARIANT:
        _require("transaction.atomic()" in inspect.getsource(services._create), "nosavepoint")

    if "refcache" in VARIANT:
        from lapor.agencies.models import Agency, Category, Region

        intake.Region, intake.Category, intake.Agency = _cached_model(Region), _cached_model(Category), _cached_model(Agency)
    if "noprecheck" in VARIANT:
        original_replay = services._replay
        state = threading.local()
        original_submit = services.report_submit

        def _replay(scope, key, request_hash, actor):
            if getattr(state, "skip_next", False):
                state.skip_next = False
                return None
            return original_replay(scope, key, request_hash, actor)

        def report_submit(**kwargs):
            state.skip_next = kwargs.get("idempotency_key") is not None
            try:
                return original_submit(**kwargs)
            finally:
                state.skip_next = False

        services._replay = _replay
        services.report_submit = report_submit
    if "nosavepoint" in VARIANT:

        class _Tx:
            def __getattr__(self, name):
                return getattr(transaction, name)

            @staticmethod
            def atomic(*args, **kwargs):
                if connection.in_atomic_block:
                    kwargs.setdefault("savepoint", False)
                return transaction.atomic(*args, **kwargs)

        services.transaction = _Tx()


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
from django.conf import settings as _s

_s.DATABASES  # noqa: B018  (load settings before django.setup so the variant can adjust them)
_settings()
django.setup(set_prefix=False)
_patch()
if "warm" in VARIANT:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    try:
        from lapor.core import workdays

        workdays.WorkCalendar().is_working_day(__import__("datetime").date.today())
    except ImportError:  # an app without the working-day calendar
        pass

from django.core.handlers.wsgi import WSGIHandler

application = WSGIHandler()
