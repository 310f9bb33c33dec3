"""The event feed (ADR 0032): every event of every report, in one global order, for whatever
tells the outside world (notifications, webhooks, the events API).

- The writer (`services._write`) adds a `FeedEntry` with each event (`entry_sql`), in the
  event's transaction.
- `publish()` (the worker, every few seconds) numbers the committed entries not yet numbered,
  in the order they were written, under a lock so that one publisher runs at a time. A number
  is given only to a committed entry and never to one below a number already given, so a
  reader that has seen position p has seen every entry up to p: an event whose transaction
  committed late is published late, never skipped.
- A subscriber reads the entries after its cursor (`consume`), and moves its cursor in the same
  transaction as what it does with them (a queued message, a delivery row): each entry is
  handled once. The product's own subscribers start at the feed's beginning (it began empty
  with them); one added later (a webhook subscription) may start at its end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from lapor.core import clock

from .models import FeedCursor, FeedEntry, Report, ReportEvent

_TABLE = FeedEntry._meta.db_table
# pg_advisory_xact_lock's key for the publisher: "LAPORFED" as a number, any constant would do.
_PUBLISHER_LOCK = 0x4C41504F52464544 - (1 << 63)


def enabled() -> bool:
    return getattr(settings, "LAPOR_EVENT_FEED", True)


def entry_sql(report_id: int, seq: int) -> str:
    """The statement adding an event's entry (integers only: written into the statement, to lead
    the event's INSERT like the rollups' statements)."""
    return f"INSERT INTO {_TABLE} (report_id, seq) VALUES ({int(report_id)}, {int(seq)})"


PUBLISH_BATCH = 5000


def publish(batch: int = PUBLISH_BATCH) -> int:
    """Number the committed, unnumbered entries (up to `batch`), oldest first; returns how many."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PUBLISHER_LOCK])
        waiting = list(FeedEntry.objects.filter(position__isnull=True).order_by("pk").values_list("pk", flat=True)[:batch])
        if not waiting:
            return 0
        last = FeedEntry.objects.aggregate(last=Max("position"))["last"] or 0
        with connection.cursor() as cursor:
            for start in range(0, len(waiting), 500):
                chunk = waiting[start : start + 500]
                numbered = " ".join(f"WHEN {pk} THEN {last + start + i + 1}" for i, pk in enumerate(chunk))
                cursor.execute(
                    f"UPDATE {_TABLE} SET position = CASE id {numbered} END "
                    f"WHERE id IN ({', '.join(str(pk) for pk in chunk)})"
                )
        return len(waiting)


def last_position() -> int:
    return FeedEntry.objects.aggregate(last=Max("position"))["last"] or 0


@dataclass(frozen=True)
class Published:
    """One published event: its place in the feed, the event and its report (as they are now)."""

    position: int
    event: ReportEvent
    report: Report


def after(position: int, limit: int = 500) -> list[Published]:
    """The published events after `position`, in order (at most `limit`)."""
    entries = list(
        FeedEntry.objects.filter(position__gt=position).order_by("position").values_list("position", "report_id", "seq")[:limit]
    )
    if not entries:
        return []
    # With what the subscribers read of each (the reporter's addresses, the agency's name, the
    # category and place an official is told): one query, not one per report per subscriber.
    reports = Report.objects.select_related("reporter", "agency", "category", "region").in_bulk(
        {report_id for _p, report_id, _s in entries})
    events = {}
    wanted = {(report_id, seq) for _p, report_id, seq in entries}
    for event in ReportEvent.objects.filter(report_id__in=reports, seq__in={seq for _r, seq in wanted}):
        if (event.report_id, event.seq) in wanted:
            events[(event.report_id, event.seq)] = event
    out = []
    for pos, report_id, seq in entries:
        event = events[(report_id, seq)]
        event.report = reports[report_id]
        out.append(Published(pos, event, reports[report_id]))
    return out


def consume(name: str, handle: Callable[[list[Published]], None], limit: int = 500, *, from_end: bool = False) -> int:
    """Hand the entries after subscriber `name`'s cursor to `handle` (at most `limit`, in order)
    and move the cursor past them, in one transaction: if `handle` fails, nothing moved and the
    same entries come again. Returns how many were handled. A subscriber seen for the first time
    starts at the beginning, or with `from_end` after the last published entry."""
    with transaction.atomic():
        cursor, _created = FeedCursor.objects.select_for_update().get_or_create(
            name=name, defaults={"position": last_position() if from_end else 0, "updated_at": clock.now()}
        )
        entries = after(cursor.position, limit)
        if not entries:
            return 0
        handle(entries)
        FeedCursor.objects.filter(name=name).update(position=entries[-1].position, updated_at=clock.now())
        return len(entries)
