"""Where each person's work is: the page they land on after signing in, and the menu entries
they can use. One definition, read by the sign-in redirect and by the site menu.

- the national desk, agency admins and liaison officers: their queue (reports to act on);
- the Ombudsman: the reports transferred to it;
- supervisors (coordinators: Kemenko and provinces; KSP; APIP auditors): their dashboard (the
  one they may open, or the list when several);
- platform operators without a position: the administration site;
- citizens: their own reports.
A person with several roles lands where the first of these applies."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse

from lapor.accounts.models import Role
from lapor.accounts.services import may_manage
from lapor.agencies.selectors import may_see_decrees
from lapor.audit.selectors import may_read_audit
from lapor.monev.dashboards import entries_for
from lapor.monev.evaluation import may_evaluate, may_read_plans
from lapor.reports.actors import Actor
from lapor.reports.responses import agencies_managed

# Roles whose work comes as a queue of reports to act on.
QUEUE_ROLES = (Role.NATIONAL_ADMIN, Role.AGENCY_ADMIN, Role.LIAISON_OFFICER)


@dataclass(frozen=True)
class Menu:
    """What the signed-in person's menu offers (each page checks again: the menu only avoids
    offering what would be refused)."""

    official: bool
    queue: bool
    ombudsman: bool
    manage: bool
    decrees: bool
    audit: bool
    templates: bool
    monitoring: bool
    evaluation: str  # "reviews" (evaluators), "plans" (liaison officers and agencies) or ""
    admin: bool


def menu_for(user) -> Menu:
    actor = Actor.for_user(user)
    return Menu(
        official=bool(actor.positions) or user.is_staff,
        queue=any(actor.has_role(role) for role in QUEUE_ROLES),
        ombudsman=actor.has_role(Role.OMBUDSMAN),
        manage=may_manage(actor),
        decrees=may_see_decrees(actor),
        audit=may_read_audit(actor),
        templates=bool(agencies_managed(actor)),
        monitoring=bool(entries_for(actor)),
        evaluation="reviews" if may_evaluate(actor) else "plans" if may_read_plans(actor) else "",
        admin=user.is_staff,
    )


def landing_url(user) -> str:
    actor = Actor.for_user(user)
    if any(actor.has_role(role) for role in QUEUE_ROLES):
        return reverse("web:queue")
    if actor.has_role(Role.OMBUDSMAN):
        return reverse("web:ombudsman")
    entries = entries_for(actor)
    if entries:
        return entries[0].url if len(entries) == 1 else reverse("monev:index")
    if user.is_staff:
        return reverse("admin:index")
    return reverse("web:my_reports")


@login_required
def landing(request):
    """After signing in (and the second step for officials): on to where this person's work is."""
    return redirect(landing_url(request.user))
