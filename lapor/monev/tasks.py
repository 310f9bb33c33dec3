"""Celery task: a thin wrapper around the monitoring refresh job (see refresh.py)."""

from celery import shared_task

from .refresh import refresh_pending as run_refresh_pending


@shared_task(name="lapor.monev.tasks.refresh_pending", acks_late=True)
def refresh_pending() -> dict:
    outcome = run_refresh_pending()
    return {"requests": outcome.requests, "reports_changed": outcome.reports_changed}
