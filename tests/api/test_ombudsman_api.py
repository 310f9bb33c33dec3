"""POST /api/v1/reports/{tn}/ombudsman-outcome: the Ombudsman records its outcome on a transferred
report over the API (ADR 0023); its input schema, the guards as HTTP statuses, and what the
reporter and the public then read."""

from __future__ import annotations

from lapor.reports.models import Report

from ..conftest import transfer_to_ombudsman

NOTE = "Laporan Anda kami terima untuk diperiksa."


def _transferred(api, *, anonymous=False):
    tn, secret = api.submit(target_agency_code="kota-35-78", is_anonymous=anonymous)
    transfer_to_ombudsman(Report.objects.get(tracking_number=tn), secret)
    return tn, secret


def test_the_ombudsman_records_accepted_then_resolved(api, world, ombudsman):
    tn, secret = _transferred(api)
    detail = api.get(f"/reports/{tn}", user=ombudsman).json()
    assert (detail["status"], detail["actions"], detail["ombudsman_outcome"]) == ("ombudsman", ["ombudsman_outcome"], None)
    r = api.act(tn, "ombudsman-outcome", {"outcome": "accepted", "note": NOTE, "expected_version": detail["version"]}, user=ombudsman)
    assert (r["status"], r["ombudsman_outcome"], r["version"], r["actions"]) == ("ombudsman", "accepted", detail["version"] + 1, ["ombudsman_outcome"])
    last = r["events"][-1]
    assert (last["action"], last["actor_role"], last["data"], last["note"], last["agency"]) == (
        "ombudsman_outcome", "ombudsman", {"outcome": "accepted"}, NOTE, "Ombudsman Republik Indonesia")
    r = api.act(tn, "ombudsman-outcome", {"outcome": "resolved", "note": "Instansi telah memperbaiki layanannya."}, user=ombudsman)
    assert (r["ombudsman_outcome"], r["actions"]) == ("resolved", [])
    # The reporter and the public read the notes on the timeline.
    mine = api.get(f"/reports/{tn}", secret=secret).json()
    assert [e["note"] for e in mine["events"] if e["action"] == "ombudsman_outcome"] == [NOTE, "Instansi telah memperbaiki layanannya."]
    track = api.get(f"/track/{tn}").json()
    assert track["handled_by"] == "nobody"
    assert [e["data"]["outcome"] for e in track["timeline"] if e["action"] == "ombudsman_outcome"] == ["accepted", "resolved"]


def test_the_guards_answer_with_http_statuses(api, world, ombudsman, unchanged):
    tn, _ = _transferred(api)
    with unchanged():
        for body, field in (({"outcome": "approved", "note": NOTE}, "outcome"), ({"note": NOTE}, "outcome"),
                            ({"outcome": "accepted"}, "note"), ({"outcome": "accepted", "note": "Terima."}, "note")):
            response = api.post(f"/reports/{tn}/ombudsman-outcome", body, user=ombudsman)
            assert response.status_code == 422, (body, response.content)
            assert response.json()["field"] == field, response.json()
        assert api.post(f"/reports/{tn}/ombudsman-outcome", {"outcome": "accepted", "note": NOTE, "expected_version": 1},
                        user=ombudsman).json()["code"] == "version_conflict"
    api.act(tn, "ombudsman-outcome", {"outcome": "closed", "note": "Pemeriksaan ditutup: bukan maladministrasi."}, user=ombudsman)
    with unchanged():
        response = api.post(f"/reports/{tn}/ombudsman-outcome", {"outcome": "resolved", "note": NOTE}, user=ombudsman)
        assert (response.status_code, response.json()["code"]) == (409, "ombudsman_concluded")


def test_nobody_else_records_an_outcome(api, world, ombudsman, unchanged):
    tn, secret = _transferred(api)
    body = {"outcome": "accepted", "note": NOTE}
    with unchanged():
        assert api.post(f"/reports/{tn}/ombudsman-outcome", body).status_code == 403  # nobody signed in
        assert api.post(f"/reports/{tn}/ombudsman-outcome", body, secret=secret).status_code == 403  # the reporter
        for user in (world.national_admin, world.city_admin):
            assert api.post(f"/reports/{tn}/ombudsman-outcome", body, user=user).status_code == 403
        for user in (world.ministry_admin, world.outsider):  # may not know the report
            assert api.post(f"/reports/{tn}/ombudsman-outcome", body, user=user).status_code == 404
    # Not transferred (still at the agency): no outcome to record, whoever asks.
    other, _ = api.submit(target_agency_code="kota-35-78")
    with unchanged():
        assert api.post(f"/reports/{other}/ombudsman-outcome", body, user=world.city_admin).status_code == 409


def test_the_schema_documents_the_endpoint(api, world):
    spec = api.http.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/reports/{tracking_number}/ombudsman-outcome"]["post"]
    assert operation["operationId"] == "report_ombudsman_outcome"
    assert "(Ombudsman)" in operation["summary"]
    schema = spec["components"]["schemas"]["OmbudsmanOutcomeIn"]
    assert set(schema["required"]) == {"outcome", "note"}
