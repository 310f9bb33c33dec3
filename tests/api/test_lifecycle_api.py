"""Every lifecycle action endpoint, walked over HTTP with the caller's token or reporter secret,
plus the officers' list and detail views and the OpenAPI document."""

import json
from datetime import timedelta

from lapor.core import clock
from lapor.reports.models import Report, ReportEvent
from lapor.reports.sweep import sla_sweep

from ..conftest import MONDAY_9AM

ACTION_PATHS = [
    "dispose", "request-info", "reject", "forward", "not-our-authority", "archive", "dismiss-appeal", "respond",
    "follow-up", "interim-reply", "supplement", "reply", "rate", "appeal", "ombudsman-consent", "ombudsman-decline",
    "ombudsman-outcome",
]


def test_whole_lifecycle_through_the_api(api, world):
    tn, secret = api.submit()
    desk, city, officer = world.national_admin, world.city_admin, world.education_officer

    r = api.act(tn, "request-info", {"note": "Sebutkan nama sekolah."}, user=desk)
    assert (r["status"], r["stage"], r["due_at"], r["version"]) == ("needs_info", "desk_verification", None, 2)
    assert api.get(f"/reports/{tn}", secret=secret).json()["actions"] == ["supplement"]  # no Ombudsman choice before the offer
    r = api.act(tn, "supplement", {"note": "SDN Karang Pilang 1."}, secret=secret)
    assert (r["status"], r["due_at"]) == ("submitted", "2026-11-26T16:59:59Z")

    r = api.act(tn, "dispose", {"agency": "kota-35-78", "note": "Kewenangan Pemkot."}, user=desk)
    assert (r["status"], r["agency"], r["due_at"]) == ("at_agency", "kota-35-78", "2026-11-26T16:59:59Z")
    r = api.act(tn, "not-our-authority", {"suggested_agency": "kemenkes", "note": "Urusan Kemenkes."}, user=city)
    assert (r["status"], r["agency"], r["suggested_agency"], r["transfer_count"]) == ("returned", None, "kemenkes", 1)
    api.act(tn, "dispose", {"agency": "kota-35-78", "note": "Tetap kewenangan Pemkot (sekolah dasar)."}, user=desk)

    r = api.act(tn, "forward", {"unit": "kota-35-78-disdik"}, user=city)
    assert (r["status"], r["unit"], r["due_at"]) == ("forwarded", "kota-35-78-disdik", "2026-11-30T16:59:59Z")
    r = api.act(tn, "respond", {"note": "Sedang kami periksa."}, user=officer)
    assert r["status"] == "in_process"
    r = api.act(tn, "interim-reply", {"note": "Perlu pemeriksaan lapangan.", "due_date": "2026-12-10"}, user=officer)
    assert (r["status"], r["due_at"]) == ("in_process", "2026-12-10T16:59:59Z")
    r = api.act(tn, "follow-up", {"note": "Uang dikembalikan."}, user=officer)
    assert (r["status"], r["due_at"]) == ("followed_up", "2026-12-07T16:59:59Z")  # 10 HK for the reporter

    r = api.act(tn, "reply", {"note": "Uang belum kembali."}, secret=secret)
    assert (r["status"], r["unit"]) == ("in_process", "kota-35-78-disdik")
    api.act(tn, "follow-up", {"note": "Sudah dikembalikan hari ini."}, user=officer)
    r = api.act(tn, "rate", {"rating": 1, "comment": "Panitia masih memungut."}, secret=secret)
    assert (r["status"], r["rating"], r["rating_comment"], r["due_at"]) == ("closed", 1, "Panitia masih memungut.", None)
    r = api.act(tn, "appeal", {"note": "Pungutan masih terjadi."}, secret=secret)
    assert (r["status"], r["due_at"]) == ("appealed", "2026-11-26T16:59:59Z")
    r = api.act(tn, "dismiss-appeal", {"note": "Sudah diverifikasi: uang telah dikembalikan."}, user=city)
    assert (r["status"], r["version"]) == ("closed", 15)

    events = r["events"]
    assert [e["action"] for e in events] == [
        "submit", "request_info", "supplement", "dispose", "not_our_authority", "dispose", "forward", "respond",
        "interim_reply", "follow_up", "reply", "follow_up", "rate", "appeal", "dismiss_appeal",
    ]
    assert [e["seq"] for e in events] == list(range(1, 16))
    assert [e["actor_role"] for e in events][:4] == ["reporter", "national_admin", "reporter", "national_admin"]
    assert events[6]["agency"] == "Pemerintah Kota Surabaya"
    assert ReportEvent.objects.filter(report__tracking_number=tn).count() == 15


