"""Every add, change and delete made in the Django admin to policies, reference data, positions,
accounts and decrees leaves an audit entry with the values before and after (never a password
hash); the audit log itself is read-only there."""

from __future__ import annotations

import json
from datetime import date

import pytest

from lapor.accounts.models import Position, User
from lapor.agencies.models import Agency, AgencyDecree, Category, SlaPolicy
from lapor.audit.models import AuditEntry
from lapor.core.models import HolidayOverride
from tests.api.conftest import _empty_cache, media_root  # noqa: F401  (isolated MEDIA_ROOT)
from tests.conftest import sign_in
from tests.web.conftest import forms_on

SUBMITS = {"_save", "_continue", "_addanother", "_saveasnew"}


@pytest.fixture
def operator(world, client):
    user = User.objects.create_superuser(username="operator", password="pass-operator", email="ops@example.id")
    sign_in(client, user)
    return user


def admin_form(client, url) -> dict:
    page = client.get(url)
    assert page.status_code == 200, url
    [form] = [f for f in forms_on(page.content.decode()) if f["method"] == "post" and f["action"] == ""]
    return {k: v for k, v in form["fields"].items() if v is not None and k not in SUBMITS}


def admin_save(client, url, **changes):
    data = admin_form(client, url)
    data.update(changes)
    data["_save"] = "Save"
    return client.post(url, data)


def only_entry() -> AuditEntry:
    [entry] = AuditEntry.objects.filter(kind="admin_change")
    return entry


def test_changing_an_sla_policy_records_the_value_before_and_after(world, client, operator):
    policy = SlaPolicy.objects.create(stage="follow_up", duration=5, agency=world.city)
    response = admin_save(client, f"/admin/agencies/slapolicy/{policy.pk}/change/", duration="7")
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.duration == 7
    entry = only_entry()
    assert (entry.actor, entry.agency, entry.position, entry.report) == (operator, world.city, None, None)
    assert entry.data == {
        "model": "agencies.SlaPolicy",
        "object_pk": policy.pk,
        "object_repr": "follow_up: 7 working_days",
        "action": "change",
        "changes": {"duration": {"before": 5, "after": 7}},
    }


def test_saving_without_a_change_or_with_an_invalid_value_records_nothing(world, client, operator):
    policy = SlaPolicy.objects.create(stage="follow_up", duration=5)
    assert admin_save(client, f"/admin/agencies/slapolicy/{policy.pk}/change/").status_code == 302
    assert admin_save(client, f"/admin/agencies/slapolicy/{policy.pk}/change/", duration="lima").status_code == 200  # the form's error
    assert AuditEntry.objects.count() == 0


def test_adding_a_holiday_records_every_value(world, client, operator):
    response = admin_save(client, "/admin/core/holidayoverride/add/", date="2026-12-24", name="Cuti bersama Natal", is_holiday="on")
    assert response.status_code == 302
    holiday = HolidayOverride.objects.get()
    entry = only_entry()
    assert (entry.data["model"], entry.data["action"], entry.data["object_pk"]) == ("core.HolidayOverride", "add", holiday.pk)
    assert entry.data["changes"] == {
        "date": {"before": None, "after": "2026-12-24"},
        "id": {"before": None, "after": holiday.pk},
        "is_holiday": {"before": None, "after": True},
        "name": {"before": None, "after": "Cuti bersama Natal"},
    }


