"""WhatsApp through the outbox, against a real loopback peer that answers like the WhatsApp Cloud
API's messages endpoint (ADR 0034).

What arrives is the Cloud API's own request shape (a text message, or the configured template
with the text as its one body parameter), sent to the number in the Cloud API's digits-only form
whatever way it was typed. A failed send is retried with backoff like any other; what is stored
and logged about it is the status and the Cloud API's numeric error code, never the number, the
text or the API's error message."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import transaction

from lapor.core import clock
from lapor.notify import channels
from lapor.notify.channels import whatsapp_number
from lapor.notify.models import Message
from lapor.notify.outbox import backoff, deliver_pending, queue_message
from tests.conftest import MONDAY_9AM

from .peers import WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN, free_port, personal_data_in_logs, whatsapp_api  # noqa: F401

# Real commits, so that transaction.on_commit runs as in production.
pytestmark = pytest.mark.django_db(transaction=True)

TYPED = "0812-3456-7890"
NUMBER = "6281234567890"  # the Cloud API's `to`
CODE = "482913"
TEXT = f"Lapor: kode verifikasi Anda {CODE}. Berlaku 15 menit."
# Every form of the number contains this; none of them may reach a log or a stored error.
NATIONAL = "81234567890"


def queue(**fields) -> Message:
    with transaction.atomic():
        return queue_message(**fields)


def test_a_text_message_arrives_in_the_cloud_api_shape(whatsapp_api):
    message = queue(channel="whatsapp", recipient=TYPED, body=TEXT, sensitive=True)
    [request] = whatsapp_api.received
    assert request["path"] == f"/v21.0/{WHATSAPP_PHONE_NUMBER_ID}/messages"
    assert request["headers"]["Authorization"] == f"Bearer {WHATSAPP_TOKEN}"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": NUMBER,
        "type": "text",
        "text": {"preview_url": False, "body": TEXT},
    }
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at, message.last_error) == ("sent", 1, MONDAY_9AM, "")
    assert message.body == ""  # a sensitive body is purged once sent
    assert len(whatsapp_api.message_ids) == 1 and whatsapp_api.message_ids[0].startswith("wamid.")


def test_with_a_template_the_text_is_its_one_body_parameter(whatsapp_api, settings):
    settings.LAPOR_WHATSAPP_TEMPLATE = "lapor_pemberitahuan"
    settings.LAPOR_WHATSAPP_TEMPLATE_LANGUAGE = "en_US"
    message = queue(channel="whatsapp", recipient=TYPED, body=TEXT)
    [request] = whatsapp_api.received
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": NUMBER,
        "type": "template",
        "template": {
            "name": "lapor_pemberitahuan",
            "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": TEXT}]}],
        },
    }
    message.refresh_from_db()
    assert message.status == "sent"


def test_the_number_is_sent_in_the_cloud_api_form_however_it_was_typed(whatsapp_api):
    typed = ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "812 3456 7890", "(0812) 3456.7890", "+62 (0)812-3456-7890"]
    for recipient in typed:
        queue(channel="whatsapp", recipient=recipient, body="x")
    assert whatsapp_api.recipients == [NUMBER] * len(typed)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_a_number_whatsapp_cannot_take_is_refused_without_a_request(whatsapp_api):
    message = queue(channel="whatsapp", recipient="0812-345", body=TEXT)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("pending", "not a WhatsApp number")
    assert whatsapp_api.received == []


def test_a_failure_is_retried_with_backoff_and_its_error_holds_nothing_personal(whatsapp_api):
    whatsapp_api.status = 500
    message = queue(channel="whatsapp", recipient=TYPED, body=TEXT, sensitive=True)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("pending", 1, "HTTP 500")
    assert message.next_attempt_at == MONDAY_9AM + backoff(1) and message.body == TEXT  # kept for the retry
    # Not due yet: the job leaves it alone.
    assert deliver_pending().total == 0 and len(whatsapp_api.received) == 1
    clock.freeze(MONDAY_9AM + backoff(1))
    assert deliver_pending().counts["retrying"] == 1
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == MONDAY_9AM + backoff(1) + backoff(2)
    for personal in (NATIONAL, NUMBER, TYPED, CODE, TEXT):
        assert personal not in message.last_error
    whatsapp_api.status = 200
    clock.freeze(MONDAY_9AM + backoff(1) + backoff(2))
    assert deliver_pending().counts["sent"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error, message.body) == ("sent", 3, "", "")
    assert whatsapp_api.recipients == [NUMBER] * 3


def test_the_cloud_api_error_message_never_reaches_last_error_or_the_logs(whatsapp_api, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.LAPOR_OUTBOX_MAX_ATTEMPTS = 2
    whatsapp_api.refuse_recipient = True
    message = queue(channel="whatsapp", recipient=TYPED, body=TEXT, sensitive=True)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("pending", "HTTP 400, Cloud API error 131030")
    clock.freeze(MONDAY_9AM + backoff(1))
    assert deliver_pending().counts["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error, message.body) == (
        "failed", 2, "HTTP 400, Cloud API error 131030", "",
    )
    logged = [r.getMessage() for r in caplog.records if r.name == "lapor.notify"]
    assert len(logged) == 2 and all("HTTP 400, Cloud API error 131030" in text for text in logged)
    api_message = ("Recipient phone number", "not in allowed list", "(#131030)", "OAuthException", "fbtrace")
    assert personal_data_in_logs(caplog, NATIONAL, CODE, *api_message) == []
    for leaked in (NATIONAL, CODE, *api_message):
        assert leaked not in message.last_error


def test_a_wrong_token_is_described_by_status_and_cloud_api_code(whatsapp_api, settings):
    settings.LAPOR_WHATSAPP_TOKEN = "expired-token"
    message = queue(channel="whatsapp", recipient=TYPED, body=TEXT)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("pending", "HTTP 401, Cloud API error 190")
    assert whatsapp_api.received[0]["headers"]["Authorization"] == "Bearer expired-token"


def test_a_2xx_answer_without_a_message_id_is_not_taken_as_sent(whatsapp_api):
    whatsapp_api.without_message_id = True
    message = queue(channel="whatsapp", recipient=TYPED, body=TEXT)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("pending", "HTTP 200 without a message id")
    whatsapp_api.without_message_id = False
    clock.freeze(MONDAY_9AM + backoff(1))
    assert deliver_pending().counts["sent"] == 1


def test_an_unreachable_api_is_retried(whatsapp_api, settings):
    settings.LAPOR_WHATSAPP_API_URL = f"http://127.0.0.1:{free_port()}/v21.0/1/messages"  # nothing listens there
    message = queue(channel="whatsapp", recipient=TYPED, body=TEXT)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("pending", "URLError (ConnectionRefusedError)")
    settings.LAPOR_WHATSAPP_API_URL = whatsapp_api.url
    clock.freeze(MONDAY_9AM + timedelta(minutes=5))
    assert deliver_pending().counts["sent"] == 1 and whatsapp_api.recipients == [NUMBER]


def test_available_follows_the_setting(whatsapp_api, settings):
    assert channels.whatsapp_available() and channels.available("whatsapp")
    settings.LAPOR_WHATSAPP_API_URL = ""
    assert not channels.whatsapp_available() and not channels.available("whatsapp")
    message = queue(channel="whatsapp", recipient=TYPED, body=TEXT)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("pending", "WhatsApp is not configured")
    assert whatsapp_api.received == []


def test_only_a_numeric_cloud_api_code_is_kept_from_an_error_answer():
    assert channels._cloud_api_error(b'{"error": {"code": 131030, "message": "6281234567890"}}') == ", Cloud API error 131030"
    for answer in (
        b'{"error": {"code": "6281234567890"}}',  # not a number
        b'{"error": {"code": 6281234567890}}',  # too long to be a Cloud API code
        b'{"error": {"code": true}}',
        b'{"error": "Recipient 6281234567890 unknown"}',
        b'["6281234567890"]',
        b"<html>Bad gateway 6281234567890</html>",
        b"\xff\xfe",
        b"",
    ):
        assert channels._cloud_api_error(answer) == "", answer


def test_whatsapp_number_table():
    table = {
        # Indonesian numbers as people type them
        "0812-3456-7890": NUMBER,
        "+62 812 3456 7890": NUMBER,
        "6281234567890": NUMBER,
        "81234567890": NUMBER,
        "812 3456 7890": NUMBER,
        "(0812) 3456.7890": NUMBER,
        "0812/3456/7890": NUMBER,
        " 0812 3456 7890 ": NUMBER,
        "+62 (0)812-3456-7890": NUMBER,
        "62 0812 3456 7890": NUMBER,
        "021-5551234": "62215551234",  # a landline: 11 digits, WhatsApp decides whether it has an account
        # other countries, with their code
        "+44 7700 900123": "447700900123",
        "+81 90-1234-5678": "819012345678",  # a leading 8 after + is a country code, not Indonesia
        "447700900123": "447700900123",
        # the edges of the length: 10 and 15 digits
        "0812345678": "62812345678",
        "62812345": None,  # 8 digits
        "+1 234 567 890": "1234567890",
        "+123 4567 8901 2345": "123456789012345",
        "+123 4567 8901 23456": None,  # 16 digits
        # refusals
        "0812-345": None,  # too short
        "0812-3456-ABCD": None,  # letters
        "nomor saya 0812 3456 7890": None,
        "0812+3456+7890": None,
        "+0812 3456 7890": None,  # a country code never starts with 0
        "0062 812 3456 7890": None,  # an international prefix we cannot read
        "٠٨١٢٣٤٥٦٧٨٩٠": None,  # digits of another script
        "+": None,
        "": None,
        "   ": None,
    }
    wrong = {typed: (whatsapp_number(typed), expected) for typed, expected in table.items() if whatsapp_number(typed) != expected}
    assert wrong == {}
    assert whatsapp_number(None) is None
