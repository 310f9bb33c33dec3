"""Basic pages that let a person use the whole lifecycle in a browser.

Thin like the API: parse the form, call one service or selector, render. Domain errors are
shown next to the field they name; nothing is written when one is raised."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, QueryDict
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django_htmx.http import HttpResponseClientRedirect
from django.views.decorators.http import require_http_methods, require_POST

from lapor.accounts.models import Role
from lapor.agencies.models import Agency, Category, Region
from lapor.agencies.selectors import agency_and_units, competent_agencies, receiving_agencies
from lapor.core import clock
from lapor.core.errors import DomainError, InvalidInput
from lapor.core.redact import redact
from lapor.reports import selectors, services
from lapor.reports.actors import Actor
from lapor.reports import policy, privacy, public
from lapor.reports.selectors import available_actions, handler_of, timeline_for
from lapor.reports.states import Action, ArchiveReason, Channel, RejectReason, Status
from lapor.reports.tokens import normalise_tracking_number

REPORTER_ACTIONS = [Action.SUPPLEMENT, Action.REPLY, Action.RATE, Action.APPEAL, Action.OMBUDSMAN_CONSENT, Action.OMBUDSMAN_DECLINE]


def home(request):
    """The way to report, and what happens next with the default deadlines in force (SlaPolicy
    rows without agency or category), so the page never states durations the system does not keep."""
    from lapor.agencies.sla import sla_for

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
    from lapor.web.attachments import attach_files  # (that module imports this one)

    attach_files(actor, report, timeline)  # the photos and documents this person may open (ADR 0024)
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
# A view of the queue is its query string: filters, order, search and which part (ADR 0027). The
# report page carries it as `kembali`, so that after an action the officer goes on to the next
# report of the same view. Only these fields are kept, re-encoded: nothing else (no address of
# another site) can travel through a form and come back as a redirect.
QUEUE_VIEW_FIELDS = ("status", "overdue", "segera", "kategori", "provinsi", "kanal", "urut", "pelapor", "q")
QUEUE_PAGE_SIZE = 25
SEARCH_MAX = 100  # characters of a search kept

# Short status labels for the queue's narrow column and its status filter (the one-line meanings
# of states.Status stay on the report page).
STATUS_SHORT = {
    Status.SUBMITTED: pgettext_lazy("short status", "New"),
    Status.NEEDS_INFO: pgettext_lazy("short status", "Info requested"),
    Status.RETURNED: pgettext_lazy("short status", "Returned"),
    Status.AT_AGENCY: pgettext_lazy("short status", "At the agency"),
    Status.FORWARDED: pgettext_lazy("short status", "Forwarded"),
    Status.IN_PROCESS: pgettext_lazy("short status", "In process"),
    Status.FOLLOWED_UP: pgettext_lazy("short status", "Followed up"),
    Status.APPEALED: pgettext_lazy("short status", "Appealed"),
    Status.CLOSED: pgettext_lazy("short status", "Completed"),
    Status.REJECTED: pgettext_lazy("short status", "Rejected"),
    Status.ARCHIVED: pgettext_lazy("short status", "Archived"),
    Status.OMBUDSMAN: pgettext_lazy("short status", "At the Ombudsman"),
}
# Which step a due date belongs to: the stage whose clock runs (deadlines.start_stage). The unit has
# one clock for its initial response and follow-up: the response does not stop it (ADR 0027).
STEP_LABELS = {
    "desk_verification": pgettext_lazy("deadline step", "verification"),
    "agency_verification": pgettext_lazy("deadline step", "forwarding"),
    "follow_up": pgettext_lazy("deadline step", "follow-up"),
    "reporter_reply": pgettext_lazy("deadline step", "reporter's reply"),
}


def _queue_filter(params) -> selectors.QueueFilter:
    """The view a query string asks for. Unknown values are ignored (a stale bookmark still opens
    the queue); a status that waits on the reporter opens that part of the queue."""
    status = params.get("status", "") if params.get("status", "") in Status.values else ""
    category = params.get("kategori", "")
    category_id = Category.objects.filter(code=category, parent__isnull=True).values_list("pk", flat=True).first() if category else None
    province = params.get("provinsi", "")
    return selectors.QueueFilter(
        status=status,
        overdue={"1": True, "0": False}.get(params.get("overdue", "")),
        due_soon=params.get("segera") == "1",
        category_id=category_id,
        province_code=province if province and Region.objects.filter(code=province, level=Region.Level.PROVINCE).exists() else "",
        channel=params.get("kanal", "") if params.get("kanal", "") in Channel.values else "",
        sort=params.get("urut", "due") if params.get("urut") in selectors.QUEUE_SORTS else "due",
        part="reporter" if params.get("pelapor") == "1" or status in selectors.WAITING_ON_REPORTER else "act",
        text=params.get("q", "").strip()[:SEARCH_MAX],
    )


def _queue_view_query(query) -> str:
    """The queue view's own fields of a query string (or QueryDict), re-encoded."""
    source = query if isinstance(query, QueryDict) else QueryDict(query)
    kept = QueryDict(mutable=True)
    for field in QUEUE_VIEW_FIELDS:
        if source.get(field):
            kept[field] = source[field][:SEARCH_MAX]
    return kept.urlencode()


