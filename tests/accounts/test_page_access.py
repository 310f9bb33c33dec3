"""Who may open which page (ADR 0029): the table of lapor/accounts/page_access.py walked role by
role, and every page's own check (and the menu) giving the same answer.

The expectations are written out by hand (not derived from page_access.PAGES), like those of
tests/reports/test_policy.py for the per-report policy."""

from __future__ import annotations

import pytest

from lapor.accounts import page_access
from lapor.accounts.models import Position, Role
from lapor.accounts.page_access import Page
from lapor.agencies.models import Agency
from lapor.accounts.actors import Actor

from ..conftest import _user

P = Page
# The agencies a page about one agency may be about: the city (coordinated by the province), its
# unit, another agency, the province itself, and none.
CITY, UNIT, OTHER, PROVINCE = "kota-35-78", "kota-35-78-disdik", "kemenkes", "prov-35"
CODES = (CITY, UNIT, OTHER, PROVINCE, "")
PER_AGENCY = (P.DASHBOARD_COORDINATOR, P.DASHBOARD_AGENCY)
ROLES = ["national_admin", "agency_admin", "unit_admin", "liaison_officer", "auditor", "coordinator", "ksp", "ombudsman",
         "operator", "citizen"]
ALL_PAGES = {p for p in Page if p not in PER_AGENCY} | {(p, c) for p in PER_AGENCY for c in CODES}

# role -> the pages it opens; a page about one agency as (page, code).
EXPECTED = {
    "national_admin": ALL_PAGES - {P.OMBUDSMAN_LIST},
    "agency_admin": {P.QUEUE, P.MANAGE, P.API_CLIENTS, P.RESPONSE_TEMPLATES, P.DECREES, P.AUDIT, P.MONITORING, P.EVALUATION,
                     P.ACTION_PLANS, (P.DASHBOARD_AGENCY, CITY)},
    # An agency-admin post at a unit: the same work, but no dashboard (dashboards are of agencies).
    "unit_admin": {P.QUEUE, P.MANAGE, P.API_CLIENTS, P.RESPONSE_TEMPLATES, P.DECREES, P.AUDIT, P.EVALUATION, P.ACTION_PLANS},
    "liaison_officer": {P.QUEUE, P.ACTION_PLANS},
    "auditor": {P.DECREES, P.AUDIT, P.MONITORING, P.EVALUATION, P.ACTION_PLANS, (P.DASHBOARD_AGENCY, CITY)},
    "coordinator": {P.MONITORING, P.EVALUATION, P.ACTION_PLANS, (P.DASHBOARD_COORDINATOR, PROVINCE),
                    (P.DASHBOARD_AGENCY, CITY)},
    "ksp": {P.MONITORING, P.DASHBOARD_KSP},
    "ombudsman": {P.OMBUDSMAN_LIST, P.MONITORING, P.DASHBOARD_OMBUDSMAN},
    "operator": set(),
    "citizen": set(),
}


@pytest.fixture
def people(world):
    province = Agency.objects.create(code=PROVINCE, name="Pemerintah Provinsi Jawa Timur", kind=Agency.Kind.PROVINCE,
                                     region=world.province)
    Agency.objects.filter(pk=world.city.pk).update(coordinator=province)
    ksp = Agency.objects.create(code="ksp", name="Kantor Staf Presiden", kind=Agency.Kind.PRESIDENTIAL_STAFF)
    users = {"national_admin": world.national_admin, "agency_admin": world.city_admin,
             "liaison_officer": world.education_officer, "citizen": world.citizen}
    for role, position_role, agency in [
        ("unit_admin", Role.AGENCY_ADMIN, world.city_education), ("auditor", Role.AUDITOR, world.city),
        ("coordinator", Role.COORDINATOR, province), ("ksp", Role.KSP, ksp),
        ("ombudsman", Role.OMBUDSMAN, Agency.objects.get(code="ombudsman")), ("operator", Role.OPERATOR, world.desk),
    ]:
        users[role] = _user(role)
        Position.objects.create(role=position_role, agency=agency, title=role, holder=users[role])
    return users


def _probes():
    for page in Page:
        if page in PER_AGENCY:
            yield from (((page, code), page, code) for code in CODES)
        else:
            yield page, page, ""


