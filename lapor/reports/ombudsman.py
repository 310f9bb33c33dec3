"""The Ombudsman's working list (ADR 0023): the reports transferred to it, newest transfer first,
and — to read only — those offered to it that still wait for the reporter's consent.

Reads only, through `selectors.reports_visible_to` (the access policy), so the list can never
show a report the Ombudsman may not know of; titles as the policy lets the Ombudsman read them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from lapor.accounts.page_access import Page, allows
from lapor.core.errors import NotAllowed

from . import policy
from .models import Report
from .selectors import reports_visible_to
from .states import ACTIVE, OmbudsmanOutcome, Status

TRANSFERRED, OFFERED = "transferred", "offered"
LISTS = (TRANSFERRED, OFFERED)
NO_OUTCOME = "none"  # the outcome filter's value for "no outcome recorded yet"
OUTCOME_FILTERS = (NO_OUTCOME, *OmbudsmanOutcome.values)


@dataclass(frozen=True)
class OmbudsmanFilter:
    """Which list, and (transferred reports only) which outcome; "" means any."""

    list: str = TRANSFERRED
    outcome: str = ""

    @classmethod
    def parse(cls, list_name: str, outcome: str) -> "OmbudsmanFilter":
        """From a query string: unknown values are ignored (a stale bookmark still opens the list)."""
        return cls(list_name if list_name in LISTS else TRANSFERRED, outcome if outcome in OUTCOME_FILTERS else "")


def may_use_list(actor) -> bool:
    """The list is the Ombudsman's work: only a position with the Ombudsman role opens it."""
    return allows(actor, Page.OMBUDSMAN_LIST)


def _transferred(actor) -> QuerySet[Report]:
    return reports_visible_to(actor).filter(status=Status.OMBUDSMAN)


def _awaiting_consent(actor) -> QuerySet[Report]:
    # Still handled by the agencies, offered after 60 days, and not declined: the reporter's answer
    # is awaited (one who declined may still consent; they then appear as transferred).
    return reports_visible_to(actor).filter(
        status__in=sorted(ACTIVE), ombudsman_offered_at__isnull=False, ombudsman_declined_at__isnull=True
    )


def ombudsman_cases(actor, f: OmbudsmanFilter = OmbudsmanFilter()) -> QuerySet[Report]:
    """The list's reports: transferred ones newest transfer first (`closed_at` is the moment of the
    transfer: `ombudsman_consent` sets it and nothing after changes it), or offered ones newest
    offer first. NotAllowed (403) for anyone without the Ombudsman role."""
    if not may_use_list(actor):
        raise NotAllowed(_("Only the Ombudsman has this list."))
    if f.list == OFFERED:
        queryset = _awaiting_consent(actor).order_by("-ombudsman_offered_at", "-pk")
    else:
        queryset = _transferred(actor).order_by("-closed_at", "-pk")
        if f.outcome == NO_OUTCOME:
            queryset = queryset.filter(ombudsman_outcome="")
        elif f.outcome:
            queryset = queryset.filter(ombudsman_outcome=f.outcome)
    return queryset.select_related("agency", "unit", "region", "category")


def ombudsman_counts(actor) -> dict:
    """Counts for the list's choices: transferred (in all and per outcome, "none" for no outcome
    yet) and awaiting consent."""
    if not may_use_list(actor):
        raise NotAllowed(_("Only the Ombudsman has this list."))
    by_outcome = {row["ombudsman_outcome"] or NO_OUTCOME: row["n"] for row in
                  _transferred(actor).order_by().values("ombudsman_outcome").annotate(n=Count("pk"))}
    return {
        TRANSFERRED: sum(by_outcome.values()),
        OFFERED: _awaiting_consent(actor).count(),
        "by_outcome": {value: by_outcome.get(value, 0) for value in OUTCOME_FILTERS},
    }


def readable_rows(actor, reports) -> list[Report]:
    """The rows as the actor may read them: `shown_title` is the title (personal data typed into it
    redacted for whoever may not see the reporter), or None when the report is confidential and
    its content closed to the actor (an offered report, before the transfer)."""
    rows = list(reports)
    for report in rows:
        report.shown_title = policy.readable_text(actor, report, report.title) if policy.can_read_content(actor, report) else None
    return rows

