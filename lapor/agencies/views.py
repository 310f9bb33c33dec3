"""Agencies' decrees (SK) naming who manages their complaints: recorded and revoked by the
agency's admin (or the national desk), read by them and the agency's APIP auditors. The PDF is
served only through `decree_file`, after the same check; everyone else gets 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lapor.accounts.actors import Actor
from lapor.core.errors import DomainError
from lapor.core.numbers import human_size

from . import selectors, services

PAGE_SIZE = 50


def _reader(request) -> Actor:
    actor = Actor.for_user(request.user)
    if not selectors.may_see_decrees(actor):
        raise PermissionDenied(_("Only agency admins, APIP auditors and the national desk read decrees."))
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def decrees(request):
    actor = _reader(request)
    values, error, status = {}, None, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("agency", "number", "date", "title")}
        try:
            decree = services.decree_record(
                actor=actor,
                agency_code=values["agency"],
                number=values["number"],
                decree_date=values["date"],
                title=values["title"],
                upload=request.FILES.get("file"),
            )
        except DomainError as err:
            error, status = err, err.status
        else:
            messages.success(request, _("Decree %(number)s of %(agency)s recorded.") % {"number": decree.number, "agency": decree.agency})
            return redirect("agencies:decrees")
    recordable = selectors.decree_recording_agencies(actor).order_by("name")
    # The national desk may record for hundreds of agencies: it types the code instead of scrolling.
    many = recordable.count() > 20
    page = Paginator(selectors.decrees_visible_to(actor).order_by("agency__name", "-date", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    revocable = set(recordable.values_list("pk", flat=True))
    for decree in page:
        decree.revocable = decree.in_force and decree.agency_id in revocable
    return render(
        request,
        "agencies/decrees.html",
        {
            "page": page,
            "recordable": None if many else list(recordable),
            "may_record": many or recordable.exists(),
            "values": values,
            "error": error,
            "max_size": human_size(settings.LAPOR_MAX_DECREE_BYTES),
        },
        status=status,
    )


@login_required
def decree_file(request, decree_id):
    actor = Actor.for_user(request.user)
    decree = selectors.decrees_visible_to(actor).filter(pk=decree_id).first()
    if decree is None:
        raise Http404
    # A download, not shown inline: a PDF can carry scripts that a browser's viewer would run.
    return FileResponse(decree.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=decree.original_name)


@login_required
@require_POST
def decree_revoke(request, decree_id):
    actor = _reader(request)
    try:
        decree = services.decree_revoke(actor=actor, decree_id=decree_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decree %(number)s is revoked: it no longer counts as in force.") % {"number": decree.number})
    return redirect("agencies:decrees")
