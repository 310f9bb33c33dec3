"""Agencies' API clients (ADR 0036), managed by agency admins (their agency and its units) and the
national desk (every agency): list them with their keys, create one, rotate its key, revoke it.
A new key is shown once: kept in the session only until the page after the form shows it (a
reload neither shows it again nor sends the form again), and the page is never cached. Thin:
parse the form, call one service of lapor/accounts/clients.py, show its result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.core.errors import DomainError

from .. import clients
from ..models import ApiClient
from ..page_access import Page, allows


def _manager(request) -> Actor:
    actor = Actor.for_user(request.user)
    if not allows(actor, Page.API_CLIENTS):
        raise PermissionDenied(_("Only the agency's admins and the national desk manage its API clients."))
    return actor


_SHOWN_ONCE = "api_client_new_key"


def _show_once(request, key: str):
    request.session[_SHOWN_ONCE] = key
    return redirect("accounts:api_clients")


def _int(value: str) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else 0


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_clients(request):
    actor = _manager(request)
    new_key, error, values, status = request.session.pop(_SHOWN_ONCE, ""), "", {}, 200
    if request.method == "POST":
        verb = request.POST.get("do", "")
        try:
            if verb == "create":
                values = {"name": request.POST.get("name", "")[:200], "agency": request.POST.get("agency", "")[:64],
                          "scopes": request.POST.getlist("scopes")}
                client, key = clients.client_create(actor=actor, agency_code=values["agency"].strip(), name=values["name"],
                                                    scopes=values["scopes"])
                messages.success(request, _("API client “%(name)s” created. Copy its key now: it is not shown again.")
                                 % {"name": client.name})
                return _show_once(request, key)
            elif verb == "rotate":
                key = clients.client_rotate(actor=actor, client_id=_int(request.POST.get("client")))
                messages.success(request, _("A new key was made. Copy it now: it is not shown again. The old keys work for 24 more hours."))
                return _show_once(request, key)
            elif verb == "revoke":
                client = clients.client_revoke(actor=actor, client_id=_int(request.POST.get("client")))
                messages.success(request, _("API client “%(name)s” revoked: none of its keys works any more.") % {"name": client.name})
                return redirect("accounts:api_clients")
            else:
                raise PermissionDenied
        except DomainError as problem:
            error, status = problem.message, problem.status
    rows = list(clients.clients_managed_by(actor))
    now = clock.now()
    for row in rows:
        row.live_keys = [k for k in row.keys.all() if k.expires_at > now] if row.revoked_at is None else []
    return render(request, "accounts/api_clients.html", {
        "rows": rows, "new_key": new_key, "error": error, "values": values,
        "agencies": clients.agencies_for_clients(actor), "scopes": ApiClient.Scope.choices,
    }, status=status)
