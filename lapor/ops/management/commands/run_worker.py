"""The embedded default's worker loop: runs the periodic jobs without a broker.

In production Celery beat schedules the same job (config/celery.py) and this command is not used."""

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from lapor.monev.refresh import refresh_pending
from lapor.notices.jobs import run_feed, send_digests
from lapor.notify.outbox import deliver_pending
from lapor.reports.housekeeping import purge_idempotency_records, purge_kept_uploads
from lapor.reports.sweep import sla_sweep

HOUSEKEEPING_SECONDS = 3600


class Command(BaseCommand):
    help = ("Run the event feed (published events, reporters' messages) every LAPOR_FEED_INTERVAL_SECONDS; the SLA "
            "sweep, the outbox delivery and the monitoring refresh every LAPOR_SWEEP_INTERVAL_SECONDS; and hourly "
            "housekeeping, until stopped (embedded mode).")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one sweep and exit.")
        parser.add_argument("--interval", type=int, default=None)

    def handle(self, *args, once=False, interval=None, **options):
        interval = interval or settings.LAPOR_SWEEP_INTERVAL_SECONDS
        stop = {"now": False}

        def request_stop(signum, frame):
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        last_housekeeping = last_sweep = None
        while not stop["now"]:
            started = time.monotonic()
            if last_housekeeping is None or started - last_housekeeping >= HOUSEKEEPING_SECONDS:
                purge_idempotency_records()
                purge_kept_uploads()
                last_housekeeping = started
            fed = run_feed()  # events published, then what reporters are told (lapor.notices)
            if fed.total or once:
                self.stdout.write(f"feed: published={fed.published} reporter_events={fed.reporter_events} "
                                  f"officer_events={fed.officer_events}")
            if last_sweep is None or started - last_sweep >= interval:
                last_sweep = started
                result = sla_sweep()
                if result.total or once:
                    self.stdout.write(f"sweep: {', '.join(f'{k}={v}' for k, v in result.counts.items())}")
                # e-mail and SMS not sent right after commit (lapor.notify): the feed's messages
                # go out as its transaction commits, this retries what failed
                delivery = deliver_pending()
                if delivery.total or once:
                    self.stdout.write(f"outbox: {', '.join(f'{k}={v}' for k, v in delivery.counts.items())}")
                digests = send_digests()  # the officials' morning digests, once a day (lapor.notices)
                if digests or once:
                    self.stdout.write(f"digests: {digests}")
                refreshed = refresh_pending()  # monitoring facts after a priority or holiday change (lapor.monev)
                if refreshed.requests or once:
                    self.stdout.write(f"monitoring refresh: requests={refreshed.requests} reports={refreshed.reports_changed}")
            if once:
                return
            while not stop["now"] and time.monotonic() - started < min(interval, settings.LAPOR_FEED_INTERVAL_SECONDS):
                time.sleep(0.5)
