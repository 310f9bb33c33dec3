"""Agency admins manage the positions and officials' accounts of their agency and its units; the
national desk manages everything. Every change is audited; every refusal writes nothing."""

from __future__ import annotations

import html
from contextlib import contextmanager

import pytest

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role, User, VerificationCode
from lapor.audit.models import AuditEntry
from lapor.notify.models import Message
from lapor.reports.selectors import report_queue
from lapor.reports.services import report_act
from tests.api.conftest import _empty_cache  # noqa: F401  (rate-limit counters)
from tests.conftest import sign_in
from tests.web.conftest import Browser

MANAGE = "/petugas/pengguna/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def state() -> dict:
    return {
        "positions": sorted(Position.objects.values_list("pk", "role", "agency_id", "title", "holder_id", "is_active")),
        "users": sorted(User.objects.values_list("pk", "username", "is_active")),
        "audit": AuditEntry.objects.count(),
        "messages": Message.objects.count(),
        "codes": VerificationCode.objects.count(),
    }


@contextmanager
def nothing_written():
    before = state()
    yield
    assert state() == before


@pytest.fixture
def auditor(world):
    user = User.objects.create_user(username="apipkota", password="pass-apipkota", full_name="Apip Kota")
    Position.objects.create(role=Role.AUDITOR, agency=world.city, title="Inspektorat Kota Surabaya", holder=user)
    return user


def browser_for(user) -> Browser:
    b = Browser()
    b.login(user)
    return b


def liaison(user) -> Position:
    return Position.objects.get(holder=user, role=Role.LIAISON_OFFICER)


# --- the list -------------------------------------------------------------------------------------
def test_agency_admin_sees_their_tree_and_manages_only_liaison_and_auditor_posts(world, auditor):
    b = browser_for(world.city_admin)
    page = text(b.get(MANAGE))
    for title in ("Pejabat Penghubung Disdik", "Pejabat Penghubung Dinkes", "Inspektorat Kota Surabaya", "Admin Instansi Kota Surabaya"):
        assert title in page
    assert "Yankes" not in page and "Jayapura" not in page  # other agencies' positions are not listed
    admin_post = Position.objects.get(holder=world.city_admin)
    for managed in (liaison(world.education_officer), Position.objects.get(holder=auditor)):
        assert f'action="/petugas/pengguna/jabatan/{managed.pk}/serah-terima/"' in page
    assert f"/jabatan/{admin_post.pk}/" not in page  # an agency admin does not manage admin posts
    assert f"/akun/{world.city_admin.pk}/nonaktifkan/" not in page  # nor their own account
    assert f'action="/petugas/pengguna/akun/{world.education_officer.pk}/nonaktifkan/"' in page
    assert "Reactivate an account" not in page  # the national desk's form


def test_national_desk_lists_every_position_and_filters(world):
    b = browser_for(world.national_admin)
    page = text(b.get(MANAGE))
    assert "Yankes" in page and "Jayapura" in page and "Reactivate an account" in page
    page = text(b.get(MANAGE, q="jayapura", role="liaison_officer"))
    assert "Pejabat Penghubung Disdik Jayapura" in page and "Admin Instansi Kota Jayapura" not in page and "Yankes" not in page


@pytest.mark.parametrize("who", ["education_officer", "auditor", "outsider"])
def test_officials_who_are_not_admins_are_refused(world, auditor, client, who):
    user = auditor if who == "auditor" else getattr(world, who)
    target = liaison(world.health_officer)
    sign_in(client, user)
    with nothing_written():
        assert client.get(MANAGE).status_code == 403
        assert client.post(MANAGE, {"role": "liaison_officer", "agency": "kota-35-78-dinkes", "title": "Penghubung Baru"}).status_code == 403
        client.post(f"/petugas/pengguna/jabatan/{target.pk}/nonaktifkan/")
        client.post(f"/petugas/pengguna/akun/{world.health_officer.pk}/nonaktifkan/")
        assert client.post(f"/petugas/pengguna/jabatan/{target.pk}/akun-baru/", {"username": "baru", "full_name": "Baru", "email": "baru@example.id"}).status_code == 403
    assert client.get("/petugas/").status_code == 200  # still signed in: refused, not signed out


def test_pages_need_sign_in(world, client):
    response = client.get(MANAGE)
    assert response.status_code == 302 and response.url.startswith("/masuk/")


