"""The audit page (/petugas/audit/): the national desk reads everything; an APIP auditor and an
agency admin the entries and transitions concerning their agency tree; nobody else. It never shows
what the viewer may not see: reasons and notes on confidential reports outside their chain, or an
anonymous reporter's account. The CSV export applies the same rules."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

import pytest

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User
from lapor.accounts.services import position_create
from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record
from lapor.core import clock
from lapor.reports import privacy
from lapor.reports.services import report_act
from tests.api.conftest import _empty_cache  # noqa: F401  (rate-limit counters)
from tests.conftest import MONDAY_9AM, sign_in

ENTRIES, TRANSITIONS, EXPORT = "/petugas/audit/", "/petugas/audit/peralihan/", "/petugas/audit/unduh.csv"
EN = {"Accept-Language": "en"}
REVEAL_REASON = "Verifikasi: dugaan laporan palsu terhadap kepala sekolah."
SECRET_NOTE = "Catatan rahasia: kepala sekolah diduga memungut biaya."


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def trail(world, submit):
    """Reports and audit entries at the city (Surabaya), the ministry (Kemenkes) and nationally."""
    auditor = User.objects.create_user(username="apipkota", password="pass-apipkota")
    Position.objects.create(role=Role.AUDITOR, agency=world.city, title="Inspektorat Kota Surabaya", holder=auditor)
    ministry_auditor = User.objects.create_user(username="itjen", password="pass-itjen")
    Position.objects.create(role=Role.AUDITOR, agency=world.ministry, title="Itjen Kemenkes", holder=ministry_auditor)
    desk, city_admin = Actor.for_user(world.national_admin), Actor.for_user(world.city_admin)

    # At the city: an anonymous and confidential report by a citizen's account, forwarded with a note.
    secret, _ = submit(world.citizen, target_agency_code="kota-35-78", is_anonymous=True, is_confidential=True)
    report_act(tracking_number=secret.tracking_number, action="forward", actor=city_admin, payload={"unit": "kota-35-78-disdik", "note": SECRET_NOTE})
    privacy.report_reveal_identity(tracking_number=secret.tracking_number, actor=desk, reason=REVEAL_REASON, channel="web")
    privacy.note_content_read(city_admin, secret, channel="web")
    # At the ministry: a public report, and a new position.
    public, _ = submit(target_agency_code="kemenkes")
    report_act(tracking_number=public.tracking_number, action="forward", actor=Actor.for_user(world.ministry_admin), payload={"unit": "kemenkes-yankes", "note": "Mohon ditindaklanjuti."})
    position_create(actor=Actor.for_user(world.ministry_admin), role="auditor", agency_code="kemenkes", title="Auditor Kemenkes Baru")
    # National: an operator's edit of a category, and a reference load.
    audit_record(kind="admin_change", actor=None, model="agencies.Category", object_pk=1, object_repr="PPDB", action="change",
                 changes={"name": {"before": "PPDB", "after": "PPDB 2026"}})
    audit_record(kind="reference_loaded", actor=None, regions_level="village", agencies={"in_fixtures": 5826, "created": 0, "refreshed": 5826})
    return {"secret": secret, "public": public, "auditor": auditor, "ministry_auditor": ministry_auditor}


def page_for(client, user, url=ENTRIES, **params):
    """The page's count line and table (not the filter form, whose menu names every kind)."""
    sign_in(client, user)
    response = client.get(url, params, headers=EN)
    assert response.status_code == 200
    return text(response).split('role="search"')[1].split("</form>", 1)[1]


def test_the_national_desk_reads_every_entry(world, client, trail):
    page = page_for(client, world.national_admin)
    assert "5 entries" in page
    for shown in (trail["secret"].tracking_number, REVEAL_REASON, "Auditor Kemenkes Baru", "PPDB → PPDB 2026", "Reference data loaded", "Confidential report read"):
        assert shown in page
    assert "warga" not in page.lower()  # entries never hold the reporter's identity


