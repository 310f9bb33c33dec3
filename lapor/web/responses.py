"""Pages for an agency's response templates (list, write, change, retire)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lapor.accounts.actors import Actor
from lapor.accounts.page_access import Page, allows
from lapor.core.errors import DomainError
from lapor.reports import responses


@login_required
@require_http_methods(["GET", "POST"])
def response_templates(request):
    actor = Actor.for_user(request.user)
    if not allows(actor, Page.RESPONSE_TEMPLATES):
        raise PermissionDenied
    agencies = responses.agencies_managed(actor)
    error, values = None, {}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            raw_id = values.get("template", "")
            template = responses.template_save(
                actor=actor,
                template_id=int(raw_id) if raw_id.isdigit() else None,
                agency_id=int(values["agency"]) if values.get("agency", "").isdigit() else None,
                title=values.get("title", ""),
                body=values.get("body", ""),
                is_active="is_active" in request.POST,
            )
        except DomainError as e:
            error = e
        else:
            messages.success(request, _("Template “%(title)s” saved.") % {"title": template.title})
            return redirect("web:response_templates")
    editing = None
    if request.method == "GET" and request.GET.get("ubah", "").isdigit():
        editing = responses.templates_managed_by(actor).filter(pk=int(request.GET["ubah"])).first()
        if editing is not None:
            values = {"template": editing.pk, "agency": editing.agency_id, "title": editing.title, "body": editing.body, "is_active": editing.is_active}
    return render(
        request,
        "web/response_templates.html",
        {
            "templates": responses.templates_managed_by(actor),
            "agencies": agencies,
            "values": values or {"is_active": True},
            "editing": editing or values.get("template"),
            "error": error,
        },
        status=error.status if error and error.status != 409 else 200,
    )
