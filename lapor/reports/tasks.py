"""Celery tasks: thin wrappers that call a job function (see sweep.py)."""

from celery import shared_task

from .housekeeping import purge_idempotency_records as run_purge_idempotency_records
from .housekeeping import purge_kept_uploads as run_purge_kept_uploads
from .sweep import sla_sweep as run_sla_sweep


@shared_task(name="lapor.reports.tasks.sla_sweep", acks_late=True)
def sla_sweep() -> dict:
    result = run_sla_sweep()
    return {str(action): count for action, count in result.counts.items()}


@shared_task(name="lapor.reports.tasks.purge_idempotency_records", acks_late=True)
def purge_idempotency_records() -> int:
    return run_purge_idempotency_records()


@shared_task(name="lapor.reports.tasks.purge_kept_uploads", acks_late=True)
def purge_kept_uploads() -> int:
    return run_purge_kept_uploads()
