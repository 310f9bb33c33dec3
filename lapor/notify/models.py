"""Outbound messages (e-mail, SMS and WhatsApp), one row each: the durable outbox.

A row is written in the same transaction as the change that causes it, so a rolled-back change
sends nothing and a committed one is not forgotten when the mail server is down."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lapor.core import clock


class PhoneChannel(models.TextChoices):
    """How a reporter's phone is reached: their choice (a guest's on the form, an account's on its
    notifications page)."""

    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")  # not sent yet; tried again at next_attempt_at
        SENT = "sent", _("sent")  # accepted by the mail server, the SMS gateway or the WhatsApp Cloud API
        FAILED = "failed", _("failed")  # given up (too many attempts, or expired before delivery)

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Personal data: never logged, never shown in errors; the row is deleted after the retention period.
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    # The body holds a credential (a one-time code): it is emptied once the message is sent or given up.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=clock.now)
    # Not worth delivering after this (e.g. the code inside has expired); null = no limit.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # What went wrong last: the kind of error and a status code, never the recipient or the text.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk} ({self.status})"
