"""The three ways out: e-mail through Django's e-mail backend, SMS through an HTTP gateway, and
WhatsApp through the WhatsApp Cloud API's messages endpoint (ADR 0034).

Errors are reduced to a description that names the kind of failure and a status code only:
exception texts from smtplib or urllib can carry the recipient's address, and the Cloud API's
error messages can echo the number or the text, so they are never logged or stored."""

from __future__ import annotations

import http.client
import json
import re
import smtplib
import socket
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class DeliveryError(Exception):
    """A send failed. `description` is free of personal data and safe to log and store."""

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


def email_available() -> bool:
    """E-mail can go out: an SMTP host is configured, or a non-SMTP backend is in use (the console
    backend in development, the in-memory one in tests). See settings: LAPOR_EMAIL_HOST."""
    return settings.EMAIL_BACKEND != SMTP_BACKEND or bool(settings.EMAIL_HOST)


def sms_available() -> bool:
    """SMS can go out: an HTTP gateway is configured (LAPOR_SMS_GATEWAY_URL)."""
    return bool(settings.LAPOR_SMS_GATEWAY_URL)


def whatsapp_available() -> bool:
    """WhatsApp can go out: a Cloud API messages endpoint is configured (LAPOR_WHATSAPP_API_URL)."""
    return bool(settings.LAPOR_WHATSAPP_API_URL)


def available(channel: str) -> bool:
    return {"email": email_available, "sms": sms_available, "whatsapp": whatsapp_available}[channel]()


def describe(error: BaseException) -> str:
    """A short, personal-data-free description of a failure (kind and status code only)."""
    kind = type(error).__name__
    if isinstance(error, DeliveryError):
        return error.description
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _msg in error.recipients.values()})
        return f"{kind} {','.join(str(c) for c in codes)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{kind} {error.smtp_code}"
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        return f"{kind} ({type(error.reason).__name__})"
    if isinstance(error, OSError) and error.errno:
        return f"{kind} errno {error.errno}"
    return kind


def send_email(recipient: str, subject: str, body: str) -> None:
    if not email_available():
        raise DeliveryError("e-mail is not configured")
    sent = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient]).send(
        fail_silently=False
    )
    if sent != 1:
        raise DeliveryError("e-mail backend accepted no message")


def _json_post(url: str, payload: dict, token: str) -> urllib.request.Request:
    """A POST of `payload` as JSON with a bearer token (the SMS gateway, the Cloud API)."""
    return urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json", "Authorization": f"Bearer {token}"},
    )


def send_sms(recipient: str, text: str) -> None:
    """POST {"to", "text"} as JSON to the gateway with a bearer token; any 2xx answer means sent."""
    url = settings.LAPOR_SMS_GATEWAY_URL
    if not url:
        raise DeliveryError("SMS gateway is not configured")
    request = _json_post(url, {"to": recipient, "text": text}, settings.LAPOR_SMS_GATEWAY_TOKEN)
    try:
        with urllib.request.urlopen(request, timeout=settings.LAPOR_SMS_GATEWAY_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:  # urllib raises for 4xx/5xx
        raise DeliveryError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, socket.timeout, ConnectionError) as error:
        raise DeliveryError(describe(error)) from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")


# What people type between the digits of a phone number.
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
_DIGITS = re.compile(r"[0-9]+")
# The Cloud API's error codes have at most 7 digits; anything longer is not trusted to be one.
_MAX_CLOUD_API_CODE = 10**7
# Enough for any Cloud API answer; a longer body is not read.
_MAX_ANSWER_BYTES = 64 * 1024


