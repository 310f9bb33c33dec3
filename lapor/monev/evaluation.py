"""Evaluation records (ADR 0017): who may evaluate which agency, follow-up quality reviews
(reproducible samples, rubric scores, aggregates), preventive actions and action plans.

Every writer validates first (InvalidInput / NotAllowed with a precise message), then writes in
one transaction together with its audit entry, so a refused or invalid request writes nothing."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lapor.accounts.models import Position, Role
from lapor.accounts.page_access import Page, allows
from lapor.agencies.models import Agency, Category, Region
from lapor.agencies.selectors import agency_and_units
from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record
from lapor.core import clock
from lapor.core.errors import InvalidInput, NotAllowed
from lapor.reports import policy
from lapor.reports.models import ReportEvent
from lapor.reports.selectors import can_view
from lapor.reports.states import Action

from . import evaluation_input as read
from .indicators import round_half_up
from .models import (
    ActionPlan,
    ActionPlanItem,
    EvaluationStatus,
    FollowUpReview,
    FollowUpReviewItem,
    FollowUpScore,
    PreventiveAction,
)
from .scopes import NOT_HANDLERS, WIB, Period

MAX_SAMPLE = 200
SCORE_MIN, SCORE_MAX = read.SCORE_MIN, read.SCORE_MAX
# A follow-up meets the bar when every criterion its reviewer scored is at least this.
BAR = 3
CRITERIA = ("relevant", "concrete", "timely", "polite")
CONTENT_CRITERIA = ("relevant", "concrete", "polite")


# --- who evaluates which agency ---------------------------------------------------------------
def _top(agency: Agency) -> Agency:
    while agency.parent_id is not None:
        agency = agency.parent
    return agency


def _position_for(actor, agency_id: int, roles) -> Position | None:
    """The actor's position through which it evaluates `agency_id` (an agency, never a unit)."""
    for position in actor.positions:
        if position.role == Role.NATIONAL_ADMIN and Role.NATIONAL_ADMIN in roles:
            return position
    for position in actor.positions:
        if position.role not in roles:
            continue
        if position.role == Role.COORDINATOR:
            if Agency.objects.filter(pk=agency_id, coordinator_id=position.agency_id).exists():
                return position
        elif _top(position.agency).pk == agency_id:
            return position
    return None


EVALUATORS = (Role.NATIONAL_ADMIN, Role.COORDINATOR, Role.AGENCY_ADMIN, Role.AUDITOR)
PLAN_READERS = EVALUATORS + (Role.LIAISON_OFFICER,)


def evaluable_agencies(actor, roles=EVALUATORS):
    """Agencies (not units) the actor evaluates: a queryset, every handling agency for the
    national admin."""
    agencies = Agency.objects.filter(parent__isnull=True).exclude(kind__in=NOT_HANDLERS)
    if any(p.role == Role.NATIONAL_ADMIN for p in actor.positions) and Role.NATIONAL_ADMIN in roles:
        return agencies
    condition = Q(pk__in=[])
    for position in actor.positions:
        if position.role not in roles:
            continue
        if position.role == Role.COORDINATOR:
            condition |= Q(coordinator_id=position.agency_id)
        else:
            condition |= Q(pk=_top(position.agency).pk)
    return agencies.filter(condition)


def may_evaluate(actor) -> bool:
    return allows(actor, Page.EVALUATION)


def may_read_plans(actor) -> bool:
    return allows(actor, Page.ACTION_PLANS)


def _evaluator_position(actor, agency: Agency, roles=EVALUATORS) -> Position:
    position = _position_for(actor, agency.pk, roles)
    if position is None:
        raise NotAllowed(_("You do not evaluate %(agency)s.") % {"agency": agency.name})
    return position


