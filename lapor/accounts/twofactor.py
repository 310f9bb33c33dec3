"""Two-factor sign-in (TOTP, with single-use backup codes), built on django-otp.

Who must use it: every official — a user holding an active Position — and every operator of the
Django admin (is_staff / is_superuser). A citizen is not asked unless they chose to set it up.
After the password, such a user's session is "unverified" until a code from their authenticator
app (or a backup code) is accepted; `TwoFactorMiddleware` sends every request of an unverified
session to the enrolment or verification page. The pages are in `views/twofactor.py`.

State lives in django-otp's tables: one confirmed `TOTPDevice` per enrolled user (an unconfirmed
one while enrolment is in progress) and one `StaticDevice` holding the backup codes. Both count
failed attempts and refuse to check codes for an exponentially growing delay (1, 2, 4, … s),
which is what throttles guessing. django-otp keeps the verified device's id in the session, so a
session ends verified only by signing in again, and deleting a device (reset) unverifies every
session that used it."""

from __future__ import annotations

import io
import math
from base64 import b32encode
from dataclasses import dataclass, field
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.admin import AdminSite
from django.db import transaction
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, resolve_url
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, ngettext
from django_otp import device_classes, login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapor.accounts.actors import Actor
from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record
from lapor.core.errors import NotAllowed

from .models import Position, Role
from .services import positions_managed_by

BACKUP_CODE_COUNT = 10
# Device names are data (shown in the admin), not interface text: not translated.
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


# --- who must use it -------------------------------------------------------------------------------
def is_official(user) -> bool:
    """Officials hold an active position; staff and superusers run the admin. Both must use 2FA."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Position.objects.filter(holder=user, is_active=True).exists()


def app_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator (TOTP) device, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def backup_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def needs_second_factor(user) -> bool:
    """Officials always; anyone else once they have set up an authenticator app."""
    return is_official(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- checking codes -------------------------------------------------------------------------------
@dataclass
class Check:
    """The outcome of checking a code: the device that accepted it, or an error for the form."""

    device: object | None = None
    error: str = ""
    backup_codes: list[str] = field(default_factory=list)  # set only by a confirmed enrolment

    @property
    def ok(self) -> bool:
        return self.device is not None


def normalise_code(code: str) -> str:
    """People type codes with spaces or dashes ("123 456", "abcd-efgh") and in capitals."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def _wrong() -> str:
    return _("That code is not correct. Check the code and try again.")


def _throttled(info: dict | None) -> str:
    locked_until = (info or {}).get("locked_until")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second, then try again.",
        "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def _verify(device, code: str) -> Check:
    """Check `code` on `device` with the row locked, so that concurrent guesses are counted one
    after the other and a code is used once. A wrong code is counted (django-otp's throttle) and
    committed with the refusal."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return Check(error=_throttled(info))
        if device.verify_token(code):
            return Check(device=device)
    return Check(error=_wrong())


def check_code(user, code: str, *, backup: bool = False) -> Check:
    """A code from the user's authenticator app, or (`backup`) one of their backup codes. Each
    kind of device counts its own failures and throttles itself."""
    code = normalise_code(code)
    if not code:
        return Check(error=_("Enter the code."))
    device = backup_device(user) if backup else app_device(user)
    if device is None:
        return Check(error=_("You have no backup codes left.") if backup else _wrong())
    return _verify(device, code)


# --- enrolment and backup codes ----------------------------------------------------------------------
def pending_device(user, *, create: bool = True) -> TOTPDevice | None:
    """The unconfirmed device of an enrolment in progress. The same key is shown until the code
    is confirmed, so a reload does not invalidate what the person has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32, no padding, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> bytes:
    """The otpauth:// URI (issuer OTP_TOTP_ISSUER) as an SVG QR code, dark on white so that it
    scans on a dark page too."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        out, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False,
        title=_("QR code for your authenticator app"),
    )
    return out.getvalue()


def confirm_enrolment(user, code: str) -> Check:
    """Confirm the pending device with a code it produced; it replaces any earlier app device,
    and a fresh set of backup codes replaces any earlier one (returned once, in `backup_codes`)."""
    code = normalise_code(code)
    device = pending_device(user, create=False)
    if device is None:
        return Check(error=_("The set-up expired. Scan the new code and try again."))
    if not code:
        return Check(error=_("Enter the code."))
    with transaction.atomic():
        check = _verify(device, code)
        if not check.ok:
            return check
        device = check.device
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = replace_backup_codes(user)
    return Check(device=device, backup_codes=codes)


def replace_backup_codes(user) -> list[str]:
    """Delete the user's backup codes and make BACKUP_CODE_COUNT new ones, each usable once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes: set[str] = set()
        while len(codes) < BACKUP_CODE_COUNT:
            codes.add(StaticToken.random_token())
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return sorted(codes)


