"""Basic pages that let a person use the whole lifecycle in a browser.

Thin like the API: parse the form, call one service or selector, render. Domain errors are
shown next to the field they name; nothing is written when one is raised."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect
from django.views.decorators.http import require_http_methods, require_POST

from lapor.accounts.actors import Actor
from lapor.agencies.selectors import (
    agency_named, competent_agencies, forward_targets, provinces, receiving_agencies, top_categories,
)
from lapor.agencies.sla import sla_for
from lapor.core.errors import DomainError, InvalidInput
from lapor.reports import policy, privacy, public, selectors, services
from lapor.reports.actors import is_reporter_of
from lapor.reports.public_view import track_view
from lapor.reports.saved_views import saved_view_delete, saved_view_save, saved_views_of
from lapor.reports.selectors import available_actions, handler_of, timeline_for
from lapor.reports.states import Action, ArchiveReason, Channel, RejectReason, Status
from lapor.reports.tokens import normalise_tracking_number

from . import workspace
from .workspace import STATUS_SHORT

REPORTER_ACTIONS = [Action.SUPPLEMENT, Action.REPLY, Action.RATE, Action.APPEAL, Action.OMBUDSMAN_CONSENT, Action.OMBUDSMAN_DECLINE]


def home(request):
    """The way to report, and what happens next with the default deadlines in force (SlaPolicy
    rows without agency or category), so the page never states durations the system does not keep."""
    durations = {stage: sla_for(stage).describe() for stage in ("desk_verification", "agency_verification", "follow_up", "reporter_reply", "ombudsman")}
    return render(request, "web/home.html", {"durations": durations})


def _remember_secret(request, tracking_number: str, secret: str) -> None:
    """Keep a guest reporter's code in their session, so that it never travels in a URL
    (URLs end up in access logs, browser history and Referer headers)."""
    secrets_by_report = request.session.get("reporter_secrets", {})
    secrets_by_report[tracking_number] = secret
    request.session["reporter_secrets"] = secrets_by_report


def _remembered_secret(request, tracking_number: str) -> str | None:
    return request.session.get("reporter_secrets", {}).get(tracking_number)


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
        if is_reporter_of(Actor(reporter_secret=code), report):
            _remember_secret(request, report.tracking_number, code)
            return redirect("web:track", tracking_number=report.tracking_number)
        messages.error(request, _("This code does not match the report."))
    secret = _remembered_secret(request, report.tracking_number)
    actor = Actor.for_user(request.user, reporter_secret=secret)
    shown = track_view(report, actor)  # the public page (personal data in free text redacted), or the reporter's
    reporter_actions = [a for a in available_actions(actor, report) if a in REPORTER_ACTIONS] if shown.is_reporter else []
    from lapor.web.attachments import attach_files  # (that module imports this one)

    attach_files(actor, report, shown.timeline)  # the photos and documents this person may open (ADR 0024)
    return render(
        request,
        "web/track.html",
        {
            "report": report,
            "timeline": shown.timeline,
            "title": shown.title,
            "description": shown.description,
            "handler_role": shown.handled_by,
            "handler_agency": shown.handling_agency,
            "is_reporter": shown.is_reporter,
            "reporter_actions": reporter_actions,
            "show_content": shown.show_content,
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


# --- officers: the queue and the report page (helpers in workspace.py, ADR 0027) -----------------
@login_required
def queue(request):
    """The reports waiting for the officer's positions: what is theirs to act on, most urgent first
    — or, apart (?pelapor=1), what waits on the reporter —, with filters, a search and counts. A
    tracking number in the search opens that report, if the officer may see it."""
    actor = Actor.for_user(request.user)
    f = workspace.queue_filter(request.GET)
    view = workspace.queue_view_query(request.GET)
    found = selectors.report_to_open(actor, f.text) if f.text else None
    if found is not None:  # it opens within the same view, without the search that named it
        rest = QueryDict(view, mutable=True)
        rest.pop("q", None)
        url = workspace.report_url(found.tracking_number, rest.urlencode())
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    page = Paginator(selectors.report_queue(actor, f), workspace.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.queue_rows(actor, page.object_list)
    for report in page.object_list:
        report.status_short = STATUS_SHORT.get(report.status, report.status)
        report.step_label = workspace.step_label(report)
    counts = selectors.queue_counts(actor)
    return render(
        request,
        "web/_queue_results.html" if request.htmx.target == "queue-results" else "web/queue.html",
        {
            "page": page,
            "f": f,
            # Never the QueryDict itself (see feed.py).
            "params": {field: request.GET.get(field, "") for field in ("overdue", "pelapor")},
            "query_string": view,
            "filtering": any(request.GET.get(field) for field in workspace.QUEUE_VIEW_FIELDS if field not in ("urut", "q")),
            "counts": counts,
            "statuses": [
                (value, STATUS_SHORT[value], counts["by_status"].get(value, 0))
                for value in Status.values
                if value in counts["by_status"] or value == f.status
            ],
            "channels": Channel.choices,
            "categories": top_categories(),
            "provinces": provinces(),
            "sorts": [("due", _("most urgent first")), ("newest", _("newest first")), ("oldest", _("oldest first"))],
            "positions": actor.positions,
            "due_soon_cutoff": selectors.due_soon_cutoff(),
            "saved_views": saved_views_of(request.user),
            **workspace.bulk_targets(actor),
        },
    )


def _resolve_target_agency(data, among=None) -> str:
    """The code of the one agency named (name or short name) among `among` (default: every agency
    that receives reports)."""
    name = (data.get("target_agency_name") or "").strip()
    if not name:
        return ""
    found = agency_named(name, among)
    if found is None:
        raise InvalidInput(_("There is no agency named “%(name)s” to send reports to: choose one from the suggestions, or leave it empty and the national desk will choose.") % {"name": name[:80]}, field="target_agency_name")
    return found.code


@login_required
@require_POST
def saved_view(request):
    """Save the current filter of the queue under a name, or delete a saved one."""
    if request.POST.get("hapus", "").isdigit():
        saved_view_delete(user=request.user, view_id=int(request.POST["hapus"]))
        messages.success(request, _("The saved view was deleted."))
        return redirect("web:queue")
    query = workspace.queue_view_query(request.POST.get("query", ""))  # a view keeps its search too
    try:
        saved = saved_view_save(user=request.user, name=request.POST.get("name", ""), query=query)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("View “%(name)s” saved.") % {"name": saved.name})
    return redirect(f"{reverse('web:queue')}?{query}")


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
    back = redirect(workspace.queue_url(workspace.queue_view_query(request.POST.get("kembali", ""))))
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
    """One report for an official: what it says (as they may read it), the action it waits for from
    them first (selectors.expected_action) with its deadline, the other actions folded away."""
    actor = Actor.for_user(request.user)
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None or not selectors.can_view(actor, report):
        raise Http404
    # Opened from the queue: the view it came from travels on with the page's forms.
    view = workspace.queue_view_query(request.GET["kembali"]) if "kembali" in request.GET else None
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
    expected = selectors.expected_action(actor, report, actions)
    units = forward_targets({report.agency_id}) if Action.FORWARD in actions and report.agency_id else []
    following = selectors.next_in_queue(actor, workspace.queue_filter(QueryDict(view)), report) if view is not None else None
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
            "actions": ([expected] if expected else []) + [a for a in actions if a != expected],
            "expected": expected,
            "step": workspace.step_label(report),
            "units": units,
            "agencies": workspace.dispose_targets() if Action.DISPOSE in actions else [],
            # "Not our authority" names another agency that is competent (never the Ombudsman, nor itself).
            "competent_agencies": list(competent_agencies(report.agency_id).order_by("name")) if Action.NOT_OUR_AUTHORITY in actions else [],
            "reject_reasons": RejectReason.choices,
            "archive_reasons": ArchiveReason.choices,
            "attachments": report.attachments.all() if show_content else [],
            **workspace.response_templates(actor, request.GET.get("templat", ""), actions),
            "due_soon_cutoff": selectors.due_soon_cutoff(),
            "kembali": view,
            "queue_url": workspace.queue_url(view or ""),
            "next_url": workspace.report_url(following.tracking_number, view) if following else "",
            "next_number": following.formatted_tracking_number if following else "",
            "self_url": workspace.report_url(report.tracking_number, view),
        },
    )


@login_required
@require_POST
def officer_action(request, tracking_number, action):
    """One action on one report. Sent from a page opened from the queue (`kembali`), it goes on to
    the report that followed this one in the same view, or back to the view when none is left."""
    if action in REPORTER_ACTIONS or action not in Action.values:
        raise Http404
    actor = Actor.for_user(request.user)
    payload = request.POST.dict()
    version = payload.pop("version", None)
    agency_name = payload.pop("agency_name", "")
    view = workspace.queue_view_query(payload.pop("kembali")) if "kembali" in payload else None
    # Where the report stood in the view before the action moved it: what follows it comes next.
    before = selectors.report_by_tracking_number(tracking_number) if view is not None else None
    try:
        if action in (Action.DISPOSE, Action.NOT_OUR_AUTHORITY) and agency_name.strip():
            # A name typed in the search box (suggested as one types) wins over the list.
            field = "agency" if action == Action.DISPOSE else "suggested_agency"
            among = receiving_agencies() if action == Action.DISPOSE else competent_agencies()
            payload[field] = _resolve_target_agency({"target_agency_name": agency_name}, among)
        report = services.report_act(
            tracking_number=tracking_number,
            action=action,
            actor=actor,
            payload=payload,
            expected_version=int(version) if version and version.isdigit() else None,
            files=request.FILES.getlist("attachments"),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(workspace.report_url(normalise_tracking_number(tracking_number), view))
    messages.success(request, workspace.confirmation(action, report))
    if view is None:
        return redirect(workspace.report_url(report.tracking_number, None))
    following = selectors.next_in_queue(actor, workspace.queue_filter(QueryDict(view)), before)
    return redirect(workspace.report_url(following.tracking_number, view) if following else workspace.queue_url(view))


@login_required
def officer_attachment(request, tracking_number, attachment_id):
    """Attachments are served only to those who may see the report (never from a public URL)."""
    actor = Actor.for_user(request.user)
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None or not selectors.can_view(actor, report):
        raise Http404
    attachment = report.attachments.filter(pk=attachment_id).first()
    if attachment is None or not policy.can_read_content(actor, report):
        raise Http404
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.original_name)
