"""Basic pages that let a person use the whole lifecycle in a browser.

Thin like the API: parse the form, call one service or selector, render. Domain errors are
shown next to the field they name; nothing is written when one is raised."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lapor.accounts.models import Role
from lapor.agencies.models import Agency, Category, Region
from lapor.agencies.selectors import agency_and_units
from lapor.core import clock
from lapor.core.errors import DomainError, InvalidInput, RateLimited
from lapor.core.redact import redact
from lapor.reports.attachments import human_size
from lapor.core.ratelimit import client_address, hit
from lapor.reports import selectors, services
from lapor.reports.actors import Actor
from lapor.reports import policy, privacy, public
from lapor.reports.selectors import available_actions, handler_of, timeline_for
from lapor.reports.states import Action, ArchiveReason, Channel, RejectReason, ReportType, Status
from lapor.reports.tokens import normalise_tracking_number

REPORTER_ACTIONS = [Action.SUPPLEMENT, Action.REPLY, Action.RATE, Action.APPEAL, Action.OMBUDSMAN_CONSENT, Action.OMBUDSMAN_DECLINE]


def home(request):
    """The way to report, and what happens next with the default deadlines in force (SlaPolicy
    rows without agency or category), so the page never states durations the system does not keep."""
    from lapor.agencies.sla import sla_for

    durations = {stage: sla_for(stage).describe() for stage in ("desk_verification", "agency_verification", "follow_up", "reporter_reply", "ombudsman")}
    return render(request, "web/home.html", {"durations": durations})


def _submit_context(values=None, error=None):
    return {
        "values": values or {},
        "error": error,
        "types": ReportType.choices,
        "provinces": Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
        "category_groups": _active_categories().filter(parent__isnull=True).order_by("name"),
        "max_size": human_size(settings.LAPOR_MAX_ATTACHMENT_BYTES),
        "max_bytes": settings.LAPOR_MAX_ATTACHMENT_BYTES,
        "map_tiles": settings.LAPOR_MAP_TILE_URL,
        "map_attribution": settings.LAPOR_MAP_ATTRIBUTION,
        "max_files": settings.LAPOR_MAX_ATTACHMENTS,
    }


@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "GET":
        return render(request, "web/submit.html", _submit_context())
    data = request.POST.dict()
    data["channel"] = "web"
    # The most precise region chosen wins: village, district, regency, province.
    data["region_code"] = next(
        (data.get(k) for k in ("village_code", "district_code", "regency_code", "region_code") if data.get(k)), ""
    )
    data["is_anonymous"] = "is_anonymous" in request.POST
    data["is_confidential"] = "is_confidential" in request.POST
    actor = Actor.for_user(request.user)
    try:
        data["category_code"] = _resolve_category(data)
        data["target_agency_code"] = _resolve_target_agency(data)
        if actor.user_id is None and not hit(f"submit:{client_address(request)}", settings.LAPOR_ANON_SUBMISSIONS_PER_MINUTE):
            raise RateLimited(_("Too many reports from your address; please wait a minute and try again."))
        result = services.report_submit(data=data, actor=actor, files=request.FILES.getlist("attachments"))
    except DomainError as error:
        return render(request, "web/submit.html", _submit_context(data, error), status=error.status if error.status != 409 else 400)
    if result.reporter_secret:
        _remember_secret(request, result.report.tracking_number, result.reporter_secret)
    return render(request, "web/submitted.html", {"report": result.report, "secret": result.reporter_secret})


def _remember_secret(request, tracking_number: str, secret: str) -> None:
    """Keep a guest reporter's code in their session, so that it never travels in a URL
    (URLs end up in access logs, browser history and Referer headers)."""
    secrets_by_report = request.session.get("reporter_secrets", {})
    secrets_by_report[tracking_number] = secret
    request.session["reporter_secrets"] = secrets_by_report


def _remembered_secret(request, tracking_number: str) -> str | None:
    return request.session.get("reporter_secrets", {}).get(tracking_number)


def regions(request):
    """Child regions of a region, for the location pickers (works without JavaScript as a page)."""
    parent = request.GET.get("parent", "")
    rows = Region.objects.filter(parent_id=parent).order_by("name") if parent else Region.objects.filter(level="province")
    return render(request, "web/region_options.html", {"regions": rows, "parent": parent})


def _active_categories():
    today = clock.now().date()
    return Category.objects.filter(Q(active_from__isnull=True) | Q(active_from__lte=today), Q(active_until__isnull=True) | Q(active_until__gte=today))


def _category_label(category) -> str:
    return f"{category.name} ({category.parent.name})" if category.parent_id else category.name


def categories(request):
    """Category options for the submission form: the sub-categories of a category (?parent=), or
    suggestions for a search (?q=, at most 20, for a <datalist>)."""
    parent, query = request.GET.get("parent", ""), request.GET.get("q", "").strip()[:60]
    if parent:
        rows = [(c.code, c.name) for c in _active_categories().filter(parent__code=parent).order_by("name")]
        return render(request, "web/code_options.html", {"rows": rows})
    rows = []
    if len(query) >= 2:
        found = _active_categories().filter(Q(name__icontains=query) | Q(parent__name__icontains=query)).select_related("parent")
        rows = [(_category_label(c), "") for c in found.order_by("parent__name", "name")[:20]]
    return render(request, "web/code_options.html", {"rows": rows})


def agency_suggestions(request):
    """Agencies a report may be sent to directly, matching ?q= (at most 20, for a <datalist>)."""
    query = request.GET.get("q", "").strip()[:80]
    rows = []
    if len(query) >= 2:
        found = _dispose_queryset().filter(Q(name__icontains=query) | Q(short_name__iexact=query)).order_by("name")[:20]
        rows = [(a.name, "") for a in found]
    return render(request, "web/code_options.html", {"rows": rows})


def _resolve_category(data) -> str:
    """The most precise category chosen wins: sub-category, category, then a searched name."""
    for key in ("category_code", "category_group"):
        if data.get(key):
            return data[key]
    search = (data.get("category_search") or "").strip()
    if not search:
        return ""
    # "Name" or "Name (Parent)", as the suggestions show them; names may contain brackets too.
    names = {search, search[: search.rfind(" (")]} if search.endswith(")") and " (" in search else {search}
    found = _active_categories().filter(Q(name__iexact=search) | Q(name__iexact=min(names, key=len))).select_related("parent")
    candidates = [c for c in found if search.lower() in (_category_label(c).lower(), c.name.lower())]
    if len(candidates) != 1:
        raise InvalidInput(_("No single category matches “%(text)s”: choose one from the suggestions or the lists.") % {"text": search[:60]}, field="category_search")
    return candidates[0].code


def _resolve_target_agency(data) -> str:
    name = (data.get("target_agency_name") or "").strip()
    if not name:
        return ""
    found = list(_dispose_queryset().filter(Q(name__iexact=name) | Q(short_name__iexact=name))[:2])
    if len(found) != 1:
        raise InvalidInput(_("There is no agency named “%(name)s” to send reports to: choose one from the suggestions, or leave it empty and the national desk will choose.") % {"name": name[:80]}, field="target_agency_name")
    return found[0].code


def track_lookup(request):
    number = normalise_tracking_number(request.GET.get("nomor", ""))
    if number:
        return redirect("web:track", tracking_number=number)
    return render(request, "web/track_lookup.html")


@require_http_methods(["GET", "POST"])
def track(request, tracking_number):
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None:
        return render(request, "web/track_lookup.html", {"not_found": tracking_number[:12]}, status=404)
    if request.method == "POST":  # the reporter enters their code
        code = (request.POST.get("kode") or "").strip()
        if Actor(reporter_secret=code).is_reporter_of(report):
            _remember_secret(request, report.tracking_number, code)
            return redirect("web:track", tracking_number=report.tracking_number)
        messages.error(request, _("This code does not match the report."))
    secret = _remembered_secret(request, report.tracking_number)
    actor = Actor.for_user(request.user, reporter_secret=secret)
    is_reporter = actor.is_reporter_of(report)
    reporter_actions = [a for a in available_actions(actor, report) if a in REPORTER_ACTIONS] if is_reporter else []
    role, agency = handler_of(report)
    timeline = timeline_for(actor, report)
    if not is_reporter:  # the public page: personal data in free text is redacted
        for event in timeline:
            event.note = redact(event.note)
    return render(
        request,
        "web/track.html",
        {
            "report": report,
            "timeline": timeline,
            "title": report.title if is_reporter else redact(report.title),
            "description": report.description if is_reporter else redact(report.description),
            "handler_role": role,
            "handler_agency": agency,
            "is_reporter": is_reporter,
            "reporter_actions": reporter_actions,
            "show_content": policy.can_read_content(actor, report),
            "is_public": public.is_public(report),
            "supported": bool(public.supported_by(request.user, [report.pk])),
        },
    )


@require_POST
def reporter_action(request, tracking_number, action):
    if action not in REPORTER_ACTIONS:
        raise Http404
    number = normalise_tracking_number(tracking_number)
    secret = _remembered_secret(request, number)
    actor = Actor.for_user(request.user, reporter_secret=secret)
    payload = request.POST.dict()
    try:
        services.report_act(tracking_number=tracking_number, action=action, actor=actor, payload=payload)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. Your response has been recorded."))
    return redirect("web:track", tracking_number=number)


@login_required
def my_reports(request):
    """A signed-in reporter's own reports, with where each stands and who acts next by when."""
    page = Paginator(selectors.reports_of_reporter(request.user), 20).get_page(request.GET.get("hal"))
    for report in page:
        report.handler_role, report.handler_agency = handler_of(report)
    return render(request, "web/my_reports.html", {"page": page})


