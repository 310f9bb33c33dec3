"""Every error status of the API: a JSON body {detail, code, field} with a precise message, and
nothing written (reports, events, attachments, idempotency records, files, versions)."""

import pytest

from ..conftest import GOOD_REPORT


def error(response) -> tuple:
    body = response.json()
    return response.status_code, body["detail"], body["code"], body["field"]


@pytest.fixture
def followed_up(api, world):
    """A guest's report waiting for the reporter's reply or rating: (tracking number, secret)."""
    tn, secret = api.submit(target_agency_code="kota-35-78")
    api.act(tn, "forward", {"unit": "kota-35-78-disdik"}, user=world.city_admin)
    api.act(tn, "follow-up", {"note": "Selesai."}, user=world.education_officer)
    return tn, secret


# --- 400 -----------------------------------------------------------------------------------------
def test_malformed_json_body_is_400(api, world, unchanged):
    tn, _ = api.submit()
    with unchanged():
        submit = api.post("/reports", raw='{"title": "Pungutan liar", ')
        action = api.post(f"/reports/{tn}/dispose", raw="{agency: kota-35-78}", user=world.national_admin)
    expected = (400, "The request body could not be read: send valid JSON.", "malformed_body", None)
    assert error(submit) == error(action) == expected


# --- 401 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "authorization, detail",
    [
        (None, "Sign in with an API token to use this endpoint."),
        ("Bearer lpr_not-a-real-token", "The API token is not valid."),
        ("Basic ZGVzazpwYXNz", "Use the header “Authorization: Bearer <token>”."),
        ("Bearer ", "Use the header “Authorization: Bearer <token>”."),
    ],
)
def test_list_without_a_valid_token_is_401(api, unchanged, authorization, detail):
    headers = {"Authorization": authorization} if authorization else {}
    api.submit()
    with unchanged():
        response = api.get("/reports", **headers)
    assert error(response) == (401, detail, "unauthenticated", None)


def test_submission_with_a_bad_token_is_401_and_writes_nothing(api, unchanged):
    with unchanged():
        response = api.post("/reports", GOOD_REPORT, Authorization="Bearer lpr_forged")
    assert error(response) == (401, "The API token is not valid.", "unauthenticated", None)


def test_inactive_users_token_is_401(api, world):
    api.get("/reports", user=world.city_admin)  # issues the token
    world.city_admin.is_active = False
    world.city_admin.save()
    assert error(api.get("/reports", user=world.city_admin)) == (401, "The API token is not valid.", "unauthenticated", None)


# --- 403 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", [None, "wrong-secret-000000000000"])
def test_guest_without_the_secret_cannot_rate(api, followed_up, unchanged, secret):
    tn, _ = followed_up
    with unchanged():
        response = api.post(f"/reports/{tn}/rate", {"rating": 5}, secret=secret)
    assert error(response) == (403, "Only the reporter may do this: sign in or give the report's secret code.", "forbidden", None)


def test_officer_acting_outside_their_role_is_403(api, world, unchanged):
    tn, _ = api.submit(target_agency_code="kota-35-78")
    with unchanged():  # the desk sees the report, but forwarding is the agency admin's step
        response = api.post(f"/reports/{tn}/forward", {"unit": "kota-35-78-disdik"}, user=world.national_admin)
    assert error(response) == (403, "You may not take the action “forward to a unit” on this report.", "forbidden", None)


def test_signed_in_citizen_cannot_rate_someone_elses_report(api, world, followed_up, unchanged):
    tn, _ = followed_up
    with unchanged():
        response = api.post(f"/reports/{tn}/rate", {"rating": 5}, user=world.outsider)
    assert error(response)[0] == 404  # a stranger does not learn the report exists


# --- 404 -----------------------------------------------------------------------------------------
def test_unknown_tracking_number_is_404_everywhere(api, world, unchanged):
    expected = (404, "There is no report with the tracking number “ZZZZZZZZZZ”.", "not_found", None)
    with unchanged():
        assert error(api.get("/track/ZZZZZZZZZZ")) == expected
        assert error(api.get("/reports/ZZZZZZZZZZ", user=world.national_admin)) == expected
        assert error(api.post("/reports/ZZZZZZZZZZ/dispose", {"agency": "kota-35-78"}, user=world.national_admin)) == expected


def test_officer_of_another_agency_gets_404_not_403(api, world, unchanged):
    tn, _ = api.submit(target_agency_code="kota-35-78")
    expected = (404, f"There is no report with the tracking number “{tn}”.", "not_found", None)
    with unchanged():
        assert error(api.get(f"/reports/{tn}", user=world.ministry_admin)) == expected
        assert error(api.post(f"/reports/{tn}/forward", {"unit": "kemenkes-yankes"}, user=world.ministry_admin)) == expected
        assert error(api.get(f"/reports/{tn}", user=world.health_officer)) == expected
    assert api.get("/reports", user=world.ministry_admin).json()["count"] == 0


