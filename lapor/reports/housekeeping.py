"""Periodic clean-up that is not part of a report's lifecycle."""

from datetime import timedelta

from django.conf import settings

from lapor.core import clock

from . import kept_uploads
from .models import IdempotencyRecord


def purge_idempotency_records(*, now=None) -> int:
    """Forget Idempotency-Keys older than LAPOR_IDEMPOTENCY_HOURS (default 24): a client retries
    within minutes, and the report itself is never touched."""
    cutoff = (now or clock.now()) - timedelta(hours=settings.LAPOR_IDEMPOTENCY_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def purge_kept_uploads(*, now=None) -> int:
    """Remove files kept for a refused web submission whose reporter never came back."""
    return kept_uploads.purge_expired(now=now)
