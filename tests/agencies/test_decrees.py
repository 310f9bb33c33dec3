"""Agencies' decrees (SK): recorded by the agency's admin (PDF only, checked by content, size
limited), read by the agency's admins and auditors and the national desk, served only through a
permission-checked view, revoked rather than deleted, audited."""

from __future__ import annotations

import html
import io
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from lapor.accounts.models import Position, Role, User
from lapor.agencies.models import AgencyDecree
from lapor.agencies.selectors import agency_has_decree, decree_of
from lapor.audit.models import AuditEntry
from tests.api.conftest import _empty_cache, media_root, stored_files  # noqa: F401  (isolated MEDIA_ROOT)
from tests.conftest import sign_in
from tests.web.conftest import Browser

DECREES = "/petugas/instansi/sk/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EN = {"Accept-Language": "en"}


def pdf(name="sk-pengelola.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def text(response) -> str:
    return html.unescape(response.content.decode())


@contextmanager
def nothing_written(media_root):
    before = (AgencyDecree.objects.count(), AuditEntry.objects.count(), stored_files(media_root))
    yield
    assert (AgencyDecree.objects.count(), AuditEntry.objects.count(), stored_files(media_root)) == before


def record(client, user, **values):
    sign_in(client, user)
    data = {"agency": "kota-35-78", "number": "188.45/123/436.1.2/2026", "date": "2026-11-02", "title": "Pengelola Pengaduan Pelayanan Publik", "file": pdf()}
    data.update(values)
    return client.post(DECREES, data, headers=EN)


@pytest.fixture
def auditors(world):
    """An APIP auditor of the city and one of the ministry."""
    city = User.objects.create_user(username="apipkota", password="pass-apipkota")
    Position.objects.create(role=Role.AUDITOR, agency=world.city, title="Inspektorat Kota Surabaya", holder=city)
    ministry = User.objects.create_user(username="itjenkemenkes", password="pass-itjenkemenkes")
    Position.objects.create(role=Role.AUDITOR, agency=world.ministry, title="Itjen Kemenkes", holder=ministry)
    return city, ministry


def test_agency_admin_records_a_decree_through_the_page(world, media_root):
    b = Browser()
    b.login(world.city_admin)
    b.get(DECREES)
    assert b.form(DECREES)["fields"]["agency"] == "kota-35-78"  # their own agency, the only choice
    page = text(b.submit(DECREES, files={"file": pdf()}, number="188.45/123/436.1.2/2026", date="2026-11-02", title="Pengelola Pengaduan Pelayanan Publik"))
    assert "Decree 188.45/123/436.1.2/2026 of Pemerintah Kota Surabaya recorded." in page

    decree = AgencyDecree.objects.get()
    assert (decree.agency, decree.number, decree.date, decree.title) == (world.city, "188.45/123/436.1.2/2026", date(2026, 11, 2), "Pengelola Pengaduan Pelayanan Publik")
    assert (decree.original_name, decree.size, decree.recorded_by, decree.revoked_at) == ("sk-pengelola.pdf", len(PDF), world.city_admin, None)
    # Stored under a random name: the uploader's file name never becomes a path.
    [stored] = stored_files(media_root)
    assert stored.read_bytes() == PDF and stored.name != "sk-pengelola.pdf" and stored.suffix == ".pdf"
    assert decree_of(world.city) == decree and agency_has_decree(world.city) and not agency_has_decree(world.ministry)
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.actor, entry.actor_position.title, entry.agency) == ("decree_recorded", world.city_admin, "Admin Instansi Kota Surabaya", world.city)
    assert entry.data == {"decree": decree.pk, "number": decree.number, "date": "2026-11-02", "sha256": decree.sha256}
    assert f'href="/petugas/instansi/sk/{decree.pk}/berkas/"' in page


@pytest.mark.parametrize(
    "upload, status, message",
    [
        (lambda: SimpleUploadedFile("sk.pdf", b"", content_type="application/pdf"), 422, "“sk.pdf” is empty."),
        (lambda: SimpleUploadedFile("sk.pdf", png_bytes(), content_type="application/pdf"), 422, "“sk.pdf” is not a PDF document: a decree must be uploaded as PDF."),
        (lambda: SimpleUploadedFile("sk.pdf", b"MZ\x90\x00 renamed program", content_type="application/pdf"), 422, "“sk.pdf” is not a PDF document"),
        (lambda: SimpleUploadedFile("sk.exe", PDF, content_type="application/pdf"), 422, "“sk.exe” is a PDF document but its name does not end in .pdf."),
        (lambda: None, 422, "Attach the decree as a PDF file."),
        (lambda: SimpleUploadedFile("besar.pdf", PDF + b"0" * 2048, content_type="application/pdf"), 413, "“besar.pdf” is too large: a decree may be at most 2 KB."),
    ],
)
def test_only_a_pdf_within_the_limit_is_accepted(world, client, media_root, settings, upload, status, message):
    settings.LAPOR_MAX_DECREE_BYTES = 2048
    with nothing_written(media_root):
        response = record(client, world.city_admin, file=upload() or "")
    assert response.status_code == status and message in text(response) and 'href="#f-file"' in text(response)


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"number": "  "}, "number", "Give the decree's number"),
        ({"date": "2 November 2026"}, "date", "Give the decree's date (YYYY-MM-DD)."),
        ({"date": "2026-11-24"}, "date", "The decree's date cannot be in the future."),
        ({"title": ""}, "title", "Give the decree's subject"),
        ({"agency": ""}, "agency", "Choose the agency the decree belongs to."),
    ],
)
def test_fields_are_validated_and_nothing_is_written(world, client, media_root, values, field, message):
    with nothing_written(media_root):
        response = record(client, world.city_admin, **values)
    assert response.status_code == 422 and message in text(response) and f'href="#f-{field}"' in text(response)


