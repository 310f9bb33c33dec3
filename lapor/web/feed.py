"""The public feed of reports (filters and full-text search) and citizens' support (+1).

Everything here is public: reports come only from lapor.reports.public (never confidential,
never unverified) and their text is redacted before it is shown."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django_htmx.http import HttpResponseClientRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lapor.accounts.actors import Actor
from lapor.agencies.selectors import category_id_of, is_province, provinces, top_categories
from lapor.core.errors import DomainError
from lapor.reports import public, selectors, services
from lapor.reports.public_view import feed_text
from lapor.reports.states import Status
from lapor.reports.tokens import normalise_tracking_number

from .attachments import feed_photos

PAGE_SIZE = 20
FEED_FIELDS = ("q", "kategori", "instansi", "provinsi", "status", "dari", "sampai")


def _date(value: str, label: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(field)s must be a date like 2026-11-23.") % {"field": label})
        return None


def _filter_from(params, errors: list[str]) -> public.FeedFilter:
    category = None
    if params.get("kategori"):
        category = category_id_of(params["kategori"])
        if category is None:
            errors.append(_("There is no such category."))
    status = params.get("status", "")
    if status and status not in public.PUBLIC_STATUSES:
        errors.append(_("There is no such status."))
        status = ""
    province = params.get("provinsi", "")
    if province and not is_province(province):
        errors.append(_("There is no such province."))
        province = ""
    f = public.FeedFilter(
        query=params.get("q", "").strip()[: public.MAX_QUERY_LENGTH],
        category_id=category,
        agency_name=params.get("instansi", "").strip()[:100],
        province_code=province,
        status=status,
        date_from=_date(params.get("dari", ""), _("From"), errors),
        date_to=_date(params.get("sampai", ""), _("Until"), errors),
    )
    if f.date_from and f.date_to and f.date_from > f.date_to:
        errors.append(_("The start date is after the end date."))
    return f


def feed(request):
    """Public reports, newest first. Pages are fetched one row beyond the page size instead of
    counted: a count over millions of rows would cost more than the page itself."""
    errors: list[str] = []
    f = _filter_from(request.GET, errors)
    try:
        page = max(1, int(request.GET.get("hal", "1")))
    except ValueError:
        page = 1
    rows = [] if errors else list(public.public_reports(f)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for r in rows:
        r.public_title, r.public_excerpt = feed_text(r)
    feed_photos(rows)  # at most one photo per report, of those everyone may open (ADR 0024)
    query = request.GET.copy()
    query.pop("hal", None)
    # A filter or page link sent by htmx gets only the results; without JavaScript, the page.
    return render(
        request,
        "web/_feed_results.html" if request.htmx.target == "feed-results" else "web/feed.html",
        {
            "rows": rows,
            "errors": errors,
            "page": page,
            "has_next": has_next,
            "query_string": query.urlencode(),
            # Every field with a default: a lookup that fails in a template is logged at DEBUG with
            # the whole QueryDict, which would put a searched NIK or phone number in the logs.
            "params": {field: request.GET.get(field, "") for field in FEED_FIELDS},
            "categories": top_categories(),
            "provinces": provinces(),
            "statuses": [(s, Status(s).label) for s in public.PUBLIC_STATUSES],
            "supported": public.supported_by(request.user, [r.pk for r in rows]),
        },
    )


@require_POST
def support(request, tracking_number):
    """Count a +1. Without JavaScript: back to the report with a message. With htmx: only the
    support form is replaced, showing the new count and the message."""
    number = normalise_tracking_number(tracking_number)
    if not request.user.is_authenticated:
        messages.error(request, _("Sign in to support a report."))
        url = f"/masuk/?next=/lacak/{number}/"
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    kind, text = "success", _("Thank you: your support has been counted.")
    try:
        services.report_support(tracking_number=number, actor=Actor.for_user(request.user))
    except DomainError as error:
        kind, text = "error", error.message
    if request.htmx:
        report = selectors.report_by_tracking_number(number)
        if report is None or not public.is_public(report):
            return HttpResponseClientRedirect(f"/lacak/{number}/")
        context = {
            "report": report,
            "supported": bool(public.supported_by(request.user, [report.pk])),
            "is_reporter": report.reporter_id == request.user.pk,
            "support_message": text,
            "support_message_kind": kind,
        }
        return render(request, "web/_support.html", context)
    getattr(messages, kind)(request, text)
    return redirect("web:track", tracking_number=number)
