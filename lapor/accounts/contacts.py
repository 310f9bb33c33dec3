"""E-mail addresses and phone numbers as account identifiers: normalisation and look-up.

E-mail addresses are stored lower-cased; phone numbers in E.164 (+62…). Only Indonesian mobile
numbers are accepted, because codes go out by SMS."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lapor.core.errors import InvalidInput

from .models import User, VerificationCode

EMAIL = "email"
SMS = "sms"

_SEPARATORS = re.compile(r"[\s\-.()/]")
# After the country code: a mobile number starts with 8 and has 9 to 12 digits (08xx-xxxx-xxxx).
_MOBILE = re.compile(r"8\d{8,11}")


def normalise_email(value: str, *, field: str = "email") -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Enter a valid e-mail address, for example nama@contoh.id."), field=field) from None
    if len(email) > 254:
        raise InvalidInput(_("This e-mail address is too long."), field=field)
    return email


def normalise_phone(value: str, *, field: str = "phone") -> str:
    """08…, 62… or +62… (spaces, dashes, dots and brackets allowed) → +62…"""
    digits = _SEPARATORS.sub("", (value or "").strip())
    if digits.startswith("+62"):
        national = digits[3:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = None
    if national is None or not _MOBILE.fullmatch(national):
        raise InvalidInput(
            _("Enter an Indonesian mobile number starting with 08, 62 or +62, for example 0812 3456 7890."),
            field=field,
        )
    return "+62" + national


def parse_identifier(value: str, *, field: str) -> tuple[str, str]:
    """An e-mail address or a phone number typed in one field → (channel, normalised destination)."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("Enter your e-mail address or mobile number."), field=field)
    if "@" in value:
        return EMAIL, normalise_email(value, field=field)
    return SMS, normalise_phone(value, field=field)


def looks_like_identifier(value: str) -> tuple[str, str] | None:
    """Like parse_identifier, but None instead of an error (for the sign-in field)."""
    try:
        return parse_identifier(value, field="username")
    except InvalidInput:
        return None


def holders(channel: str, destination: str) -> QuerySet[User]:
    """Every account whose e-mail or phone is `destination` (active or not)."""
    if channel == EMAIL:
        return User.objects.filter(email__iexact=destination)
    return User.objects.filter(phone=destination)


def pending_sign_ups() -> QuerySet[User]:
    """Accounts created by the sign-up form and not verified yet: inactive, never signed in,
    with a sign-up code. (A deactivated official or an invited one is none of these.)"""
    return User.objects.filter(
        is_active=False, last_login__isnull=True, verification_codes__purpose=VerificationCode.Purpose.SIGN_UP
    ).distinct()


def active_holder(channel: str, destination: str) -> User | None:
    """The one active account with this e-mail or phone; None when there is none or several."""
    found = list(holders(channel, destination).filter(is_active=True)[:2])
    return found[0] if len(found) == 1 else None