def test_a_decree_number_is_recorded_once_per_agency(world, client, media_root):
    assert record(client, world.city_admin).status_code == 302
    with nothing_written(media_root):
        response = record(client, world.city_admin)
    assert response.status_code == 422 and "A decree with this number is already recorded for Pemerintah Kota Surabaya." in text(response)
    assert record(client, world.ministry_admin, agency="kemenkes").status_code == 302  # another agency may use the same number


@pytest.mark.parametrize("who", ["ministry_admin", "education_officer", "auditor", "outsider"])
def test_others_cannot_record_a_decree_for_the_city(world, client, media_root, auditors, who):
    user = auditors[0] if who == "auditor" else getattr(world, who)
    with nothing_written(media_root):
        response = record(client, user)
    assert response.status_code == 403


def test_the_national_desk_records_for_an_agency_by_its_code(world, client, media_root):
    sign_in(client, world.national_admin)
    page = text(client.get(DECREES, headers=EN))
    assert 'value="kota-91-71"' in page and 'value="national-desk"' not in page and 'value="kota-91-71-disdik"' not in page
    response = record(client, world.national_admin, agency="kota-91-71")
    assert response.status_code == 302 and AgencyDecree.objects.get().agency == world.papua
    with nothing_written(media_root):
        response = record(client, world.national_admin, agency="kota-91-71-disdik", number="2")
    assert response.status_code == 422 and "A decree belongs to an agency, not to one of its units." in text(response)


def test_the_file_is_served_only_to_the_agencys_admins_and_auditors_and_the_national_desk(world, client, media_root, auditors):
    record(client, world.city_admin)
    decree = AgencyDecree.objects.get()
    url = f"/petugas/instansi/sk/{decree.pk}/berkas/"
    for user in (world.city_admin, world.national_admin, auditors[0]):
        sign_in(client, user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="sk-pengelola.pdf"'
    for user in (world.ministry_admin, auditors[1], world.education_officer, world.outsider):
        sign_in(client, user)
        assert client.get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_the_list_shows_each_viewer_only_what_they_may_read(world, client, media_root, auditors):
    record(client, world.city_admin)
    record(client, world.ministry_admin, agency="kemenkes", number="HK.01.07/MENKES/1/2026")
    client = Client()  # without the recorders' flash messages
    sign_in(client, auditors[0])
    page = text(client.get(DECREES, headers=EN))
    assert "188.45/123/436.1.2/2026" in page and "HK.01.07/MENKES" not in page
    assert "Record a decree" not in page and "Revoke decree" not in page  # an auditor reads only
    sign_in(client, world.national_admin)
    page = text(client.get(DECREES, headers=EN))
    assert "188.45/123/436.1.2/2026" in page and "HK.01.07/MENKES/1/2026" in page
    sign_in(client, world.education_officer)
    assert client.get(DECREES).status_code == 403


def test_revoking_keeps_the_record_and_the_older_decree_comes_back_in_force(world, client, media_root):
    record(client, world.city_admin, number="OLD/2025", date="2025-01-10")
    record(client, world.city_admin, number="NEW/2026", date="2026-11-02")
    new = AgencyDecree.objects.get(number="NEW/2026")
    assert decree_of(world.city) == new

    sign_in(client, world.ministry_admin)  # another agency's admin
    with nothing_written(media_root):
        page = text(client.post(f"/petugas/instansi/sk/{new.pk}/cabut/", follow=True, headers=EN))
    assert "You may revoke decrees only of your own agency." in page

    sign_in(client, world.city_admin)
    page = text(client.post(f"/petugas/instansi/sk/{new.pk}/cabut/", follow=True, headers=EN))
    assert "Decree NEW/2026 is revoked: it no longer counts as in force." in page
    new.refresh_from_db()
    assert new.revoked_at is not None and new.revoked_by == world.city_admin
    assert decree_of(world.city).number == "OLD/2025"
    entry = AuditEntry.objects.filter(kind="decree_revoked").get()
    assert (entry.actor, entry.agency, entry.data) == (world.city_admin, world.city, {"decree": new.pk, "number": "NEW/2026"})
    with nothing_written(media_root):
        page = text(client.post(f"/petugas/instansi/sk/{new.pk}/cabut/", follow=True, headers=EN))
    assert "This decree is already revoked." in page

    client.post(f"/petugas/instansi/sk/{AgencyDecree.objects.get(number='OLD/2025').pk}/cabut/")
    assert decree_of(world.city) is None and not agency_has_decree(world.city)
