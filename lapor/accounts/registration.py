"""Citizen sign-up (with a code for every e-mail address and phone number given) and password
reset. The pages are in views/signup.py; the codes in verification.py. Decisions: ADR 0011.

Sign-up never tells the person at the keyboard whether an address already has an account: an
address that belongs to an account gets a notice ("you already have an account; sign in or reset
your password") instead of a code, and the page behaves exactly as for a new address (the
"decoy" code is refused like a wrong one). Only the owner of the address learns it is taken.

An address held only by an unfinished sign-up is not taken: a new sign-up with it takes the
unfinished account over (name, password and codes are replaced, older codes die). The session
that started a sign-up keeps a fingerprint of the password it set, so a code can only finish the
sign-up in the session whose password is current: nobody can set a password on an account that
someone else then verifies with their own code."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from lapor.core.errors import InvalidInput

from . import contacts, verification
from .models import User, VerificationCode

Purpose = VerificationCode.Purpose


class FormErrors(Exception):
    """Several field errors at once: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Contact:
    channel: str  # "email" or "sms"
    destination: str  # normalised

    @property
    def field(self) -> str:
        return "email" if self.channel == contacts.EMAIL else "phone"


def password_errors(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def _is_taken(contact: Contact) -> bool:
    """Held by an account that is not an unfinished sign-up (active or not)."""
    pending = contacts.pending_sign_ups().values("pk")
    return contacts.holders(contact.channel, contact.destination).exclude(pk__in=pending).exists()


def _pending_holders(contact: Contact) -> list[User]:
    pending = contacts.pending_sign_ups().values("pk")
    return list(contacts.holders(contact.channel, contact.destination).filter(pk__in=pending).order_by("pk"))


def _release(contact: Contact, *, keep: User) -> None:
    """Take `contact` away from every other unfinished sign-up; one left with no contact at all
    is deleted (it was never verified, never signed in and owns nothing)."""
    for other in _pending_holders(contact):
        if other.pk == keep.pk:
            continue
        if contact.channel == contacts.EMAIL:
            other.email = ""
        else:
            other.phone = ""
        VerificationCode.objects.filter(user=other, destination=contact.destination).delete()
        if not other.email and not other.phone:
            other.delete()
        else:
            other.save(update_fields=["email", "phone"])


def _new_username() -> str:
    while True:
        username = f"warga_{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


def start_sign_up(*, full_name: str, contact_list: list[Contact], password: str) -> dict:
    """Create (or take over) the unfinished account and queue one message per contact: a code,
    or a notice when the address already belongs to an account. Returns the state the session
    keeps for the verification page."""
    with transaction.atomic():
        free = [c for c in contact_list if not _is_taken(c)]
        taken = [c for c in contact_list if c not in free]
        user = None
        if free:
            user = next((holders[0] for holders in map(_pending_holders, free) if holders), None)
            if user is None:
                user = User(username=_new_username(), is_active=False)
            user.full_name = full_name
            user.email = next((c.destination for c in free if c.channel == contacts.EMAIL), "")
            user.phone = next((c.destination for c in free if c.channel == contacts.SMS), "")
            user.is_active = False
            user.set_password(password)
            user.save()
            VerificationCode.objects.filter(user=user, purpose=Purpose.SIGN_UP).delete()
            for contact in free:
                _release(contact, keep=user)
                verification.send_code(user, purpose=Purpose.SIGN_UP, channel=contact.channel, destination=contact.destination)
        for contact in taken:
            verification.send_account_exists_notice(contact.channel, contact.destination)
    return {
        "user": user.pk if user else None,
        "fingerprint": user.get_session_auth_hash() if user else None,
        "contacts": [
            {"channel": c.channel, "destination": c.destination, "decoy": verification.decoy() if c in taken else None}
            for c in contact_list
        ],
    }


def _pending_user(state: dict) -> User | None:
    """The unfinished account of this session's sign-up, or None for an all-decoy sign-up.
    InvalidInput when it was finished, or taken over by a newer sign-up, meanwhile."""
    if state.get("user") is None:
        return None
    user = contacts.pending_sign_ups().filter(pk=state["user"]).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), state.get("fingerprint") or ""):
        raise InvalidInput(
            _("This sign-up is no longer open: it was finished, or a newer sign-up was made with the same address. Please sign up again."),
            code="sign_up_replaced",
        )
    return user


