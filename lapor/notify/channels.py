"""The two ways out: e-mail through Django's e-mail backend, SMS through an HTTP gateway.

Errors are reduced to a description that names the kind of failure and a status code only:
exception texts from smtplib or urllib can carry the recipient's address, so they are never
logged or stored."""

from __future__ import annotations

import json
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


def available(channel: str) -> bool:
    return {"email": email_available, "sms": sms_available}[channel]()


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


def send_sms(recipient: str, text: str) -> None:
    """POST {"to", "text"} as JSON to the gateway with a bearer token; any 2xx answer means sent."""
    url = settings.LAPOR_SMS_GATEWAY_URL
    if not url:
        raise DeliveryError("SMS gateway is not configured")
    request = urllib.request.Request(
        url,
        data=json.dumps({"to": recipient, "text": text}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {settings.LAPOR_SMS_GATEWAY_TOKEN}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.LAPOR_SMS_GATEWAY_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:  # urllib raises for 4xx/5xx
        raise DeliveryError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, socket.timeout, ConnectionError) as error:
        raise DeliveryError(describe(error)) from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")


def send(channel: str, recipient: str, subject: str, body: str) -> None:
    if channel == "email":
        send_email(recipient, subject, body)
    elif channel == "sms":
        send_sms(recipient, body)
    else:
        raise DeliveryError(f"unknown channel {channel!r}")
