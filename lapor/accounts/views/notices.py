"""What an official is e-mailed about the queues of the positions they hold: one page, one form
(`/petugas/pemberitahuan/`). Thin: parse the form, call `services.set_position_notices` for each
position it lists, in one transaction; the rules are in lapor/accounts/services.py.

The page is about the signed-in person's own posts, not a role's work: anyone holding an active
position opens it (so it needs no row in the page-access table), and the second sign-in step is
required of them by TwoFactorMiddleware like every other page of theirs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lapor.accounts.actors import Actor
from lapor.core.errors import NotFound

from .. import services


def _holder(request) -> Actor:
    """The signed-in official. A platform operator without a position (the menu counts them as
    officials) sees the page with nothing to set; anyone else without one is refused."""
    actor = Actor.for_user(request.user)
    if not actor.positions and not request.user.is_staff:
        raise PermissionDenied(_("Only officials holding a position set what they are e-mailed about its queue."))
    return actor


def _listed(request) -> list[int]:
    """The positions the form lists (a hidden field each), in order, once each. Anything that is
    not a position id is refused like a position one does not hold."""
    ids: list[int] = []
    for value in request.POST.getlist("position"):
        value = value.strip()
        if not value.isdigit():
            raise Http404
        if int(value) not in ids:
            ids.append(int(value))
    return ids


@login_required
@require_http_methods(["GET", "POST"])
def notice_settings(request):
    """GET: a fieldset per position held, with its two flags. POST: sets the flags of every
    position listed (a checkbox absent is off); one position that is not the person's refuses
    the whole form (404) and nothing is saved."""
    actor = _holder(request)
    if request.method == "POST":
        ids = _listed(request)
        held = {p.pk for p in actor.positions}
        if not set(ids) <= held:
            raise Http404  # checked before writing anything; the service checks each one again
        try:
            with transaction.atomic():
                for position_id in ids:
                    services.set_position_notices(
                        actor=actor,
                        position_id=position_id,
                        queue_messages=request.POST.get(f"queue_messages-{position_id}") == "on",
                        daily_digest=request.POST.get(f"daily_digest-{position_id}") == "on",
                    )
        except NotFound:
            raise Http404  # handed over or deactivated meanwhile: the transaction rolled back
        messages.success(request, _("Saved: you are e-mailed about your positions' queues as you chose."))
        return redirect("accounts:notice_settings")
    return render(request, "accounts/notice_settings.html", {"positions": actor.positions})
