"""The leak test of what is told outside the pages (ADR 0032, 0035): every message the event feed
writes about the world's reports — to reporters by e-mail, SMS and WhatsApp, to officials by
e-mail, the officials' morning digests — and every notification in a reporter's list, searched
for every marker of every report. None may hold any: no report's title, description, address,
files or notes, and no reporter's name, NIK, e-mail or phone in a text (a reporter's own address
is where a message goes, never what it says). Nor the logs written meanwhile."""

from __future__ import annotations

from datetime import datetime, timedelta

from lapor.core.clock import WIB
from lapor.notices import officers
from lapor.notices.jobs import run_feed
from lapor.notices.models import Notification
from lapor.notify.models import Message

from .conftest import check_logs, markers_of


def test_no_message_or_notification_holds_a_marker(pw, settings, all_logs):
    # Every channel on: their texts are written (and kept in the outbox: nothing is sent here).
    settings.LAPOR_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    settings.LAPOR_WHATSAPP_API_URL = "http://127.0.0.1:9/whatsapp"
    for r in pw.world.reports:
        if r.user is not None:
            r.user.phone_channel = "whatsapp" if r.idx % 2 else "sms"
            r.user.phone = r.m.phone
            r.user.save()
    run = run_feed()
    assert run.reporter_events and run.officer_events  # the world's events were read by both
    tomorrow = datetime.now(WIB).date() + timedelta(days=1)
    assert officers.send_digests(datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8, tzinfo=WIB)) > 0

    texts = [(f"message {m.pk} ({m.channel})", f"{m.subject}\n{m.body}") for m in Message.objects.all()]
    texts += [(f"notification {n.pk}", f"{n.subject}\n{n.text}") for n in Notification.objects.all()]
    channels = {m.channel for m in Message.objects.all()}
    assert channels == {"email", "sms", "whatsapp"}, channels
    assert Notification.objects.exists()
    markers = [(r, marker) for r in pw.world.reports for marker in markers_of(r)]
    found = [f"{where}: {marker.label} of {r}" for where, text in texts for r, marker in markers if marker.text in text]
    assert not found, found[:20]
    assert not check_logs(all_logs)
