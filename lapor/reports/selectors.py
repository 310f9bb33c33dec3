"""Reads of reports. Everything that lists reports for a person goes through
`reports_visible_to`, and everything that shows one through `can_view` and `timeline_for`, so
nothing leaks by forgetting a filter. What each role may see is decided in `policy.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet

from lapor.accounts.models import Position, Role
from lapor.agencies.models import Region
from lapor.core import clock, workdays

from . import policy
from .actors import roles_on
from .effects import guard_open
from .models import Report, ReportEvent
from .states import OMBUDSMAN_EXAMINING, Action, ActorRole, Status
from .tokens import ALPHABET, LENGTH, normalise_tracking_number
from .workflow import SYSTEM_ONLY, actions_for


def reports_visible_to(actor) -> QuerySet[Report]:
    """The reports this actor may know of: their own, and those the policy's VIEW scopes cover."""
    grants = policy.grants(actor, policy.Permission.VIEW)
    if grants.all:
        return Report.objects.all()
    condition = grants.q()
    if condition is None:
        condition = Q(pk__in=[])
    if actor.user_id:
        condition |= Q(reporter_id=actor.user_id)
    return Report.objects.filter(condition)


def can_view(actor, report: Report) -> bool:
    return policy.allows(actor, policy.Permission.VIEW, report)


@dataclass(frozen=True)
class QueueFilter:
    """What an officer narrows their queue to. Empty values mean "all"."""

    status: str = ""
    overdue: bool | None = None
    due_soon: bool = False  # not yet overdue, due by the end of the next working day
    category_id: int | None = None  # a category and its sub-categories
    province_code: str = ""
    channel: str = ""
    sort: str = "due"  # one of QUEUE_SORTS
    # Which part of the queue (ADR 0027): "all" is everything waiting for the positions (the API's
    # queue, the open-report count of a position); "act" leaves out what waits on the reporter (the
    # page's default); "reporter" is only that (WAITING_ON_REPORTER, shown apart).
    part: str = "all"
    text: str = ""  # words of the title or description, matched as the officer may read them


# Each order is (field, descending) pairs; a missing due time (a paused clock) sorts last on every
# database. "due" puts what must be acted on now first: overdue (oldest due first), then due soonest.
QUEUE_SORTS = {
    "due": (("is_overdue", True), ("stage_due_at", False), ("pk", False)),
    "newest": (("submitted_at", True), ("pk", True)),
    "oldest": (("submitted_at", False), ("pk", False)),
}

# Statuses in which the next move is the reporter's (workflow.TABLE): the desk asked for more
# information (needs_info: the reporter supplements) or the unit followed up (followed_up: the
# reporter replies or rates; otherwise the sweep closes it). The officer can only wait, so the
# queue page shows these apart from what is theirs to act on.
WAITING_ON_REPORTER = frozenset({Status.NEEDS_INFO, Status.FOLLOWED_UP})


def _waiting_for(actor) -> Q:
    """What waits for one of the actor's positions."""
    condition = Q(pk__in=[])
    if actor.has_role(Role.NATIONAL_ADMIN):
        condition |= Q(status__in=[Status.SUBMITTED, Status.RETURNED, Status.NEEDS_INFO]) | Q(escalation_level=2)
    admin_agencies = {p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)}
    if admin_agencies:
        condition |= Q(agency_id__in=admin_agencies, status__in=[Status.AT_AGENCY, Status.APPEALED])
        condition |= Q(agency_id__in=admin_agencies, escalation_level__gte=1)
    liaison_units = {p.agency_id for p in actor.positions_with(Role.LIAISON_OFFICER)}
    if liaison_units:
        condition |= Q(unit_id__in=liaison_units, status__in=[Status.FORWARDED, Status.IN_PROCESS])
    if actor.has_role(Role.OMBUDSMAN):
        # Transferred and not yet concluded: the Ombudsman's outcome is awaited (ADR 0023).
        condition |= Q(status=Status.OMBUDSMAN, ombudsman_outcome__in=OMBUDSMAN_EXAMINING)
    return condition