def turn_off(user) -> None:
    """Remove a non-official's own devices (officials cannot: for them it is mandatory)."""
    if is_official(user):
        raise NotAllowed(_("Two-step sign-in is required for officials."))
    _delete_devices(user)


def _delete_devices(user) -> int:
    removed = 0
    for model in device_classes():
        removed += model.objects.filter(user=user).count()
        # Tokens of a static device go with it (CASCADE).
        model.objects.filter(user=user).delete()
    return removed


# --- the session -----------------------------------------------------------------------------------
def sign_in_verified(request, device) -> None:
    """Mark the session verified by `device`. The session key and the CSRF token change, as at
    the password step, because the session just gained rights."""
    request.session.cycle_key()
    rotate_token(request)
    otp_login(request, device)


def safe_next(request, candidate: str | None, default: str) -> str:
    """`candidate` if it points to this site, otherwise `default`: no open redirect."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def default_next(user) -> str:
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def second_step_url(user, next_url: str | None = None) -> str:
    """Where an unverified session goes: verification when an app is set up, else enrolment."""
    name = "accounts:two_factor_verify" if app_device(user) else "accounts:two_factor_enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


# --- resets by an administrator --------------------------------------------------------------------
def _admin_position(actor):
    return next((p for p in actor.positions if p.role in (Role.NATIONAL_ADMIN, Role.AGENCY_ADMIN)), None)


def may_reset_two_factor(actor, user) -> bool:
    """The national desk may reset anyone's; an agency admin, the holders of the positions they
    manage (their agency's and units' liaison officers and auditors, as for hand-overs). Nobody
    resets their own: a person with a working second factor sets up a new app themselves."""
    if actor.user is None or not actor.user.is_authenticated or actor.user.pk == user.pk:
        return False
    if actor.has_role(Role.NATIONAL_ADMIN):
        return True
    return positions_managed_by(actor).filter(holder=user, is_active=True).exists()


def reset_two_factor(user, *, actor, reason: str = "") -> int:
    """Remove every device of `user` (a lost or replaced phone): their next sign-in asks them to
    set up an app again, and sessions verified by the removed devices are no longer verified.
    Audited (`two_factor_reset`). Returns the number of devices removed.

    `actor` is the administrator (an Actor; a User is looked up as one). Raises NotAllowed unless
    `may_reset_two_factor`."""
    if not isinstance(actor, Actor):
        actor = Actor.for_user(actor)
    if not may_reset_two_factor(actor, user):
        raise NotAllowed(_("You may not reset this person's two-step sign-in."))
    # The person's position (if any) is recorded so that the entry is found with their agency.
    held = Position.objects.filter(holder=user).order_by("-is_active", "pk").first()
    with transaction.atomic():
        removed = _delete_devices(user)
        audit_record(
            kind=AuditEntry.Kind.TWO_FACTOR_RESET,
            actor=actor,
            position=_admin_position(actor),
            subject_position=held,
            reason=(reason or "").strip(),
            user=user.username,
            devices=removed,
        )
    return removed


# --- enforcement -----------------------------------------------------------------------------------
class TwoFactorMiddleware:
    """Sends every request of a session that needs a second factor and has not given one to the
    enrolment or verification page. Installed after django_otp.middleware.OTPMiddleware, which
    tells whether the session is verified.

    Let through: the second-step pages themselves, sign-out, the language switch, static files,
    and the API (it authenticates each request with a bearer token or a reporter's secret and
    never reads the session: lapor/api/auth.py). Everything else is sent away, the officer pages
    and the Django admin included."""

    STEP_URLS = ("accounts:two_factor_verify", "accounts:two_factor_enrol", "accounts:two_factor_qr")

    def __init__(self, get_response):
        self.get_response = get_response
        self._exact: set[str] | None = None
        self._prefixes: tuple[str, ...] = ()

    def _load(self) -> None:
        # Reversed on first use: URLconfs are not loaded when middleware is instantiated.
        prefix = get_script_prefix()
        self._exact = {reverse(name) for name in self.STEP_URLS} | {reverse("logout")}
        self._prefixes = (prefix + "i18n/", settings.STATIC_URL, prefix + "api/v1/")

    def exempt(self, path: str) -> bool:
        if self._exact is None:
            self._load()
        return path in self._exact or path.startswith(self._prefixes)

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not self.exempt(request.path) and not is_verified(request) and needs_second_factor(user):
            # Only a page that can be fetched again is a sensible place to come back to.
            next_url = request.get_full_path() if request.method in ("GET", "HEAD") else None
            return redirect(second_step_url(user, next_url))
        return self.get_response(request)


class VerifiedAdminSite(AdminSite):
    """The Django admin, open only to sessions verified with a second factor (on top of the
    middleware, so that the admin stays closed if the middleware is ever misconfigured)."""

    def has_permission(self, request):
        return super().has_permission(request) and is_verified(request)