# --- creating positions ------------------------------------------------------------------------------
def test_agency_admin_creates_a_vacant_position_at_one_of_its_units(world):
    b = browser_for(world.city_admin)
    b.get(MANAGE)
    agencies = b.html.split('id="f-agency"')[1].split("</select>")[0]
    assert all(f'value="{code}"' in agencies for code in ("kota-35-78", "kota-35-78-disdik", "kota-35-78-dinkes"))
    assert 'value="kemenkes"' not in agencies
    roles = b.html.split('id="f-role"')[1].split("</select>")[0]
    assert 'value="liaison_officer"' in roles and 'value="auditor"' in roles and "agency_admin" not in roles
    page = text(b.submit(MANAGE, role="liaison_officer", agency="kota-35-78-dinkes", title="Pejabat Penghubung Dinkes 2"))
    assert "Position “Pejabat Penghubung Dinkes 2 (Dinas Kesehatan Kota Surabaya)” created" in page
    position = Position.objects.get(title="Pejabat Penghubung Dinkes 2")
    assert (position.role, position.agency, position.holder, position.is_active) == ("liaison_officer", world.city_health, None, True)
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.actor, entry.actor_position.title, entry.position, entry.agency) == (
        "position_created", world.city_admin, "Admin Instansi Kota Surabaya", position, world.city_health
    )
    assert entry.data == {"role": "liaison_officer", "title": "Pejabat Penghubung Dinkes 2", "agency_code": "kota-35-78-dinkes"}


def test_agency_admin_may_not_create_admin_posts_nor_positions_elsewhere(world, client):
    sign_in(client, world.city_admin)
    with nothing_written():
        response = client.post(MANAGE, {"role": "agency_admin", "agency": "kota-35-78", "title": "Admin Kedua"}, headers={"Accept-Language": "en"})
        assert response.status_code == 403 and "Only the national desk may create agency-admin positions." in text(response)
        response = client.post(MANAGE, {"role": "liaison_officer", "agency": "kemenkes-yankes", "title": "Penyusup"}, headers={"Accept-Language": "en"})
        assert response.status_code == 403 and "You may create positions only at your agency and its units." in text(response)


def test_national_desk_creates_agency_admin_posts_at_agencies_not_units(world, client):
    sign_in(client, world.national_admin)
    with nothing_written():
        response = client.post(MANAGE, {"role": "agency_admin", "agency": "kemenkes-yankes", "title": "Admin Yankes"}, headers={"Accept-Language": "en"})
        assert response.status_code == 422
        assert "An agency-admin position belongs to an agency, not to one of its units." in text(response)
        assert 'href="#f-agency"' in text(response)  # the message points at its field
    client.post(MANAGE, {"role": "agency_admin", "agency": "kemenkes", "title": "Admin Instansi Kemenkes 2"})
    position = Position.objects.get(title="Admin Instansi Kemenkes 2")
    assert (position.role, position.agency) == ("agency_admin", world.ministry)
    assert AuditEntry.objects.get().kind == "position_created"


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"role": "", "agency": "kota-35-78-disdik", "title": "X"}, "role", "Choose the role of the position."),
        ({"role": "ruler", "agency": "kota-35-78-disdik", "title": "X"}, "role", "Choose the role of the position."),
        ({"role": "liaison_officer", "agency": "", "title": "X"}, "agency", "Choose the agency or unit of the position."),
        ({"role": "liaison_officer", "agency": "tidak-ada", "title": "X"}, "agency", "There is no active agency or unit with the code “tidak-ada”."),
        ({"role": "liaison_officer", "agency": "kota-35-78-disdik", "title": "   "}, "title", "Give the position a title"),
        ({"role": "liaison_officer", "agency": "kota-35-78-disdik", "title": "x" * 151}, "title", "The title is too long: at most 150 characters."),
        ({"role": "liaison_officer", "agency": "kota-35-78-disdik", "title": "pejabat penghubung  DISDIK"}, "title", "Dinas Pendidikan Kota Surabaya already has an active position with this title."),
        ({"role": "auditor", "agency": "national-desk", "title": "Auditor Desk"}, "agency", "Positions at the national desk are set up by the platform operator."),
    ],
)
def test_position_validation_names_the_field_and_writes_nothing(world, client, values, field, message):
    sign_in(client, world.national_admin)
    with nothing_written():
        response = client.post(MANAGE, values, headers={"Accept-Language": "en"})
    page = text(response)
    assert response.status_code == 422 and message in page and f'href="#f-{field}"' in page
    assert f'id="f-{field}"' in page  # the field the message links to is on the page


