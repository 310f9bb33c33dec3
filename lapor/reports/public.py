"""The public side of reports: which reports everyone may see in the feed, full-text search over
their redacted text, and whom citizens' support (+1) shows (written by `services.report_support`).

A report appears in the public feed once the national desk (or the agency chosen by the
reporter) has accepted it for handling, and never when it is confidential: unverified reports
may hold abusive content, rejected ones were refused for a reason. Its text is redacted
(lapor.core.redact) both where it is shown and where it is searched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import Report, ReportSupport
from .public_view import public_text
from .states import Status

# Accepted for handling at least once; not rejected, archived or still unverified.
PUBLIC_STATUSES = (
    Status.AT_AGENCY,
    Status.RETURNED,
    Status.FORWARDED,
    Status.IN_PROCESS,
    Status.FOLLOWED_UP,
    Status.APPEALED,
    Status.CLOSED,
    Status.OMBUDSMAN,
)
MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+", re.UNICODE)


def is_public(report: Report) -> bool:
    return not report.is_confidential and report.status in PUBLIC_STATUSES


def index_for_search(report: Report) -> None:
    """Set the searchable text of a report that is public now (before the report is saved): at
    its submission when it names an agency, else when a transition makes it public (the desk's
    disposition), and again whenever its title or description changes (services), so that a
    supplemented description is searched as it reads now, redacted. Only the public feed searches, and it shows public reports only: the
    three in four submissions that wait for the desk, and those it rejects, have none. "" stands
    for "the title and description as they are" (redaction changed nothing)."""
    if is_public(report):
        original = f"{report.title}\n{report.description}"
        redacted = public_text(original)
        report.search_text = "" if redacted == original else redacted


# The text the search reads, as PostgreSQL's GIN index (migration 0013) writes it: the query
# must repeat the indexed expression exactly for the index to be used.
SEARCHED_TEXT = "(CASE WHEN search_text = '' THEN title || E'\\n' || description ELSE search_text END)"


@dataclass(frozen=True)
class FeedFilter:
    query: str = ""
    category_id: int | None = None  # a category and its sub-categories
    agency_name: str = ""
    province_code: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _search(query: str) -> Q:
    words = _WORD.findall(query)
    if not words:
        return Q()
    if connection.vendor == "postgresql":
        sql = (
            "SELECT id FROM reports_report WHERE search_text IS NOT NULL "
            f"AND to_tsvector('indonesian', {SEARCHED_TEXT}) @@ plainto_tsquery('indonesian', %s)"
        )
        return Q(pk__in=RawSQL(sql, [" ".join(words)]))
    # FTS5: every word must match, each as a quoted prefix term (no operator injection).
    match = " ".join('"%s"*' % w.replace('"', "") for w in words)
    return Q(pk__in=RawSQL("SELECT rowid FROM report_search_fts WHERE report_search_fts MATCH %s", [match]))


def public_reports(f: FeedFilter = FeedFilter()) -> QuerySet[Report]:
    """Reports everyone may see, newest first, narrowed by the filter."""
    qs = Report.objects.filter(is_confidential=False, status__in=PUBLIC_STATUSES)
    if f.query:
        qs = qs.filter(_search(f.query[:MAX_QUERY_LENGTH]))
    if f.category_id:
        qs = qs.filter(Q(category_id=f.category_id) | Q(category__parent_id=f.category_id))
    if f.agency_name:
        qs = qs.filter(Q(agency__name__icontains=f.agency_name) | Q(agency__short_name__iexact=f.agency_name))
    if f.province_code:
        # Region codes nest as text (35, 35.78, 35.78.01, ...).
        qs = qs.filter(Q(region_id=f.province_code) | Q(region__code__startswith=f.province_code + "."))
    if f.status:
        qs = qs.filter(status=f.status)
    # Dates are the reader's calendar days in the display zone (WIB), not UTC days.
    zone = timezone.get_default_timezone()
    if f.date_from:
        qs = qs.filter(submitted_at__gte=datetime.combine(f.date_from, time.min, tzinfo=zone))
    if f.date_to:
        qs = qs.filter(submitted_at__lte=datetime.combine(f.date_to, time.max, tzinfo=zone))
    return qs.select_related("category", "agency", "region").order_by("-submitted_at", "-pk")


def supported_by(user, reports) -> set[int]:
    """The ids among `reports` that `user` supports (for the button's state)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(ReportSupport.objects.filter(user=user, report__in=list(reports)).values_list("report_id", flat=True))