# --- follow-up quality reviews ----------------------------------------------------------------
def follow_up_population(agency: Agency, period: Period) -> list[int]:
    """The ids, ascending, of the follow-ups given in the period by the agency or its units."""
    return list(
        ReportEvent.objects.filter(
            period.q("created_at"), action=Action.FOLLOW_UP, actor_agency_id__in=agency_and_units({agency.pk})
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def draw_sample(population: list[int], size: int, seed: int) -> list[int]:
    """The sample for this seed: the same population and seed always give the same events, in
    the same order (Python's Mersenne Twister, `random.Random(seed).sample`)."""
    return random.Random(seed).sample(sorted(population), min(size, len(population)))


def review_draw(*, actor, agency_code: str, first, last, sample_size, seed: int | None = None) -> FollowUpReview:
    agency = read.agency(agency_code)
    position = _evaluator_position(actor, agency)
    period = read.period(first, last)
    try:
        size = int(str(sample_size).strip())
    except ValueError:
        raise InvalidInput(_("The sample size must be a whole number."), field="size") from None
    if not 1 <= size <= MAX_SAMPLE:
        raise InvalidInput(
            _("The sample size must be between 1 and %(max)d.") % {"max": MAX_SAMPLE}, field="size"
        )
    if period.first > clock.now().astimezone(WIB).date():
        raise InvalidInput(_("The period has not started yet."), field="first")
    if seed is None:
        seed = secrets.randbits(62)
    with transaction.atomic():
        population = follow_up_population(agency, period)
        if not population:
            raise InvalidInput(
                _("%(agency)s gave no follow-up from %(first)s to %(last)s: there is nothing to review.")
                % {"agency": agency.name, "first": period.first.isoformat(), "last": period.last.isoformat()},
                field="first",
            )
        drawn = draw_sample(population, size, seed)
        review = FollowUpReview.objects.create(
            agency=agency, period_first=period.first, period_last=period.last, sample_size=size,
            population=len(population), seed=seed, created_by=actor.user, created_at=clock.now(),
        )
        FollowUpReviewItem.objects.bulk_create(
            FollowUpReviewItem(review=review, position=n, event_id=event_id) for n, event_id in enumerate(drawn, 1)
        )
        audit_record(
            kind=AuditEntry.Kind.REVIEW_DRAWN, actor=actor, position=position, agency=agency,
            review=review.pk, period=str(period), sample_size=size, seed=seed, events=drawn,
        )
    return review


def reviews_visible_to(actor):
    return FollowUpReview.objects.filter(agency__in=evaluable_agencies(actor)).select_related("agency")


def review_for(actor, review_id) -> FollowUpReview | None:
    return reviews_visible_to(actor).filter(pk=review_id).first()


@dataclass
class ItemView:
    """What one reviewer may see of one sampled follow-up, through the access policy."""

    item: FollowUpReviewItem
    visible: bool  # may know the report (VIEW)
    readable: bool  # may read its content (and so score the content criteria)
    tracking_number: str
    title: str
    note: str
    followed_up_at: object
    on_time: bool | None
    mine: FollowUpScore | None


def item_view(actor, item: FollowUpReviewItem) -> ItemView:
    event = item.event
    report = event.report
    visible = can_view(actor, report)
    readable = visible and policy.can_read_content(actor, report)
    if readable and not event.note_public:
        readable = policy.allows(actor, policy.Permission.READ_INTERNAL_NOTES, report)
    mine = next((s for s in item.scores.all() if s.reviewer_id == actor.user_id), None)
    return ItemView(
        item=item,
        visible=visible,
        readable=readable,
        tracking_number=report.formatted_tracking_number if visible else "",
        title=policy.readable_text(actor, report, report.title) if readable else "",
        note=policy.readable_text(actor, report, event.note) if readable else "",
        followed_up_at=event.created_at,
        on_time=event.data.get("on_time"),
        mine=mine,
    )


def review_items(actor, review: FollowUpReview) -> list[ItemView]:
    items = review.items.select_related("event__report__category").prefetch_related("scores")
    return [item_view(actor, item) for item in items]


def criterion_labels() -> dict[str, str]:
    return {
        "relevant": _("relevant to the substance"),
        "concrete": _("concrete"),
        "timely": _("timely"),
        "polite": _("polite"),
    }


def review_score(*, actor, review_id: int, item_id: int, scores: dict, comment: str = "") -> FollowUpScore:
    """Score (or re-score) one sampled follow-up. A reviewer who may not read the report's
    content scores timeliness only; giving a content score then is refused."""
    review = review_for(actor, review_id)
    if review is None:
        raise NotAllowed(_("You do not evaluate this review's agency."))
    position = _evaluator_position(actor, review.agency)
    item = review.items.filter(pk=item_id).select_related("event__report__category").first()
    if item is None:
        raise InvalidInput(_("This follow-up is not in the review's sample."), field="item")
    view = item_view(actor, item)
    labels = criterion_labels()
    values = {"timely": read.score(scores.get("timely", ""), "timely", labels["timely"])}
    for criterion in CONTENT_CRITERIA:
        given = str(scores.get(criterion, "") or "").strip()
        if view.readable:
            values[criterion] = read.score(given, criterion, labels[criterion])
        elif given:
            raise InvalidInput(
                _("You may not read this report's content: score its timeliness only."), field=criterion
            )
        else:
            values[criterion] = None
    comment = read.text(comment, "comment", _("The comment"), 2000, required=False)
    with transaction.atomic():
        score, created = FollowUpScore.objects.update_or_create(
            item=item, reviewer=actor.user, defaults={**values, "comment": comment, "scored_at": clock.now()}
        )
        audit_record(
            kind=AuditEntry.Kind.REVIEW_SCORED, actor=actor, position=position, agency=review.agency,
            review=review.pk, item=item.position, change="created" if created else "updated", **values,
        )
    return score


@dataclass
class ReviewSummary:
    scored_items: int  # sampled follow-ups with at least one score
    scores: int
    averages: dict  # criterion -> Decimal (two decimals) or None
    meeting_bar: int  # scores meeting the bar
    meeting_bar_pct: Decimal | None


def review_summary(review: FollowUpReview) -> ReviewSummary:
    """Per-criterion averages over every reviewer's scores (a criterion left empty is not
    counted), and the share of scores meeting the bar (every scored criterion >= BAR)."""
    scores = list(FollowUpScore.objects.filter(item__review=review))
    averages = {}
    for criterion in CRITERIA:
        given = [getattr(s, criterion) for s in scores if getattr(s, criterion) is not None]
        averages[criterion] = round_half_up(Fraction(sum(given), len(given)), 2) if given else None
    meeting = sum(1 for s in scores if all(getattr(s, c) is None or getattr(s, c) >= BAR for c in CRITERIA))
    return ReviewSummary(
        scored_items=len({s.item_id for s in scores}),
        scores=len(scores),
        averages=averages,
        meeting_bar=meeting,
        meeting_bar_pct=round_half_up(Fraction(100 * meeting, len(scores)), 1) if scores else None,
    )


# --- preventive actions -----------------------------------------------------------------------
def preventive_actions_visible_to(actor):
    return (
        PreventiveAction.objects.filter(agency__in=evaluable_agencies(actor))
        .select_related("agency", "region")
        .prefetch_related("categories")
    )


def preventive_action_record(
    *, actor, agency_code: str, category_codes, region_code: str = "", title: str, description: str, owner: str,
    start, end=None, status: str = EvaluationStatus.PLANNED,
) -> PreventiveAction:
    agency = read.agency(agency_code)
    position = _evaluator_position(actor, agency)
    title = read.text(title, "title", _("The title"), 200)
    description = read.text(description, "description", _("The description"), 5000)
    owner = read.text(owner, "owner", _("The owner"), 150)
    codes = sorted({c.strip() for c in category_codes if c and c.strip()})
    if not codes:
        raise InvalidInput(_("Choose at least one category."), field="categories")
    categories = list(Category.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in categories})
    if unknown:
        raise InvalidInput(_("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}, field="categories")
    region = None
    if (region_code or "").strip():
        region = Region.objects.filter(code=region_code.strip()).first()
        if region is None:
            raise InvalidInput(_("There is no region with the code %(code)s.") % {"code": region_code.strip()}, field="region")
    start_day = read.day(start, "start", _("The start date"))
    end_day = read.day(end, "end", _("The end date")) if (str(end or "").strip()) else None
    if end_day is not None and end_day < start_day:
        raise InvalidInput(_("The end date is before the start date."), field="end")
    status = read.status(status)
    now = clock.now()
    with transaction.atomic():
        action = PreventiveAction.objects.create(
            agency=agency, region=region, title=title, description=description, owner=owner, start_date=start_day,
            end_date=end_day, status=status, created_by=actor.user, created_at=now, updated_at=now,
        )
        action.categories.set(categories)
        audit_record(
            kind=AuditEntry.Kind.PREVENTIVE_ACTION_SAVED, actor=actor, position=position, agency=agency,
            preventive_action=action.pk, change="created", title=title, status=status, categories=codes,
        )
    return action


def preventive_action_set_status(*, actor, action_id: int, status: str) -> PreventiveAction:
    action = preventive_actions_visible_to(actor).filter(pk=action_id).first()
    if action is None:
        raise NotAllowed(_("You do not evaluate this preventive action's agency."))
    position = _evaluator_position(actor, action.agency)
    status = read.status(status)
    with transaction.atomic():
        before = action.status
        action.status, action.updated_at = status, clock.now()
        action.save(update_fields=["status", "updated_at"])
        audit_record(
            kind=AuditEntry.Kind.PREVENTIVE_ACTION_SAVED, actor=actor, position=position, agency=action.agency,
            preventive_action=action.pk, change="status", status=[before, status],
        )
    return action


# --- action plans -----------------------------------------------------------------------------
def plans_visible_to(actor):
    return ActionPlan.objects.filter(agency__in=evaluable_agencies(actor, PLAN_READERS)).select_related("agency")


def plan_for(actor, plan_id) -> ActionPlan | None:
    return plans_visible_to(actor).filter(pk=plan_id).first()


def may_write_plan(actor, plan: ActionPlan) -> bool:
    return _position_for(actor, plan.agency_id, EVALUATORS) is not None


def action_plan_create(*, actor, agency_code: str, title: str, first, last) -> ActionPlan:
    agency = read.agency(agency_code)
    position = _evaluator_position(actor, agency)
    title = read.text(title, "title", _("The title"), 200)
    period = read.period(first, last)
    with transaction.atomic():
        plan = ActionPlan.objects.create(
            agency=agency, title=title, period_first=period.first, period_last=period.last,
            created_by=actor.user, created_at=clock.now(),
        )
        audit_record(
            kind=AuditEntry.Kind.ACTION_PLAN_SAVED, actor=actor, position=position, agency=agency,
            action_plan=plan.pk, change="created", title=title, period=str(period),
        )
    return plan


def owner_positions(agency: Agency):
    """Positions that may own an action-plan item: active positions of the agency or its units."""
    return Position.objects.filter(agency_id__in=agency_and_units({agency.pk}), is_active=True).select_related("agency")


def action_plan_add_item(
    *, actor, plan_id: int, action: str, target: str, owner_position_id, due, status: str = EvaluationStatus.PLANNED,
) -> ActionPlanItem:
    plan = plan_for(actor, plan_id)
    if plan is None:
        raise NotAllowed(_("You do not evaluate this action plan's agency."))
    position = _evaluator_position(actor, plan.agency)
    action = read.text(action, "action", _("The action"), 300)
    target = read.text(target, "target", _("The target"), 300)
    owner_id = str(owner_position_id or "").strip()
    owner = owner_positions(plan.agency).filter(pk=int(owner_id)).first() if owner_id.isdigit() else None
    if owner is None:
        raise InvalidInput(_("Choose the owner from the agency's active positions."), field="owner")
    due_day = read.day(due, "due", _("The due date"))
    status = read.status(status)
    with transaction.atomic():
        item = ActionPlanItem.objects.create(
            plan=plan, action=action, target=target, owner=owner, due_date=due_day, status=status, updated_at=clock.now()
        )
        audit_record(
            kind=AuditEntry.Kind.ACTION_PLAN_SAVED, actor=actor, position=position, agency=plan.agency,
            action_plan=plan.pk, item=item.pk, change="item added", action=action, owner=owner.pk,
        )
    return item


def action_plan_update_item(*, actor, item_id: int, progress, notes: str, status: str) -> ActionPlanItem:
    item = ActionPlanItem.objects.filter(pk=item_id, plan__in=plans_visible_to(actor)).select_related("plan__agency").first()
    if item is None:
        raise NotAllowed(_("You do not evaluate this action plan's agency."))
    position = _evaluator_position(actor, item.plan.agency)
    percent = read.progress(progress)
    notes = read.text(notes, "notes", _("The progress notes"), 2000, required=False)
    status = read.status(status)
    if status == EvaluationStatus.DONE and percent != 100:
        raise InvalidInput(_("An item is done only at 100 % progress."), field="progress")
    with transaction.atomic():
        before = {"progress": item.progress, "status": item.status}
        item.progress, item.progress_notes, item.status, item.updated_at = percent, notes, status, clock.now()
        item.save(update_fields=["progress", "progress_notes", "status", "updated_at"])
        audit_record(
            kind=AuditEntry.Kind.ACTION_PLAN_SAVED, actor=actor, position=position, agency=item.plan.agency,
            action_plan=item.plan_id, item=item.pk, change="progress",
            progress=[before["progress"], percent], status=[before["status"], status],
        )
    return item