# --- 409 -----------------------------------------------------------------------------------------
def test_forwarding_twice_is_409_illegal_transition(api, world, unchanged):
    tn, _ = api.submit(target_agency_code="kota-35-78")
    api.act(tn, "forward", {"unit": "kota-35-78-disdik"}, user=world.city_admin)
    with unchanged():
        response = api.post(f"/reports/{tn}/forward", {"unit": "kota-35-78-dinkes"}, user=world.city_admin)
    assert error(response) == (
        409,
        "The action “forward to a unit” is not possible while the report is “forwarded to a unit, waiting for its initial response”.",
        "illegal_transition",
        None,
    )


def test_stale_expected_version_is_409_version_conflict(api, world, unchanged):
    tn, _ = api.submit(target_agency_code="kota-35-78")
    api.act(tn, "forward", {"unit": "kota-35-78-disdik", "expected_version": 1}, user=world.city_admin)
    with unchanged():
        response = api.post(f"/reports/{tn}/respond", {"note": "Kami periksa.", "expected_version": 1}, user=world.education_officer)
    assert error(response) == (
        409,
        "The report was changed by someone else (version 2, you had 1). Reload it and try again.",
        "version_conflict",
        None,
    )


def test_rating_twice_is_409(api, followed_up, unchanged):
    tn, secret = followed_up
    api.act(tn, "rate", {"rating": 4}, secret=secret)
    with unchanged():
        response = api.post(f"/reports/{tn}/rate", {"rating": 5}, secret=secret)
    assert error(response) == (409, "This report has already been rated.", "already_rated", None)


# --- 422 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change, detail, field",
    [
        ({"title": "Pungli"}, "The title must be at least 10 characters.", "title"),
        ({"description": "Terlalu pendek."}, "Please describe what happened, where and when, in at least 30 characters.", "description"),
        ({"region_code": "99.99"}, "There is no region with the code “99.99”.", "region_code"),
        ({"latitude": -7.33}, "Please give both latitude and longitude, or neither.", "latitude"),
        ({"latitude": 51.5, "longitude": -0.12}, "The coordinates are outside Indonesia.", "latitude"),
        ({"event_date": "2026-11-24"}, "The date of the event cannot be in the future.", "event_date"),
        ({"type": "complaints"}, "type: Input should be 'complaint', 'aspiration' or 'information'", "type"),
        ({"category_code": "no-such-category"}, "There is no active category with the code “no-such-category”.", "category_code"),
        ({"target_agency_code": "kota-35-78-disdik"}, "There is no agency with the code “kota-35-78-disdik” to send reports to.", "target_agency_code"),
        ({"contact_email": "siti@"}, "Please give a valid e-mail address.", "contact_email"),
    ],
)
def test_invalid_submission_is_422_naming_the_field(api, unchanged, change, detail, field):
    with unchanged():
        response = api.post("/reports", {**GOOD_REPORT, **change})
    assert error(response) == (422, detail, "invalid", field)


def test_rating_6_is_422(api, followed_up, unchanged):
    tn, secret = followed_up
    with unchanged():
        response = api.post(f"/reports/{tn}/rate", {"rating": 6}, secret=secret)
    assert error(response) == (422, "rating: Input should be less than or equal to 5", "invalid", "rating")


def test_invalid_enum_in_an_action_is_422(api, world, unchanged):
    tn, _ = api.submit()
    with unchanged():
        response = api.post(f"/reports/{tn}/reject", {"reason": "boring"}, user=world.national_admin)
    status, detail, code, field = error(response)
    assert (status, code, field) == (422, "invalid", "reason")
    assert detail.startswith("reason: Input should be 'incomplete', 'not_public_service', 'abusive', 'spam' or 'in_court'")


@pytest.mark.parametrize(
    "path, body, detail, field",
    [
        ("dispose", {"agency": "kota-35-78-disdik"}, "Reports are disposed to an agency, not to a unit or the national desk.", "agency"),
        ("dispose", {"agency": "nowhere"}, "There is no active agency with the code “nowhere”.", "agency"),
        ("request-info", {"note": "  "}, "Please tell the reporter what information is missing.", "note"),
    ],
)
def test_invalid_action_payload_is_422(api, world, unchanged, path, body, detail, field):
    tn, _ = api.submit()
    with unchanged():
        response = api.post(f"/reports/{tn}/{path}", body, user=world.national_admin)
    assert error(response) == (422, detail, "invalid", field)
