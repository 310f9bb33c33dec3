"""POST /api/v1/reports and GET /api/v1/track/<n>: who owns a new report, what the public sees,
idempotent retries and the anonymous rate limit."""

import time

from django.core.cache import cache

from lapor.reports.models import IdempotencyRecord, Report, ReportEvent
from lapor.reports.tokens import reporter_secret_for

from ..conftest import GOOD_REPORT


def test_anonymous_submission_returns_number_secret_and_due_time(api):
    response = api.post("/reports", {**GOOD_REPORT, "contact_name": "Siti Aminah"})
    assert response.status_code == 201
    body = response.json()
    report = Report.objects.get()
    assert body == {
        "tracking_number": report.tracking_number,
        "status": "submitted",
        "due_at": "2026-11-26T16:59:59Z",  # Thursday 23:59:59 WIB: 3 working days
        "reporter_secret": reporter_secret_for(report.tracking_number),
        "track_url": f"/lacak/{report.tracking_number}/",
    }
    assert len(report.tracking_number) == 10
    assert (report.reporter, report.contact_name, report.channel) == (None, "Siti Aminah", "api")
    assert "Idempotent-Replayed" not in response.headers


def test_submission_with_a_token_belongs_to_that_user_and_has_no_secret(api, world):
    response = api.post("/reports", GOOD_REPORT, user=world.citizen)
    assert response.status_code == 201
    assert response.json()["reporter_secret"] is None
    report = Report.objects.get(tracking_number=response.json()["tracking_number"])
    assert report.reporter == world.citizen
    # The owner reads the full report with the token alone.
    detail = api.get(f"/reports/{report.tracking_number}", user=world.citizen).json()
    assert (detail["reporter_name"], detail["title"]) == ("Warga", GOOD_REPORT["title"])


def test_submission_with_target_agency_starts_at_that_agency(api):
    tracking_number, _ = api.submit(target_agency_code="kota-35-78")
    track = api.get(f"/track/{tracking_number}").json()
    assert (track["status"], track["handled_by"], track["handling_agency"]) == ("at_agency", "agency_admin", "Pemerintah Kota Surabaya")


def test_track_shows_status_and_timeline_but_never_the_reporter(api, world):
    tracking_number, secret = api.submit(contact_name="Siti Aminah", contact_email="siti@example.id", contact_phone="0812 3456 7890")
    api.act(tracking_number, "dispose", {"agency": "kota-35-78", "note": "internal: kewenangan pemkot"}, user=world.national_admin)
    response = api.get(f"/track/{tracking_number.lower()[:5] + '-' + tracking_number.lower()[5:]}")
    assert response.status_code == 200
    body = response.json()
    assert (body["tracking_number"], body["status"], body["handled_by"]) == (tracking_number, "at_agency", "agency_admin")
    assert (body["title"], body["description"], body["region"]) == (GOOD_REPORT["title"], GOOD_REPORT["description"], "Karang Pilang")
    assert body["category"] == "PPDB"
    assert [(e["seq"], e["action"], e["from_status"], e["to_status"]) for e in body["timeline"]] == [
        (1, "submit", "", "submitted"),
        (2, "dispose", "submitted", "at_agency"),
    ]
    assert body["timeline"][1]["note"] == ""  # the desk's note is internal
    text = response.content.decode()
    for personal in ("Siti", "Aminah", "siti@example.id", "0812", secret):
        assert personal not in text
    assert not {"reporter_name", "contact_name", "contact_email", "contact_phone"} & set(body)


def test_track_hides_title_and_description_of_a_confidential_report(api):
    tracking_number, _ = api.submit(is_confidential=True)
    body = api.get(f"/track/{tracking_number}").json()
    assert (body["title"], body["description"], body["status"]) == (None, None, "submitted")
    assert GOOD_REPORT["title"] not in api.get(f"/track/{tracking_number}").content.decode()