# --- officers -------------------------------------------------------------------------------------
@login_required
def queue(request):
    """The reports waiting for the officer's positions, with filters and counts. Unknown filter
    values are ignored (a stale bookmark still opens the queue)."""
    actor = Actor.for_user(request.user)
    params = request.GET
    category = Category.objects.filter(code=params.get("kategori", ""), parent__isnull=True).values_list("pk", flat=True).first()
    f = selectors.QueueFilter(
        status=params.get("status", "") if params.get("status", "") in Status.values else "",
        overdue={"1": True, "0": False}.get(params.get("overdue", "")),
        due_soon=params.get("segera") == "1",
        category_id=category,
        province_code=params.get("provinsi", "") if Region.objects.filter(code=params.get("provinsi", ""), level=Region.Level.PROVINCE).exists() else "",
        channel=params.get("kanal", "") if params.get("kanal", "") in Channel.values else "",
        sort=params.get("urut", "due") if params.get("urut") in selectors.QUEUE_SORTS else "due",
    )
    page = Paginator(selectors.report_queue(actor, f), 25).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for report in page.object_list:  # personal data typed into a title: only for whoever may see the reporter
        report.shown_title = policy.readable_text(actor, report, report.title)
    counts = selectors.queue_counts(actor)
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "web/_queue_results.html" if request.htmx.target == "queue-results" else "web/queue.html",
        {
            "page": page,
            "f": f,
            "params": {field: params.get(field, "") for field in ("overdue",)},  # never the QueryDict itself (see feed.py)
            "query_string": query.urlencode(),
            "counts": counts,
            "statuses": [(value, label, counts["by_status"].get(value, 0)) for value, label in Status.choices],
            "channels": Channel.choices,
            "categories": Category.objects.filter(parent__isnull=True).order_by("name"),
            "provinces": Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
            "sorts": [("due", _("soonest due first")), ("newest", _("newest first")), ("oldest", _("oldest first"))],
            "positions": actor.positions,
            "due_soon_cutoff": selectors.due_soon_cutoff(),
            "saved_views": request.user.saved_queue_views.all(),
            "bulk_dispose": _dispose_targets() if actor.has_role(Role.NATIONAL_ADMIN) else [],
            "bulk_units": _forward_targets({p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)})
            if actor.has_role(Role.AGENCY_ADMIN)
            else [],
        },
    )


