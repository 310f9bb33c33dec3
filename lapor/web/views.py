"""Basic pages that let a person use the whole lifecycle in a browser.

Thin like the API: parse the form, call one service or selector, render. Domain errors are
shown next to the field they name; nothing is written when one is raised."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lapor.agencies.models import Agency, Category, Region
from lapor.agencies.selectors import agency_and_units
from lapor.core.errors import DomainError, RateLimited
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
    return render(request, "web/home.html")


def _submit_context(values=None, error=None):
    return {
        "values": values or {},
        "error": error,
        "types": ReportType.choices,
        "provinces": Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
        "max_size": human_size(settings.LAPOR_MAX_ATTACHMENT_BYTES),
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
    counts = selectors.queue_counts(actor)
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "web/queue.html",
        {
            "page": page,
            "f": f,
            "params": params,
            "query_string": query.urlencode(),
            "counts": counts,
            "statuses": [(value, label, counts["by_status"].get(value, 0)) for value, label in Status.choices],
            "channels": Channel.choices,
            "categories": Category.objects.filter(parent__isnull=True).order_by("name"),
            "provinces": Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
            "sorts": [("due", _("soonest due first")), ("newest", _("newest first")), ("oldest", _("oldest first"))],
            "positions": actor.positions,
            "due_soon_cutoff": selectors.due_soon_cutoff(),
        },
    )


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
    units = []
    if Action.FORWARD in actions and report.agency_id:
        # The agency itself and all its nested units that have a liaison officer to receive it.
        tree = agency_and_units({report.agency_id})
        units = list(
            Agency.objects.filter(pk__in=tree, is_active=True, positions__role="liaison_officer", positions__holder__isnull=False)
            .distinct()
            .order_by("name")
        )
    return render(
        request,
        "web/officer_report.html",
        {
            "report": report,
            "timeline": timeline_for(actor, report),
            "show_content": show_content,
            "show_identity": policy.can_see_identity(actor, report),
            "revealed": revealed,
            "may_reveal": report.is_anonymous and policy.allows(actor, policy.Permission.REVEAL_IDENTITY, report),
            "actions": actions,
            "units": units,
            "agencies": Agency.objects.exclude(kind__in=[Agency.Kind.UNIT, Agency.Kind.NATIONAL_DESK]).filter(is_active=True).order_by("name")
            if {Action.DISPOSE, Action.NOT_OUR_AUTHORITY} & set(actions)
            else [],
            "reject_reasons": RejectReason.choices,
            "archive_reasons": ArchiveReason.choices,
            "attachments": report.attachments.all() if show_content else [],
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
    try:
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


@login_required
@require_http_methods(["GET", "POST"])
def positions(request):
    """Hand a position to another person: its queue moves with it (agency admins, national desk)."""
    from lapor.accounts.services import position_hand_over, positions_managed_by

    actor = Actor.for_user(request.user)
    if request.method == "POST":
        try:
            position = position_hand_over(
                position_id=int(request.POST.get("position") or 0), to_username=request.POST.get("username", ""), actor=actor
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(position)s is now held by %(user)s.") % {"position": position.title, "user": position.holder.username})
        return redirect("web:positions")
    rows = positions_managed_by(actor).select_related("agency", "holder").order_by("agency__name", "title")
    return render(request, "web/positions.html", {"rows": rows[:500]})
