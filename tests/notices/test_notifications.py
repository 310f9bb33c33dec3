"""A signed-in reporter's notifications on the site (the in-app channel, ADR 0032): one per event
told, in their language, only their own, marked read when shown, counted in the menu; kept after
the messages were stopped (nothing is sent); never the report's text or an official's note."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

from lapor.accounts.actors import Actor
from lapor.notices.jobs import run_feed
from lapor.notices.models import Notification
from lapor.reports.services import report_act, report_stop_notices

from ..conftest import sign_in


def act(report, user, action, **payload):
    return report_act(tracking_number=report.tracking_number, action=action, actor=Actor.for_user(user), payload=payload)


def page_of(client, query=""):
    response = client.get(f"/pemberitahuan/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_signed_in_reporter_reads_each_step_in_the_list(world, submit):
    with translation.override("id"):
        report, _secret = submit(world.citizen)
    act(report, world.national_admin, "dispose", agency="kota-35-78", note="Catatan desk yang internal")
    run_feed()
    run_feed()  # nothing twice
    number = report.formatted_tracking_number
    assert list(Notification.objects.order_by("seq").values_list("user_id", "seq", "subject")) == [
        (world.citizen.pk, 1, f"Laporan {number} diterima"), (world.citizen.pk, 2, f"Laporan {number} diverifikasi")]
    verified = Notification.objects.get(seq=2).text
    assert "Pemerintah Kota Surabaya" in verified and "berhenti" not in verified  # what happened; no links

    client = Client()
    sign_in(client, world.citizen)
    home = client.get("/").content.decode()
    assert 'class="badge new">2<span class="visually-hidden"> belum dibaca</span>' in home  # counted in the menu
    first = page_of(client)
    assert "<title>Pemberitahuan · Lapor</title>" in first
    assert first.count('class="badge new"') == 2  # both new; the menu counts none now: they are read
    assert f"/lacak/{report.tracking_number}/" in first
    for private in (report.title, report.description[:40], "Catatan desk"):
        assert private not in first
    again = page_of(client)
    assert 'class="badge new"' not in again  # shown once as new, then read
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_only_ones_own_and_kept_after_the_messages_are_stopped(world, submit):
    report, _secret = submit(world.citizen)
    report_stop_notices(tracking_number=report.tracking_number)
    act(report, world.national_admin, "dispose", agency="kota-35-78")
    run_feed()
    assert Notification.objects.filter(user=world.citizen).count() == 2  # nothing is sent; the list keeps them
    guest_report, _ = submit(contact_email="tamu@example.test")
    run_feed()
    assert not Notification.objects.filter(report=guest_report).exists()  # a guest has no list

    other = Client()
    sign_in(other, world.outsider)
    listed = page_of(other)
    assert report.tracking_number not in listed and "Belum ada pemberitahuan" in listed
    assert Notification.objects.filter(read_at__isnull=True).count() == 2  # another's page marks nothing


def test_the_page_answers_every_page_number_and_asks_to_sign_in(world, submit):
    assert Client().get("/pemberitahuan/").status_code == 302
    client = Client()
    sign_in(client, world.citizen)
    for query in ("?hal=2", "?hal=0", "?hal=-1", "?hal=99999999999999999999", "?hal=abc", "?hal="):
        assert client.get(f"/pemberitahuan/{query}").status_code == 200, query
