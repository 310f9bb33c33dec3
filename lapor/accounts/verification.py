"""One-time codes: six digits, sent by e-mail or SMS, valid LAPOR_CODE_MINUTES (15), at most
LAPOR_CODE_MAX_ATTEMPTS (5) wrong tries, used once.

Only a keyed hash of a code is stored (HMAC with SECRET_KEY over user, purpose, destination and
code): six digits are quickly guessed from a plain hash, not without the key. The message that
carries the code holds it in plain text until it is delivered, then its body is emptied
(lapor.notify: `sensitive`). A new code for the same account, purpose and destination replaces
the unused older ones.

- `send_code(user, purpose=…, channel=…)`: a new code, queued in the caller's transaction.
- `send_password_code(user, channel=…, invitation=…)`: a password code; with `invitation=True` the
  message tells a new official that an account was created for them and how to set the password
  (the code then lasts LAPOR_INVITATION_CODE_HOURS).
- `check_code(purpose=…, code=…, user=… or destination=…)`: the code row, or `CodeRejected`.
- `decoy()` / `check_decoy()`: the same answers for a destination that got a notice instead of a
  code (a sign-up with an address that already has an account; see views/signup.py)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from lapor.core import clock
from lapor.core.errors import InvalidInput
from lapor.notify import channels
from lapor.notify.outbox import queue_message

from . import contacts
from .models import User, VerificationCode

Purpose = VerificationCode.Purpose
CODE_DIGITS = 6
_KEY_SALT = "lapor.accounts.verification"


class CodeRejected(InvalidInput):
    """A code was not accepted. `reason` is one of wrong, used, expired, locked."""

    code = "code_rejected"

    def __init__(self, reason: str, *, field: str = "code"):
        messages = {
            "wrong": _("The code is not correct."),
            "used": _("This code has already been used."),
            "expired": _("This code has expired. Ask for a new one."),
            "locked": _("Too many wrong codes. Ask for a new one."),
        }
        super().__init__(messages[reason], field=field)
        self.reason = reason


class ChannelUnavailable(InvalidInput):
    code = "channel_unavailable"


def channel_unavailable_message(channel: str) -> str:
    if channel == "sms":
        return _("Codes by SMS are not available on this server (no SMS gateway is configured). Use an e-mail address.")
    return _("Codes by e-mail are not available on this server (no mail server is configured). Use a mobile number.")


def site_url(name: str) -> str:
    return settings.LAPOR_SITE_URL + reverse(name)


def _hash(user_id: int, purpose: str, destination: str, code: str) -> str:
    return salted_hmac(_KEY_SALT, f"{user_id}|{purpose}|{destination}|{code}", algorithm="sha256").hexdigest()


def _destination_of(user: User, channel: str) -> str:
    return user.email if channel == "email" else user.phone


def _normalised(channel: str, destination: str) -> str:
    """As the sign-up and reset forms normalise what people type (an official's address may have
    been entered otherwise by an admin)."""
    if channel == "email":
        return (destination or "").strip().lower()
    try:
        return contacts.normalise_phone(destination)
    except InvalidInput:
        return (destination or "").strip()


def send_code(
    user: User,
    *,
    purpose: str,
    channel: str,
    destination: str | None = None,
    lifetime: timedelta | None = None,
    invitation: bool = False,
) -> VerificationCode:
    """Create a code for `user` and queue the message carrying it (sent after the caller's commit).
    `destination` defaults to the user's e-mail or phone for the channel."""
    if channel not in ("email", "sms"):
        raise ValueError(f"unknown channel {channel!r}")
    if not channels.available(channel):
        raise ChannelUnavailable(channel_unavailable_message(channel), field="channel")
    destination = _normalised(channel, destination or _destination_of(user, channel))
    if not destination:
        field = "email" if channel == "email" else "phone"
        raise InvalidInput(_("The account has no address for this channel."), field=field)
    now = clock.now()
    lifetime = lifetime or timedelta(minutes=settings.LAPOR_CODE_MINUTES)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction.atomic():
        VerificationCode.objects.filter(user=user, purpose=purpose, destination=destination, used_at__isnull=True).delete()
        row = VerificationCode.objects.create(
            user=user,
            purpose=purpose,
            channel=channel,
            destination=destination,
            code_hash=_hash(user.pk, purpose, destination, code),
            created_at=now,
            expires_at=now + lifetime,
        )
        subject, body = _compose(user, purpose, channel, code, lifetime, invitation)
        queue_message(
            channel=channel, recipient=destination, subject=subject, body=body, sensitive=True, expires_at=row.expires_at
        )
    return row


def send_password_code(user: User, *, channel: str = "email", invitation: bool = False) -> VerificationCode:
    """A code to set a new password on the reset page (/masuk/lupa-sandi/atur/). With
    `invitation=True` (an official's account just created by an admin) the message says so and
    the code lasts LAPOR_INVITATION_CODE_HOURS. The account must be active to use it."""
    lifetime = timedelta(hours=settings.LAPOR_INVITATION_CODE_HOURS) if invitation else None
    return send_code(user, purpose=Purpose.PASSWORD_RESET, channel=channel, lifetime=lifetime, invitation=invitation)


def _compose(user: User, purpose: str, channel: str, code: str, lifetime: timedelta, invitation: bool) -> tuple[str, str]:
    minutes = int(lifetime.total_seconds() // 60)
    hours = int(lifetime.total_seconds() // 3600)
    values = {"code": code, "minutes": minutes, "hours": hours, "url": site_url("accounts:password_reset_confirm")}
    if purpose == Purpose.SIGN_UP:
        if channel == "sms":
            return "", _("Lapor: your sign-up code is %(code)s (valid %(minutes)s min). Do not share it with anyone.") % values
        return _("Your Lapor sign-up code"), _(
            "Your code to finish signing up for Lapor is:\n\n    %(code)s\n\n"
            "It is valid for %(minutes)s minutes. Do not give it to anyone: Lapor staff never ask for it.\n\n"
            "If you did not sign up for Lapor, ignore this message: no account is created without the code."
        ) % values
    if invitation:
        values.update(name=user.display_name(), username=user.username)
        if channel == "sms":
            return "", _(
                "Lapor: an account (username %(username)s) was created for you. Set your password at %(url)s "
                "with this number and the code %(code)s (valid %(hours)s hours)."
            ) % values
        return _("An account on Lapor has been created for you"), _(
            "Hello %(name)s,\n\n"
            "An account on Lapor, the public-service complaint system, has been created for you by an administrator. "
            "Your username is %(username)s.\n\n"
            "To set your password, open %(url)s and enter this e-mail address and the code:\n\n    %(code)s\n\n"
            "The code is valid for %(hours)s hours. If it expires, ask for a new one with \"Forgot your password?\" "
            "on the sign-in page. Do not give the code to anyone.\n\n"
            "If you were not expecting this message, ignore it."
        ) % values
    if channel == "sms":
        return "", _(
            "Lapor: your password reset code is %(code)s (valid %(minutes)s min). Do not share it with anyone. "
            "Did not ask for it? Ignore this message."
        ) % values
    return _("Your Lapor password reset code"), _(
        "Someone, hopefully you, asked to set a new password for your Lapor account. Your code is:\n\n    %(code)s\n\n"
        "Enter it at %(url)s within %(minutes)s minutes. Do not give it to anyone.\n\n"
        "If you did not ask for this, ignore this message: your password stays as it is."
    ) % values


def send_account_exists_notice(channel: str, destination: str) -> None:
    """Sent instead of a sign-up code to an address that already belongs to an account: its
    owner learns what happened; whoever typed the address learns nothing (see views/signup.py)."""
    values = {"login_url": site_url("login"), "reset_url": site_url("accounts:password_reset")}
    if channel == "sms":
        body = _(
            "Lapor: this number already has an account, so no new one was created. Sign in, or set a new "
            "password at %(reset_url)s. Not you? Ignore this message."
        ) % values
        queue_message(channel=channel, recipient=destination, body=body)
        return
    queue_message(
        channel=channel,
        recipient=destination,
        subject=_("Sign-up on Lapor: you already have an account"),
        body=_(
            "Someone, perhaps you, tried to create a Lapor account with this e-mail address. An account with it "
            "already exists, so no new account was created.\n\n"
            "If it was you, sign in at %(login_url)s. Forgot your password? Set a new one at %(reset_url)s.\n\n"
            "If it was not you, ignore this message: your account has not been changed."
        ) % values,
    )


def normalise_code(value: str, *, field: str = "code") -> str:
    code = "".join((value or "").split())
    if not code:
        raise InvalidInput(_("Enter the 6-digit code."), field=field)
    if not (code.isdigit() and len(code) == CODE_DIGITS):
        raise InvalidInput(_("The code has 6 digits."), field=field)
    return code


def check_code(
    *,
    purpose: str,
    code: str,
    user: User | None = None,
    destination: str | None = None,
    consume: bool = True,
    field: str = "code",
) -> VerificationCode:
    """The newest code of this purpose for `user` (and/or `destination`), if `code` matches it and
    it is unused, unexpired and not locked. A wrong try counts (5 lock the code). With
    `consume=False` the caller marks it used later with `consume_codes` (several codes at once)."""
    if user is None and destination is None:
        raise ValueError("check_code needs a user or a destination")
    rows = VerificationCode.objects.filter(purpose=purpose)
    if user is not None:
        rows = rows.filter(user=user)
    if destination is not None:
        rows = rows.filter(destination=destination)
    row = rows.order_by("-created_at", "-pk").first()
    if row is None:
        raise CodeRejected("wrong", field=field)
    matches = constant_time_compare(row.code_hash, _hash(row.user_id, purpose, row.destination, code))
    if row.used_at is not None:
        raise CodeRejected("used" if matches else "wrong", field=field)
    if row.expires_at <= clock.now():
        raise CodeRejected("expired", field=field)
    if row.attempts >= settings.LAPOR_CODE_MAX_ATTEMPTS:
        raise CodeRejected("locked", field=field)
    if not matches:
        VerificationCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        raise CodeRejected("wrong", field=field)
    if consume and not consume_codes([row]):
        raise CodeRejected("used", field=field)
    return row


def consume_codes(rows: list[VerificationCode]) -> bool:
    """Mark codes used, each only if still unused. False (and nothing marked, inside the
    caller's transaction) when one was used meanwhile."""
    now = clock.now()
    with transaction.atomic():
        for row in rows:
            if not VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
                transaction.set_rollback(True)
                return False
            row.used_at = now
    return True


def decoy() -> dict:
    """State (kept in the session) of a code that was never sent: any try fails the way a real
    code's would — wrong, then locked after the attempt limit, expired after the lifetime."""
    return {"issued": clock.now().isoformat(), "attempts": 0}


def check_decoy(state: dict, *, field: str = "code") -> None:
    issued = datetime.fromisoformat(state["issued"])
    if issued + timedelta(minutes=settings.LAPOR_CODE_MINUTES) <= clock.now():
        raise CodeRejected("expired", field=field)
    if state["attempts"] >= settings.LAPOR_CODE_MAX_ATTEMPTS:
        raise CodeRejected("locked", field=field)
    state["attempts"] += 1
    raise CodeRejected("wrong", field=field)
