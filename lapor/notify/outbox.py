"""Queue a message in the caller's transaction; send it right after commit; retry with backoff.

- `queue_message(...)` writes a pending `Message` and registers a send for after the commit
  (`transaction.on_commit`): nothing goes out for a rolled-back change.
- `deliver(id)` claims the row with one conditional UPDATE (attempts + 1, next attempt pushed a
  lease ahead), so the web process and the worker never send the same message twice at once;
  then sends it outside any transaction. Success → `sent`; failure → `pending` again with
  exponential backoff, or `failed` after LAPOR_OUTBOX_MAX_ATTEMPTS attempts.
- `deliver_pending()` is the periodic job (run_worker each loop, Celery beat in production): it
  sends what is due and deletes finished rows older than LAPOR_OUTBOX_RETENTION_DAYS.

Sensitive bodies (one-time codes) are emptied as soon as the message is sent or given up, and a
message whose `expires_at` has passed is given up instead of sent. Logs name the message id,
channel and the kind of error — never the recipient or the text."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F

from lapor.core import clock

from . import channels
from .models import Message

log = logging.getLogger("lapor.notify")

# A claimed message is not picked up again for this long, even if the sender dies mid-send.
LEASE_SECONDS = 120
MAX_BACKOFF_SECONDS = 3600


def queue_message(
    *,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    sensitive: bool = False,
    expires_at: datetime | None = None,
) -> Message:
    """Write a pending message (in the caller's transaction) and try to send it after commit."""
    if channel not in Message.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if not recipient:
        raise ValueError("a message needs a recipient")
    now = clock.now()
    message = Message.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        sensitive=sensitive,
        expires_at=expires_at,
        next_attempt_at=now,
        created_at=now,
    )
    transaction.on_commit(partial(deliver, message.pk), robust=True)
    return message


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2×base, 4×base, … ≤ 1 hour."""
    base = settings.LAPOR_OUTBOX_RETRY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def _finish(message_id: int, **fields) -> None:
    Message.objects.filter(pk=message_id, status=Message.Status.PENDING).update(**fields)


def deliver(message_id: int) -> str | None:
    """Try to send one message now if it is due. Returns its new status, or None when the
    message was not due or another process holds it. Never raises for a failed send."""
    now = clock.now()
    claimed = Message.objects.filter(
        pk=message_id, status=Message.Status.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=LEASE_SECONDS))
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    purged = {"body": ""} if message.sensitive else {}
    if message.expires_at is not None and message.expires_at <= now:
        _finish(message.pk, status=Message.Status.FAILED, last_error="expired before delivery", **purged)
        log.warning("outbox: message %s (%s) expired before delivery; given up", message.pk, message.channel)
        return Message.Status.FAILED
    try:
        channels.send(message.channel, message.recipient, message.subject, message.body)
    except Exception as error:  # any failure of the outside world is retried, never raised
        description = channels.describe(error)[:200]
        if message.attempts >= settings.LAPOR_OUTBOX_MAX_ATTEMPTS:
            _finish(message.pk, status=Message.Status.FAILED, last_error=description, **purged)
            log.error(
                "outbox: message %s (%s) given up after %s attempts: %s",
                message.pk, message.channel, message.attempts, description,
            )
            return Message.Status.FAILED
        retry_at = now + backoff(message.attempts)
        _finish(message.pk, next_attempt_at=retry_at, last_error=description)
        log.warning(
            "outbox: message %s (%s) attempt %s failed: %s; next try at %s",
            message.pk, message.channel, message.attempts, description, retry_at.isoformat(),
        )
        return Message.Status.PENDING
    _finish(message.pk, status=Message.Status.SENT, sent_at=clock.now(), last_error="", **purged)
    log.info("outbox: message %s (%s) sent", message.pk, message.channel)
    return Message.Status.SENT


@dataclass
class DeliveryRun:
    counts: dict[str, int] = field(default_factory=lambda: {"sent": 0, "retrying": 0, "failed": 0, "purged": 0})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def deliver_pending(limit: int | None = None) -> DeliveryRun:
    """Send every due pending message (oldest due first, up to `limit`), then delete finished
    messages past the retention period. Safe to run in several processes at once."""
    limit = limit or settings.LAPOR_OUTBOX_BATCH_SIZE
    run = DeliveryRun()
    due = list(
        Message.objects.filter(status=Message.Status.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in due:
        status = deliver(message_id)
        if status == Message.Status.SENT:
            run.counts["sent"] += 1
        elif status == Message.Status.PENDING:
            run.counts["retrying"] += 1
        elif status == Message.Status.FAILED:
            run.counts["failed"] += 1
    cutoff = clock.now() - timedelta(days=settings.LAPOR_OUTBOX_RETENTION_DAYS)
    run.counts["purged"], _ = Message.objects.filter(
        status__in=[Message.Status.SENT, Message.Status.FAILED], created_at__lt=cutoff
    ).delete()
    return run