def code_field(contact: dict) -> str:
    return f"code_{contact['channel']}"


def finish_sign_up(state: dict, codes: dict[str, str]) -> User:
    """Check every contact's code; when all are right, activate the account. Wrong tries count
    (and decoy tries are counted in `state`, which the caller saves). Raises FormErrors."""
    user = _pending_user(state)
    errors: dict[str, str] = {}
    rows: list[VerificationCode] = []
    for contact in state["contacts"]:
        field = code_field(contact)
        try:
            code = verification.normalise_code(codes.get(field, ""), field=field)
            if contact["decoy"] is not None:
                verification.check_decoy(contact["decoy"], field=field)
            else:
                rows.append(
                    verification.check_code(
                        purpose=Purpose.SIGN_UP, user=user, destination=contact["destination"], code=code,
                        consume=False, field=field,
                    )
                )
        except InvalidInput as error:
            errors[field] = error.message
    if errors:
        raise FormErrors(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        for contact in state["contacts"]:
            c = Contact(contact["channel"], contact["destination"])
            if _is_taken(c):  # an account got this address between the code and now
                raise FormErrors({code_field(contact): _("This address now belongs to another account. Sign in or reset the password instead.")})
            _release(c, keep=user)
        if not verification.consume_codes(rows):
            raise FormErrors({code_field(state["contacts"][0]): _("This code has already been used.")})
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def resend_sign_up_codes(state: dict) -> None:
    """New codes (or notices, for decoys) to every contact of this session's sign-up."""
    user = _pending_user(state)
    with transaction.atomic():
        for contact in state["contacts"]:
            if contact["decoy"] is not None:
                verification.send_account_exists_notice(contact["channel"], contact["destination"])
                contact["decoy"] = verification.decoy()
            else:
                verification.send_code(
                    user, purpose=Purpose.SIGN_UP, channel=contact["channel"], destination=contact["destination"]
                )


def request_password_reset(channel: str, destination: str) -> None:
    """Send a reset code if exactly one active account uses this address; otherwise do nothing.
    The caller answers the same either way."""
    user = contacts.active_holder(channel, destination)
    if user is not None:
        with transaction.atomic():
            verification.send_code(user, purpose=Purpose.PASSWORD_RESET, channel=channel, destination=destination)


class ResetRefused(InvalidInput):
    code = "reset_refused"


def reset_password(*, destination: str, code: str, password: str) -> User:
    """Set a new password with a reset code. Every way the code can fail gives the same message,
    so the form does not tell whether an account or a code exists. Setting the password changes
    the hash that every session of the account is checked against, so all of them end."""
    generic = _("The code is not correct, has expired or has already been used. Check it, or ask for a new code.")
    try:
        row = verification.check_code(purpose=Purpose.PASSWORD_RESET, destination=destination, code=code, consume=False)
    except verification.CodeRejected:
        raise ResetRefused(generic, field="code") from None
    user = row.user
    if not user.is_active:
        raise ResetRefused(generic, field="code")
    problems = password_errors(password, user)
    if problems:
        raise InvalidInput(" ".join(problems), field="password1")
    with transaction.atomic():
        if not verification.consume_codes([row]):
            raise ResetRefused(generic, field="code")
        user.set_password(password)
        user.save(update_fields=["password"])
        VerificationCode.objects.filter(user=user, purpose=Purpose.PASSWORD_RESET, used_at__isnull=True).delete()
    return user