def _forward_targets(agency_ids: set) -> list:
    """The agencies themselves and all their nested units that have a liaison officer to receive
    a forwarded report."""
    tree = agency_and_units(agency_ids)
    return list(
        Agency.objects.filter(pk__in=tree, is_active=True, positions__role="liaison_officer", positions__is_active=True, positions__holder__isnull=False)
        .distinct()
        .order_by("name")
    )


# Actions whose note is an answer to the reporter: these may start from a response template.
TEMPLATE_ACTIONS = (Action.RESPOND, Action.FOLLOW_UP, Action.INTERIM_REPLY, Action.REQUEST_INFO)


def _response_templates(actor, chosen: str, actions) -> dict:
    """The templates offered on the report page, and the one chosen (?templat=<id>), whose text
    fills the answer's note: works without JavaScript."""
    from lapor.reports.responses import templates_for

    if not set(TEMPLATE_ACTIONS) & set(actions):
        return {"response_templates": [], "template_text": ""}
    offered = list(templates_for(actor))
    picked = next((t for t in offered if str(t.pk) == chosen), None)
    return {"response_templates": offered, "template_text": picked.body if picked else "", "template_actions": TEMPLATE_ACTIONS}


def _dispose_queryset():
    """Agencies a report can be sent to: not a unit (agencies forward to their units), not the desk."""
    return Agency.objects.exclude(kind__in=[Agency.Kind.UNIT, Agency.Kind.NATIONAL_DESK]).filter(is_active=True)


