"""Real concurrent connections on PostgreSQL: two officers at once, and the sweep's SKIP LOCKED.

SQLite serialises writers with its database lock (BEGIN IMMEDIATE), so these row-lock tests
run in the PostgreSQL pass of CI."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from lapor.accounts.models import ApiToken, Position, Role, User
from lapor.core import clock
from lapor.reports.models import Report, ReportEvent
from lapor.reports.sweep import sla_sweep

from .test_sweep import at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (run by the PostgreSQL CI pass)"),
    pytest.mark.django_db(transaction=True),
]


def waiting_on_locks() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def hold_lock(report_pk, locked: threading.Event, release: threading.Event):
    try:
        with transaction.atomic():
            Report.objects.select_for_update().get(pk=report_pk)
            locked.set()
            release.wait(10)
    finally:
        connections.close_all()


def test_two_officers_forwarding_at_the_same_moment(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")
    second_admin = User.objects.create_user(username="cityadmin2", password="x")
    Position.objects.create(role=Role.AGENCY_ADMIN, agency=world.city, title="Admin Instansi 2", holder=second_admin)
    keys = [ApiToken.issue(user=u, name="t")[1] for u in (world.city_admin, second_admin)]
    units = ["kota-35-78-disdik", "kota-35-78-dinkes"]
    results = {}

    def officer(i):
        try:
            response = Client().post(
                f"/api/v1/reports/{report.tracking_number}/forward",
                {"unit": units[i]},
                content_type="application/json",
                headers={"Authorization": f"Bearer {keys[i]}"},
            )
            results[i] = (response.status_code, response.json().get("code"))
        finally:
            connections.close_all()

    # A third connection holds the row so that both officers are provably waiting on it.
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(report.pk, locked, release))
    holder.start()
    assert locked.wait(10)
    officers = [threading.Thread(target=officer, args=(i,)) for i in range(2)]
    for t in officers:
        t.start()
    deadline = time.monotonic() + 10
    while waiting_on_locks() < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert waiting_on_locks() == 2
    release.set()
    for t in [holder, *officers]:
        t.join(15)

    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 409]
    assert [code for status, code in results.values() if status == 409] == ["illegal_transition"]
    events = list(ReportEvent.objects.filter(report=report).order_by("seq").values_list("seq", "action"))
    assert events == [(1, "submit"), (2, "forward")]
    report.refresh_from_db()
    assert report.version == 2


def test_sweep_skips_rows_locked_by_someone_else(world, submit):
    first, _ = submit(target_agency_code="kota-35-78")
    second, _ = submit(target_agency_code="kota-35-78")
    clock.freeze(at("2026-11-27"))
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(first.pk, locked, release))
    holder.start()
    assert locked.wait(10)
    started = time.monotonic()
    result = sla_sweep()
    assert time.monotonic() - started < 5  # it did not wait for the lock
    assert result.counts["mark_overdue"] == 1
    assert Report.objects.get(pk=second.pk).is_overdue and not Report.objects.get(pk=first.pk).is_overdue
    release.set()
    holder.join(10)
    assert sla_sweep().counts["mark_overdue"] == 1
    assert Report.objects.get(pk=first.pk).is_overdue