def test_deleting_a_category_records_what_it_was(world, client, operator):
    category = Category.objects.create(code="pemilu-netralitas", name="Netralitas ASN", is_priority=True, active_until=date(2026, 12, 31))
    pk = category.pk
    response = client.post(f"/admin/agencies/category/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Category.objects.filter(pk=pk).exists()
    entry = only_entry()
    assert (entry.data["action"], entry.data["object_pk"], entry.data["object_repr"]) == ("delete", pk, "Netralitas ASN")
    assert entry.data["changes"]["code"] == {"before": "pemilu-netralitas", "after": None}
    assert entry.data["changes"]["active_until"] == {"before": "2026-12-31", "after": None}
    assert entry.agency is None and entry.position is None  # nothing left to point at


def test_deleting_several_at_once_records_one_entry_each(world, client, operator):
    first = HolidayOverride.objects.create(date=date(2026, 12, 24), name="Cuti bersama")
    second = HolidayOverride.objects.create(date=date(2026, 12, 31), name="Cuti bersama 2")
    response = client.post(
        "/admin/core/holidayoverride/", {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"}
    )
    assert response.status_code == 302 and HolidayOverride.objects.count() == 0
    entries = AuditEntry.objects.filter(kind="admin_change").order_by("pk")
    assert sorted((e.data["object_pk"], e.data["action"]) for e in entries) == [(first.pk, "delete"), (second.pk, "delete")]


def test_an_agency_change_is_found_by_the_agencys_auditors(world, client, operator):
    admin_save(client, f"/admin/agencies/agency/{world.city_health.pk}/change/", short_name="Dinkes Surabaya")
    entry = only_entry()
    assert entry.agency == world.city_health
    assert entry.data["changes"] == {"short_name": {"before": "", "after": "Dinkes Surabaya"}}


def test_a_position_change_names_the_position_and_its_agency(world, client, operator):
    position = Position.objects.get(holder=world.health_officer)
    admin_save(client, f"/admin/accounts/position/{position.pk}/change/", holder=str(world.outsider.pk), title="Penghubung Dinkes")
    entry = only_entry()
    assert (entry.position, entry.agency) == (position, world.city_health)
    assert entry.data["changes"] == {
        "holder": {"before": world.health_officer.pk, "after": world.outsider.pk},
        "title": {"before": "Pejabat Penghubung Dinkes", "after": "Penghubung Dinkes"},
    }


def test_account_changes_never_record_a_password_hash(world, client, operator):
    user = world.health_officer
    form = admin_form(client, f"/admin/accounts/user/{user.pk}/change/")
    for multiple in ("groups", "user_permissions"):  # nothing selected (the form reader takes the first option)
        form.pop(multiple, None)
    form.update(email="dinkes@surabaya.example.id", is_staff="on", _save="Save")
    assert client.post(f"/admin/accounts/user/{user.pk}/change/", form).status_code == 302
    entry = only_entry()
    assert entry.data["changes"] == {
        "email": {"before": "", "after": "dinkes@surabaya.example.id"},
        "is_staff": {"before": False, "after": True},
    }

    form = admin_form(client, f"/admin/accounts/user/{user.pk}/password/")
    form.update(password1="Kata-Sandi-Baru-2026", password2="Kata-Sandi-Baru-2026")
    assert client.post(f"/admin/accounts/user/{user.pk}/password/", form).status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kata-Sandi-Baru-2026")
    changed = AuditEntry.objects.filter(kind="admin_change").latest("pk")
    assert changed.data["changes"] == {"password": {"changed": True}}

    form = admin_form(client, "/admin/accounts/user/add/")
    form.update(username="operator2", password1="Kata-Sandi-Lain-2026", password2="Kata-Sandi-Lain-2026", usable_password="true")
    form["_save"] = "Save"
    assert client.post("/admin/accounts/user/add/", form).status_code == 302
    added = AuditEntry.objects.filter(kind="admin_change").latest("pk")
    assert added.data["action"] == "add" and added.data["changes"]["password"] == {"changed": True}
    assert added.data["changes"]["username"] == {"before": None, "after": "operator2"}

    hashes = {user.password, User.objects.get(username="operator2").password}
    everything = json.dumps(list(AuditEntry.objects.values_list("data", flat=True)))
    assert not any(h in everything for h in hashes) and "Kata-Sandi" not in everything
    assert "last_login" not in everything


def test_decrees_are_corrected_in_the_admin_but_never_added_or_deleted_there(world, client, operator, media_root):
    decree = AgencyDecree.objects.create(
        agency=world.city, number="188/1/2026", date=date(2026, 11, 2), title="Pengelola Pengadun", file="decrees/x.pdf",
        original_name="sk.pdf", size=10, sha256="0" * 64, recorded_by=world.city_admin, recorded_at=world.city_admin.date_joined,
    )
    page = client.get(f"/admin/agencies/agencydecree/{decree.pk}/change/").content.decode()
    assert "decrees/x.pdf" not in page  # the file is served only by the permission-checked page
    admin_save(client, f"/admin/agencies/agencydecree/{decree.pk}/change/", title="Pengelola Pengaduan")
    entry = only_entry()
    assert (entry.agency, entry.data["changes"]) == (world.city, {"title": {"before": "Pengelola Pengadun", "after": "Pengelola Pengaduan"}})
    assert client.get("/admin/agencies/agencydecree/add/").status_code == 403
    assert client.post(f"/admin/agencies/agencydecree/{decree.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AgencyDecree.objects.filter(pk=decree.pk).exists()


def test_the_audit_log_is_read_only_in_the_admin(world, client, operator):
    SlaPolicy.objects.create(stage="follow_up", duration=5)
    admin_save(client, f"/admin/agencies/slapolicy/{SlaPolicy.objects.get().pk}/change/", duration="6")
    entry = only_entry()
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # a view, not a form
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"reason": "diubah"}).status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/audit/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}).status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    entry.refresh_from_db()
    assert entry.reason == ""


def test_a_position_with_an_audit_trail_cannot_be_deleted(world, client, operator):
    position = Position.objects.get(holder=world.health_officer)
    admin_save(client, f"/admin/accounts/position/{position.pk}/change/", title="Penghubung Dinkes")
    response = client.post(f"/admin/accounts/position/{position.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200 and Position.objects.filter(pk=position.pk).exists()  # the admin explains why
    assert AuditEntry.objects.filter(kind="admin_change").count() == 1


def test_agency_with_its_units_unchanged_when_nothing_is_edited(world, client, operator):
    admin_save(client, f"/admin/agencies/agency/{world.city.pk}/change/")
    assert AuditEntry.objects.count() == 0 and Agency.objects.get(pk=world.city.pk).name == "Pemerintah Kota Surabaya"