def test_an_apip_auditor_reads_their_agencys_entries_without_confidential_reasons(world, client, trail):
    page = page_for(client, trail["auditor"])
    assert "2 entries" in page
    assert trail["secret"].tracking_number in page and "Identity of an anonymous reporter revealed" in page and "Confidential report read" in page
    assert REVEAL_REASON not in page and "(hidden: you may not read this report's content)" in page
    for hidden in ("Auditor Kemenkes Baru", "PPDB 2026", "Reference data loaded", trail["public"].tracking_number):
        assert hidden not in page


def test_an_agency_admin_reads_their_agencys_entries_with_what_they_may_read(world, client, trail):
    page = page_for(client, world.city_admin)
    assert "2 entries" in page and REVEAL_REASON in page  # the city handles the report: it reads its content
    page = page_for(client, world.ministry_admin)
    assert "1 entry" in page and "Auditor Kemenkes Baru" in page and trail["secret"].tracking_number not in page


@pytest.mark.parametrize("who", ["education_officer", "outsider", "citizen"])
def test_others_may_not_open_the_audit_page(world, client, trail, who):
    sign_in(client, getattr(world, who))
    for url in (ENTRIES, TRANSITIONS, EXPORT):
        assert client.get(url).status_code == 403


def test_the_audit_page_needs_sign_in(world, client):
    assert client.get(ENTRIES).url.startswith("/masuk/")


def test_filters_by_kind_actor_tracking_number_and_dates(world, client, trail):
    later = MONDAY_9AM + timedelta(days=3)
    clock.freeze(later)
    position_create(actor=Actor.for_user(world.city_admin), role="liaison_officer", agency_code="kota-35-78-dinkes", title="Penghubung Kamis")
    clock.freeze(MONDAY_9AM)

    page = page_for(client, world.national_admin, kind="position_created")
    assert "2 entries" in page and "Penghubung Kamis" in page and "Auditor Kemenkes Baru" in page
    page = page_for(client, world.national_admin, actor="KEMENKESADMIN")
    assert "1 entry" in page and "Auditor Kemenkes Baru" in page
    page = page_for(client, world.national_admin, tracking_number=trail["secret"].formatted_tracking_number)
    assert "2 entries" in page and "Reference data loaded" not in page
    page = page_for(client, world.national_admin, date_from="2026-11-24")
    assert "1 entry" in page and "Penghubung Kamis" in page
    page = page_for(client, world.national_admin, date_to="2026-11-23")
    assert "5 entries" in page and "Penghubung Kamis" not in page
    sign_in(client, world.national_admin)
    page = text(client.get(ENTRIES, {"date_from": "kemarin", "kind": "nonsense"}, headers=EN))
    assert "6 entries" in page and "The date “from” is not a date (YYYY-MM-DD); it is ignored." in page and "Unknown kind; showing every kind." in page
    # Filters cannot widen the scope.
    page = page_for(client, trail["auditor"], tracking_number=trail["public"].tracking_number)
    assert "0 entries" in page


def test_entries_are_paginated_with_the_filters_kept(world, client, trail):
    for n in range(55):
        audit_record(kind="position_change", actor=Actor.for_user(world.national_admin), from_user=None, to_user=f"orang{n}")
    page = page_for(client, world.national_admin, kind="position_change")
    assert "55 entries" in page and "Page 1 of 2" in page and 'href="?page=2&amp;kind=position_change"' in client.get(ENTRIES, {"kind": "position_change"}).content.decode()
    page = page_for(client, world.national_admin, kind="position_change", page="2")
    assert "Page 2 of 2" in page and page.count("from — to orang") == 5