# --- deactivating and reactivating positions ---------------------------------------------------------
def test_the_last_position_serving_a_queue_with_open_reports_cannot_be_deactivated(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")
    report_act(tracking_number=report.tracking_number, action="forward", actor=Actor.for_user(world.city_admin), payload={"unit": "kota-35-78-disdik"})
    position = liaison(world.education_officer)
    b = browser_for(world.city_admin)
    b.get(MANAGE)
    with nothing_written():
        page = text(b.submit(f"/petugas/pengguna/jabatan/{position.pk}/nonaktifkan/"))
    assert "1 open report waits in this position's queue and no other active position of this role serves Dinas Pendidikan Kota Surabaya." in page

    # A second liaison officer at the unit serves the same queue: now the first may go.
    Position.objects.create(role=Role.LIAISON_OFFICER, agency=world.city_education, title="Penghubung Disdik 2", holder=world.outsider)
    page = text(b.submit(f"/petugas/pengguna/jabatan/{position.pk}/nonaktifkan/"))
    assert "Pejabat Penghubung Disdik is deactivated." in page
    position.refresh_from_db()
    assert not position.is_active
    assert list(report_queue(Actor.for_user(world.education_officer))) == []
    assert [r.tracking_number for r in report_queue(Actor.for_user(world.outsider))] == [report.tracking_number]
    entry = AuditEntry.objects.get(kind="position_deactivated")
    assert (entry.actor, entry.position, entry.agency, entry.data) == (world.city_admin, position, world.city_education, {"holder": "disdik"})

    page = text(b.submit(f"/petugas/pengguna/jabatan/{position.pk}/aktifkan/"))
    assert "Pejabat Penghubung Disdik is active again." in page
    position.refresh_from_db()
    assert position.is_active and AuditEntry.objects.filter(kind="position_reactivated", position=position).count() == 1


def test_a_position_with_an_empty_queue_can_be_deactivated(world):
    position = liaison(world.health_officer)
    b = browser_for(world.city_admin)
    b.get(MANAGE)
    b.submit(f"/petugas/pengguna/jabatan/{position.pk}/nonaktifkan/")
    position.refresh_from_db()
    assert not position.is_active and AuditEntry.objects.get().kind == "position_deactivated"
    # An inactive position gives nobody a queue, and no report can be forwarded to it.
    assert not Actor.for_user(world.health_officer).positions


def test_deactivating_an_inactive_position_is_refused(world, client):
    position = liaison(world.health_officer)
    Position.objects.filter(pk=position.pk).update(is_active=False)
    sign_in(client, world.city_admin)
    with nothing_written():
        page = text(client.post(f"/petugas/pengguna/jabatan/{position.pk}/nonaktifkan/", follow=True, headers={"Accept-Language": "en"}))
    assert "This position is already inactive." in page


def test_another_agencys_admin_cannot_touch_the_position(world, client):
    position = liaison(world.ministry_officer)
    sign_in(client, world.city_admin)
    with nothing_written():
        page = text(client.post(f"/petugas/pengguna/jabatan/{position.pk}/nonaktifkan/", follow=True, headers={"Accept-Language": "en"}))
        assert "You may not change this position." in page
        client.post(f"/petugas/pengguna/jabatan/{position.pk}/serah-terima/", {"username": "orang"})
        assert client.get(f"/petugas/pengguna/jabatan/{position.pk}/akun-baru/").status_code == 404


def test_the_national_desk_cannot_deactivate_its_own_position(world, client):
    own = Position.objects.get(holder=world.national_admin)
    sign_in(client, world.national_admin)
    with nothing_written():
        page = text(client.post(f"/petugas/pengguna/jabatan/{own.pk}/nonaktifkan/", follow=True, headers={"Accept-Language": "en"}))
    assert "You cannot deactivate a position you hold yourself." in page


# --- officials' accounts -----------------------------------------------------------------------------
def test_agency_admin_creates_an_officials_account_who_sets_their_own_password(world):
    vacant = Position.objects.create(role=Role.LIAISON_OFFICER, agency=world.city_health, title="Penghubung Puskesmas", holder=None)
    b = browser_for(world.city_admin)
    page = text(b.get(MANAGE))
    assert f'href="/petugas/pengguna/jabatan/{vacant.pk}/akun-baru/"' in page
    url = f"/petugas/pengguna/jabatan/{vacant.pk}/akun-baru/"
    assert "Penghubung Puskesmas" in text(b.get(url))
    page = text(b.submit(url, username="puskesmas.budi", full_name="Budi Santoso", email="budi@dinkes.example.id"))
    assert "The account puskesmas.budi now holds Penghubung Puskesmas. An invitation to set a password was sent to budi@dinkes.example.id." in page

    user = User.objects.get(username="puskesmas.budi")
    assert (user.full_name, user.email, user.is_active, user.has_usable_password()) == ("Budi Santoso", "budi@dinkes.example.id", True, False)
    vacant.refresh_from_db()
    assert vacant.holder == user
    kinds = list(AuditEntry.objects.order_by("pk").values_list("kind", "position_id", "agency_id", "actor_id"))
    assert kinds == [
        ("user_created", vacant.pk, world.city_health.pk, world.city_admin.pk),
        ("position_change", vacant.pk, world.city_health.pk, world.city_admin.pk),
    ]
    assert AuditEntry.objects.get(kind="user_created").data == {"username": "puskesmas.budi", "user_id": user.pk}
    assert AuditEntry.objects.get(kind="position_change").data == {"from_user": None, "to_user": "puskesmas.budi"}
    # The invitation: a code to set the password, sent to the official's own address only.
    assert VerificationCode.objects.filter(user=user, purpose="password_reset", destination="budi@dinkes.example.id").count() == 1
    assert list(Message.objects.values_list("channel", "recipient")) == [("email", "budi@dinkes.example.id")]


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"username": "", "full_name": "Budi", "email": "b@example.id"}, "username", "Choose a username."),
        ({"username": "budi santoso", "full_name": "Budi", "email": "b@example.id"}, "username", "A username may contain only letters, digits and the characters @ . + - _"),
        ({"username": "DISDIK", "full_name": "Budi", "email": "b@example.id"}, "username", "The username “DISDIK” is taken."),
        ({"username": "budi", "full_name": "  ", "email": "b@example.id"}, "full_name", "Give the official's full name."),
        ({"username": "budi", "full_name": "Budi", "email": ""}, "email", "Give the official's e-mail address: the invitation to set a password goes there."),
        ({"username": "budi", "full_name": "Budi", "email": "budi-at-example"}, "email", "“budi-at-example” is not a valid e-mail address."),
        ({"username": "budi", "full_name": "Budi", "email": "DUPLIKAT@example.id"}, "email", "Another account already uses this e-mail address."),
    ],
)
def test_account_validation_names_the_field_and_writes_nothing(world, client, values, field, message):
    User.objects.filter(pk=world.outsider.pk).update(email="duplikat@example.id")
    position = liaison(world.health_officer)
    sign_in(client, world.city_admin)
    with nothing_written():
        response = client.post(f"/petugas/pengguna/jabatan/{position.pk}/akun-baru/", values, headers={"Accept-Language": "en"})
    page = text(response)
    assert response.status_code == 422 and message in page and f'href="#f-{field}"' in page and f'id="f-{field}"' in page