def test_the_table_gives_each_role_exactly_its_pages(people):
    problems = []
    for role in ROLES:
        actor = Actor.for_user(people[role])
        for key, page, code in _probes():
            expected = key in EXPECTED[role]
            if page_access.allows(actor, page, code) != expected:
                problems.append(f"{role} x {key}: expected {'allowed' if expected else 'refused'}")
    assert not problems, "\n".join(problems)


def test_an_unknown_page_is_an_error_not_a_refusal(people):
    with pytest.raises(ValueError):
        page_access.allows(Actor.for_user(people["national_admin"]), "no-such-page")


def test_a_person_with_several_positions_opens_what_any_of_them_opens(world, people):
    Position.objects.create(role=Role.AUDITOR, agency=world.ministry, title="APIP Kemenkes", holder=world.education_officer)
    actor = Actor.for_user(world.education_officer)
    assert page_access.allows(actor, P.QUEUE) and page_access.allows(actor, P.AUDIT)
    assert page_access.allows(actor, P.DASHBOARD_AGENCY, OTHER) and not page_access.allows(actor, P.DASHBOARD_AGENCY, CITY)
    # An inactive position opens nothing.
    Position.objects.filter(holder=world.education_officer, role=Role.AUDITOR).update(is_active=False)
    assert not page_access.allows(Actor.for_user(world.education_officer), P.AUDIT)


def test_every_page_check_asks_the_table(people):
    """The checks the pages (and the menu) call, each against the same expectations."""
    from lapor.accounts.services import may_manage
    from lapor.agencies.selectors import may_see_decrees
    from lapor.audit.selectors import may_read_audit
    from lapor.monev import dashboards
    from lapor.monev.evaluation import may_evaluate, may_read_plans
    from lapor.reports.ombudsman import may_use_list
    from lapor.reports.responses import agencies_managed
    from lapor.survey.selectors import may_read_free_text
    from lapor.web.landing import menu_for

    kinds = {P.DASHBOARD_NATIONAL: dashboards.NATIONAL, P.DASHBOARD_KSP: dashboards.KSP,
             P.DASHBOARD_OMBUDSMAN: dashboards.OMBUDSMAN, P.DASHBOARD_PROVINCE: dashboards.PROVINCE,
             P.DASHBOARD_COORDINATOR: dashboards.COORDINATOR, P.DASHBOARD_AGENCY: dashboards.AGENCY}
    problems = []
    for role in ROLES:
        user = people[role]
        actor = Actor.for_user(user)
        menu = menu_for(user)
        answers = [
            (P.QUEUE, "menu", menu.queue),
            (P.OMBUDSMAN_LIST, "may_use_list", may_use_list(actor)),
            (P.OMBUDSMAN_LIST, "menu", menu.ombudsman),
            (P.MANAGE, "may_manage", may_manage(actor)),
            (P.MANAGE, "menu", menu.manage),
            (P.RESPONSE_TEMPLATES, "agencies_managed", bool(agencies_managed(actor))),
            (P.RESPONSE_TEMPLATES, "menu", menu.templates),
            (P.DECREES, "may_see_decrees", may_see_decrees(actor)),
            (P.DECREES, "menu", menu.decrees),
            (P.AUDIT, "may_read_audit", may_read_audit(actor)),
            (P.AUDIT, "menu", menu.audit),
            (P.MONITORING, "entries_for", bool(dashboards.entries_for(actor))),
            (P.MONITORING, "menu", menu.monitoring),
            (P.EVALUATION, "may_evaluate", may_evaluate(actor)),
            (P.EVALUATION, "menu", menu.evaluation == "reviews"),
            (P.ACTION_PLANS, "may_read_plans", may_read_plans(actor)),
            (P.ACTION_PLANS, "menu", menu.evaluation in ("reviews", "plans")),
            (P.SURVEY_FREE_TEXT, "may_read_free_text", may_read_free_text(user)),
        ]
        answers += [(page, "may_open", dashboards.may_open(actor, kind)) for page, kind in kinds.items() if page not in PER_AGENCY]
        answers += [((page, code), "may_open", dashboards.may_open(actor, kinds[page], code)) for page in PER_AGENCY for code in CODES]
        for key, check, answer in answers:
            if answer != (key in EXPECTED[role]):
                problems.append(f"{role} x {key}: {check} says {'allowed' if answer else 'refused'}")
    assert not problems, "\n".join(problems)
