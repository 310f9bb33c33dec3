"""Identity reveal by the national desk (with a reason, audited) and the audit of every read of
a confidential report's content by an official."""

import pytest

from lapor.accounts.actors import Actor
from lapor.accounts.models import ApiToken
from tests.conftest import sign_in
from lapor.audit.models import AuditEntry
from lapor.reports.services import report_act

NAME, EMAIL, PHONE = "Siti Aminah", "siti.aminah@example.id", "081234567890"
REASON = "Verifikasi: laporan diduga palsu, perlu konfirmasi pelapor."


def bearer(user):
    return {"Authorization": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"}


@pytest.fixture
def anonymous_report(submit):
    report, _ = submit(target_agency_code="kota-35-78", is_anonymous=True, contact_name=NAME, contact_email=EMAIL, contact_phone=PHONE)
    return report


def test_national_admin_reveals_with_a_reason_and_it_is_audited(world, client, anonymous_report):
    tn = anonymous_report.tracking_number
    response = client.post(f"/api/v1/reports/{tn}/reveal-identity", {"reason": REASON}, content_type="application/json", headers=bearer(world.national_admin))
    assert response.status_code == 200
    assert response.json() == {"name": NAME, "email": EMAIL, "phone": PHONE, "account": None}
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.actor, entry.report, entry.reason, entry.data) == ("identity_reveal", world.national_admin, anonymous_report, REASON, {"channel": "api"})
    assert entry.actor_position.title == "Admin Nasional"
    # The identity itself is never written into the audit entry.
    assert NAME not in str(entry.data) and EMAIL not in entry.reason


@pytest.mark.parametrize("who, status", [("city_admin", 403), ("education_officer", 404), ("ministry_admin", 404), ("outsider", 404)])
def test_nobody_else_can_reveal_and_nothing_is_audited(world, client, anonymous_report, who, status):
    response = client.post(
        f"/api/v1/reports/{anonymous_report.tracking_number}/reveal-identity", {"reason": REASON},
        content_type="application/json", headers=bearer(getattr(world, who)),
    )
    assert response.status_code == status
    assert NAME not in response.content.decode() and EMAIL not in response.content.decode()
    assert AuditEntry.objects.count() == 0


def test_reveal_needs_a_reason_and_an_anonymous_report(world, client, submit, anonymous_report):
    headers = bearer(world.national_admin)
    short = client.post(f"/api/v1/reports/{anonymous_report.tracking_number}/reveal-identity", {"reason": "cek"}, content_type="application/json", headers=headers)
    assert (short.status_code, short.json()["field"]) == (422, "reason")
    named, _ = submit(contact_name=NAME)
    plain = client.post(f"/api/v1/reports/{named.tracking_number}/reveal-identity", {"reason": REASON}, content_type="application/json", headers=headers)
    assert plain.status_code == 422
    anonymous_call = client.post(f"/api/v1/reports/{anonymous_report.tracking_number}/reveal-identity", {"reason": REASON}, content_type="application/json")
    assert anonymous_call.status_code == 401
    assert AuditEntry.objects.count() == 0


def test_reveal_in_the_officer_page(world, client, anonymous_report):
    sign_in(client, world.national_admin)
    url = f"/petugas/laporan/{anonymous_report.tracking_number}/"
    page = client.get(url).content.decode()
    assert NAME not in page and 'id="reveal-reason"' in page
    page = client.post(url, {"reason": REASON}).content.decode()
    assert NAME in page and EMAIL in page
    assert AuditEntry.objects.filter(kind="identity_reveal", data={"channel": "web"}).count() == 1
    sign_in(client, world.city_admin)  # the agency never gets the form
    page = client.get(url).content.decode()
    assert 'id="reveal-reason"' not in page and NAME not in page


def test_every_official_read_of_confidential_content_is_audited(world, client, submit):
    report, secret = submit(target_agency_code="kota-35-78", is_confidential=True)
    public, _ = submit(target_agency_code="kota-35-78")
    client.get(f"/api/v1/reports/{report.tracking_number}", headers=bearer(world.city_admin))
    client.get(f"/api/v1/reports/{public.tracking_number}", headers=bearer(world.city_admin))  # not confidential: no entry
    client.get(f"/api/v1/reports/{report.tracking_number}", headers={"X-Reporter-Secret": secret})  # its reporter: no entry
    sign_in(client, world.national_admin)
    client.get(f"/petugas/laporan/{report.tracking_number}/")
    report_act(tracking_number=report.tracking_number, action="forward", actor=Actor.for_user(world.city_admin), payload={"unit": "kota-35-78-disdik"})
    reads = list(AuditEntry.objects.filter(kind="confidential_read").order_by("pk").values_list("actor__username", "data"))
    assert reads == [("cityadmin", {"channel": "api"}), ("desk", {"channel": "web"})]


def test_audit_entries_cannot_be_changed_or_deleted(world, client, anonymous_report):
    client.post(f"/api/v1/reports/{anonymous_report.tracking_number}/reveal-identity", {"reason": REASON}, content_type="application/json", headers=bearer(world.national_admin))
    entry = AuditEntry.objects.get()
    entry.reason = "diubah"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_public_views_redact_personal_data_that_officials_see(world, client, submit):
    text = "Anak saya (NIK 3578012345678901) ditolak. Hubungi 081234567890 atau siti.aminah@example.id."
    report, secret = submit(target_agency_code="kota-35-78", description=text)
    public_api = client.get(f"/api/v1/track/{report.tracking_number}").content.decode()
    public_page = client.get(f"/lacak/{report.tracking_number}/").content.decode()
    for shown in (public_api, public_page):
        assert "3578012345678901" not in shown and "081234567890" not in shown and "siti.aminah@example.id" not in shown
        assert "[NIK]" in shown and "[TELEPON]" in shown and "[EMAIL]" in shown
    officer = client.get(f"/api/v1/reports/{report.tracking_number}", headers=bearer(world.city_admin)).json()
    assert officer["description"] == text
    own = client.get(f"/api/v1/reports/{report.tracking_number}", headers={"X-Reporter-Secret": secret}).json()
    assert own["description"] == text