def test_an_account_for_an_inactive_position_is_refused(world, client):
    position = liaison(world.health_officer)
    Position.objects.filter(pk=position.pk).update(is_active=False)
    sign_in(client, world.city_admin)
    with nothing_written():
        response = client.post(f"/petugas/pengguna/jabatan/{position.pk}/akun-baru/", {"username": "budi", "full_name": "Budi", "email": "b@example.id"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "This position is inactive: reactivate it first." in text(response)


def test_agency_admin_deactivates_their_officials_account_and_its_positions_fall_vacant(world, submit):
    officer_session = Browser()
    officer_session.login(world.education_officer)
    position = liaison(world.education_officer)
    b = browser_for(world.city_admin)
    b.get(MANAGE)
    page = text(b.submit(f"/petugas/pengguna/akun/{world.education_officer.pk}/nonaktifkan/"))
    assert "The account disdik is deactivated; its positions are vacant." in page

    world.education_officer.refresh_from_db()
    position.refresh_from_db()
    assert not world.education_officer.is_active and position.holder is None and position.is_active
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.kind, e.position, e.agency) for e in entries] == [
        ("user_deactivated", position, world.city_education),
        ("position_change", position, world.city_education),
    ]
    assert entries[0].data == {"username": "disdik", "user_id": world.education_officer.pk, "positions": [position.pk]}
    assert entries[1].data == {"from_user": "disdik", "to_user": None}
    # Signed out everywhere at once, and no new sign-in.
    assert officer_session.http.get("/petugas/").status_code == 302
    again = Browser()
    again.get("/masuk/")
    assert again.submit("/masuk/", username="disdik", password="pass-disdik").request["PATH_INFO"] == "/masuk/"


