"""The citizen's submission form, and the pickers and suggestions it uses.

Built for a cheap phone on a weak connection, with or without JavaScript:
- every problem is shown at once, next to its field, and nothing typed or attached is lost
  (files that passed their checks are kept for the next try: lapor.reports.kept_uploads);
- every step works without JavaScript: a "show" button posts the form back with the next level
  of the location or the category filled in (and `GET /lapor/?region_code=35` opens the form at
  that province's regencies), keeping everything typed and attached;
- a double submit (a double click, a reload, a retry) files one report: the form carries a token
  that, with a digest of what was sent, is the submission's Idempotency-Key; and the answer to
  the POST is a redirect to the confirmation page (POST/redirect/GET), whose reload files nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets

from django.conf import settings
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lapor.accounts.actors import Actor
from lapor.agencies.selectors import (
    active_categories, agencies_matching, categories_matching, category_label, provinces, receiving_agencies, regions_under,
)
from lapor.core.errors import DomainError, InvalidInput, RateLimited
from lapor.core.numbers import human_size
from lapor.core.ratelimit import client_address, hit
from lapor.notify.channels import available
from lapor.notify.models import PhoneChannel
from lapor.reports import kept_uploads, selectors, services, topics
from lapor.reports.attachments import check_uploads_each
from lapor.reports.intake import clean_submission
from lapor.reports.states import ReportType

from .views import _remember_secret, _remembered_secret, _resolve_target_agency

LOCATION_LEVELS = ("region_code", "regency_code", "district_code", "village_code")  # province first
# Where each problem is shown, in the order of the form (the summary lists them in this order).
FIELD_ORDER = ("type", "title", "description", "event_date", *LOCATION_LEVELS, "address", "latitude",
               "category_search", "category_pick", "category_group", "category_code", "target_agency_name",
               "attachments", "is_anonymous", "is_confidential", "contact_name", "contact_email", "contact_phone", "phone_channel")
# The service names some fields as the API does; the form shows them at its own field.
FORM_FIELD = {"target_agency_code": "target_agency_name", "longitude": "latitude"}
# What a GET may preset (a link to the form at a province, or a no-JavaScript step).
PRESETS = (*LOCATION_LEVELS, "category_group", "category_search", "type")
STEPS = {"location": "lokasi", "category": "kategori"}  # a "show" button → where the page opens
SUBMITTED_KEPT = 10  # tracking numbers a session may open the confirmation page of
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "GET":
        values = {k: request.GET.get(k, "")[:80] for k in PRESETS if request.GET.get(k)}
        return _form(request, values)
    values = request.POST.dict()
    files = kept_uploads.take(request.session, request.POST.getlist("kept")) + request.FILES.getlist("attachments")
    checked, problems = check_uploads_each(files)
    if values.get("step") in STEPS:  # a no-JavaScript step: show the next level, file nothing
        return _form(request, values, problems, checked=checked)

    data = {**values, "channel": "web", "is_anonymous": "is_anonymous" in request.POST,
            "is_confidential": "is_confidential" in request.POST}
    # The most precise region chosen wins: village, district, regency, province.
    data["region_code"] = next((values[k] for k in reversed(LOCATION_LEVELS) if values.get(k)), "")
    for key, resolve in (("category_code", _resolve_category), ("target_agency_code", _resolve_target_agency)):
        try:
            data[key] = resolve(data)
        except InvalidInput as problem:
            problems.append(problem)
            data[key] = ""
    actor = Actor.for_user(request.user)
    if problems:  # the rest of the form is checked too, so that every problem shows at once
        try:
            clean_submission(data)
        except InvalidInput as error:
            problems.extend(error.all)
        return _form(request, values, problems, checked=checked)
    try:
        if actor.user_id is None and not hit(f"submit:{client_address(request)}", settings.LAPOR_ANON_SUBMISSIONS_PER_MINUTE):
            raise RateLimited(_("Too many reports from your address; please wait a minute and try again."))
        result = services.report_submit(data=data, actor=actor, files=checked, idempotency_key=_idempotency_key(values, checked))
    except DomainError as error:
        return _form(request, values, list(error.all), checked=checked)
    kept_uploads.forget(request.session)
    number = result.report.tracking_number
    if result.reporter_secret:
        _remember_secret(request, number, result.reporter_secret)
    request.session["submitted_reports"] = [*request.session.get("submitted_reports", []), number][-SUBMITTED_KEPT:]
    return redirect("web:submitted", tracking_number=number)


@require_GET
def submitted(request, tracking_number):
    """The confirmation, for the session that filed the report (anyone else is sent to its public
    page): reloading it files nothing."""
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None or report.tracking_number not in request.session.get("submitted_reports", []):
        return redirect("web:track", tracking_number=tracking_number[:20])
    return render(request, "web/submitted.html", {"report": report, "secret": _remembered_secret(request, report.tracking_number)})


def _idempotency_key(values: dict, checked) -> str | None:
    """The form's token and a digest of what was sent: the same form sent twice with the same
    content files one report; sent again after a change (back, edit, send), a new one."""
    token = values.get("form_token", "")
    if not _TOKEN.match(token):
        return None  # a form from before tokens, or a hand-made request: no deduplication
    sent = {k: v for k, v in values.items() if k not in ("csrfmiddlewaretoken", "form_token", "step")}
    digest = hashlib.sha256(json.dumps([sent, [c.sha256 for c in checked]], sort_keys=True).encode()).hexdigest()
    return f"web-{token}-{digest[:16]}"


def _form(request, values: dict, problems=(), *, checked=()):
    """The form with what the citizen entered, the lists of every level chosen so far, the files
    kept from this try, and every problem next to its field (status: the first problem's)."""
    kept = kept_uploads.keep(request.session, list(checked)) if checked else kept_uploads.kept(request.session)
    errors: dict[str, str] = {}
    for problem in problems:
        field = FORM_FIELD.get(problem.field or "", problem.field or "")
        errors.setdefault(field if field in FIELD_ORDER else "", problem.message)
    summary = sorted(errors.items(), key=lambda item: FIELD_ORDER.index(item[0]) if item[0] in FIELD_ORDER else -1)
    token = values.get("form_token", "")
    status = 200
    if problems:
        status = problems[0].status if problems[0].status != 409 else 400
    context = {
        "values": values,
        "errors": errors,
        "error_summary": summary,
        "form_token": token if _TOKEN.match(token) else secrets.token_hex(16),
        "kept": kept,
        "contact_fields": [(name, label, kind, kind if kind != "text" else "name", values.get(name, ""), errors.get(name, ""))
                           for name, label, kind in (("contact_name", _("Name"), "text"), ("contact_email", _("E-mail"), "email"),
                                                     ("contact_phone", _("Phone"), "tel"))],
        # The ways a guest's phone may get the messages, offered when there is a choice.
        "phone_channels": [(value, label) for value, label in PhoneChannel.choices if available(value)],
        "types": ReportType.choices,
        "max_size": human_size(settings.LAPOR_MAX_ATTACHMENT_BYTES),
        "max_bytes": settings.LAPOR_MAX_ATTACHMENT_BYTES,
        "max_files": settings.LAPOR_MAX_ATTACHMENTS,
        "map_tiles": settings.LAPOR_MAP_TILE_URL,
        "map_attribution": settings.LAPOR_MAP_ATTRIBUTION,
        **_location_lists(values),
        **_category_lists(values, "category_search" in errors or values.get("step") == "category"),
    }
    return render(request, "web/submit.html", context, status=status)


def _location_lists(values: dict) -> dict:
    """The options of each location level below the ones chosen. A chosen code that is not one
    of its level's options (a stale or hand-made value) is dropped with everything below it."""
    names = ("regencies", "districts", "villages")
    lists = {"provinces": list(provinces()),
             **{name: [] for name in names}}
    options = lists["provinces"]
    for n, level in enumerate(LOCATION_LEVELS):
        code = values.get(level, "")
        if not code or not any(r.code == code for r in options):
            for below in LOCATION_LEVELS[n:]:
                values.pop(below, None)
            break
        if n < len(names):
            options = lists[names[n]] = list(regions_under(code))
    return lists


def _category_lists(values: dict, with_matches: bool) -> dict:
    groups = list(active_categories().filter(parent__isnull=True).order_by("name"))
    group = values.get("category_group", "")
    subs = list(active_categories().filter(parent__code=group).order_by("name")) if group else []
    matches = []
    search = (values.get("category_search") or "").strip()
    if with_matches and len(search) >= 2:
        matches = [(c.code, category_label(c)) for c in categories_matching(search)]
    return {"category_groups": groups, "subcategories": subs, "category_matches": matches}


def _resolve_category(data) -> str:
    """The most precise category chosen wins: the sub-category, one picked from the search's
    results, the category, then a name typed in the search."""
    for key in ("category_code", "category_pick", "category_group"):
        if data.get(key):
            return data[key]
    search = (data.get("category_search") or "").strip()
    if not search:
        return ""
    # "Name" or "Name (Parent)", as the suggestions show them; names may contain brackets too.
    names = {search, search[: search.rfind(" (")]} if search.endswith(")") and " (" in search else {search}
    found = active_categories().filter(Q(name__iexact=search) | Q(name__iexact=min(names, key=len))).select_related("parent")
    candidates = [c for c in found if search.lower() in (category_label(c).lower(), c.name.lower())]
    if len(candidates) != 1:
        raise InvalidInput(_("No single category matches “%(text)s”: choose one from the list below the search, or from the lists.") % {"text": search[:60]}, field="category_search")
    return candidates[0].code


def regions(request):
    """Child regions of a region, for the location pickers' script."""
    parent = request.GET.get("parent", "")[:20]
    rows = regions_under(parent)
    return render(request, "web/region_options.html", {"regions": rows, "parent": parent})


def categories(request):
    """Category options for the submission form: the sub-categories of a category (?parent=), or
    suggestions for a search (?q=, at most 20, for a <datalist>)."""
    parent, query = request.GET.get("parent", "")[:60], request.GET.get("q", "").strip()[:60]
    if parent:
        rows = [(c.code, c.name) for c in active_categories().filter(parent__code=parent).order_by("name")]
        return render(request, "web/code_options.html", {"rows": rows})
    rows = [(category_label(c), "") for c in categories_matching(query)] if len(query) >= 2 else []
    return render(request, "web/code_options.html", {"rows": rows})


def agency_suggestions(request):
    """Agencies a report may be sent to, for a <datalist> (at most 20): those whose name matches
    ?q=, then those that handled reports about it ("jalan rusak" finds the public-works offices:
    lapor.reports.topics). Used by the citizen's form and the desk's disposition alike."""
    query = request.GET.get("q", "").strip()[:80]
    rows = []
    if len(query) >= 2:
        named = list(agencies_matching(query, receiving_agencies()).order_by("name")[:20])
        topical = topics.agency_ids_for_topic(query) if len(named) < 20 else []
        by_id = receiving_agencies().in_bulk([i for i in topical if i not in {a.pk for a in named}])
        found = named + [by_id[i] for i in topical if i in by_id]
        rows = [(a.name, "") for a in found[:20]]
    return render(request, "web/code_options.html", {"rows": rows})
