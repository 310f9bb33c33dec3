"""Positions and officials' accounts, managed by agency admins (their agency and its units) and by
the national desk (everything): list, create, deactivate and reactivate positions, hand them
over, create an official's account. Thin: parse the form, call one service, show its message;
the rules are in lapor/accounts/services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lapor.accounts.actors import Actor
from lapor.agencies.models import Agency
from lapor.core.errors import DomainError

from .. import services
from ..models import Role, User

PAGE_SIZE = 50


def _manager(request) -> Actor:
    actor = Actor.for_user(request.user)
    if not services.may_manage(actor):
        raise PermissionDenied(_("Only agency admins and the national desk manage positions and accounts."))
    return actor


def _int(value) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


def _back(request):
    """Back to the list the form was posted from (its filters and page), never elsewhere."""
    target = request.POST.get("next") or ""
    home = reverse("accounts:manage")
    if target.startswith(home) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(home)


def _listing(request, actor, *, values=None, error=None, status=200):
    q = (request.GET.get("q") or "").strip()[:100]
    role = request.GET.get("role") or ""
    state = request.GET.get("state") or ""
    rows = services.positions_listed_for(actor).select_related("agency", "holder")
    if q:
        rows = rows.filter(
            Q(title__icontains=q) | Q(agency__name__icontains=q) | Q(agency__code__icontains=q) | Q(holder__username__icontains=q)
        )
    if role in Role.values:
        rows = rows.filter(role=role)
    if state in ("active", "inactive"):
        rows = rows.filter(is_active=state == "active")
    page = Paginator(rows.order_by("agency__name", "role", "title", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [p.pk for p in page]
    managed = set(services.positions_managed_by(actor).filter(pk__in=ids).values_list("pk", flat=True))
    holders = {p.holder_id for p in page if p.holder_id and p.holder.is_active}
    reachable = services.accounts_in_reach(actor, holders)
    for position in page:
        position.manageable = position.pk in managed
        position.holder_deactivatable = position.holder_id in reachable
    tree = services.managed_agencies(actor)
    # An agency admin picks from their tree; the desk, with thousands of agencies, types a code.
    agencies = None if tree is None else Agency.objects.filter(pk__in=tree, is_active=True).order_by("name")
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accounts/manage.html",
        {
            "page": page,
            "q": q,
            "role": role,
            "state": state,
            "roles": Role.choices,
            "filters": params.urlencode(),
            "here": request.get_full_path(),
            "creatable_roles": [(r, Role(r).label) for r in services.creatable_roles(actor)],
            "agencies": agencies,
            "is_national": actor.has_role(Role.NATIONAL_ADMIN),
            "values": values or {},
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    """The list of positions; its form (POST) creates a position."""
    actor = _manager(request)
    if request.method == "GET":
        return _listing(request, actor)
    values = {k: request.POST.get(k, "") for k in ("role", "agency", "title")}
    try:
        position = services.position_create(actor=actor, role=values["role"], agency_code=values["agency"], title=values["title"])
    except DomainError as error:
        return _listing(request, actor, values=values, error=error, status=error.status)
    messages.success(request, _("Position “%(position)s” created. It is vacant: hand it over or create an account for it.") % {"position": position})
    return redirect("accounts:manage")


@login_required
@require_POST
def hand_over(request, position_id):
    actor = _manager(request)
    try:
        position = services.position_hand_over(position_id=position_id, to_username=request.POST.get("username", ""), actor=actor)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(position)s is now held by %(user)s.") % {"position": position.title, "user": position.holder.username})
    return _back(request)


@login_required
@require_POST
def position_active(request, position_id, active: bool):
    actor = _manager(request)
    try:
        position = services.position_set_active(actor=actor, position_id=position_id, active=active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        message = _("%(position)s is active again.") if active else _("%(position)s is deactivated.")
        messages.success(request, message % {"position": position.title})
    return _back(request)


@login_required
@require_POST
def account_deactivate(request, user_id):
    actor = _manager(request)
    try:
        user = services.official_set_active(actor=actor, user_id=user_id, active=False)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account %(user)s is deactivated; its positions are vacant.") % {"user": user.username})
    return _back(request)


@login_required
@require_POST
def account_reactivate(request):
    """The national desk reactivates an account by its username."""
    actor = _manager(request)
    username = (request.POST.get("username") or "").strip()
    user = User.objects.filter(username__iexact=username).first() if username else None
    if user is None:
        messages.error(request, _("There is no account with that username."))
        return _back(request)
    try:
        services.official_set_active(actor=actor, user_id=user.pk, active=True)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account %(user)s is active again. Hand it a position if it needs one.") % {"user": user.username})
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def new_account(request, position_id):
    """Create an official's account for a position; the official sets their own password from
    the invitation sent to their e-mail address."""
    actor = _manager(request)
    position = services.positions_managed_by(actor).select_related("agency", "holder").filter(pk=position_id).first()
    if position is None and request.method == "GET":
        raise Http404
    values, error, status = {}, None, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("username", "full_name", "email")}
        try:
            user = services.official_create(actor=actor, position_id=position_id, **values)
        except DomainError as err:
            if position is None:  # not theirs: refused, and nothing about the position is shown
                raise PermissionDenied(err.message)
            error, status = err, err.status
        else:
            messages.success(
                request,
                _("The account %(user)s now holds %(position)s. An invitation to set a password was sent to %(email)s.")
                % {"user": user.username, "position": position.title, "email": user.email},
            )
            return redirect("accounts:manage")
    return render(request, "accounts/new_account.html", {"position": position, "values": values, "error": error}, status=status)