def test_agency_admin_cannot_deactivate_accounts_beyond_their_agency(world, client):
    both = User.objects.create_user(username="rangkap", password="pass-rangkap")
    Position.objects.create(role=Role.LIAISON_OFFICER, agency=world.city_health, title="Penghubung Dinkes B", holder=both)
    Position.objects.create(role=Role.LIAISON_OFFICER, agency=world.ministry_unit, title="Penghubung Yankes B", holder=both)
    second_admin = User.objects.create_user(username="adminkota2", password="pass-adminkota2")
    Position.objects.create(role=Role.AGENCY_ADMIN, agency=world.city, title="Admin Instansi Kota 2", holder=second_admin)
    sign_in(client, world.city_admin)
    for target in (world.ministry_officer, both, world.citizen, second_admin):
        with nothing_written():
            page = text(client.post(f"/petugas/pengguna/akun/{target.pk}/nonaktifkan/", follow=True, headers={"Accept-Language": "en"}))
        assert "You may deactivate only the accounts of people whose positions are all at your agency or its units." in page, target
    with nothing_written():
        page = text(client.post(f"/petugas/pengguna/akun/{world.city_admin.pk}/nonaktifkan/", follow=True, headers={"Accept-Language": "en"}))
    assert "You cannot deactivate your own account." in page


def test_only_the_national_desk_reactivates_an_account(world, client):
    User.objects.filter(pk=world.health_officer.pk).update(is_active=False)
    sign_in(client, world.city_admin)
    with nothing_written():
        page = text(client.post("/petugas/pengguna/akun/aktifkan/", {"username": "dinkes"}, follow=True, headers={"Accept-Language": "en"}))
    assert "Only the national desk may reactivate an account." in page
    sign_in(client, world.national_admin)
    with nothing_written():
        page = text(client.post("/petugas/pengguna/akun/aktifkan/", {"username": "tidak-ada"}, follow=True, headers={"Accept-Language": "en"}))
    assert "There is no account with that username." in page
    page = text(client.post("/petugas/pengguna/akun/aktifkan/", {"username": "dinkes"}, follow=True, headers={"Accept-Language": "en"}))
    assert "The account dinkes is active again." in page
    world.health_officer.refresh_from_db()
    assert world.health_officer.is_active
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.actor, entry.data["username"]) == ("user_reactivated", world.national_admin, "dinkes")


def test_platform_operators_accounts_are_left_to_the_admin_site(world, client):
    operator = User.objects.create_user(username="operator", password="pass-operator", is_staff=True)
    sign_in(client, world.national_admin)
    with nothing_written():
        page = text(client.post(f"/petugas/pengguna/akun/{operator.pk}/nonaktifkan/", follow=True, headers={"Accept-Language": "en"}))
    assert "Platform operators' accounts are managed in the administration site." in page


def test_after_an_action_the_list_keeps_its_filters(world):
    b = browser_for(world.city_admin)
    b.get(MANAGE, q="dinkes")
    position = liaison(world.health_officer)
    b.submit(f"/petugas/pengguna/jabatan/{position.pk}/nonaktifkan/")
    assert b.page.request["PATH_INFO"] == MANAGE and b.page.request["QUERY_STRING"] == "q=dinkes"


def test_a_foreign_next_address_is_not_followed(world, client):
    position = liaison(world.health_officer)
    sign_in(client, world.city_admin)
    response = client.post(f"/petugas/pengguna/jabatan/{position.pk}/nonaktifkan/", {"next": "https://evil.example/petugas/pengguna/"})
    assert response.url == MANAGE


def test_without_a_way_to_send_the_invitation_no_account_is_created(world, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""  # no mail server configured
    position = liaison(world.health_officer)
    sign_in(client, world.city_admin)
    with nothing_written():
        response = client.post(f"/petugas/pengguna/jabatan/{position.pk}/akun-baru/", {"username": "budi", "full_name": "Budi", "email": "b@example.id"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and 'id="error-summary"' in text(response)
    assert not User.objects.filter(username="budi").exists()
