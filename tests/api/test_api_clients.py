"""Agency API clients (lapor/accounts/clients.py, ADR 0036): an agency's own application calls the
API as that agency, within its scopes and rate; its keys expire, rotate with an overlap and are
revoked at once; every change is audited; it sees exactly what the agency's admin sees."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lapor.accounts import clients
from lapor.accounts.actors import Actor
from lapor.accounts.models import ApiClientKey
from lapor.audit.models import AuditEntry
from lapor.core import clock
from lapor.core.errors import NotAllowed
from lapor.reports.models import Report

from ..conftest import GOOD_REPORT

READ_SUBMIT = "reports:read,reports:submit"


def create(agency="kota-35-78", name="Aplikasi Sapa Warga", scopes=READ_SUBMIT, *extra) -> str:
    out, err = StringIO(), StringIO()
    call_command("api_client", "create", "--agency", agency, "--name", name, "--scopes", scopes, *extra, stdout=out, stderr=err)
    return out.getvalue().strip()


def as_client(api, key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT_LANGUAGE": "en"}


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["tracking_number"] for row in response.json()["results"]}


def test_a_client_sees_exactly_what_its_agency_admin_sees(world, api):
    mine, _ = api.submit(target_agency_code="kota-35-78")
    confidential, _ = api.submit(target_agency_code="kota-35-78", is_confidential=True, is_anonymous=True, contact_name="Siti Aminah")
    api.submit(target_agency_code="kota-91-71")  # another agency's
    api.submit()  # at the national desk
    key = create()
    assert key.startswith("lpc_") and len(key) > 40
    by_client = api.http.get("/api/v1/reports", **as_client(api, key))
    by_admin = api.get("/reports", user=world.city_admin)
    assert numbers(by_client) == numbers(by_admin) == {mine, confidential}
    for number in (mine, confidential):
        one = api.http.get(f"/api/v1/reports/{number}", **as_client(api, key))
        assert one.status_code == 200
        assert one.json() | {"available_actions": None} == api.get(f"/reports/{number}", user=world.city_admin).json() | {"available_actions": None}
    assert "Siti Aminah" not in api.http.get(f"/api/v1/reports/{confidential}", **as_client(api, key)).content.decode()
    other = Report.objects.exclude(tracking_number__in=[mine, confidential]).first()
    assert api.http.get(f"/api/v1/reports/{other.tracking_number}", **as_client(api, key)).status_code == 404


def test_scopes_are_what_it_may_do(world, api):
    reader = create(name="Dasbor", scopes="reports:read")
    refused = api.http.post("/api/v1/reports", GOOD_REPORT, content_type="application/json", **as_client(api, reader))
    assert refused.status_code == 403 and "reports:submit" in refused.json()["detail"]
    submitter = create(name="Kanal WA", scopes="reports:submit")
    made = api.http.post("/api/v1/reports", {**GOOD_REPORT, "channel": "whatsapp"}, content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY="kanal-wa-0001", **as_client(api, submitter))
    assert made.status_code == 201 and made.json()["reporter_secret"]  # for the citizen it files for
    assert Report.objects.get(tracking_number=made.json()["tracking_number"]).channel == "whatsapp"
    assert api.http.get("/api/v1/reports", **as_client(api, submitter)).status_code == 403
    number = made.json()["tracking_number"]
    for path in (f"/api/v1/reports/{number}/dispose", f"/api/v1/reports/{number}/reveal-identity"):
        acted = api.http.post(path, {"agency": "kota-35-78", "reason": "x" * 20}, content_type="application/json", **as_client(api, reader))
        assert acted.status_code == 403 and acted.json()["detail"] == "API clients may not use this endpoint."
    with pytest.raises(CommandError, match="Scopes are one or more of"):
        create(name="Salah", scopes="reports:everything")


def test_keys_expire_rotate_with_an_overlap_and_are_revoked_at_once(world, api):
    old = create("kota-35-78", "Aplikasi Sapa Warga", READ_SUBMIT, "--days", "30")
    client_id = ApiClientKey.objects.get().client_id
    assert api.http.get("/api/v1/reports", **as_client(api, old)).status_code == 200
    out = StringIO()
    call_command("api_client", "rotate", "--id", str(client_id), "--overlap-hours", "2", stdout=out, stderr=StringIO())
    new = out.getvalue().strip()
    assert new != old and {k.prefix for k in ApiClientKey.objects.all()} == {old[:12], new[:12]}
    assert api.http.get("/api/v1/reports", **as_client(api, old)).status_code == 200  # within the overlap
    clock.freeze(clock.now() + timedelta(hours=3))
    assert api.http.get("/api/v1/reports", **as_client(api, old)).status_code == 401
    assert api.http.get("/api/v1/reports", **as_client(api, new)).status_code == 200
    clock.freeze(clock.now() + timedelta(days=366))
    assert api.http.get("/api/v1/reports", **as_client(api, new)).status_code == 401  # expired
    clock.freeze(clock.now() - timedelta(days=366))
    call_command("api_client", "revoke", "--id", str(client_id), stdout=StringIO())
    gone = api.http.get("/api/v1/reports", **as_client(api, new))
    assert gone.status_code == 401 and "revoked" in gone.json()["detail"]
    kinds = list(AuditEntry.objects.filter(data__client=client_id).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["api_client_created", "api_client_rotated", "api_client_revoked"]
    assert not AuditEntry.objects.filter(data__icontains=new[13:]).exists()  # never the key


def test_the_rate_is_the_clients_own(world, api):
    key = create("kota-35-78", "Sempit", "reports:read", "--rate", "2")
    statuses = [api.http.get("/api/v1/reports", **as_client(api, key)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    client = ApiClientKey.objects.get().client
    assert client.last_used_at is not None


def test_who_manages_an_agencys_clients(world):
    city_admin, desk = Actor.for_user(world.city_admin), Actor.for_user(world.national_admin)
    client, _key = clients.client_create(actor=city_admin, agency_code="kota-35-78", name="Milik kota", scopes=["reports:read"])
    clients.client_create(actor=city_admin, agency_code="kota-35-78-disdik", name="Milik dinas", scopes=["reports:read"])  # its unit
    with pytest.raises(NotAllowed):
        clients.client_create(actor=city_admin, agency_code="kota-91-71", name="Bukan miliknya", scopes=["reports:read"])
    clients.client_create(actor=desk, agency_code="kota-91-71", name="Oleh desk", scopes=["reports:read"])
    with pytest.raises(NotAllowed):
        clients.client_create(actor=Actor.for_user(world.education_officer), agency_code="kota-35-78-disdik", name="Petugas",
                              scopes=["reports:read"])
    assert AuditEntry.objects.filter(kind="api_client_created").count() == 3
    assert clients.client_revoke(actor=desk, client_id=client.pk).revoked_at is not None


def test_the_openapi_document_declares_how_to_authenticate_and_the_idempotency_key(world, api):
    doc = api.http.get("/api/v1/openapi.json").json()
    assert set(doc["components"]["securitySchemes"]) == {"bearer", "reporterSecret"}
    assert doc["components"]["securitySchemes"]["reporterSecret"]["name"] == "X-Reporter-Secret"
    for path in ("/api/v1/reports", "/api/v1/reports/with-attachments"):
        headers = [p for p in doc["paths"][path]["post"].get("parameters", []) if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["Idempotency-Key"], path
    page = api.http.get("/api/v1/docs")
    assert page.status_code == 200
