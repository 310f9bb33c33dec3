"""Celery app for production: Redis broker, beat runs the SLA sweep and the monitoring refresh
(lapor.monev) every minute and the outbox delivery (lapor.notify) every
LAPOR_OUTBOX_INTERVAL_SECONDS.

The embedded default has no broker; `manage.py run_worker` calls the same job functions.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("lapor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "sla-sweep": {
        "task": "lapor.reports.tasks.sla_sweep",
        "schedule": float(os.environ.get("LAPOR_SWEEP_INTERVAL_SECONDS") or 60),
    },
    "purge-idempotency-records": {
        "task": "lapor.reports.tasks.purge_idempotency_records",
        "schedule": 3600.0,
    },
    # Files kept for a refused web submission's next try (lapor.reports.kept_uploads).
    "purge-kept-uploads": {
        "task": "lapor.reports.tasks.purge_kept_uploads",
        "schedule": 3600.0,
    },
    # Monitoring facts to re-derive after a category priority or a holiday changed (lapor.monev).
    "monitoring-refresh": {
        "task": "lapor.monev.tasks.refresh_pending",
        "schedule": 60.0,
    },
    # The officials' morning digests: sent once a day from LAPOR_DIGEST_HOUR (WIB); looked for
    # every five minutes, so a worker down at that hour sends them when it is back.
    "officer-digests": {
        "task": "lapor.notices.tasks.send_digests",
        "schedule": 300.0,
    },
    # The event feed: publish what committed, then the reporters' and officials' messages (lapor.notices).
    "event-feed": {
        "task": "lapor.notices.tasks.run_feed",
        "schedule": float(os.environ.get("LAPOR_FEED_INTERVAL_SECONDS") or 5),
    },
    # The outbox: e-mail and SMS that could not be sent right after commit are retried here.
    "deliver-messages": {
        "task": "lapor.notify.tasks.deliver_pending",
        "schedule": float(os.environ.get("LAPOR_OUTBOX_INTERVAL_SECONDS") or 30),
    },
}
