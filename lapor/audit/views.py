"""The audit page: the audit log and the reports' transitions, filtered, paginated and exported
as CSV, each scoped to what the viewer may audit (lapor/audit/selectors.py)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lapor.accounts.actors import Actor
from lapor.reports.states import Action

from . import selectors
from .models import AuditEntry

PAGE_SIZE = 50
EXPORT_BATCH = 500


def _auditor(request) -> Actor:
    actor = Actor.for_user(request.user)
    if not selectors.may_read_audit(actor):
        raise PermissionDenied(_("Only the national desk, agency admins and APIP auditors read the audit log."))
    return actor


def _filters(request, kinds) -> selectors.AuditFilters:
    filters = selectors.AuditFilters.parse(request.GET, kinds)
    for problem in filters.errors:
        messages.warning(request, problem)
    return filters


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def entries(request):
    actor = _auditor(request)
    filters = _filters(request, AuditEntry.Kind.values)
    queryset = filters.apply(selectors.audit_entries_visible_to(actor), kind_field="kind", time_field="at")
    page = _page(request, selectors.entries_for_listing(queryset))
    query = urlencode({k: v for k, v in filters.as_params().items() if v})
    return render(
        request,
        "audit/entries.html",
        {"page": page, "rows": selectors.entry_rows(actor, page), "filters": filters, "kinds": AuditEntry.Kind.choices, "query": query},
    )


@login_required
def transitions(request):
    actor = _auditor(request)
    filters = _filters(request, Action.values)
    queryset = filters.apply(selectors.transitions_visible_to(actor), kind_field="action", time_field="created_at")
    page = _page(request, selectors.events_for_listing(queryset))
    query = urlencode({k: v for k, v in filters.as_params().items() if v})
    return render(
        request,
        "audit/transitions.html",
        {"page": page, "rows": selectors.transition_rows(actor, page), "filters": filters, "kinds": Action.choices, "query": query},
    )


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula: such text is quoted."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def export(request):
    """The filtered audit log as CSV, with the page's privacy rules (the same rows)."""
    actor = _auditor(request)
    filters = selectors.AuditFilters.parse(request.GET, AuditEntry.Kind.values)
    queryset = selectors.entries_for_listing(filters.apply(selectors.audit_entries_visible_to(actor), kind_field="kind", time_field="at"))
    header = [_("time"), _("kind"), _("actor"), _("actor's position"), _("tracking number"), _("position"), _("agency"), _("details"), _("reason")]

    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff"  # a byte-order mark, so that spreadsheet programs read the file as UTF-8
        yield writer.writerow(header)
        last = None
        while True:
            # Keyset pagination: constant memory however long the log, and stable while it grows.
            batch = queryset if last is None else queryset.filter(pk__lt=last)
            chunk = list(batch.order_by("-pk")[:EXPORT_BATCH])
            if not chunk:
                return
            for row in selectors.entry_rows(actor, chunk):
                yield writer.writerow(
                    _cell(v)
                    for v in (
                        timezone.localtime(row.at).isoformat(),
                        row.kind,
                        row.actor,
                        row.actor_position,
                        row.tracking_number,
                        row.subject,
                        row.agency,
                        " | ".join(row.details),
                        row.reason,
                    )
                )
            last = chunk[-1].pk

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response
