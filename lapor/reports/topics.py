"""Agencies found by what they handle, not only by their name: "jalan rusak" finds the offices
that reports about damaged roads were sent to, although no agency is named after roads.

Learned from the platform's own recent dispositions: for each category, the agencies its reports
were sent to in the last TOPIC_DAYS days, most first. The table is small (categories ×
a few agencies) and is recomputed at most every TOPIC_SECONDS per process, from the reports
received in the window (the `report_submitted` index bounds the scan)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import timedelta

from django.db.models import Count

from lapor.agencies.models import Category
from lapor.agencies.selectors import categories_matching
from lapor.core import clock

from .models import Report

TOPIC_DAYS = 180
TOPIC_SECONDS = 3600.0
AGENCIES_PER_CATEGORY = 10

_lock = threading.Lock()
_table: tuple[float, dict[int, list[tuple[int, int]]]] | None = None


def agencies_by_category() -> dict[int, list[tuple[int, int]]]:
    """{category id: [(agency id, reports), ...]} over the window, most reports first."""
    global _table
    entry = _table
    if entry is None or time.monotonic() - entry[0] > TOPIC_SECONDS:
        with _lock:
            entry = _table
            if entry is None or time.monotonic() - entry[0] > TOPIC_SECONDS:
                since = clock.now() - timedelta(days=TOPIC_DAYS)
                rows = (Report.objects.filter(submitted_at__gte=since, category__isnull=False, agency__isnull=False)
                        .values_list("category_id", "agency_id").annotate(n=Count("id")))
                table: dict[int, list[tuple[int, int]]] = defaultdict(list)
                for category_id, agency_id, n in rows:
                    table[category_id].append((agency_id, n))
                for found in table.values():
                    found.sort(key=lambda pair: -pair[1])
                    del found[AGENCIES_PER_CATEGORY:]
                entry = _table = (time.monotonic(), dict(table))
    return entry[1]


def reset() -> None:
    """Forget the table (tests; it is rebuilt on the next question)."""
    global _table
    _table = None


def agency_ids_for_topic(query: str, limit: int = 20) -> list[int]:
    """Agencies that handled reports in the categories matching `query`, most reports first."""
    categories = categories_matching(query, limit=50)
    if not categories:
        return []
    ids = {c.pk for c in categories}
    table = agencies_by_category()
    totals: dict[int, int] = defaultdict(int)
    for category_id, found in table.items():
        if category_id in ids:
            for agency_id, n in found:
                totals[agency_id] += n
    # Sub-categories count for their parent: a search for "INFRASTRUKTUR" covers them all.
    children = set(Category.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    for category_id in children - ids:
        for agency_id, n in table.get(category_id, ()):
            totals[agency_id] += n
    return [agency_id for agency_id, _n in sorted(totals.items(), key=lambda pair: -pair[1])[:limit]]

