"""Reporters hear what happened to their report (lapor/notices/reporters.py, ADR 0032): every
event goes into the feed with its transaction, the feed job publishes it and queues the
reporter's messages, the outbox sends them to a real SMTP server and SMS gateway on loopback.
Each says what happened and links to the tracking page and to stopping the messages; none holds
the report's text or an official's note; a guest's receipt carries their secret code and is
emptied once sent; nothing is sent twice; a guest who left no contact hears nothing; the stop
link asks, then stops."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from lapor.accounts.actors import Actor
from lapor.notices import reporters
from lapor.notices.jobs import run_feed
from lapor.notify.models import Message
from lapor.notify.outbox import deliver_pending
from lapor.reports import feed
from lapor.reports.models import FeedEntry, Report, ReportEvent
from lapor.reports.services import report_act

from ..conftest import sign_in
from ..notify.peers import sms_gateway, smtp_server, whatsapp_api  # noqa: F401 (fixtures)

GUEST = {"contact_name": "Siti Aminah", "contact_email": "siti@example.test", "contact_phone": "+6281234567890"}
URL = re.compile(r"https?://\S+")


def act(report, user, action, **payload):
    actor = Actor.for_user(user) if not isinstance(user, Actor) else user
    return report_act(tracking_number=report.tracking_number, action=action, actor=actor, payload=payload)


def sent_now():
    """Run the feed job and deliver what it queued."""
    run = run_feed()
    deliver_pending()
    return run


def walk(world, report, secret):
    """Desk, agency, unit, reporter: the whole life of a report, the feed run after each step."""
    guest = Actor(reporter_secret=secret)
    steps = [
        (world.national_admin, "dispose", {"agency": "kota-35-78", "note": "Kewenangan Pemkot"}),
        (world.city_admin, "forward", {"unit": "kota-35-78-disdik", "note": "Catatan internal dinas."}),
        (world.education_officer, "respond", {"note": "Sedang kami periksa."}),
        (world.education_officer, "follow_up", {"note": "Uang dikembalikan; panitia diberi sanksi."}),
        (guest, "reply", {"note": "Uang belum kembali."}),
        (world.education_officer, "follow_up", {"note": "Sudah dikembalikan hari ini."}),
        (guest, "rate", {"rating": 5, "comment": "Terima kasih"}),
    ]
    for user, action, payload in steps:
        report = act(report, user, action, **payload)
        sent_now()
    return report


def test_a_guest_hears_of_each_step_by_e_mail_and_sms(world, submit, smtp_server, sms_gateway):  # noqa: F811
    report, secret = submit(**GUEST)
    sent_now()
    report = walk(world, report, secret)
    subjects = [mail.subject for mail in smtp_server.mails]
    number = report.formatted_tracking_number
    assert subjects == [
        f"Report {number} received", f"Report {number} verified", f"Report {number} is being handled",
        f"Report {number} followed up", f"Report {number} followed up",
    ]
    assert all(mail.recipients == [GUEST["contact_email"]] for mail in smtp_server.mails)
    texts = sms_gateway.texts
    assert len(texts) == 5 and all(len(text) <= 160 for text in texts), texts
    assert {r["json"]["to"] for r in sms_gateway.received} == {GUEST["contact_phone"]}
    bodies = [mail.body for mail in smtp_server.mails]
    # What happened, what next, by when; the tracking page and the stop link in every e-mail.
    assert "Pemerintah Kota Surabaya" in bodies[1] and "takes it up by 26 November 2026" in bodies[1]
    for body in bodies:
        links = URL.findall(body)
        assert f"/lacak/{report.tracking_number}/" in links[0]
        assert f"/lacak/{report.tracking_number}/berhenti/" in links[1]
    # The guest's receipt carries the code, and the outbox keeps no copy of it once sent.
    assert secret in bodies[0] and secret in texts[0]
    assert not any(secret in body for body in bodies[1:] + texts[1:])
    assert not Message.objects.filter(body__contains=secret).exists()
    # Never the report's text, an official's note or the reporter's own words.
    private = [report.title, report.description[:40], "Kewenangan Pemkot", "Catatan internal", "Sedang kami periksa",
               "Uang dikembalikan", "Uang belum kembali", "Terima kasih", "Siti Aminah"]
    for text in bodies + texts:
        assert not any(words in text for words in private), text


def test_each_event_is_told_once_and_in_order(world, submit, smtp_server):  # noqa: F811
    report, _secret = submit(contact_email="siti@example.test")
    report = act(report, world.national_admin, "dispose", agency="kota-35-78")
    assert FeedEntry.objects.filter(position__isnull=True).count() == 2  # written with the events
    first = run_feed()
    assert (first.published, first.reporter_events) == (2, 2)
    assert list(FeedEntry.objects.order_by("position").values_list("seq", "position")) == [(1, 1), (2, 2)]
    assert (run_feed().published, run_feed().reporter_events) == (0, 0)  # nothing twice
    deliver_pending()
    assert [m.subject for m in smtp_server.mails] == [
        f"Report {report.formatted_tracking_number} received", f"Report {report.formatted_tracking_number} verified"]


def test_a_failed_subscriber_moves_nothing_and_reads_again(world, submit, monkeypatch):
    submit(contact_email="siti@example.test")
    feed.publish()

    def broken(entries):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        feed.consume(reporters.SUBSCRIBER, broken)
    assert not Message.objects.exists()
    assert reporters.notify() == 1 and Message.objects.count() == 1


def test_a_guest_without_contact_and_the_reporters_own_acts_are_quiet(world, submit):
    report, secret = submit()
    run_feed()
    assert not Message.objects.exists()


def test_a_signed_in_reporter_hears_at_the_account_address_in_their_language(world, submit, smtp_server):  # noqa: F811
    world.citizen.email = "warga@example.test"
    world.citizen.save()
    with translation.override("id"):
        report, _secret = submit(world.citizen)
    assert Report.objects.get(pk=report.pk).language == "id"
    sent_now()
    (mail,) = smtp_server.mails
    assert mail.recipients == ["warga@example.test"]
    assert mail.subject == f"Laporan {report.formatted_tracking_number} diterima"
    assert "kode rahasia" not in mail.body.lower()  # an account needs no code


def test_the_stop_link_asks_then_stops(world, submit, smtp_server):  # noqa: F811
    report, secret = submit(contact_email="siti@example.test")
    sent_now()
    (receipt,) = smtp_server.mails
    stop = URL.findall(receipt.body)[1].split("127.0.0.1:8000", 1)[1]
    client = Client()
    page = client.get(stop)
    assert page.status_code == 200 and Report.objects.get(pk=report.pk).notices_stopped_at is None  # opening only asks
    assert "Hentikan pesan ini" in page.content.decode()  # the site's language: Indonesian
    done = client.post(stop)
    assert done.status_code == 200 and "Anda tidak akan menerima pesan lagi" in done.content.decode()
    assert Report.objects.get(pk=report.pk).notices_stopped_at is not None
    act(report, world.national_admin, "dispose", agency="kota-35-78")
    sent_now()
    assert len(smtp_server.mails) == 1  # nothing after the stop
    # A link that is not ours, or for another report, is not found.
    assert client.get(f"/lacak/{report.tracking_number}/berhenti/palsu/").status_code == 404
    other, _ = submit()
    assert client.get(stop.replace(report.tracking_number, other.tracking_number)).status_code == 404


def test_the_feed_can_be_turned_off_for_measurement(world, submit, settings):
    settings.LAPOR_EVENT_FEED = False
    submit(contact_email="siti@example.test")
    assert not FeedEntry.objects.exists() and ReportEvent.objects.exists()


def test_a_guest_who_chose_whatsapp_hears_there_in_one_line(world, submit, smtp_server, sms_gateway, whatsapp_api, settings):  # noqa: F811
    settings.LAPOR_WHATSAPP_TEMPLATE = "lapor_pemberitahuan"  # the real path: a business-initiated message
    with translation.override("id"):
        report, secret = submit(**GUEST, phone_channel="whatsapp")
    assert Report.objects.get(pk=report.pk).phone_channel == "whatsapp"
    sent_now()
    act(report, world.national_admin, "dispose", agency="kota-35-78", note="Kewenangan Pemkot")
    sent_now()
    assert sms_gateway.received == []  # the phone gets WhatsApp instead of SMS
    assert whatsapp_api.recipients == ["6281234567890", "6281234567890"]  # the Cloud API's "to" form
    receipt, verified = (r["json"]["template"]["components"][0]["parameters"][0]["text"] for r in whatsapp_api.received)
    number = report.formatted_tracking_number
    assert receipt.startswith(f"Laporan Anda {number} telah kami terima.") and secret in receipt
    assert "Pemerintah Kota Surabaya" in verified and "Kewenangan Pemkot" not in verified and secret not in verified
    for text in (receipt, verified):
        assert "\n" not in text and "\t" not in text  # a template parameter may hold no line break
        assert f"/lacak/{report.tracking_number}/" in text and "/berhenti/" in text
    assert len(smtp_server.mails) == 2  # the e-mail goes on as before
    assert not Message.objects.filter(body__contains=secret).exists()  # the receipt emptied once sent


def test_an_account_chooses_where_its_messages_go(world, submit, smtp_server, sms_gateway, whatsapp_api):  # noqa: F811
    world.citizen.email, world.citizen.phone = "warga@example.test", "0812 1111 2222"
    world.citizen.save()
    assert reporters.contacts_of(submit(world.citizen)[0]) == [("email", "warga@example.test"), ("sms", "0812 1111 2222")]
    client = Client()
    sign_in(client, world.citizen)
    page = client.get("/pemberitahuan/").content.decode()
    assert 'name="notify_email" checked' in page and 'value="whatsapp"' in page
    saved = client.post("/pemberitahuan/", {"phone_channel": "whatsapp"})  # e-mail unticked
    assert saved.status_code == 302
    world.citizen.refresh_from_db()
    assert (world.citizen.notify_email, world.citizen.phone_channel) == (False, "whatsapp")
    report, _ = submit(world.citizen)
    report = Report.objects.get(pk=report.pk)
    assert reporters.contacts_of(report) == [("whatsapp", "0812 1111 2222")]
    sent_now()
    assert smtp_server.mails == [] and sms_gateway.received == [] and whatsapp_api.recipients == ["6281211112222"] * 2
    client.post("/pemberitahuan/", {"notify_email": "on", "phone_channel": ""})  # nothing to the phone
    world.citizen.refresh_from_db()
    assert reporters.contacts_of(Report.objects.get(pk=report.pk)) == [("email", "warga@example.test")]
    refused = client.post("/pemberitahuan/", {"phone_channel": "merpati"})
    assert refused.status_code == 422 and "SMS" in refused.content.decode()
    world.citizen.refresh_from_db()
    assert (world.citizen.notify_email, world.citizen.phone_channel) == (True, "")  # nothing changed
