"""manage.py load_demo: demo accounts for every role, ~2,000 reports in every status and an
open user survey with its responses.

For `make run` (bin/run sets LAPOR_DEMO=1) and local development only: every demo account has
the same published password. Refuses to run unless demo mode is explicit: --yes-demo, or
LAPOR_DEMO=1 in the environment, or DEBUG on. Does nothing when the demo data is already there.
"""

import os
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from lapor.core import workdays
from lapor.demo.accounts import DEMO_PASSWORD
from lapor.demo.catalog import MissingReference
from lapor.demo.reports import DemoPathError, NotEmpty, load_demo


def demo_mode_enabled(yes_demo: bool) -> bool:
    return yes_demo or settings.DEBUG or os.environ.get("LAPOR_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}


class Command(BaseCommand):
    help = "Load demo accounts, reports and a user survey (NOT for production: all demo accounts share a published password)."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=2000, help="number of reports (default 2000)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--yes-demo", action="store_true", help="confirm this is a demo installation")

    def handle(self, *args, reports, seed, yes_demo, **options):
        if not demo_mode_enabled(yes_demo):
            raise CommandError("Refusing to load demo data: pass --yes-demo, or set LAPOR_DEMO=1 (or LAPOR_DEBUG=1). "
                               "Demo accounts share a published password and must never exist in production.")
        if reports < 1:
            raise CommandError("--reports must be at least 1")
        try:
            result = load_demo(reports=reports, seed=seed, progress=lambda msg: self.stdout.write(f"  {msg}"))
        except (MissingReference, NotEmpty) as exc:
            raise CommandError(str(exc))
        except DemoPathError as exc:
            raise CommandError(f"a service refused a legal demo step: {exc}")
        if not result.created:
            survey = f"1 survey with {result.survey.responses:,} responses" if result.survey else "no survey"
            self.stdout.write(f"demo data already loaded ({result.reports:,} reports, {survey}); nothing to do")
            return
        for warning in result.accounts.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        self._accounts(result.accounts)
        self.stdout.write("\nreports per status:")
        for status, n in result.by_status.items():
            self.stdout.write(f"  {status:<12} {n:>6,}")
        self._survey(result.survey)
        linked = result.connectivity
        waiting = f" ({', '.join(linked.unconnected)})" if linked.unconnected else ""
        self.stdout.write(f"\ndemo agencies: {len(linked.connected)} connected (decree and officers), "
                          f"{len(linked.unconnected)} without a decree yet{waiting}; {linked.templates} response templates; "
                          f"the registry's other agencies: {linked.elsewhere_connected} connected, "
                          f"{linked.elsewhere_unconnected} not")
        self.stdout.write(self.style.SUCCESS(
            f"demo data loaded: {result.reports:,} reports, {result.events:,} events, "
            f"1 survey with {result.survey.responses:,} responses in {result.seconds:.1f} s"))

    def _survey(self, demo):
        survey, kinds = demo.survey, demo.by_kind
        closes = survey.closes_at.astimezone(ZoneInfo(workdays.DEFAULT_TZ))
        self.stdout.write(f"\nsurvey: 1 survey, {demo.responses:,} responses ({kinds['citizen']} citizens, "
                          f"{kinds['official']} officials, {kinds['guest']} guests)")
        self.stdout.write(f"  {survey.title}, open until {closes:%Y-%m-%d %H:%M} ({workdays.DEFAULT_TZ})")
        self.stdout.write(f"  results: {reverse('survey:results', args=[survey.pk])} "
                          "(the free-text answers, redacted, for admin.nasional only)")

    def _accounts(self, accounts):
        rows = [("username", "role", "agency", "password")] + [(*row, DEMO_PASSWORD) for row in accounts.table]
        widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
        self.stdout.write("\ndemo accounts (NOT for production):")
        for row in rows:
            self.stdout.write("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())
        others = accounts.officers - (len(accounts.table) - 1)
        self.stdout.write(f"  ... and {others} more officer accounts (admin.<agency>, penghubung.<unit>.<agency>) "
                          f"and {len(accounts.citizens)} citizens (warga01..warga{len(accounts.citizens):02d}), same password")
        self.stdout.write("  officials then give a two-step sign-in code: `bin/demo-totp USERNAME` prints the current one "
                          "(their authenticator keys are published demo keys; citizens are not asked)")