# --- Idempotency-Key ---------------------------------------------------------------------------
def test_same_idempotency_key_and_body_replays_the_first_result(api):
    first = api.post("/reports", GOOD_REPORT, **{"Idempotency-Key": "retry-key-0001"})
    second = api.post("/reports", GOOD_REPORT, **{"Idempotency-Key": "retry-key-0001"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert (Report.objects.count(), ReportEvent.objects.count(), IdempotencyRecord.objects.count()) == (1, 1, 1)


def test_same_idempotency_key_with_another_body_is_409_and_writes_nothing(api, unchanged):
    assert api.post("/reports", GOOD_REPORT, **{"Idempotency-Key": "retry-key-0002"}).status_code == 201
    with unchanged():
        response = api.post("/reports", {**GOOD_REPORT, "title": "Another problem entirely"}, **{"Idempotency-Key": "retry-key-0002"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This Idempotency-Key was already used for a different report. Use a new key for a new report.",
        "code": "idempotency_mismatch",
        "field": None,
    }


def test_idempotency_key_shorter_than_8_is_422_and_writes_nothing(api, unchanged):
    with unchanged():
        response = api.post("/reports", GOOD_REPORT, **{"Idempotency-Key": "short"})
    assert response.status_code == 422
    assert response.json() == {"detail": "The Idempotency-Key must be 8 to 200 characters.", "code": "invalid", "field": "Idempotency-Key"}


def test_idempotency_keys_of_different_users_do_not_collide(api, world):
    mine = api.post("/reports", GOOD_REPORT, user=world.citizen, **{"Idempotency-Key": "shared-key-01"}).json()
    theirs = api.post("/reports", GOOD_REPORT, user=world.outsider, **{"Idempotency-Key": "shared-key-01"}).json()
    assert mine["tracking_number"] != theirs["tracking_number"]
    assert Report.objects.get(tracking_number=theirs["tracking_number"]).reporter == world.outsider


# --- rate limit ----------------------------------------------------------------------------------
def _not_at_a_window_edge():
    """The limiter counts per wall-clock minute: keep three requests inside one window."""
    if time.time() % 60 > 58:
        time.sleep(2.5)
    cache.clear()


def test_anonymous_submissions_over_the_limit_are_429_and_write_nothing(api, settings, unchanged):
    settings.LAPOR_ANON_SUBMISSIONS_PER_MINUTE = 2
    _not_at_a_window_edge()
    assert [api.post("/reports", GOOD_REPORT).status_code for _ in range(2)] == [201, 201]
    with unchanged():
        response = api.post("/reports", GOOD_REPORT)
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many reports from your address; please wait a minute and try again.",
        "code": "rate_limited",
        "field": None,
    }


def test_signed_in_submissions_are_not_rate_limited(api, settings, world):
    settings.LAPOR_ANON_SUBMISSIONS_PER_MINUTE = 2
    _not_at_a_window_edge()
    assert [api.post("/reports", GOOD_REPORT, user=world.citizen).status_code for _ in range(3)] == [201, 201, 201]


# --- notes: internal ones stay with officials; a confidential report's notes are not public ---------
def test_public_track_of_a_confidential_report_hides_every_note(api, world):
    tn, secret = api.submit(is_confidential=True)
    api.act(tn, "request-info", {"note": "Sebutkan nama sekolah."}, user=world.national_admin)
    api.act(tn, "supplement", {"note": "SDN Karang Pilang 1, kelas 1."}, secret=secret)
    public = api.get(f"/track/{tn}")
    assert [(e["action"], e["note"]) for e in public.json()["timeline"]] == [("submit", ""), ("request_info", ""), ("supplement", "")]
    assert "Karang Pilang 1" not in public.content.decode()
    own = api.get(f"/reports/{tn}", secret=secret).json()
    assert [e["note"] for e in own["events"]] == ["", "Sebutkan nama sekolah.", "SDN Karang Pilang 1, kelas 1."]


def test_reporter_reads_public_notes_only_and_officials_read_all(api, world):
    tn, secret = api.submit()
    api.act(tn, "dispose", {"agency": "kota-35-78", "note": "Internal: kepala sekolah kerabat pejabat."}, user=world.national_admin)
    api.act(tn, "forward", {"unit": "kota-35-78-disdik", "note": "Internal: prioritaskan."}, user=world.city_admin)
    api.act(tn, "follow-up", {"note": "Uang dikembalikan."}, user=world.education_officer)
    as_reporter = api.act(tn, "reply", {"note": "Belum kembali."}, secret=secret)
    expected_public = [("submit", ""), ("dispose", ""), ("forward", ""), ("follow_up", "Uang dikembalikan."), ("reply", "Belum kembali.")]
    assert [(e["action"], e["note"]) for e in as_reporter["events"]] == expected_public
    assert [(e["action"], e["note"]) for e in api.get(f"/reports/{tn}", secret=secret).json()["events"]] == expected_public
    for official in (world.national_admin, world.city_admin, world.education_officer):
        notes = [e["note"] for e in api.get(f"/reports/{tn}", user=official).json()["events"]]
        assert notes[1:3] == ["Internal: kepala sekolah kerabat pejabat.", "Internal: prioritaskan."]


def test_signed_in_reporter_reads_public_notes_only(api, world):
    tn, _ = api.submit(world.citizen, target_agency_code="kota-35-78")
    api.act(tn, "forward", {"unit": "kota-35-78-disdik", "note": "Internal: prioritaskan."}, user=world.city_admin)
    events = api.get(f"/reports/{tn}", user=world.citizen).json()["events"]
    assert [(e["action"], e["note"]) for e in events] == [("submit", ""), ("forward", "")]