def whatsapp_number(phone: str) -> str | None:
    """The WhatsApp `to` form of a phone number as people type it: country code and number, digits
    only. Spaces, dashes, dots, slashes and brackets are dropped. Without a leading +, a number
    starting with 0 (trunk prefix) or 8 (an Indonesian mobile without it) is Indonesian:
    "0812-3456-7890", "812 3456 7890", "62812…" and "+62 812…" all give "6281234567890"; a 0 typed
    after the country code ("+62 0812…") is dropped. None when it is not 10–15 digits then, or holds
    anything else (letters, a + in the middle, a leading 00 whose international prefix is unknown)."""
    value = _PHONE_SEPARATORS.sub("", phone or "")
    international = value.startswith("+")
    digits = value[1:] if international else value
    if not _DIGITS.fullmatch(digits):
        return None
    if international:
        if digits.startswith("0"):
            return None
    elif digits.startswith("00"):
        return None
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if digits.startswith("620"):
        digits = "62" + digits[3:]
    return digits if 10 <= len(digits) <= 15 else None


def _whatsapp_payload(to: str, text: str) -> dict:
    """A Cloud API "send message" request: the configured template with `text` as its one body
    parameter, or a plain text message without a template."""
    payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    if settings.LAPOR_WHATSAPP_TEMPLATE:
        payload["type"] = "template"
        payload["template"] = {
            "name": settings.LAPOR_WHATSAPP_TEMPLATE,
            "language": {"code": settings.LAPOR_WHATSAPP_TEMPLATE_LANGUAGE},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": text}]}],
        }
    else:
        payload["type"] = "text"
        payload["text"] = {"preview_url": False, "body": text}
    return payload


def _json_answer(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested absurdly deep: nothing to read
        return None


def _cloud_api_error(raw: bytes) -> str:
    """The Cloud API's numeric error code as a suffix of the description (", Cloud API error 131030"),
    or "" when the answer holds none. Only the number is kept: the error's message and details can
    echo the recipient or the text."""
    answer = _json_answer(raw)
    error = answer.get("error") if isinstance(answer, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if type(code) is int and 0 <= code < _MAX_CLOUD_API_CODE:
        return f", Cloud API error {code}"
    return ""


def _message_id(raw: bytes) -> str | None:
    answer = _json_answer(raw)
    messages = answer.get("messages") if isinstance(answer, dict) else None
    first = messages[0] if isinstance(messages, list) and messages else None
    message_id = first.get("id") if isinstance(first, dict) else None
    return message_id if isinstance(message_id, str) and message_id else None


def send_whatsapp(recipient: str, text: str) -> None:
    """POST a Cloud API message (template or text, see _whatsapp_payload) as JSON to
    LAPOR_WHATSAPP_API_URL with a bearer token; a 2xx answer with `messages[0].id` means sent."""
    url = settings.LAPOR_WHATSAPP_API_URL
    if not url:
        raise DeliveryError("WhatsApp is not configured")
    to = whatsapp_number(recipient)
    if to is None:
        raise DeliveryError("not a WhatsApp number")
    request = _json_post(url, _whatsapp_payload(to, text), settings.LAPOR_WHATSAPP_TOKEN)
    try:
        with urllib.request.urlopen(request, timeout=settings.LAPOR_WHATSAPP_TIMEOUT_SECONDS) as response:
            status = response.status
            raw = response.read(_MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as error:  # urllib raises for 4xx/5xx
        try:
            raw = error.read(_MAX_ANSWER_BYTES)
        except (OSError, http.client.HTTPException):  # the body is only a detail; the status is enough
            raw = b""
        raise DeliveryError(f"HTTP {error.code}{_cloud_api_error(raw)}") from None
    except (urllib.error.URLError, socket.timeout, ConnectionError) as error:
        raise DeliveryError(describe(error)) from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}{_cloud_api_error(raw)}")
    if _message_id(raw) is None:
        raise DeliveryError(f"HTTP {status} without a message id")


def send(channel: str, recipient: str, subject: str, body: str) -> None:
    if channel == "email":
        send_email(recipient, subject, body)
    elif channel == "sms":
        send_sms(recipient, body)
    elif channel == "whatsapp":
        send_whatsapp(recipient, body)
    else:
        raise DeliveryError(f"unknown channel {channel!r}")
