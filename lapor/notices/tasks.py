"""Celery tasks: thin wrappers around the feed's jobs (the worker loop runs the same)."""

from celery import shared_task

from .jobs import run_feed, send_digests


@shared_task(name="lapor.notices.tasks.run_feed", acks_late=True)
def feed() -> dict:
    return run_feed().as_dict()


@shared_task(name="lapor.notices.tasks.send_digests", acks_late=True)
def digests() -> int:
    return send_digests()