def test_transitions_are_scoped_and_keep_confidential_notes_and_anonymous_reporters_hidden(world, client, trail):
    secret, public = trail["secret"], trail["public"]
    page = page_for(client, world.national_admin, TRANSITIONS)
    assert secret.tracking_number in page and public.tracking_number in page and SECRET_NOTE in page
    assert "warga" not in page.lower()  # the anonymous reporter's own submission shows as "reporter"
    assert "<td>reporter</td>" in page

    page = page_for(client, trail["auditor"], TRANSITIONS)
    assert secret.tracking_number in page and public.tracking_number not in page
    assert SECRET_NOTE not in page  # an auditor may not read a confidential report's content or notes

    page = page_for(client, world.city_admin, TRANSITIONS)
    assert SECRET_NOTE in page and public.tracking_number not in page
    page = page_for(client, trail["ministry_auditor"], TRANSITIONS)
    assert "Mohon ditindaklanjuti." in page and secret.tracking_number not in page

    # Searching by a citizen's username finds nothing, not even for the national desk.
    page = page_for(client, world.national_admin, TRANSITIONS, actor="warga")
    assert "0 transitions" in page
    page = page_for(client, world.national_admin, TRANSITIONS, actor="cityadmin", kind="forward")
    assert "1 transition" in page and secret.tracking_number in page


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_export_has_the_pages_scope_and_privacy(world, client, trail):
    sign_in(client, world.national_admin)
    rows = read_csv(client.get(EXPORT, headers=EN))
    assert rows[0] == ["time", "kind", "actor", "actor's position", "tracking number", "position", "agency", "details", "reason"]
    assert len(rows) == 6 and REVEAL_REASON in {r[8] for r in rows}
    assert sorted(r[1] for r in rows[1:]) == ["admin_change", "confidential_read", "identity_reveal", "position_created", "reference_loaded"]
    assert ["agencies.Category #1 “PPDB”: changed", "name: PPDB → PPDB 2026"] == [r[7] for r in rows if r[1] == "admin_change"][0].split(" | ")

    sign_in(client, trail["auditor"])
    rows = read_csv(client.get(EXPORT, headers=EN))
    assert len(rows) == 3 and {r[4] for r in rows[1:]} == {trail["secret"].tracking_number}
    assert REVEAL_REASON not in str(rows)
    rows = read_csv(client.get(EXPORT, {"kind": "confidential_read"}, headers=EN))
    assert [r[1] for r in rows[1:]] == ["confidential_read"] and rows[1][2] == "cityadmin"


def test_the_csv_export_defuses_spreadsheet_formulas(world, client):
    position_create(actor=Actor.for_user(world.city_admin), role="auditor", agency_code="kota-35-78", title='=HYPERLINK("http://x.example","klik")')
    sign_in(client, world.city_admin)
    [header, row] = read_csv(client.get(EXPORT))
    assert row[5].startswith("'=HYPERLINK(")
    assert row[0].startswith("2026-11-23T09:00:00+07:00")


def test_the_menu_offers_the_pages_only_to_those_who_may_use_them(world, client, trail):
    for user, manage, decrees, audit in (
        (world.national_admin, True, True, True),
        (world.city_admin, True, True, True),
        (trail["auditor"], False, True, True),
        (world.education_officer, False, False, False),
        (world.citizen, False, False, False),
    ):
        sign_in(client, user)
        page = client.get("/petugas/").content.decode()
        assert ('href="/petugas/pengguna/"' in page, 'href="/petugas/instansi/sk/"' in page, 'href="/petugas/audit/"' in page) == (manage, decrees, audit), user


def test_the_new_pages_keep_the_strict_policy_and_label_every_field(world, client, trail):
    import re

    position = Position.objects.get(holder=world.health_officer)
    for user, url in (
        (world.city_admin, "/petugas/pengguna/"),
        (world.national_admin, "/petugas/pengguna/"),
        (world.city_admin, f"/petugas/pengguna/jabatan/{position.pk}/akun-baru/"),
        (world.city_admin, "/petugas/instansi/sk/"),
        (world.national_admin, ENTRIES),
        (world.national_admin, TRANSITIONS),
    ):
        sign_in(client, user)
        page = client.get(url).content.decode()
        assert "<script>" not in page and " style=" not in page and "<style" not in page, url
        main = page.split('<main id="main">')[1]
        for field_id in re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', main):
            assert f'for="{field_id}"' in main, (url, field_id)
        if "<table" in main:
            assert "<caption" in main and 'scope="col"' in main, url