def test_reject_endpoint_closes_with_a_reason_the_reporter_can_read(api, world):
    tn, _ = api.submit()
    r = api.act(tn, "reject", {"reason": "spam", "note": "Pesan uji coba."}, user=world.national_admin)
    assert (r["status"], r["due_at"], r["actions"]) == ("rejected", None, [])
    track = api.get(f"/track/{tn}").json()
    assert (track["status"], track["handled_by"]) == ("rejected", "nobody")
    # The action's data, and the desk's verification stage it ended (monitoring, ADR 0015).
    ended = {"stage_ended": "desk_verification", "stage_due_at": "2026-11-26T16:59:59+00:00", "on_time": True}
    assert (track["timeline"][-1]["data"], track["timeline"][-1]["note"]) == ({"reason": "spam"} | ended, "Pesan uji coba.")


def test_archive_endpoint_marks_a_duplicate(api, world):
    original, _ = api.submit()
    tn, _ = api.submit(target_agency_code="kota-35-78")
    r = api.act(tn, "archive", {"reason": "duplicate", "duplicate_of": original[:5] + "-" + original[5:]}, user=world.city_admin)
    ended = {"stage_ended": "agency_verification", "stage_due_at": "2026-11-26T16:59:59+00:00", "on_time": True}
    assert (r["status"], r["events"][-1]["data"]) == ("archived", {"reason": "duplicate", "duplicate_of": original} | ended)
    assert Report.objects.get(tracking_number=tn).duplicate_of.tracking_number == original


def test_ombudsman_decline_then_consent_after_60_days(api, world):
    tn, secret = api.submit(target_agency_code="kota-35-78")
    api.act(tn, "forward", {"unit": "kota-35-78-disdik"}, user=world.city_admin)
    clock.freeze(MONDAY_9AM + timedelta(days=61))
    assert sla_sweep().counts["offer_ombudsman"] == 1
    assert api.get(f"/track/{tn}").json()["ombudsman_offered"] is True
    r = api.act(tn, "ombudsman-decline", {"note": "Saya tunggu dulu."}, secret=secret)
    assert r["status"] == "forwarded"
    r = api.act(tn, "ombudsman-consent", {"note": "Tolong diteruskan ke Ombudsman."}, secret=secret)
    assert (r["status"], r["due_at"], r["actions"]) == ("ombudsman", None, [])
    assert [e["action"] for e in r["events"]][-2:] == ["ombudsman_decline", "ombudsman_consent"]


def test_officer_list_queue_and_detail(api, world):
    mine, _ = api.submit(target_agency_code="kota-35-78", is_anonymous=True, contact_name="Siti Aminah")
    api.submit(target_agency_code="kemenkes")
    listing = api.get("/reports", user=world.city_admin).json()
    assert (listing["count"], [r["tracking_number"] for r in listing["results"]]) == (1, [mine])
    queue = api.get("/reports?queue=true&status=at_agency", user=world.city_admin).json()
    assert [r["tracking_number"] for r in queue["results"]] == [mine]
    assert api.get("/reports", user=world.national_admin).json()["count"] == 2
    detail = api.get(f"/reports/{mine}", user=world.city_admin).json()
    assert (detail["is_anonymous"], detail["reporter_name"]) == (True, None)
    assert detail["actions"] == ["archive", "forward", "not_our_authority"]
    assert "Siti" not in json.dumps(detail)


def test_openapi_lists_every_action_and_docs_answer(api):
    response = api.http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    assert spec["info"]["title"] == "Lapor API"
    for path in ACTION_PATHS:
        assert f"/api/v1/reports/{{tracking_number}}/{path}" in spec["paths"], path
        assert set(spec["paths"][f"/api/v1/reports/{{tracking_number}}/{path}"]["post"]["responses"]) >= {"200", "403", "404", "409", "422"}
    assert {"/api/v1/reports", "/api/v1/reports/with-attachments", "/api/v1/track/{tracking_number}"} <= set(spec["paths"])
    assert api.http.get("/api/v1/docs").status_code == 200