def waiting_positions(report: Report) -> list:
    """The active positions whose queue holds this report now, to act on (not waiting on the
    reporter): `_waiting_for` read the other way round, for the messages to officials."""
    found = Q(pk__in=[])
    if report.status in (Status.SUBMITTED, Status.RETURNED) or report.escalation_level == 2:
        found |= Q(role=Role.NATIONAL_ADMIN)
    if report.agency_id and (report.status in (Status.AT_AGENCY, Status.APPEALED) or report.escalation_level >= 1):
        found |= Q(role=Role.AGENCY_ADMIN, agency_id=report.agency_id)
    if report.unit_id and report.status in (Status.FORWARDED, Status.IN_PROCESS):
        found |= Q(role=Role.LIAISON_OFFICER, agency_id=report.unit_id)
    if report.status == Status.OMBUDSMAN and report.ombudsman_outcome in OMBUDSMAN_EXAMINING:
        found |= Q(role=Role.OMBUDSMAN)
    return list(Position.objects.filter(found, is_active=True).select_related("holder", "agency").order_by("pk"))


def _waiting_on_reporter(actor) -> Q:
    """What the actor's positions handed to the reporter and take back when the reporter answers:
    the desk's requests for information, the unit's follow-ups awaiting a reply or rating."""
    condition = Q(pk__in=[])
    if actor.has_role(Role.NATIONAL_ADMIN):
        condition |= Q(status=Status.NEEDS_INFO)
    liaison_units = {p.agency_id for p in actor.positions_with(Role.LIAISON_OFFICER)}
    if liaison_units:
        condition |= Q(unit_id__in=liaison_units, status=Status.FOLLOWED_UP)
    return condition


def _queue_part(actor, part: str) -> Q:
    if part == "act":
        return _waiting_for(actor) & ~Q(status__in=sorted(WAITING_ON_REPORTER))
    if part == "reporter":
        return _waiting_on_reporter(actor)
    return _waiting_for(actor)


def due_soon_cutoff() -> datetime:
    """The end of the next working day (Jakarta): "due soon" means due before this."""
    return workdays.calendar().due_at(clock.now(), 1)


def _ordering(sort: str) -> list:
    order = QUEUE_SORTS.get(sort, QUEUE_SORTS["due"])
    return [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name, descending in order]


def report_queue(actor, f: QueueFilter = QueueFilter()) -> QuerySet[Report]:
    """An officer's working queue: what waits for one of their positions, what must be acted on now first."""
    queryset = Report.objects.filter(_queue_part(actor, f.part))
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.overdue is not None:
        queryset = queryset.filter(is_overdue=f.overdue)
    if f.due_soon:
        queryset = queryset.filter(is_overdue=False, stage_due_at__lte=due_soon_cutoff())
    if f.category_id:
        queryset = queryset.filter(Q(category_id=f.category_id) | Q(category__parent_id=f.category_id))
    if f.province_code:
        queryset = queryset.filter(Q(region_id=f.province_code) | Q(region__code__startswith=f.province_code + "."))
    if f.channel:
        queryset = queryset.filter(channel=f.channel)
    if f.text.strip():
        queryset = matching_text(actor, queryset, f.text)
    return queryset.select_related("agency", "unit", "category", "region").order_by(*_ordering(f.sort))


SEARCH_WORDS = 6  # more words than this add nothing but cost


