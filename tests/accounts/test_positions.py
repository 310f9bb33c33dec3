"""Work belongs to positions: handing a position over moves its queue; past events keep who acted."""

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, User
from tests.conftest import sign_in
from lapor.audit.models import AuditEntry
from lapor.reports.selectors import report_queue
from lapor.reports.services import report_act


def test_hand_over_moves_the_queue_and_keeps_history(world, submit, client):
    report, _ = submit(target_agency_code="kota-35-78")
    report_act(tracking_number=report.tracking_number, action="forward", actor=Actor.for_user(world.city_admin), payload={"unit": "kota-35-78-disdik"})
    report_act(tracking_number=report.tracking_number, action="respond", actor=Actor.for_user(world.education_officer), payload={"note": "Diterima."})
    newcomer = User.objects.create_user(username="penggantidisdik", password="pass-penggantidisdik")
    position = Position.objects.get(holder=world.education_officer)

    sign_in(client, world.city_admin)
    assert client.get("/petugas/jabatan/").url == "/petugas/pengguna/"  # the old address of the hand-over page
    page = client.get("/petugas/pengguna/").content.decode()
    assert f'action="/petugas/pengguna/jabatan/{position.pk}/serah-terima/"' in page
    admin_post = Position.objects.get(holder=world.city_admin)  # listed, but admins do not hand over admins
    assert admin_post.title in page and f"/jabatan/{admin_post.pk}/serah-terima/" not in page
    response = client.post(f"/petugas/pengguna/jabatan/{position.pk}/serah-terima/", {"username": "penggantidisdik"}, follow=True)
    assert response.status_code == 200

    position.refresh_from_db()
    assert position.holder == newcomer
    assert [r.tracking_number for r in report_queue(Actor.for_user(newcomer))] == [report.tracking_number]
    assert list(report_queue(Actor.for_user(world.education_officer))) == []
    # The newcomer can act at once; the earlier response still names who gave it.
    report_act(tracking_number=report.tracking_number, action="follow_up", actor=Actor.for_user(newcomer), payload={"note": "Selesai."})
    actors = list(report.events.order_by("seq").values_list("action", "actor__username", "actor_position__title"))
    assert actors[2:] == [("respond", "disdik", position.title), ("follow_up", "penggantidisdik", position.title)]
    entry = AuditEntry.objects.get(kind="position_change")
    assert (entry.actor, entry.position, entry.data) == (world.city_admin, position, {"from_user": "disdik", "to_user": "penggantidisdik"})
    assert entry.actor_position.title == "Admin Instansi Kota Surabaya"


def test_an_agency_admin_cannot_hand_over_another_agencys_position(world, client):
    other = Position.objects.get(holder=world.ministry_officer)
    sign_in(client, world.city_admin)
    client.post(f"/petugas/pengguna/jabatan/{other.pk}/serah-terima/", {"username": "orang"})
    other.refresh_from_db()
    assert other.holder == world.ministry_officer and AuditEntry.objects.count() == 0
    sign_in(client, world.education_officer)  # a liaison officer manages nothing
    assert client.get("/petugas/pengguna/").status_code == 403
    client.post(f"/petugas/pengguna/jabatan/{other.pk}/serah-terima/", {"username": "orang"})
    other.refresh_from_db()
    assert other.holder == world.ministry_officer and AuditEntry.objects.count() == 0


def test_hand_over_to_an_unknown_user_changes_nothing(world, client):
    position = Position.objects.get(holder=world.education_officer)
    sign_in(client, world.national_admin)
    client.post(f"/petugas/pengguna/jabatan/{position.pk}/serah-terima/", {"username": "tidak-ada"})
    position.refresh_from_db()
    assert position.holder == world.education_officer and AuditEntry.objects.count() == 0


def test_forward_form_offers_nested_units_that_have_a_liaison_officer(world, submit, client):
    from lapor.agencies.models import Agency

    school = Agency.objects.create(code="kota-35-78-disdik-sd", name="Bidang SD Disdik Surabaya", kind="unit", parent=world.city_education)
    Agency.objects.create(code="kota-35-78-disdik-smp", name="Bidang SMP Disdik Surabaya", kind="unit", parent=world.city_education)
    Position.objects.create(role="liaison_officer", agency=school, title="Penghubung SD", holder=world.outsider)
    report, _ = submit(target_agency_code="kota-35-78")
    sign_in(client, world.city_admin)
    page = client.get(f"/petugas/laporan/{report.tracking_number}/").content.decode()
    form = page.split('id="forward-unit"')[1].split("</select>")[0]
    assert 'value="kota-35-78-disdik-sd"' in form and 'value="kota-35-78-disdik"' in form and 'value="kota-35-78-dinkes"' in form
    assert 'value="kota-35-78-disdik-smp"' not in form and 'value="kota-35-78"' not in form  # nobody to receive it
