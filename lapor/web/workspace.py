"""The officer workspace's page helpers (ADR 0027): what a view of the queue is (its query string,
parsed and re-encoded), the links between the queue and the report page, the queue's short labels,
the response templates a report page offers, and what an action's confirmation says. The pages
themselves are in views.py; what they read comes from selectors, what they write from services.

A view of the queue is its query string: filters, order, search and which part. The report page
carries it as `kembali`, so that after an action the officer goes on to the next report of the
same view. Only these fields are kept, re-encoded: nothing else (no address of another site) can
travel through a form and come back as a redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from lapor.accounts.models import Role
from lapor.agencies.selectors import forward_targets, provinces, receiving_agencies, top_categories
from lapor.reports import selectors
from lapor.reports.responses import templates_for
from lapor.reports.states import Action, Channel, Status

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


def queue_filter(params) -> selectors.QueueFilter:
    """The view a query string asks for. Unknown values are ignored (a stale bookmark still opens
    the queue); a status that waits on the reporter opens that part of the queue."""
    status = params.get("status", "") if params.get("status", "") in Status.values else ""
    category = params.get("kategori", "")
    category_id = top_categories().filter(code=category).values_list("pk", flat=True).first() if category else None
    province = params.get("provinsi", "")
    return selectors.QueueFilter(
        status=status,
        overdue={"1": True, "0": False}.get(params.get("overdue", "")),
        due_soon=params.get("segera") == "1",
        category_id=category_id,
        province_code=province if province and provinces().filter(code=province).exists() else "",
        channel=params.get("kanal", "") if params.get("kanal", "") in Channel.values else "",
        sort=params.get("urut", "due") if params.get("urut") in selectors.QUEUE_SORTS else "due",
        part="reporter" if params.get("pelapor") == "1" or status in selectors.WAITING_ON_REPORTER else "act",
        text=params.get("q", "").strip()[:SEARCH_MAX],
    )


def queue_view_query(query) -> str:
    """The queue view's own fields of a query string (or QueryDict), re-encoded."""
    source = query if isinstance(query, QueryDict) else QueryDict(query)
    kept = QueryDict(mutable=True)
    for field in QUEUE_VIEW_FIELDS:
        if source.get(field):
            kept[field] = source[field][:SEARCH_MAX]
    return kept.urlencode()


def queue_url(view: str) -> str:
    return f"{reverse('web:queue')}?{view}" if view else reverse("web:queue")


def report_url(tracking_number: str, view: str | None) -> str:
    """A report's page for officers; `view` is the queue's view ("" for the plain queue) when it
    was opened from the queue, None otherwise."""
    url = reverse("web:officer_report", args=[tracking_number])
    return url if view is None else f"{url}?{urlencode({'kembali': view})}"


def step_label(report) -> str:
    """The step the report's due date belongs to ("" when no clock runs)."""
    return STEP_LABELS.get(report.stage, "") if report.stage_due_at else ""


def dispose_targets() -> list:
    """The agencies a report may be disposed to, by name."""
    return list(receiving_agencies().order_by("name"))


def bulk_targets(actor) -> dict:
    """Where the queue's bulk actions may send the selected reports: any receiving agency for the
    national desk (dispose), the units of an agency admin's agency (forward)."""
    return {
        "bulk_dispose": dispose_targets() if actor.has_role(Role.NATIONAL_ADMIN) else [],
        "bulk_units": forward_targets({p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)})
        if actor.has_role(Role.AGENCY_ADMIN)
        else [],
    }


# Actions whose note is an answer to the reporter: these may start from a response template.
TEMPLATE_ACTIONS = (Action.RESPOND, Action.FOLLOW_UP, Action.INTERIM_REPLY, Action.REQUEST_INFO)


def response_templates(actor, chosen: str, actions) -> dict:
    """The templates offered on the report page, and the one chosen (?templat=<id>), whose text
    fills the answer's note: works without JavaScript."""
    if not set(TEMPLATE_ACTIONS) & set(actions):
        return {"response_templates": [], "template_text": ""}
    offered = list(templates_for(actor))
    picked = next((t for t in offered if str(t.pk) == chosen), None)
    return {"response_templates": offered, "template_text": picked.body if picked else "", "template_actions": TEMPLATE_ACTIONS}


def confirmation(action: str, report) -> str:
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
