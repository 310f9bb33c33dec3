"""Who may open which page: one declarative table, page × role → where (ADR 0029).

The per-report rules (who may know a report exists, read its content, see its reporter) are
`lapor.reports.policy` (ADR 0009); this table is the other half: the fixed pages — a work list,
a dashboard, the audit log — that a person either may open or is refused (403) whatever report
they hold. Every check of that kind asks `allows(actor, page, code)`, and the menu offers only
what it allows; a page that is allowed may still show nothing (an empty queue).

A role without a row for a page does not open it. A row's condition says where the position
must be: anywhere, at an agency (not a unit), or — for a page about one agency, named by its
code — at that very agency, or at the agency coordinating it. An actor opens the page when one
of its active positions meets its role's condition.

This module reads positions (duck-typed: anything with `positions`) and the agency registry
only, so every layer above (reports, audit, monev, survey, web) may ask it."""

from __future__ import annotations

from enum import StrEnum

from lapor.agencies.models import Agency

from .models import Role


class Page(StrEnum):
    QUEUE = "queue"  # the officer's queue of reports to act on (/petugas/)
    OMBUDSMAN_LIST = "ombudsman_list"  # the Ombudsman's work list (/petugas/ombudsman/, API)
    MANAGE = "manage"  # positions and officials' accounts (/petugas/pengguna/)
    RESPONSE_TEMPLATES = "response_templates"  # writing an agency's response templates (/petugas/templat/)
    DECREES = "decrees"  # agencies' decrees (SK)
    AUDIT = "audit"  # the audit log and its CSV export
    MONITORING = "monitoring"  # the list of dashboards (/monev/)
    DASHBOARD_NATIONAL = "dashboard:national"
    DASHBOARD_KSP = "dashboard:ksp"
    DASHBOARD_OMBUDSMAN = "dashboard:ombudsman"
    DASHBOARD_PROVINCE = "dashboard:province"  # one province (by code)
    DASHBOARD_COORDINATOR = "dashboard:coordinator"  # one coordinating agency's meso view (by code)
    DASHBOARD_AGENCY = "dashboard:agency"  # one agency (by code), and its open reports
    EVALUATION = "evaluation"  # follow-up quality reviews and preventive actions (/monev/evaluasi/)
    ACTION_PLANS = "action_plans"  # action plans (/monev/evaluasi/rencana-aksi/)
    SURVEY_FREE_TEXT = "survey_free_text"  # the user survey's written answers (redacted) on its results page
    API_CLIENTS = "api_clients"  # agencies' API clients (/petugas/klien-api/, ADR 0036)


class Where(StrEnum):
    ANYWHERE = "anywhere"  # any active position with the role
    AT_AGENCY = "at_agency"  # a position at an agency, not at a unit
    OWN_AGENCY = "own_agency"  # a position at the page's agency (not a unit)
    COORDINATED = "coordinated"  # a position at an agency (not a unit) coordinating the page's agency


