"""Celery task: a thin wrapper around the outbox's periodic job (see outbox.py)."""

from celery import shared_task

from .outbox import deliver_pending as run_deliver_pending


@shared_task(name="lapor.notify.tasks.deliver_pending", acks_late=True)
def deliver_pending() -> dict:
    return run_deliver_pending().counts
