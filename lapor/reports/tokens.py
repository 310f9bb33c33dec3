"""Tracking numbers and reporter secrets.

A tracking number is 10 characters from a 32-letter alphabet without look-alikes (0/O, 1/I):
50 random bits, so it is short, unguessable and says nothing about volume or order.

A reporter who submits without an account gets a secret with the tracking number; with it
they reply, supplement and rate. It is derived from the tracking number with the server's
SECRET_KEY (HMAC), so it is never stored and a retried submission can be answered again
with the same secret. Rotating SECRET_KEY invalidates outstanding secrets (see
docs/decisions/0004-reporter-secret.md)."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 10


def new_tracking_number() -> str:
    # One read of the system's random source; 256 is a multiple of 32, so each letter is uniform.
    return "".join(ALPHABET[byte % 32] for byte in secrets.token_bytes(LENGTH))


def normalise_tracking_number(value: str) -> str:
    """Accept what people type: lower case, spaces and hyphens (AB2CD-EF3GH)."""
    return "".join(ch for ch in str(value or "").upper() if ch.isalnum())


def reporter_secret_for(tracking_number: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), b"reporter-secret:" + tracking_number.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().rstrip("=")[:24].lower()


def reporter_secret_matches(tracking_number: str, secret: str) -> bool:
    return hmac.compare_digest(reporter_secret_for(tracking_number), str(secret).strip().lower())
