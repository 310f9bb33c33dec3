"""Check the monitoring rollups against the event log, and rebuild them (ADR 0019).

    manage.py monev_verify               # recount from the events, list differences, exit 1 if any
    manage.py monev_verify --rebuild     # replace the rollups and every report's facts by the recount
"""

import time

from django.core.management.base import BaseCommand, CommandError

from lapor.monev import recount


class Command(BaseCommand):
    help = "Recompute the monitoring rollups from the event log and report (or, with --rebuild, repair) every difference."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="replace the rollups and the reports' facts by the recount")
        parser.add_argument("--limit", type=int, default=50, help="differences to list (0: all)")
        parser.add_argument("--batch", type=int, default=2000, help="reports read per batch")

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(recount):
            if options["verbosity"] > 1:
                self.stderr.write(f"  {recount.reports} reports, {recount.events} events")

        if options["rebuild"]:
            result = recount.rebuild(batch=options["batch"], progress=progress)
            self.stdout.write(
                f"rebuilt from {result.reports} reports and {result.events} events: {len(result.cells)} rollup cells, "
                f"{len(result.days)} duration cells, {result.facts_differ} reports' facts rewritten "
                f"({time.monotonic() - started:.1f} s)"
            )
            return
        check = recount.verify(progress=progress, limit=options["limit"])
        self.stdout.write(
            f"recounted {check.reports} reports and {check.events} events, compared {check.cells_checked} cells "
            f"({time.monotonic() - started:.1f} s)"
        )
        for table, key, what, stored, expected in check.differences:
            basis, grain, day, agency_id, unit_id, priority, ombudsman, *rest = key
            where = f"basis={basis} grain={grain} day={day} agency={agency_id} unit={unit_id} priority={priority} ombudsman={ombudsman}"
            if rest:
                where += f" metric={rest[0]} days={rest[1]}"
            self.stdout.write(f"  {table} {where}: {what} stored {stored}, recounted {expected}")
        if check.facts_differ:
            self.stdout.write(f"  {check.facts_differ} reports' stored facts differ from their events")
        if not check.ok:
            shown = f" (first {len(check.differences)} listed)" if options["limit"] and len(check.differences) >= options["limit"] else ""
            self.stdout.write(f"{len(check.differences)} differences{shown}")
            raise CommandError("the rollups differ from the event log: run `manage.py monev_verify --rebuild`")
        self.stdout.write("no difference")
