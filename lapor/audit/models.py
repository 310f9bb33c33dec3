"""The audit log: append-only records of sensitive reads and of changes outside the report
lifecycle. (Lifecycle transitions are audited by ReportEvent, which is append-only too.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did or saw what, when, and why."""

    class Kind(models.TextChoices):
        IDENTITY_REVEAL = "identity_reveal", _("identity of an anonymous reporter revealed")
        CONFIDENTIAL_READ = "confidential_read", _("confidential report read")
        POSITION_CHANGE = "position_change", _("position handed over")
        POSITION_CREATED = "position_created", _("position created")
        POSITION_DEACTIVATED = "position_deactivated", _("position deactivated")
        POSITION_REACTIVATED = "position_reactivated", _("position reactivated")
        USER_CREATED = "user_created", _("official's account created")
        USER_DEACTIVATED = "user_deactivated", _("account deactivated")
        USER_REACTIVATED = "user_reactivated", _("account reactivated")
        DECREE_RECORDED = "decree_recorded", _("decree (SK) recorded")
        DECREE_REVOKED = "decree_revoked", _("decree (SK) revoked")
        ADMIN_CHANGE = "admin_change", _("changed in the Django admin")
        REFERENCE_LOADED = "reference_loaded", _("reference data loaded")
        TWO_FACTOR_RESET = "two_factor_reset", _("two-step sign-in reset")
        REVIEW_DRAWN = "review_drawn", _("follow-up quality review drawn")
        REVIEW_SCORED = "review_scored", _("sampled follow-up scored")
        PREVENTIVE_ACTION_SAVED = "preventive_action_saved", _("preventive action recorded")
        ACTION_PLAN_SAVED = "action_plan_saved", _("action plan recorded")
        API_CLIENT_CREATED = "api_client_created", _("API client created")
        API_CLIENT_ROTATED = "api_client_rotated", _("API client's key rotated")
        API_CLIENT_REVOKED = "api_client_revoked", _("API client revoked")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_position = models.ForeignKey("accounts.Position", null=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey("reports.Report", null=True, on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey("accounts.Position", null=True, on_delete=models.PROTECT, related_name="+")
    # The agency (or unit) the entry concerns, so that its auditors and admin find it; empty for
    # national reference data and for objects that no longer exist.
    agency = models.ForeignKey("agencies.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    # Where it happened (e.g. "api", "web"), never the revealed data itself.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "at"]),
            models.Index(fields=["report", "at"]),
            models.Index(fields=["agency", "at"]),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit entries are immutable")
