"""Re-deriving stored monitoring facts after a change of reference data (ADR 0019).

A report's rollup cells depend on two things that change outside its lifecycle: whether its
category is a national priority (the KSP filter) and the working-day calendar (its durations).
Such a change records a `PendingRefresh` row in its own transaction (signals below), so the
request that makes it stays quick and no refresh is lost if the process dies; the background job
`refresh_pending` (Celery beat every minute, or `manage.py run_worker`) then moves the affected
reports' cells with `rollups.refresh_reports`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Q

from lapor.reports.models import Report

from . import rollups
from .models import PendingRefresh
from .scopes import WIB


def request_category(category_id: int) -> None:
    PendingRefresh.objects.create(kind=PendingRefresh.Kind.CATEGORY, category_id=category_id)


def request_holiday(day) -> None:
    PendingRefresh.objects.create(kind=PendingRefresh.Kind.HOLIDAY, day=day)


def reports_spanning(day) -> Q:
    """Reports a changed holiday on `day` can move: a duration runs from submission (or
    reception, later) to the first follow-up or the closure, so only reports submitted by the
    end of that day and not closed before it (a margin of a day covers every time zone)."""
    start = datetime.combine(day - timedelta(days=1), time.min, tzinfo=WIB)
    end = datetime.combine(day + timedelta(days=2), time.min, tzinfo=WIB)
    return Q(submitted_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=start))


@dataclass
class Outcome:
    requests: int = 0
    reports_changed: int = 0
    kinds: dict = field(default_factory=dict)


def refresh_pending(limit: int = 20) -> Outcome:
    """Work off up to `limit` pending requests, oldest first, each deleted once its reports are
    done. The reports move in chunks of their own transactions (`refresh_reports` locks each
    chunk's rows and compares their stored facts): a big category does not hold its reports
    locked against transitions for the whole run, two workers on one request move nothing twice,
    and a request cut short is simply redone."""
    from lapor.core import workdays

    out = Outcome()
    workdays.reset_calendar()  # the calendar this process holds may predate the change
    rollups.forget_lookups()  # and the categories' priorities
    for request in list(PendingRefresh.objects.order_by("pk")[:limit]):
        if request.kind == PendingRefresh.Kind.CATEGORY:
            out.reports_changed += rollups.refresh_category(request.category_id)
        else:
            reports = Report.objects.filter(reports_spanning(request.day)).order_by("pk")
            out.reports_changed += rollups.refresh_reports(reports.values_list("pk", flat=True))
        PendingRefresh.objects.filter(pk=request.pk).delete()
        out.kinds[request.kind] = out.kinds.get(request.kind, 0) + 1
        out.requests += 1
    return out
