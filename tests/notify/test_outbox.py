"""The outbox against real local peers: an SMTP server and an HTTP SMS gateway on loopback.

Messages are written in the caller's transaction and sent after commit; a failed send stays
pending and is retried by deliver_pending() with backoff, and is given up after the maximum
number of attempts. Logs and stored errors never hold the recipient or the text."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from lapor.core import clock
from lapor.notify import channels
from lapor.notify.models import Message
from lapor.notify.outbox import backoff, deliver, deliver_pending, queue_message
from tests.conftest import MONDAY_9AM

from .peers import SMS_TOKEN, free_port, personal_data_in_logs, sms_gateway, smtp_server  # noqa: F401

# Real commits, so that transaction.on_commit runs as in production.
pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "siti.rahayu@contoh.id"
PHONE = "+6281234567890"
CODE = "482913"


def queue(**fields) -> Message:
    with transaction.atomic():
        return queue_message(**fields)


def test_email_is_sent_to_the_smtp_server_right_after_commit(smtp_server):
    message = queue(channel="email", recipient=ADDRESS, subject="Kode Anda", body=f"Kode: {CODE}")
    assert len(smtp_server.mails) == 1
    mail = smtp_server.mails[0]
    assert mail.recipients == [ADDRESS] and mail.sender == "noreply@lapor.test"
    assert mail.subject == "Kode Anda" and CODE in mail.body
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at, message.last_error) == ("sent", 1, MONDAY_9AM, "")
    assert message.body == f"Kode: {CODE}"  # not sensitive: kept


def test_nothing_is_written_or_sent_when_the_transaction_rolls_back(smtp_server):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            queue_message(channel="email", recipient=ADDRESS, subject="x", body="y")
            raise RuntimeError("the change failed")
    assert Message.objects.count() == 0 and smtp_server.mails == []


def test_nothing_goes_out_before_the_commit(smtp_server):
    with transaction.atomic():
        queue_message(channel="email", recipient=ADDRESS, subject="x", body="y")
        assert smtp_server.mails == []
    assert len(smtp_server.mails) == 1


def test_sms_is_posted_as_json_with_the_bearer_token(sms_gateway):
    message = queue(channel="sms", recipient=PHONE, body=f"Lapor: kode {CODE}", sensitive=True)
    [request] = sms_gateway.received
    assert request["path"] == "/v1/sms/send"
    assert request["headers"]["Authorization"] == f"Bearer {SMS_TOKEN}"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {"to": PHONE, "text": f"Lapor: kode {CODE}"}
    message.refresh_from_db()
    assert message.status == "sent" and message.body == ""  # a sensitive body is purged once sent


def test_gateway_down_keeps_the_message_pending_and_deliver_pending_retries_it(sms_gateway):
    sms_gateway.status = 503
    message = queue(channel="sms", recipient=PHONE, body=f"kode {CODE}", sensitive=True)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("pending", 1, "HTTP 503")
    assert message.next_attempt_at == MONDAY_9AM + backoff(1) and message.body  # kept for the retry
    # Not due yet: the job leaves it alone.
    assert deliver_pending().counts["sent"] == 0 and len(sms_gateway.received) == 1
    sms_gateway.status = 200
    clock.freeze(MONDAY_9AM + backoff(1))
    run = deliver_pending()
    assert run.counts["sent"] == 1 and len(sms_gateway.received) == 2
    message.refresh_from_db()
    assert (message.status, message.attempts, message.body) == ("sent", 2, "")


def test_an_unreachable_gateway_is_retried_with_growing_backoff(settings):
    settings.LAPOR_SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/sms"  # nothing listens there
    message = queue(channel="sms", recipient=PHONE, body="x")
    message.refresh_from_db()
    assert message.status == "pending" and message.last_error == "URLError (ConnectionRefusedError)"
    clock.freeze(MONDAY_9AM + backoff(1))
    assert deliver_pending().counts["retrying"] == 1
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == MONDAY_9AM + backoff(1) + backoff(2)
    assert backoff(2) == 2 * backoff(1) and backoff(30) == timedelta(hours=1)


def test_smtp_down_then_up(smtp_server, settings):
    settings.EMAIL_PORT = free_port()  # the mail server is unreachable for now
    message = queue(channel="email", recipient=ADDRESS, subject="s", body="b")
    message.refresh_from_db()
    assert message.status == "pending" and message.last_error.startswith("ConnectionRefusedError")
    settings.EMAIL_PORT = smtp_server.port
    clock.freeze(MONDAY_9AM + timedelta(minutes=5))
    assert deliver_pending().counts["sent"] == 1
    assert [m.recipients for m in smtp_server.mails] == [[ADDRESS]]


def test_gives_up_after_the_maximum_attempts(sms_gateway, settings, caplog):
    settings.LAPOR_OUTBOX_MAX_ATTEMPTS = 3
    sms_gateway.status = 500
    message = queue(channel="sms", recipient=PHONE, body=f"kode {CODE}", sensitive=True)
    when = MONDAY_9AM
    for attempt in (1, 2):
        when += backoff(attempt)
        clock.freeze(when)
        deliver_pending()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("failed", 3, "HTTP 500")
    assert message.body == ""  # the code is not kept once given up
    clock.freeze(when + timedelta(days=1))
    assert deliver_pending().counts == {"sent": 0, "retrying": 0, "failed": 0, "purged": 0}
    assert len(sms_gateway.received) == 3
    assert any("given up after 3 attempts" in r.getMessage() for r in caplog.records)


def test_a_message_past_its_expiry_is_given_up_not_sent(sms_gateway):
    sms_gateway.status = 503
    message = queue(channel="sms", recipient=PHONE, body=f"kode {CODE}", sensitive=True, expires_at=MONDAY_9AM + timedelta(minutes=15))
    sms_gateway.status = 200
    clock.freeze(MONDAY_9AM + timedelta(minutes=16))
    assert deliver_pending().counts["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.last_error, message.body) == ("failed", "expired before delivery", "")
    assert len(sms_gateway.received) == 1  # only the first, failed, try


def test_a_claimed_message_is_not_sent_twice(sms_gateway):
    sms_gateway.status = 503
    message = queue(channel="sms", recipient=PHONE, body="x")
    clock.freeze(MONDAY_9AM + backoff(1))
    sms_gateway.status = 200
    assert deliver(message.pk) == "sent"
    assert deliver(message.pk) is None and deliver_pending().total == 0
    assert len(sms_gateway.received) == 2


def test_email_is_off_without_a_mail_host(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    assert not channels.email_available()
    message = queue(channel="email", recipient=ADDRESS, subject="s", body="b")
    message.refresh_from_db()
    assert message.status == "pending" and message.last_error == "e-mail is not configured"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert channels.email_available()


def test_sms_is_off_without_a_gateway(settings):
    settings.LAPOR_SMS_GATEWAY_URL = ""
    assert not channels.sms_available()


def test_nothing_personal_in_logs_or_stored_errors(smtp_server, sms_gateway, settings, caplog):
    caplog.set_level(logging.DEBUG)
    sms_gateway.status = 502
    queue(channel="sms", recipient=PHONE, body=f"kode {CODE}", sensitive=True)
    queue(channel="email", recipient=ADDRESS, subject=f"Kode {CODE}", body=f"kode {CODE}", sensitive=True)
    settings.EMAIL_PORT = free_port()
    queue(channel="email", recipient="other." + ADDRESS, subject="s", body=f"kode {CODE}")
    settings.LAPOR_OUTBOX_MAX_ATTEMPTS = 2
    clock.freeze(MONDAY_9AM + timedelta(hours=1))
    deliver_pending()
    assert caplog.records, "the outbox logs what it does"
    assert personal_data_in_logs(caplog, PHONE, ADDRESS, CODE, "81234567890") == []
    for error in Message.objects.values_list("last_error", flat=True):
        assert ADDRESS not in error and PHONE not in error and CODE not in error


def test_the_smtp_refusal_of_a_recipient_is_described_without_the_address():
    import smtplib

    error = smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"5.1.1 <siti.rahayu@contoh.id>: user unknown")})
    assert channels.describe(error) == "SMTPRecipientsRefused 550"


def test_finished_messages_are_deleted_after_the_retention_period(smtp_server, settings):
    settings.LAPOR_OUTBOX_RETENTION_DAYS = 30
    queue(channel="email", recipient=ADDRESS, subject="s", body="b")
    clock.freeze(MONDAY_9AM + timedelta(days=29))
    assert deliver_pending().counts["purged"] == 0
    clock.freeze(MONDAY_9AM + timedelta(days=31))
    assert deliver_pending().counts["purged"] == 1 and Message.objects.count() == 0


def test_the_embedded_worker_loop_delivers_pending_messages(sms_gateway):
    sms_gateway.status = 503
    queue(channel="sms", recipient=PHONE, body="x")
    sms_gateway.status = 200
    clock.freeze(MONDAY_9AM + timedelta(minutes=2))
    out = StringIO()
    call_command("run_worker", once=True, stdout=out)
    assert "outbox: sent=1" in out.getvalue()
    assert Message.objects.get().status == "sent"


def test_celery_beat_schedules_the_delivery_task(sms_gateway):
    from config.celery import app
    from lapor.notify import tasks

    entry = app.conf.beat_schedule["deliver-messages"]
    assert entry["task"] == "lapor.notify.tasks.deliver_pending" and entry["task"] in app.tasks
    sms_gateway.status = 503
    queue(channel="sms", recipient=PHONE, body="x")
    sms_gateway.status = 200
    clock.freeze(MONDAY_9AM + timedelta(minutes=2))
    assert tasks.deliver_pending.apply().get() == {"sent": 1, "retrying": 0, "failed": 0, "purged": 0}
