"""The access policy, role by role and kind of report: who may know a report exists, read a
confidential report's content, see the reporter's identity, read internal notes.

The expectations below are written out by hand from the brief (not derived from policy.POLICY),
and checked three ways: the list filter (SQL), the single-report predicate, and what the API
actually returns, searching every response for the reporter's identity and the secret text."""

from datetime import timedelta

import pytest

from lapor.accounts.actors import Actor
from lapor.accounts.models import ApiToken, Position, Role, User
from lapor.agencies.models import Agency, Category
from lapor.core import clock
from lapor.reports import policy
from lapor.reports.models import Report
from lapor.reports.selectors import reports_visible_to
from lapor.reports.services import report_act, report_submit

from ..conftest import GOOD_REPORT

SECRET_TEXT = "Kepala dinas menerima suap Rp75 juta di rumah makan"
NAME, EMAIL, PHONE = "Siti Aminah", "siti.aminah@example.id", "081234567890"

# Where a report stands -> how to put it there.
PLACES = ["city_agency", "city_unit", "ministry", "priority", "ombudsman_offered", "old_open"]
ROLES = ["national_admin", "agency_admin", "liaison_officer", "auditor", "coordinator", "ksp", "ombudsman", "operator", "other_agency_admin"]

# role -> places whose reports it may know of (VIEW)
VIEW = {
    "national_admin": set(PLACES),
    "agency_admin": {"city_agency", "city_unit"},
    "liaison_officer": {"city_unit"},
    "auditor": {"city_agency", "city_unit"},
    "coordinator": {"city_agency", "city_unit"},
    "ksp": {"priority"},
    "ombudsman": {"ombudsman_offered", "old_open"},
    "operator": set(),
    "other_agency_admin": {"ministry", "priority", "old_open"},
}
# role -> places where it may read a confidential report's content and see identities
HANDLING = {
    "national_admin": set(PLACES),
    "agency_admin": {"city_agency", "city_unit"},
    "liaison_officer": {"city_unit"},
    "auditor": set(),
    "coordinator": set(),
    "ksp": set(),
    "ombudsman": set(),
    "operator": set(),
    "other_agency_admin": {"ministry", "priority", "old_open"},
}


@pytest.fixture
def people(world):
    province = Agency.objects.create(code="prov-35", name="Pemerintah Provinsi Jawa Timur", kind="province", region=world.province)
    Agency.objects.filter(pk=world.city.pk).update(coordinator=province)
    ksp = Agency.objects.create(code="ksp", name="Kantor Staf Presiden", kind="ksp")
    ombudsman = Agency.objects.get(code="ombudsman")
    users = {
        "national_admin": world.national_admin,
        "agency_admin": world.city_admin,
        "liaison_officer": world.education_officer,
        "other_agency_admin": world.ministry_admin,
    }
    for role, agency in [("auditor", world.city), ("coordinator", province), ("ksp", ksp), ("ombudsman", ombudsman), ("operator", world.desk)]:
        user = User.objects.create_user(username=role, password="x")
        Position.objects.create(role=getattr(Role, role.upper()), agency=agency, title=role, holder=user)
        users[role] = user
    return users


def place_report(world, place: str, *, confidential=False, anonymous=False) -> Report:
    data = dict(GOOD_REPORT, description=SECRET_TEXT + " pada 10 November 2026.", contact_name=NAME, contact_email=EMAIL,
                contact_phone=PHONE, is_confidential=confidential, is_anonymous=anonymous)
    if place == "priority":
        priority = Category.objects.create(code="mbg", name="PROGRAM MAKAN BERGIZI GRATIS (MBG)", is_priority=True)
        data.update(category_code=priority.code, target_agency_code="kemenkes")
    elif place in ("ministry",):
        data["target_agency_code"] = "kemenkes"
    elif place in ("city_agency", "city_unit"):
        data["target_agency_code"] = "kota-35-78"
    elif place == "old_open":
        clock.freeze(clock.now() - timedelta(days=61))
        data.update(target_agency_code="kemenkes", event_date="")
    report = report_submit(data=data, actor=Actor()).report
    clock.freeze(clock.now() + timedelta(days=61) if place == "old_open" else clock.now())
    if place == "city_unit":
        report_act(tracking_number=report.tracking_number, action="forward", actor=Actor.for_user(world.city_admin),
                   payload={"unit": "kota-35-78-disdik", "note": "Catatan internal: segera periksa."})
    if place == "ombudsman_offered":
        Report.objects.filter(pk=report.pk).update(ombudsman_offered_at=clock.now())  # still at the national desk
    return Report.objects.select_related("category", "agency", "unit").get(pk=report.pk)


@pytest.mark.parametrize("kind", ["public", "confidential", "anonymous"])
@pytest.mark.parametrize("place", PLACES)
def test_policy_matrix(world, people, client, place, kind):
    report = place_report(world, place, confidential=kind == "confidential", anonymous=kind == "anonymous")
    for role in ROLES:
        actor = Actor.for_user(people[role])
        may_view = place in VIEW[role]
        handling = place in HANDLING[role]
        # 1. the list filter and the single-report predicate agree with the expectation
        assert reports_visible_to(actor).filter(pk=report.pk).exists() is may_view, (role, place, kind)
        assert policy.allows(actor, policy.Permission.VIEW, report) is may_view, (role, place, kind)
        may_read = may_view and (kind != "confidential" or handling)
        assert policy.can_read_content(actor, report) is (kind != "confidential" or handling), (role, place, kind)
        may_identify = kind != "anonymous" and handling
        assert policy.can_see_identity(actor, report) is may_identify, (role, place, kind)

        # 2. what the API returns to this role
        key = ApiToken.issue(user=people[role], name="t")[1]
        headers = {"Authorization": f"Bearer {key}"}
        detail = client.get(f"/api/v1/reports/{report.tracking_number}", headers=headers)
        listing = client.get("/api/v1/reports?page_size=200", headers=headers)
        assert detail.status_code == (200 if may_view else 404), (role, place, kind)
        listed = [r["tracking_number"] for r in listing.json()["results"]]
        assert (report.tracking_number in listed) is may_view, (role, place, kind)
        text = detail.content.decode() + listing.content.decode()
        for marker in (NAME, EMAIL, PHONE):
            assert (marker in text) is (may_view and may_identify and marker == NAME), (role, place, kind, marker)
        assert (SECRET_TEXT in text) is may_read, (role, place, kind)
        if may_view and place == "city_unit":
            # internal notes: officials in scope who may read the content
            internal = "Catatan internal" in detail.content.decode()
            assert internal is (may_read and role != "operator"), (role, place, kind)


def test_public_track_view_never_shows_identity_or_confidential_content(world, client):
    for confidential in (False, True):
        report = place_report(world, "city_unit", confidential=confidential)
        text = client.get(f"/api/v1/track/{report.tracking_number}").content.decode()
        text += client.get(f"/lacak/{report.tracking_number}/").content.decode()
        for marker in (NAME, EMAIL, PHONE, "Catatan internal"):
            assert marker not in text
        assert (SECRET_TEXT in text) is (not confidential)
