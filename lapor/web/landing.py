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

from lapor.accounts.actors import Actor
from lapor.accounts.page_access import Page, allows
from lapor.monev.dashboards import entries_for
from lapor.notices.inbox import unread_count


@dataclass(frozen=True)
class Menu:
    """What the signed-in person's menu offers (each page checks again, through the same table —
    lapor/accounts/page_access.py: the menu only avoids offering what would be refused)."""

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
    unread: int = 0  # a reporter's notifications not read yet (lapor.notices), shown beside the entry


def menu_for(user) -> Menu:
    actor = Actor.for_user(user)
    official = bool(actor.positions) or user.is_staff
    return Menu(
        official=official,
        queue=allows(actor, Page.QUEUE),
        ombudsman=allows(actor, Page.OMBUDSMAN_LIST),
        manage=allows(actor, Page.MANAGE),
        decrees=allows(actor, Page.DECREES),
        audit=allows(actor, Page.AUDIT),
        templates=allows(actor, Page.RESPONSE_TEMPLATES),
        monitoring=allows(actor, Page.MONITORING),
        evaluation="reviews" if allows(actor, Page.EVALUATION) else "plans" if allows(actor, Page.ACTION_PLANS) else "",
        admin=user.is_staff,
        unread=0 if official else unread_count(user),
    )


def landing_url(user) -> str:
    actor = Actor.for_user(user)
    if allows(actor, Page.QUEUE):
        return reverse("web:queue")
    if allows(actor, Page.OMBUDSMAN_LIST):
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
