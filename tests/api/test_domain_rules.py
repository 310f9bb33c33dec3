"""Domain rules seen through the API: the messages and refusals a client gets at the edges
(found by writing the API tests; each was a bug once)."""


from lapor.reports.models import Report, ReportEvent

from ..conftest import GOOD_REPORT


def error(response) -> tuple:
    body = response.json()
    return response.status_code, body["detail"], body["code"], body["field"]


def test_reporter_with_the_secret_trying_an_officer_action_is_told_so(api, unchanged):
    tn, secret = api.submit(target_agency_code="kota-35-78")
    with unchanged():
        response = api.post(f"/reports/{tn}/forward", {"unit": "kota-35-78-disdik"}, secret=secret)
    assert error(response) == (403, "You may not take the action “forward to a unit” on this report.", "forbidden", None)


def test_nul_characters_in_a_note_are_dropped_like_at_intake(api, world):
    tn, _ = api.submit(target_agency_code="kota-35-78")
    response = api.post(f"/reports/{tn}/forward", {"unit": "kota-35-78-disdik", "note": "Segera\u0000 ditangani."}, user=world.city_admin)
    assert response.status_code == 200
    assert ReportEvent.objects.get(report__tracking_number=tn, seq=2).note == "Segera ditangani."


def test_supplemented_description_is_limited_like_at_intake(api, world, unchanged):
    tn, secret = api.submit()
    api.act(tn, "request-info", {"note": "Lengkapi kronologinya."}, user=world.national_admin)
    with unchanged():
        response = api.post(f"/reports/{tn}/supplement", {"note": "Kronologi lengkap.", "description": "x" * 20_000}, secret=secret)
    assert error(response) == (422, "The description must be 30 to 10000 characters.", "invalid", "description")


def test_not_our_authority_cannot_name_the_national_desk(api, world, unchanged):
    tn, _ = api.submit(target_agency_code="kota-35-78")
    with unchanged():
        response = api.post(f"/reports/{tn}/not-our-authority", {"suggested_agency": "national-desk", "note": "Bukan kami."}, user=world.city_admin)
    assert error(response) == (422, "Please name another agency that is competent.", "invalid", "suggested_agency")


def test_officer_of_another_agency_with_a_stale_version_still_gets_404(api, world, unchanged):
    tn, _ = api.submit(target_agency_code="kota-35-78")
    with unchanged():
        response = api.post(f"/reports/{tn}/forward", {"unit": "kemenkes-yankes", "expected_version": 7}, user=world.ministry_admin)
    assert error(response) == (404, f"There is no report with the tracking number “{tn}”.", "not_found", None)


def test_same_idempotency_key_with_other_contact_details_is_409(api, unchanged):
    assert api.post("/reports", {**GOOD_REPORT, "contact_email": "siti@example.id"}, **{"Idempotency-Key": "retry-key-0003"}).status_code == 201
    with unchanged():
        response = api.post("/reports", {**GOOD_REPORT, "contact_email": "budi@example.id"}, **{"Idempotency-Key": "retry-key-0003"})
    assert (response.status_code, response.json().get("code")) == (409, "idempotency_mismatch")


def test_forward_to_a_unit_without_a_liaison_officer_is_refused(api, world):
    tn, _ = api.submit(target_agency_code="kota-35-78")
    response = api.post(f"/reports/{tn}/forward", {"unit": "kota-35-78"}, user=world.city_admin)  # no liaison at the agency itself
    assert response.status_code == 422
    assert Report.objects.get(tracking_number=tn).status == "at_agency"