def _dispose_targets() -> list:
    return list(_dispose_queryset().order_by("name"))


SAVED_VIEWS_PER_USER = 20
QUEUE_FIELDS = ("status", "overdue", "segera", "kategori", "provinsi", "kanal", "urut")


@login_required
@require_POST
def saved_view(request):
    """Save the current filter of the queue under a name, or delete a saved one."""
    from lapor.reports.models import SavedQueueView

    views_of_user = SavedQueueView.objects.filter(user=request.user)
    if request.POST.get("hapus", "").isdigit():
        views_of_user.filter(pk=int(request.POST["hapus"])).delete()
        messages.success(request, _("The saved view was deleted."))
        return redirect("web:queue")
    # Only the queue's own filter fields are kept, re-encoded.
    source = QueryDict(request.POST.get("query", ""))
    query = QueryDict(mutable=True)
    for field in QUEUE_FIELDS:
        if source.get(field):
            query[field] = source[field][:100]
    name = request.POST.get("name", "").strip()
    back = redirect(f"{reverse('web:queue')}?{query.urlencode()}")
    if not name or len(name) > 60:
        messages.error(request, _("Give the view a name of at most 60 characters."))
    elif views_of_user.count() >= SAVED_VIEWS_PER_USER and not views_of_user.filter(name=name).exists():
        messages.error(request, _("You have %(n)d saved views already; delete one first.") % {"n": SAVED_VIEWS_PER_USER})
    else:
        SavedQueueView.objects.update_or_create(user=request.user, name=name, defaults={"query": query.urlencode(), "created_at": clock.now()})
        messages.success(request, _("View “%(name)s” saved.") % {"name": name})
    return back


BULK_ACTIONS = (Action.DISPOSE, Action.FORWARD)
BULK_LIMIT = 100


@login_required
@require_POST
def bulk_action(request):
    """One action on many reports of the queue: each report is its own transaction, so one refusal
    (a report that moved meanwhile, say) does not undo the others; every outcome is reported."""
    actor = Actor.for_user(request.user)
    action = request.POST.get("tindakan", "")
    numbers = list(dict.fromkeys(normalise_tracking_number(n) for n in request.POST.getlist("laporan") if n.strip()))
    # Back to the same filtered queue; re-encoded, so nothing but a query string can come back.
    back = redirect(f"{reverse('web:queue')}?{QueryDict(request.POST.get('kembali', '')).urlencode()}")
    if action not in BULK_ACTIONS:
        messages.error(request, _("Choose an action for the selected reports."))
        return back
    if not numbers:
        messages.error(request, _("Select at least one report."))
        return back
    if len(numbers) > BULK_LIMIT:
        messages.error(request, _("Select at most %(n)d reports at a time.") % {"n": BULK_LIMIT})
        return back
    payload = {"note": request.POST.get("note", "")}
    if action == Action.DISPOSE:
        payload["agency"] = request.POST.get("agency", "")
    else:
        payload["unit"] = request.POST.get("unit", "")
    done = 0
    for number in numbers:
        try:
            services.report_act(tracking_number=number, action=action, actor=actor, payload=dict(payload))
        except DomainError as error:
            messages.error(request, f"{number[:5]}-{number[5:]}: {error.message}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(action)s: %(n)d report.", "%(action)s: %(n)d reports.", done) % {"action": Action(action).label.capitalize(), "n": done},
        )
    return back