def matching_text(actor, queryset: QuerySet[Report], text: str) -> QuerySet[Report]:
    """The reports whose title or description holds every word, as this actor may read them.

    The database finds candidates in the text as written (a superset); each candidate is then
    checked through the policy's own predicates: a confidential report whose content the actor may
    not read never matches, and personal data that `readable_text` hides from them (a phone number
    typed into an anonymous report, say) cannot be searched for either — a match would tell them
    what the redaction hides. `queryset` must already be within what the actor may see (the queue,
    `reports_visible_to`); the queue searches only itself, which is bounded."""
    words = [w.casefold() for w in text.split()[:SEARCH_WORDS]]
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(description__icontains=word)
    readable = policy.grants(actor, policy.Permission.READ_CONFIDENTIAL).q()
    content = Q(is_confidential=False) | readable if readable is not None else Q(is_confidential=False)
    candidates = queryset.filter(condition).filter(content).select_related("category").only(
        "pk", "title", "description", "is_anonymous", "is_confidential", "reporter_id", "agency_id", "unit_id",
        "category__is_priority", "status", "submitted_at", "ombudsman_offered_at", "tracking_number",
    )
    found = []
    for report in candidates.iterator(chunk_size=500):
        if not policy.can_read_content(actor, report):
            continue
        shown = "\n".join(policy.readable_text(actor, report, text) for text in (report.title, report.description)).casefold()
        if all(word in shown for word in words):
            found.append(report.pk)
    return queryset.filter(pk__in=found)


def report_to_open(actor, text: str) -> Report | None:
    """The report a queue search names by its tracking number (with or without the hyphen, any
    case), if this actor may see it: the page opens it at once. Anything else is a text search —
    a number the actor may not see is searched like words, so nothing tells it exists."""
    number = normalise_tracking_number(text)
    if len(number) != LENGTH or not set(number) <= set(ALPHABET):
        return None
    report = report_by_tracking_number(number)
    return report if report is not None and can_view(actor, report) else None


def _after(order, report: Report) -> Q:
    """The rows that come after `report` in `order` (keyset), with missing values last."""
    after, same = Q(pk__in=[]), Q()
    for name, descending in order:
        value = getattr(report, name)
        if value is None:  # nothing but other missing values comes after a missing value
            beyond, equal = Q(pk__in=[]), Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value}) | Q(**{f"{name}__isnull": True})
            equal = Q(**{name: value})
        after |= same & beyond
        same &= equal
    return after


def next_in_queue(actor, f: QueueFilter, after: Report) -> Report | None:
    """The report that follows `after` in this view of the officer's queue — where `after` stood
    when it was read: pass it as read before an action moved it (it may have left the view)."""
    order = QUEUE_SORTS.get(f.sort, QUEUE_SORTS["due"])
    return report_queue(actor, f).filter(_after(order, after)).exclude(pk=after.pk).first()


def queue_counts(actor) -> dict:
    """Counts over the whole queue (before filters): what is the officer's to act on (total,
    overdue, due soon), what waits on the reporter, and per status (both parts)."""
    waiting_on_reporter = _waiting_on_reporter(actor)
    rows = Report.objects.filter(_waiting_for(actor) | waiting_on_reporter).values("status").annotate(
        n=Count("pk"),
        overdue=Count("pk", filter=Q(is_overdue=True)),
        due_soon=Count("pk", filter=Q(is_overdue=False, stage_due_at__lte=due_soon_cutoff())),
        reporter=Count("pk", filter=waiting_on_reporter),
    )
    counts = {"total": 0, "overdue": 0, "due_soon": 0, "reporter": 0, "by_status": {}}
    for row in rows:
        counts["by_status"][row["status"]] = row["n"]
        if row["status"] in WAITING_ON_REPORTER:
            counts["reporter"] += row["reporter"]
            continue
        counts["total"] += row["n"]
        counts["overdue"] += row["overdue"]
        counts["due_soon"] += row["due_soon"]
    return counts


# The move each status expects next from each role: the one the report page puts first. The legal
# moves are workflow.TABLE's; this only picks, among them, what the handling normally does next —
# the desk verifies and disposes, the agency forwards to a unit (an appeal too: the unit examines it
# again), the unit gives its initial response and then the follow-up, the Ombudsman records its
# outcome. Anything else (reject, archive, not our authority, an interim reply…) is the exception.
EXPECTED_ACTIONS = {
    (Status.SUBMITTED, ActorRole.NATIONAL_ADMIN): Action.DISPOSE,
    (Status.RETURNED, ActorRole.NATIONAL_ADMIN): Action.DISPOSE,
    (Status.AT_AGENCY, ActorRole.AGENCY_ADMIN): Action.FORWARD,
    (Status.APPEALED, ActorRole.AGENCY_ADMIN): Action.FORWARD,
    (Status.FORWARDED, ActorRole.LIAISON_OFFICER): Action.RESPOND,
    (Status.IN_PROCESS, ActorRole.LIAISON_OFFICER): Action.FOLLOW_UP,
    (Status.OMBUDSMAN, ActorRole.OMBUDSMAN): Action.OMBUDSMAN_OUTCOME,
}