def _queue_url(view: str) -> str:
    return f"{reverse('web:queue')}?{view}" if view else reverse("web:queue")


def _report_url(tracking_number: str, view: str | None) -> str:
    """A report's page for officers; `view` is the queue's view ("" for the plain queue) when it
    was opened from the queue, None otherwise."""
    url = reverse("web:officer_report", args=[tracking_number])
    return url if view is None else f"{url}?{urlencode({'kembali': view})}"


@login_required
def queue(request):
    """The reports waiting for the officer's positions: what is theirs to act on, most urgent first
    — or, apart (?pelapor=1), what waits on the reporter —, with filters, a search and counts. A
    tracking number in the search opens that report, if the officer may see it."""
    actor = Actor.for_user(request.user)
    f = _queue_filter(request.GET)
    view = _queue_view_query(request.GET)
    found = selectors.report_to_open(actor, f.text) if f.text else None
    if found is not None:  # it opens within the same view, without the search that named it
        rest = QueryDict(view, mutable=True)
        rest.pop("q", None)
        url = _report_url(found.tracking_number, rest.urlencode())
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    page = Paginator(selectors.report_queue(actor, f), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.queue_rows(actor, page.object_list)
    for report in page.object_list:
        report.status_short = STATUS_SHORT.get(report.status, report.status)
        report.step_label = STEP_LABELS.get(report.stage, "") if report.stage_due_at else ""
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
            "filtering": any(request.GET.get(field) for field in QUEUE_VIEW_FIELDS if field not in ("urut", "q")),
            "counts": counts,
            "statuses": [
                (value, STATUS_SHORT[value], counts["by_status"].get(value, 0))
                for value in Status.values
                if value in counts["by_status"] or value == f.status
            ],
            "channels": Channel.choices,
            "categories": Category.objects.filter(parent__isnull=True).order_by("name"),
            "provinces": Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"),
            "sorts": [("due", _("most urgent first")), ("newest", _("newest first")), ("oldest", _("oldest first"))],
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


def _resolve_target_agency(data, among=None) -> str:
    """The code of the one agency named (name or short name) among `among` (default: every agency
    that receives reports)."""
    name = (data.get("target_agency_name") or "").strip()
    if not name:
        return ""
    found = list((among if among is not None else receiving_agencies()).filter(Q(name__iexact=name) | Q(short_name__iexact=name))[:2])
    if len(found) != 1:
        raise InvalidInput(_("There is no agency named “%(name)s” to send reports to: choose one from the suggestions, or leave it empty and the national desk will choose.") % {"name": name[:80]}, field="target_agency_name")
    return found[0].code


def _dispose_targets() -> list:
    return list(receiving_agencies().order_by("name"))


SAVED_VIEWS_PER_USER = 20
QUEUE_FIELDS = ("status", "overdue", "segera", "kategori", "provinsi", "kanal", "urut", "pelapor", "q")  # a view keeps its search too


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
    back = redirect(_queue_url(_queue_view_query(request.POST.get("kembali", ""))))
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
    view = _queue_view_query(request.GET["kembali"]) if "kembali" in request.GET else None
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
    units = _forward_targets({report.agency_id}) if Action.FORWARD in actions and report.agency_id else []
    following = selectors.next_in_queue(actor, _queue_filter(QueryDict(view)), report) if view is not None else None
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
            "step": STEP_LABELS.get(report.stage, "") if report.stage_due_at else "",
            "units": units,
            "agencies": _dispose_targets() if Action.DISPOSE in actions else [],
            # "Not our authority" names another agency that is competent (never the Ombudsman, nor itself).
            "competent_agencies": list(competent_agencies(report.agency_id).order_by("name")) if Action.NOT_OUR_AUTHORITY in actions else [],
            "reject_reasons": RejectReason.choices,
            "archive_reasons": ArchiveReason.choices,
            "attachments": report.attachments.all() if show_content else [],
            **_response_templates(actor, request.GET.get("templat", ""), actions),
            "due_soon_cutoff": selectors.due_soon_cutoff(),
            "kembali": view,
            "queue_url": _queue_url(view or ""),
            "next_url": _report_url(following.tracking_number, view) if following else "",
            "next_number": following.formatted_tracking_number if following else "",
            "self_url": _report_url(report.tracking_number, view),
        },
    )