@login_required
@require_http_methods(["GET", "POST"])
def officer_report(request, tracking_number):
    actor = Actor.for_user(request.user)
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None or not selectors.can_view(actor, report):
        raise Http404
    revealed = None
    if request.method == "POST":  # the national desk reveals an anonymous reporter, with a reason
        try:
            revealed = privacy.report_reveal_identity(
                tracking_number=report.tracking_number, actor=actor, reason=request.POST.get("reason", ""), channel="web"
            )
        except DomainError as error:
            messages.error(request, error.message)
    privacy.note_content_read(actor, report, channel="web")
    show_content = policy.can_read_content(actor, report)
    actions = [a for a in available_actions(actor, report) if a not in REPORTER_ACTIONS]
    units = _forward_targets({report.agency_id}) if Action.FORWARD in actions and report.agency_id else []
    return render(
        request,
        "web/officer_report.html",
        {
            "report": report,
            # Free text with the personal data typed into it redacted for whoever may not see the reporter.
            "title": policy.readable_text(actor, report, report.title),
            "description": policy.readable_text(actor, report, report.description),
            "address": policy.readable_text(actor, report, report.address),
            "timeline": timeline_for(actor, report),
            "show_content": show_content,
            "show_identity": policy.can_see_identity(actor, report),
            "revealed": revealed,
            "may_reveal": report.is_anonymous and policy.allows(actor, policy.Permission.REVEAL_IDENTITY, report),
            "actions": actions,
            "units": units,
            "agencies": _dispose_targets() if {Action.DISPOSE, Action.NOT_OUR_AUTHORITY} & set(actions) else [],
            "reject_reasons": RejectReason.choices,
            "archive_reasons": ArchiveReason.choices,
            "attachments": report.attachments.all() if show_content else [],
            **_response_templates(actor, request.GET.get("templat", ""), actions),
            "due_soon_cutoff": selectors.due_soon_cutoff(),
        },
    )


@login_required
@require_POST
def officer_action(request, tracking_number, action):
    if action in REPORTER_ACTIONS or action not in Action.values:
        raise Http404
    actor = Actor.for_user(request.user)
    payload = request.POST.dict()
    version = payload.pop("version", None)
    agency_name = payload.pop("agency_name", "")
    try:
        if action in (Action.DISPOSE, Action.NOT_OUR_AUTHORITY) and agency_name.strip():
            # A name typed in the search box (suggested as one types) wins over the list.
            field = "agency" if action == Action.DISPOSE else "suggested_agency"
            payload[field] = _resolve_target_agency({"target_agency_name": agency_name})
        services.report_act(
            tracking_number=tracking_number,
            action=action,
            actor=actor,
            payload=payload,
            expected_version=int(version) if version and version.isdigit() else None,
            files=request.FILES.getlist("attachments"),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
    return redirect("web:officer_report", tracking_number=normalise_tracking_number(tracking_number))



@login_required
def officer_attachment(request, tracking_number, attachment_id):
    """Attachments are served only to those who may see the report (never from a public URL)."""
    from django.http import FileResponse

    actor = Actor.for_user(request.user)
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None or not selectors.can_view(actor, report):
        raise Http404
    attachment = report.attachments.filter(pk=attachment_id).first()
    if attachment is None or not policy.can_read_content(actor, report):
        raise Http404
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.original_name)