R, W = Role, Where
# fmt: off
PAGES: dict[tuple[str, str], str] = {
    # Work lists: the handling chain's queue; the Ombudsman's own list.
    (Page.QUEUE, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.QUEUE, R.AGENCY_ADMIN): W.ANYWHERE,
    (Page.QUEUE, R.LIAISON_OFFICER): W.ANYWHERE,
    (Page.OMBUDSMAN_LIST, R.OMBUDSMAN): W.ANYWHERE,
    # Administration (ADR 0012): positions and accounts, API clients, response templates, decrees, audit.
    (Page.MANAGE, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.MANAGE, R.AGENCY_ADMIN): W.ANYWHERE,
    (Page.RESPONSE_TEMPLATES, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.RESPONSE_TEMPLATES, R.AGENCY_ADMIN): W.ANYWHERE,
    (Page.API_CLIENTS, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.API_CLIENTS, R.AGENCY_ADMIN): W.ANYWHERE,
    (Page.DECREES, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.DECREES, R.AGENCY_ADMIN): W.ANYWHERE,
    (Page.DECREES, R.AUDITOR): W.ANYWHERE,
    (Page.AUDIT, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.AUDIT, R.AGENCY_ADMIN): W.ANYWHERE,
    (Page.AUDIT, R.AUDITOR): W.ANYWHERE,
    # Monitoring (ADR 0015): the national desk opens every dashboard; the others what the access
    # policy lets them view (their agency, the agencies they coordinate, priority programmes, the
    # Ombudsman's cases).
    (Page.MONITORING, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.MONITORING, R.KSP): W.ANYWHERE,
    (Page.MONITORING, R.OMBUDSMAN): W.ANYWHERE,
    (Page.MONITORING, R.COORDINATOR): W.AT_AGENCY,
    (Page.MONITORING, R.AGENCY_ADMIN): W.AT_AGENCY,
    (Page.MONITORING, R.AUDITOR): W.AT_AGENCY,
    (Page.DASHBOARD_NATIONAL, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.DASHBOARD_KSP, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.DASHBOARD_KSP, R.KSP): W.ANYWHERE,
    (Page.DASHBOARD_OMBUDSMAN, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.DASHBOARD_OMBUDSMAN, R.OMBUDSMAN): W.ANYWHERE,
    (Page.DASHBOARD_PROVINCE, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.DASHBOARD_COORDINATOR, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.DASHBOARD_COORDINATOR, R.COORDINATOR): W.OWN_AGENCY,
    (Page.DASHBOARD_AGENCY, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.DASHBOARD_AGENCY, R.AGENCY_ADMIN): W.OWN_AGENCY,
    (Page.DASHBOARD_AGENCY, R.AUDITOR): W.OWN_AGENCY,
    (Page.DASHBOARD_AGENCY, R.COORDINATOR): W.COORDINATED,  # the coordinator's drill-down
    # Evaluation records (ADR 0017): evaluators; action plans also for the units' liaison officers.
    (Page.EVALUATION, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.EVALUATION, R.COORDINATOR): W.ANYWHERE,
    (Page.EVALUATION, R.AGENCY_ADMIN): W.ANYWHERE,
    (Page.EVALUATION, R.AUDITOR): W.ANYWHERE,
    (Page.ACTION_PLANS, R.NATIONAL_ADMIN): W.ANYWHERE,
    (Page.ACTION_PLANS, R.COORDINATOR): W.ANYWHERE,
    (Page.ACTION_PLANS, R.AGENCY_ADMIN): W.ANYWHERE,
    (Page.ACTION_PLANS, R.AUDITOR): W.ANYWHERE,
    (Page.ACTION_PLANS, R.LIAISON_OFFICER): W.ANYWHERE,
    # The survey's written answers may name people (ADR 0018): the national desk only.
    (Page.SURVEY_FREE_TEXT, R.NATIONAL_ADMIN): W.ANYWHERE,
    # The platform operator works in the Django admin, not here: no row.
}
# fmt: on


def _agencies(ids: set[int]):
    """The agencies among `ids` that are not units."""
    return Agency.objects.filter(pk__in=ids, parent__isnull=True)


def _met(where: str, agency_ids: set[int], code: str) -> bool:
    """Whether one of the positions at `agency_ids` meets the condition (one query)."""
    if where == W.AT_AGENCY:
        return _agencies(agency_ids).exists()
    if where == W.OWN_AGENCY:
        return _agencies(agency_ids).filter(code=code).exists()
    if where == W.COORDINATED:
        return Agency.objects.filter(code=code, coordinator_id__in=_agencies(agency_ids).values("pk")).exists()
    raise ValueError(where)


def allows(actor, page: str, code: str = "") -> bool:
    """Whether the actor may open `page` (`code`: the agency a page about one agency is about).
    An unknown page name raises ValueError."""
    page = Page(page)
    pending: dict[str, set[int]] = {}  # condition -> agencies of the positions it applies to
    for position in actor.positions:
        where = PAGES.get((page, position.role))
        if where == W.ANYWHERE:
            return True
        if where is not None:
            pending.setdefault(where, set()).add(position.agency_id)
    return any(_met(where, ids, code) for where, ids in pending.items())

