"""Print the monitoring indicators of a scope for a period (docs/indicators.md).

    manage.py monev_report --scope agency:kemenkes --from 2026-11-01 --to 2026-11-30
    manage.py monev_report --scope national --period 2026-11 --children
"""

from django.core.management.base import BaseCommand, CommandError

from lapor.monev.indicators import compute, compute_children, show
from lapor.monev.scopes import Period, Scope, ScopeError


class Command(BaseCommand):
    help = "Print the monitoring indicators (monev) of a scope for a period, computed from the reports and events."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scope", default="national", help="national, province:<code>, coordinator:<code>, agency:<code> or unit:<code>"
        )
        parser.add_argument("--from", dest="first", help="first day, YYYY-MM-DD (WIB)")
        parser.add_argument("--to", dest="last", help="last day, YYYY-MM-DD (WIB); defaults to --from")
        parser.add_argument("--period", help="instead of --from/--to: 2026, 2026-11, 2026-11-23 or FIRST..LAST")
        parser.add_argument("--children", action="store_true", help="also a line per child scope (provinces, agencies, units)")
        parser.add_argument("--by-agency", action="store_true", help="with --children, national scope: agencies, not provinces")

    def handle(self, *args, **options):
        try:
            scope = Scope.parse(options["scope"])
            if options["period"]:
                period = Period.parse(options["period"])
            elif options["first"]:
                period = Period.days(options["first"], options["last"] or options["first"])
            else:
                raise CommandError("give --period, or --from (and --to)")
        except ScopeError as exc:
            raise CommandError(str(exc)) from exc
        figures = compute(scope, period)
        self.stdout.write(f"{scope}, {period} (WIB), as of now")
        width = max(len(label) for label, _ in figures.rows())
        for label, value in figures.rows():
            self.stdout.write(f"  {label.ljust(width)}  {value}")
        if options["children"]:
            self.stdout.write("")
            heading = ("received", "follow-up", "complete", "verified", "on time", "overdue")
            self.stdout.write(f"  {'':40} " + " ".join(f"{h:>9}" for h in heading))
            for row in compute_children(scope, period, by=Scope.AGENCY if options["by_agency"] else ""):
                name = (row.scope.name or row.scope.code)[:40]
                self.stdout.write(
                    f"  {name:40} {row.received:>9} {show(row.follow_up_rate):>9} {show(row.completion_rate):>9}"
                    f" {show(row.verified_on_time_pct):>9} {show(row.followed_up_on_time_pct):>9} {row.overdue_now:>9}"
                )
