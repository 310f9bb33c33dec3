"""A signed-in reporter's notifications (the in-app channel, ADR 0032): read and marked read.
Only ever the person's own: every function takes the user and filters by it."""

from __future__ import annotations

from lapor.core import clock

from .models import Notification


def notifications_of(user):
    """The person's notifications, newest first, with their report (for its tracking number)."""
    return (Notification.objects.filter(user=user).select_related("report")
            .only("id", "subject", "text", "created_at", "read_at", "report__tracking_number")
            .order_by("-created_at", "-pk"))


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids) -> int:
    """Mark these of the person's notifications read (the ones a page showed); returns how many
    were unread."""
    return Notification.objects.filter(user=user, pk__in=list(ids), read_at__isnull=True).update(read_at=clock.now())
