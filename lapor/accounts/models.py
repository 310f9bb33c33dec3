"""People, the positions they hold, and API tokens.

Work belongs to positions (a role at an agency or unit), not to people: when staff rotate,
the position passes to someone else and its queue goes with it; events keep who acted."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from lapor.notify.models import PhoneChannel


class User(AbstractUser):
    """A person: a citizen reporter or an official. Officials act through Positions."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The messages about the person's reports (lapor.notices): to their e-mail address or not, and
    # to their phone by SMS, by WhatsApp or not at all (""). Their list on the site is always kept.
    notify_email = models.BooleanField(_("messages by e-mail"), default=True)
    phone_channel = models.CharField(_("messages to the phone"), max_length=8, blank=True, default=PhoneChannel.SMS,
                                     choices=PhoneChannel.choices)

    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    """Official roles. A reporter is any user (or a guest) and needs no position."""

    NATIONAL_ADMIN = "national_admin", _("national admin")
    AGENCY_ADMIN = "agency_admin", _("agency admin")
    LIAISON_OFFICER = "liaison_officer", _("liaison officer")
    COORDINATOR = "coordinator", _("coordinating supervisor")
    KSP = "ksp", _("KSP priority-programme supervisor")
    OMBUDSMAN = "ombudsman", _("Ombudsman")
    AUDITOR = "auditor", _("APIP auditor")
    OPERATOR = "operator", _("platform operator")


class Position(models.Model):
    """A role at an agency or unit, held by at most one person at a time."""

    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="positions", verbose_name=_("agency"))
    title = models.CharField(_("title"), max_length=150)
    holder = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions", verbose_name=_("holder")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # What the position's holder is sent by e-mail (lapor.notices.officers), set by the holder: a
    # message when a report enters its queue, is overdue or is escalated to it; a digest of its
    # queue every morning. They belong to the post, not the person: a hand-over keeps them.
    queue_messages = models.BooleanField(_("messages about the queue"), default=True)
    daily_digest = models.BooleanField(_("daily digest"), default=True)

    class Meta:
        ordering = ["agency__name", "role", "title"]
        indexes = [models.Index(fields=["holder", "is_active"])]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return f"{self.title} ({self.agency})"


class ApiToken(models.Model):
    """A bearer token for API clients acting as a user. Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple["ApiToken", str]:
        """Create a token; the plain key is returned once and never stored."""
        key = "lpr_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=cls.hash_key(key)), key


class ApiClient(models.Model):
    """An agency's own application, calling the API as that agency (ADR 0036): it sees what the
    agency's officials see, no more, within its scopes. Created and managed by the agency's
    admins (and the national desk for all); its keys are `ApiClientKey`s."""

    class Scope(models.TextChoices):
        READ = "reports:read", _("read the agency's reports")
        SUBMIT = "reports:submit", _("submit reports")

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=100)
    scopes = models.CharField(_("scopes"), max_length=200)  # comma-separated Scope values
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="api_client_name_per_agency")]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return f"{self.name} ({self.agency})"

    @property
    def scope_set(self) -> frozenset:
        return frozenset(s for s in self.scopes.split(",") if s)


class ApiClientKey(models.Model):
    """One key of a client: only its hash is kept, and its prefix to tell keys apart. Rotation adds
    a key and gives the old ones a short overlap before they expire."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys")
    prefix = models.CharField(max_length=16, unique=True)  # "lpc_" and 8 characters: shown, not secret
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]


class VerificationCode(models.Model):
    """A one-time code sent to an e-mail address or phone number, to prove it belongs to the
    person (sign-up) or to let them set a new password (reset, an official's invitation).
    Only a keyed hash is stored; the logic is in lapor/accounts/verification.py."""

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", _("sign-up")
        PASSWORD_RESET = "password_reset", _("password reset")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    channel = models.CharField(_("channel"), max_length=8)  # "email" or "sms" (lapor.notify)
    destination = models.CharField(_("destination"), max_length=254)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "purpose", "destination"]),
            models.Index(fields=["destination", "purpose"]),
        ]
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