def expected_action(actor, report: Report, actions: list[str] | None = None) -> str | None:
    """The action the report waits for from this actor, if they may take it now (`actions`: their
    available actions, when already known)."""
    if actions is None:
        actions = available_actions(actor, report)
    for role in roles_on(actor, report):
        action = EXPECTED_ACTIONS.get((report.status, role))
        if action in actions:
            return action
    return None


def queue_rows(actor, reports) -> list[Report]:
    """The queue's rows as this actor may read them. Sets on each report: `shown_title` (personal
    data typed into it redacted for whoever may not see the reporter; None when the content is
    confidential to them), `age_days` (working days since submission, in WIB) and `regency_name`
    (the regency or city of a place below it, read for the page in one query)."""
    reports = list(reports)
    calendar, today = workdays.calendar(), clock.today_wib()
    regency_codes = {r.region_id[:5] for r in reports if len(r.region_id) > 5}
    regencies = dict(Region.objects.filter(code__in=regency_codes).values_list("code", "name")) if regency_codes else {}
    for report in reports:
        report.shown_title = policy.readable_text(actor, report, report.title) if policy.can_read_content(actor, report) else None
        submitted = report.submitted_at.astimezone(ZoneInfo(workdays.DEFAULT_TZ)).date()
        report.age_days = calendar.working_days_between(submitted, today)
        report.regency_name = regencies.get(report.region_id[:5], "")
    return reports


def reports_of_reporter(user) -> QuerySet[Report]:
    """The reports a signed-in citizen submitted, newest first ("my reports")."""
    return Report.objects.filter(reporter_id=user.pk).select_related("agency", "unit", "category", "region").order_by("-submitted_at", "-pk")


def report_by_tracking_number(number: str) -> Report | None:
    return (
        Report.objects.select_related("agency", "unit", "category", "region", "suggested_agency", "target_agency")
        .filter(tracking_number=normalise_tracking_number(number))
        .first()
    )


def handler_of(report: Report) -> tuple[str, object | None]:
    """Who handles the report next, in words for the citizen: (role, agency)."""
    if report.status in (Status.SUBMITTED, Status.RETURNED):
        return "national_desk", None
    if report.status == Status.NEEDS_INFO:
        return "reporter", None
    if report.status in (Status.AT_AGENCY, Status.APPEALED):
        return "agency_admin", report.agency
    if report.status in (Status.FORWARDED, Status.IN_PROCESS):
        return "unit", report.unit
    if report.status == Status.FOLLOWED_UP:
        return "reporter", None
    if report.status == Status.OMBUDSMAN and report.ombudsman_outcome in OMBUDSMAN_EXAMINING:
        return "ombudsman", None
    return "nobody", None


def available_actions(actor, report: Report) -> list[str]:
    """Actions this actor may take on this report now: allowed by the table for their role and
    not refused by the action's data guard."""
    return sorted(
        a for a in actions_for(report.status, set(roles_on(actor, report))) if a not in SYSTEM_ONLY and guard_open(report, a)
    )


def timeline_for(actor, report: Report) -> list[ReportEvent]:
    """The timeline as this actor may read it: every note for officials who may read internal
    notes; public notes for the reporter and the public; no notes at all for whoever may not read
    a confidential report's content (the notes discuss it)."""
    events = list(report.events.select_related("actor_agency").order_by("seq"))
    content = policy.can_read_content(actor, report)
    internal = content and policy.allows(actor, policy.Permission.READ_INTERNAL_NOTES, report)
    for event in events:
        if not content or (not event.note_public and not internal):
            event.note = ""
        elif event.note:
            event.note = policy.readable_text(actor, report, event.note)
    return events
