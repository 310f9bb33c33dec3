"""Production path of the sweep: Celery beat schedules it, the Redis broker carries it, a
worker runs it against the database. Uses the real Redis on 127.0.0.1:6379 (database 15)."""

import os
import time

import pytest
import redis
from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker

from config.celery import app
from lapor.core import clock
from lapor.reports.models import Report

from .test_sweep import at

BROKER = os.environ.get("LAPOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_app(tmp_path):
    redis.Redis.from_url(BROKER).flushdb()
    saved = {k: app.conf.get(k) for k in ("broker_url", "result_backend", "beat_schedule", "task_ignore_result")}
    app.conf.update(
        broker_url=BROKER,
        result_backend=None,
        task_ignore_result=True,
        beat_schedule={"sla-sweep": {"task": "lapor.reports.tasks.sla_sweep", "schedule": 0.5}},
    )
    yield app
    app.conf.update(saved)
    redis.Redis.from_url(BROKER).flushdb()


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_beat_schedule_names_a_registered_task():
    from lapor.reports import tasks  # noqa: F401  (registers the task)

    entry = app.conf.beat_schedule["sla-sweep"]
    assert entry["task"] == "lapor.reports.tasks.sla_sweep" and entry["task"] in app.tasks
    purge = app.conf.beat_schedule["purge-idempotency-records"]
    assert purge["task"] in app.tasks and purge["schedule"] == 3600.0


def test_beat_sends_the_sweep_through_redis_and_a_worker_runs_it(world, submit, celery_app, tmp_path):
    report, _ = submit(target_agency_code="kota-35-78")
    clock.freeze(at("2026-11-27"))  # past due: the sweep must mark it overdue
    beat = EmbeddedService(celery_app, thread=True, schedule_filename=str(tmp_path / "beat-schedule"))
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        beat.start()
        try:
            assert wait_for(lambda: Report.objects.get(pk=report.pk).is_overdue)
        finally:
            beat.stop()
    report.refresh_from_db()
    assert [e.action for e in report.events.order_by("seq")] == ["submit", "mark_overdue"]


def test_task_called_directly_through_the_broker(world, submit, celery_app):
    from lapor.reports.tasks import sla_sweep

    report, _ = submit(target_agency_code="kota-35-78")
    clock.freeze(at("2026-11-27"))
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sla_sweep.delay()
        assert wait_for(lambda: Report.objects.get(pk=report.pk).is_overdue)
