"""The Ombudsman's working list (ADR 0023): the reports transferred to it, with the outcome it
recorded, and those offered to it that wait for the reporter's consent. Thin: parse the filter,
call the selector, render; the outcome itself is recorded on the report page like every action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode

from lapor.accounts.actors import Actor
from lapor.reports import ombudsman as cases
from lapor.reports.states import OmbudsmanOutcome

PAGE_SIZE = 25


@login_required
def ombudsman(request):
    actor = Actor.for_user(request.user)
    if not cases.may_use_list(actor):
        raise PermissionDenied  # a fixed page, not a report: saying it exists tells nothing, so 403 rather than 404
    f = cases.OmbudsmanFilter.parse(request.GET.get("daftar", ""), request.GET.get("hasil", ""))
    page = Paginator(cases.ombudsman_cases(actor, f), PAGE_SIZE).get_page(request.GET.get("hal"))
    page.object_list = cases.readable_rows(actor, page.object_list)
    counts = cases.ombudsman_counts(actor)
    # The filter's own fields, for the page links (the default list is left out).
    query = {"daftar": f.list if f.list != cases.TRANSFERRED else "", "hasil": f.outcome}
    query = {key: value for key, value in query.items() if value}
    return render(
        request,
        "web/ombudsman.html",
        {
            "page": page,
            "f": f,
            "counts": counts,
            "offered": f.list == cases.OFFERED,
            "outcomes": [(value, label, counts["by_outcome"][value]) for value, label in OmbudsmanOutcome.choices],
            "no_outcome": cases.NO_OUTCOME,
            "query_string": urlencode(query),
        },
    )
