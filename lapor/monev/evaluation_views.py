"""Evaluation pages (ADR 0017): follow-up quality reviews, preventive actions, action plans and
the agency ranking. Everything is decided in lapor/monev/evaluation.py; these views only read
forms, call it and render. Whoever may not evaluate (or, for action plans, read) gets 403.
Each list and record is also a CSV or XLSX file (`…/unduh.csv|xlsx`, ADR 0020), built in
exports.py from the very queryset the page shows, behind the same checks."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lapor.accounts.actors import Actor
from lapor.agencies.models import Category, Region
from lapor.core import clock
from lapor.core.errors import DomainError

from . import evaluation, exports, ranking
from .models import EvaluationStatus
from .scopes import WIB, Period, ScopeError


def _evaluator(request) -> Actor:
    actor = Actor.for_user(request.user)
    if not evaluation.may_evaluate(actor):
        raise PermissionDenied(
            _("Only the national admin, coordinating supervisors, agency admins and APIP auditors evaluate agencies.")
        )
    return actor


def _default_period() -> tuple[str, str]:
    """The last full calendar month, in WIB."""
    today = clock.now().astimezone(WIB).date()
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1).isoformat(), last.isoformat()


def _agency_choices(actor, roles=evaluation.EVALUATORS):
    return list(evaluation.evaluable_agencies(actor, roles).order_by("name", "code"))


# --- follow-up quality reviews ----------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def reviews(request):
    actor = _evaluator(request)
    first, last = _default_period()
    values = {"agency": "", "first": first, "last": last, "size": "10"}
    error, status = None, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            review = evaluation.review_draw(
                actor=actor, agency_code=values["agency"], first=values["first"], last=values["last"], sample_size=values["size"]
            )
        except DomainError as err:
            error, status = err, err.status
        else:
            n = review.items.count()
            messages.success(
                request,
                ngettext("%(n)d follow-up of %(agency)s drawn for review.", "%(n)d follow-ups of %(agency)s drawn for review.", n)
                % {"n": n, "agency": review.agency.name},
            )
            return redirect("monev:evaluation_review", review_id=review.pk)
    return render(
        request,
        "monev/evaluation_reviews.html",
        {
            "reviews": evaluation.reviews_visible_to(actor)[:100],
            "agencies": _agency_choices(actor),
            "values": values,
            "error": error,
            "max_sample": evaluation.MAX_SAMPLE,
            "evaluator": True,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, review_id):
    actor = _evaluator(request)
    found = evaluation.review_for(actor, review_id)
    if found is None:
        raise Http404
    error, status = None, 200
    if request.method == "POST":
        try:
            item_id = int(request.POST.get("item", ""))
        except ValueError:
            item_id = 0
        try:
            evaluation.review_score(
                actor=actor,
                review_id=found.pk,
                item_id=item_id,
                scores={c: request.POST.get(c, "") for c in evaluation.CRITERIA},
                comment=request.POST.get("comment", ""),
            )
        except DomainError as err:
            error, status = err, err.status
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("monev:evaluation_review", review_id=found.pk)
    summary = evaluation.review_summary(found)
    labels = evaluation.criterion_labels()
    return render(
        request,
        "monev/evaluation_review.html",
        {
            "review": found,
            "items": evaluation.review_items(actor, found),
            "summary": summary,
            "average_rows": [(labels[c], summary.averages[c]) for c in evaluation.CRITERIA],
            "labels": labels,
            "evaluator": True,
            "criteria": evaluation.CRITERIA,
            "scale": range(evaluation.SCORE_MIN, evaluation.SCORE_MAX + 1),
            "bar": evaluation.BAR,
            "error": error,
        },
        status=status,
    )


def _format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        raise Http404
    return fmt


@login_required
@require_GET
def reviews_export(request, fmt):
    actor = _evaluator(request)
    fmt = _format(fmt)
    header, rows = exports.review_scores(actor, evaluation.reviews_visible_to(actor))
    return exports.response(fmt, "evaluasi-tinjauan", header, rows)


@login_required
@require_GET
def review_export(request, review_id, fmt):
    actor = _evaluator(request)
    found = evaluation.review_for(actor, review_id)
    if found is None:
        raise Http404
    fmt = _format(fmt)
    header, rows = exports.review_scores(actor, [found])
    return exports.response(fmt, f"evaluasi-tinjauan-{found.pk}", header, rows)


# --- preventive actions -----------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def preventive(request):
    actor = _evaluator(request)
    fields = ("agency", "region", "title", "description", "owner", "start", "end", "status")
    values = {k: "" for k in fields}
    values["categories"] = []
    error, status = None, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in fields}
        values["categories"] = request.POST.getlist("categories")
        try:
            action = evaluation.preventive_action_record(
                actor=actor, agency_code=values["agency"], category_codes=values["categories"], region_code=values["region"],
                title=values["title"], description=values["description"], owner=values["owner"], start=values["start"],
                end=values["end"], status=values["status"] or EvaluationStatus.PLANNED,
            )
        except DomainError as err:
            error, status = err, err.status
        else:
            messages.success(request, _("Preventive action “%(title)s” recorded.") % {"title": action.title})
            return redirect("monev:evaluation_preventive")
    return render(
        request,
        "monev/evaluation_preventive.html",
        {
            "actions": evaluation.preventive_actions_visible_to(actor)[:200],
            "agencies": _agency_choices(actor),
            "categories": Category.objects.filter(parent__isnull=False).select_related("parent").order_by("parent__name", "name"),
            "provinces": Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"),
            "statuses": EvaluationStatus.choices,
            "values": values,
            "error": error,
            "evaluator": True,
        },
        status=status,
    )


@login_required
@require_POST
def preventive_status(request, action_id):
    actor = _evaluator(request)
    try:
        action = evaluation.preventive_action_set_status(actor=actor, action_id=action_id, status=request.POST.get("status", ""))
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _("The status of “%(title)s” is now %(status)s.") % {"title": action.title, "status": action.get_status_display()},
        )
    return redirect("monev:evaluation_preventive")


@login_required
@require_GET
def preventive_export(request, fmt):
    actor = _evaluator(request)
    fmt = _format(fmt)
    header, rows = exports.preventive_actions(evaluation.preventive_actions_visible_to(actor))
    return exports.response(fmt, "evaluasi-preventif", header, rows)


# --- action plans -----------------------------------------------------------------------------
def _plan_reader(request) -> Actor:
    actor = Actor.for_user(request.user)
    if not evaluation.may_read_plans(actor):
        raise PermissionDenied(_("Only officials of an agency and its supervisors read its action plans."))
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def plans(request):
    actor = _plan_reader(request)
    first, last = _default_period()
    values = {"agency": "", "title": "", "first": first, "last": last}
    error, status = None, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            plan = evaluation.action_plan_create(
                actor=actor, agency_code=values["agency"], title=values["title"], first=values["first"], last=values["last"]
            )
        except DomainError as err:
            error, status = err, err.status
        else:
            messages.success(request, _("Action plan “%(title)s” created.") % {"title": plan.title})
            return redirect("monev:evaluation_plan", plan_id=plan.pk)
    return render(
        request,
        "monev/evaluation_plans.html",
        {
            "plans": evaluation.plans_visible_to(actor)[:200],
            "agencies": _agency_choices(actor),
            "evaluator": evaluation.may_evaluate(actor),
            "values": values,
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, plan_id):
    actor = _plan_reader(request)
    found = evaluation.plan_for(actor, plan_id)
    if found is None:
        raise Http404
    values = {"action": "", "target": "", "owner": "", "due": "", "status": EvaluationStatus.PLANNED}
    error, status = None, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            evaluation.action_plan_add_item(
                actor=actor, plan_id=found.pk, action=values["action"], target=values["target"],
                owner_position_id=values["owner"], due=values["due"], status=values["status"],
            )
        except DomainError as err:
            error, status = err, err.status
        else:
            messages.success(request, _("Item added to the action plan."))
            return redirect("monev:evaluation_plan", plan_id=found.pk)
    writable = evaluation.may_write_plan(actor, found)
    return render(
        request,
        "monev/evaluation_plan.html",
        {
            "plan": found,
            "items": found.items.select_related("owner__agency"),
            "writable": writable,
            "evaluator": evaluation.may_evaluate(actor),
            "owners": evaluation.owner_positions(found.agency).order_by("agency__name", "title") if writable else [],
            "statuses": EvaluationStatus.choices,
            "values": values,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def plan_item(request, item_id):
    actor = _plan_reader(request)
    try:
        item = evaluation.action_plan_update_item(
            actor=actor, item_id=item_id, progress=request.POST.get("progress", ""),
            notes=request.POST.get("notes", ""), status=request.POST.get("status", ""),
        )
    except DomainError as err:
        messages.error(request, err.message)
        plan_id = request.POST.get("plan", "")
        if plan_id.isdigit() and evaluation.plan_for(actor, int(plan_id)) is not None:
            return redirect("monev:evaluation_plan", plan_id=int(plan_id))
        return redirect("monev:evaluation_plans")
    messages.success(request, _("Progress of “%(action)s” saved.") % {"action": item.action})
    return redirect("monev:evaluation_plan", plan_id=item.plan_id)


@login_required
@require_GET
def plans_export(request, fmt):
    actor = _plan_reader(request)
    fmt = _format(fmt)
    header, rows = exports.action_plans(evaluation.plans_visible_to(actor))
    return exports.response(fmt, "evaluasi-rencana-aksi", header, rows)


@login_required
@require_GET
def plan_export(request, plan_id, fmt):
    actor = _plan_reader(request)
    found = evaluation.plan_for(actor, plan_id)
    if found is None:
        raise Http404
    fmt = _format(fmt)
    header, rows = exports.action_plans([found])
    return exports.response(fmt, f"evaluasi-rencana-aksi-{found.pk}", header, rows)


# --- ranking ----------------------------------------------------------------------------------
@login_required
def ranking_page(request):
    actor = _evaluator(request)
    first, last = _default_period()
    values = {
        "first": request.GET.get("dari", first),
        "last": request.GET.get("sampai", last),
        "province": request.GET.get("provinsi", ""),
    }
    error, rows, status = None, [], 200
    agencies = evaluation.evaluable_agencies(actor)
    if values["province"]:
        code = values["province"]
        agencies = agencies.filter(Q(region__code=code) | Q(region__code__startswith=code + "."))
    try:
        period = Period.days(values["first"], values["last"])
    except ScopeError:
        error, status = DomainError(_("Give the period as two dates (YYYY-MM-DD), the first not after the last.")), 400
    else:
        rows = ranking.rank(ranking.agency_scopes(agencies.order_by("name")), period)
    return render(
        request,
        "monev/evaluation_ranking.html",
        {
            "rows": rows,
            "weights": ranking.WEIGHTS,
            "values": values,
            "provinces": Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"),
            "error": error,
            "evaluator": True,
        },
        status=status,
    )
