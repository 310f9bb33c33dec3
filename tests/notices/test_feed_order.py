"""The feed's order on PostgreSQL, with real concurrent transactions (ADR 0032): an event whose
transaction commits after a later one's is published after it, never skipped by a reader that
follows positions. SQLite serialises writers, so this runs in the PostgreSQL pass of CI."""

import threading

import pytest
from django.db import connection, connections, transaction

from lapor.accounts.actors import Actor
from lapor.reports import feed
from lapor.reports.services import report_act
from lapor.reports.models import FeedEntry, Report

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent commits need PostgreSQL (its CI pass)"),
    pytest.mark.django_db(transaction=True),
]


def test_an_event_committed_late_is_published_late_not_skipped(world, submit):
    early, _ = submit()
    inserted, release = threading.Event(), threading.Event()

    def slow_writer():  # the desk's disposition: its entry written first, its transaction committed last
        try:
            with transaction.atomic():
                report_act(tracking_number=early.tracking_number, action="dispose",
                           actor=Actor.for_user(world.national_admin), payload={"agency": "kota-35-78"})
                inserted.set()
                release.wait(10)
        finally:
            connections.close_all()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert inserted.wait(10)
    late, _ = submit()  # written after, committed before
    assert feed.publish() == 2  # the two committed submissions; the slow one is not visible yet
    seen = [p.report.pk for p in feed.after(0)]
    assert seen == [early.pk, late.pk]
    cursor_position = feed.after(0)[-1].position
    release.set()
    writer.join(10)
    assert feed.publish() == 1
    (next_one,) = feed.after(cursor_position)  # a reader at position 2 gets it next
    assert (next_one.report.pk, next_one.event.action, next_one.position) == (early.pk, "dispose", 3)
    assert FeedEntry.objects.filter(position__isnull=True).count() == 0
    assert Report.objects.count() == 2
