"""Response templates: an agency's admins write them, its officers (units included) start an
answer from them on the report page; nobody writes another agency's."""

from __future__ import annotations

import pytest

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.reports.models import ResponseTemplate
from lapor.reports.services import report_act


def _forwarded(world, submit):
    report, _ = submit()
    desk, admin = Actor.for_user(world.national_admin), Actor.for_user(world.city_admin)
    report_act(tracking_number=report.tracking_number, action="dispose", actor=desk, payload={"agency": "kota-35-78"})
    report_act(tracking_number=report.tracking_number, action="forward", actor=admin, payload={"unit": "kota-35-78-disdik"})
    return report


def test_admin_writes_and_changes_and_the_units_officer_starts_from_it(world, submit, officer_browser):
    admin = officer_browser(world.city_admin)
    admin.get("/petugas/templat/")
    page = admin.submit("/petugas/templat/", title="Jawaban PPDB", body="Terima kasih atas laporan Anda tentang PPDB.", is_active="on")
    assert "Template “Jawaban PPDB” saved." in page.content.decode()
    template = ResponseTemplate.objects.get()
    assert template.agency == world.city and template.updated_by == world.city_admin
    admin.get("/petugas/templat/", ubah=str(template.pk))
    admin.submit("/petugas/templat/", body="Terima kasih. Sekolah telah diperiksa.", is_active="on")
    template.refresh_from_db()
    assert template.body == "Terima kasih. Sekolah telah diperiksa." and ResponseTemplate.objects.count() == 1

    report = _forwarded(world, submit)
    officer = officer_browser(world.education_officer)
    html = officer.get(f"/petugas/laporan/{report.tracking_number}/").content.decode()
    assert f'href="?templat={template.pk}#actions"' in html
    officer.get(f"/petugas/laporan/{report.tracking_number}/", templat=str(template.pk))
    assert officer.form(f"/petugas/laporan/{report.tracking_number}/aksi/respond/")["fields"]["note"] == template.body


def test_other_agencies_never_see_or_change_it(world, submit, officer_browser):
    theirs = ResponseTemplate.objects.create(agency=world.papua, title="Rahasia Jayapura", body="Teks Jayapura", updated_at=clock.now())
    report = _forwarded(world, submit)
    officer = officer_browser(world.education_officer)
    html = officer.get(f"/petugas/laporan/{report.tracking_number}/", templat=str(theirs.pk)).content.decode()
    assert "Rahasia Jayapura" not in html and "Teks Jayapura" not in html
    admin = officer_browser(world.city_admin)
    admin.get("/petugas/templat/")
    assert "Rahasia Jayapura" not in admin.html
    admin.submit("/petugas/templat/", template=str(theirs.pk), title="Diubah", body="Diubah")
    admin.submit("/petugas/templat/", agency=str(world.papua.pk), title="Baru", body="Baru")
    theirs.refresh_from_db()
    assert theirs.title == "Rahasia Jayapura" and ResponseTemplate.objects.count() == 1
    # A liaison officer writes none: the page is refused.
    assert officer.http.get("/petugas/templat/").status_code == 403


@pytest.mark.parametrize(
    "values, message",
    [
        ({"title": "", "body": "x"}, "Give the template a title."),
        ({"title": "x" * 121, "body": "x"}, "The title is at most 120 characters."),
        ({"title": "Judul", "body": " "}, "Write the text of the template."),
        ({"title": "Judul", "body": "x" * 5001}, "The text is at most 5000 characters."),
        ({"title": "Sudah ada", "body": "x"}, "This agency already has a template with that title."),
    ],
)
def test_bad_input_is_explained_and_writes_nothing(world, officer_browser, values, message):
    from lapor.core import clock

    ResponseTemplate.objects.create(agency=world.city, title="Sudah ada", body="x", updated_at=clock.now())
    admin = officer_browser(world.city_admin)
    admin.get("/petugas/templat/")
    page = admin.submit("/petugas/templat/", **values)
    assert message in page.content.decode()
    assert ResponseTemplate.objects.count() == 1
