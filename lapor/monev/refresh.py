"""The background job re-deriving stored monitoring facts after a change of reference data
(ADR 0019): the requests `lapor/rollups/refresh.py` queued, worked off by Celery beat every
minute or `manage.py run_worker`; each report moves through `reports.services`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Q

from lapor.agencies.selectors import category_and_below
from lapor.core import workdays
from lapor.core.clock import WIB
from lapor.reports.models import Report
from lapor.reports.services import refresh_monitoring_facts
from lapor.rollups.lookups import forget_lookups
from lapor.rollups.models import PendingRefresh


def reports_spanning(day) -> Q:
    """Reports a changed holiday on `day` can move: a duration runs from submission (or
    reception, later) to the first follow-up or the closure, so only reports submitted by the
    end of that day and not closed before it (a margin of a day covers every time zone)."""
    start = datetime.combine(day - timedelta(days=1), time.min, tzinfo=WIB)
    end = datetime.combine(day + timedelta(days=2), time.min, tzinfo=WIB)
    return Q(submitted_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=start))


def refresh_category(category_id: int) -> int:
    """A category became (or stopped being) a national priority, or moved under another
    category: move its reports' cells, and those of the categories under it (whose priority it
    passes on and whose top-level category it decides)."""
    forget_lookups()
    reports = Report.objects.filter(category_id__in=category_and_below(category_id)).order_by("pk")
    return refresh_monitoring_facts(reports.values_list("pk", flat=True))


@dataclass
class Outcome:
    requests: int = 0
    reports_changed: int = 0
    kinds: dict = field(default_factory=dict)


def refresh_pending(limit: int = 20) -> Outcome:
    """Work off up to `limit` pending requests, oldest first, each deleted once its reports are
    done. The reports move in chunks of their own transactions (`refresh_monitoring_facts` locks
    each chunk's rows and compares their stored facts): a big category does not hold its reports
    locked against transitions for the whole run, two workers on one request move nothing twice,
    and a request cut short is simply redone."""
    out = Outcome()
    workdays.reset_calendar()  # the calendar this process holds may predate the change
    forget_lookups()  # and the categories' priorities
    for request in list(PendingRefresh.objects.order_by("pk")[:limit]):
        if request.kind == PendingRefresh.Kind.CATEGORY:
            out.reports_changed += refresh_category(request.category_id)
        else:
            reports = Report.objects.filter(reports_spanning(request.day)).order_by("pk")
            out.reports_changed += refresh_monitoring_facts(reports.values_list("pk", flat=True))
        PendingRefresh.objects.filter(pk=request.pk).delete()
        out.kinds[request.kind] = out.kinds.get(request.kind, 0) + 1
        out.requests += 1
    return out