def _confirmation(action: str, report) -> str:
    """What happened to which report, in words: the page shown next may be another report's."""
    number = report.formatted_tracking_number
    if action == Action.DISPOSE:
        return _("Report %(number)s disposed to %(agency)s.") % {"number": number, "agency": report.agency}
    if action == Action.FORWARD:
        return _("Report %(number)s forwarded to %(unit)s.") % {"number": number, "unit": report.unit}
    if action == Action.REQUEST_INFO:
        return _("Report %(number)s: the reporter was asked for more information.") % {"number": number}
    if action == Action.REJECT:
        return _("Report %(number)s rejected.") % {"number": number}
    if action == Action.ARCHIVE:
        return _("Report %(number)s archived.") % {"number": number}
    if action == Action.NOT_OUR_AUTHORITY:
        return _("Report %(number)s returned to the national desk as not your agency's authority.") % {"number": number}
    if action == Action.RESPOND:
        return _("Initial response posted on report %(number)s.") % {"number": number}
    if action == Action.FOLLOW_UP:
        return _("Follow-up posted on report %(number)s; the reporter may now reply or rate it.") % {"number": number}
    if action == Action.INTERIM_REPLY:
        due = date_format(localtime(report.stage_due_at), "j M Y")
        return _("Interim reply posted on report %(number)s; the new due date is %(date)s.") % {"number": number, "date": due}
    if action == Action.DISMISS_APPEAL:
        return _("Appeal on report %(number)s dismissed; the report is completed.") % {"number": number}
    return _("Done: %(action)s.") % {"action": Action(action).label}


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
    view = _queue_view_query(payload.pop("kembali")) if "kembali" in payload else None
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
        return redirect(_report_url(normalise_tracking_number(tracking_number), view))
    messages.success(request, _confirmation(action, report))
    if view is None:
        return redirect(_report_url(report.tracking_number, None))
    following = selectors.next_in_queue(actor, _queue_filter(QueryDict(view)), before)
    return redirect(_report_url(following.tracking_number, view) if following else _queue_url(view))



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
