"""What a signed-in reporter reads on the site: the messages about their reports, kept in their
account (the in-app channel, ADR 0032). Written by the reporters' subscriber of the event feed
with the e-mail and SMS it queues, one per event told; read on `/pemberitahuan/`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lapor.reports.models import Report


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()  # the event told (report, seq): told once
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))  # what happened, what comes next and by when
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "report", "seq"], name="notification_once")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_list"),
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")


class DigestSent(models.Model):
    """A position's morning digest was queued on this day (WIB): never twice (lapor.notices.officers)."""

    position = models.ForeignKey("accounts.Position", on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["position", "day"], name="digest_once_a_day")]
