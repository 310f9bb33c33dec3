"""Response templates: texts an agency keeps for answering reports. An agency's admins (and the
national desk for its own texts) write them; the agency's officers, including its units'
liaison officers, start an answer from one and adapt it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lapor.accounts.models import Role
from lapor.agencies.models import Agency
from lapor.core import clock
from lapor.core.errors import InvalidInput, NotAllowed

from .models import ResponseTemplate

MAX_TITLE = 120
MAX_BODY = 5000


def _root(agency: Agency) -> Agency:
    """The agency a unit belongs to (units nest a few levels at most)."""
    while agency.parent_id is not None:
        agency = agency.parent
    return agency


def agencies_using(actor) -> set[int]:
    """Agencies whose templates the actor may use: the agencies of their handling positions."""
    roles = {Role.NATIONAL_ADMIN, Role.AGENCY_ADMIN, Role.LIAISON_OFFICER}
    return {_root(p.agency).pk for p in actor.positions if p.role in roles}


def agencies_managed(actor) -> list[Agency]:
    """Agencies whose templates the actor may write: an agency admin's agency, and the national
    desk's own for the national admin."""
    return sorted(
        {_root(p.agency) for p in actor.positions if p.role in (Role.AGENCY_ADMIN, Role.NATIONAL_ADMIN)},
        key=lambda a: a.name,
    )


def templates_for(actor):
    """Active templates the actor may start an answer from."""
    return ResponseTemplate.objects.filter(agency_id__in=agencies_using(actor), is_active=True).select_related("agency")


def templates_managed_by(actor):
    return ResponseTemplate.objects.filter(agency__in=agencies_managed(actor)).select_related("agency").order_by("agency__name", "title")


def template_save(*, actor, agency_id: int | None, title: str, body: str, is_active: bool = True, template_id: int | None = None) -> ResponseTemplate:
    """Create or change a template; refuses other agencies' templates and writes nothing then."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise InvalidInput(_("Give the template a title."), field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(_("The title is at most %(n)d characters.") % {"n": MAX_TITLE}, field="title")
    if not body:
        raise InvalidInput(_("Write the text of the template."), field="body")
    if len(body) > MAX_BODY:
        raise InvalidInput(_("The text is at most %(n)d characters.") % {"n": MAX_BODY}, field="body")
    managed = {a.pk for a in agencies_managed(actor)}
    try:
        with transaction.atomic():
            if template_id is not None:
                template = ResponseTemplate.objects.select_for_update().filter(pk=template_id, agency_id__in=managed).first()
                if template is None:
                    raise NotAllowed(_("You may not change this template."))
            else:
                if agency_id not in managed:
                    raise NotAllowed(_("You may not write templates for this agency."))
                template = ResponseTemplate(agency_id=agency_id)
            template.title, template.body, template.is_active = title, body, is_active
            template.updated_by, template.updated_at = actor.user, clock.now()
            template.save()
    except IntegrityError:
        raise InvalidInput(_("This agency already has a template with that title."), field="title") from None
    return template
