"""manage.py load_reference: load regions, agencies, categories and default SLA policies.

Safe to run again at any time (after an upgrade ships new fixtures): see lapor/agencies/loader.py.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from lapor.agencies import loader
from lapor.agencies.models import Agency, Category, Region, SlaPolicy
from lapor.rollups import refresh
from lapor.rollups.lookups import forget_lookups


class Command(BaseCommand):
    help = "Load the reference data (regions, agencies, categories, default SLA policies) idempotently."

    def add_arguments(self, parser):
        parser.add_argument(
            "--regions-level",
            choices=loader.LEVELS,
            default=Region.Level.VILLAGE,
            help="deepest region level to load (default: village, i.e. all ~92k regions)",
        )

    def handle(self, *args, regions_level, **options):
        started = time.monotonic()
        with transaction.atomic():
            result = loader.load_all(regions_level=regions_level)
            # A category whose national priority or parent changed: its reports' rollup cells move (in
            # the background), asked for in the load's transaction.
            for category_id in result["categories_changed"]:
                refresh.request_category(category_id)
        forget_lookups()
        elapsed = time.monotonic() - started

        def detail(counter):
            return ", ".join(f"{key} {n:,}" for key, n in counter.items() if n)

        self.stdout.write(f"regions: {sum(result['regions'].values()):,} loaded ({detail(result['regions'])}); "
                          f"{Region.objects.count():,} in table")
        self.stdout.write(f"agencies: {sum(result['agencies'].values()):,} loaded ({detail(result['agencies'])}); "
                          f"{Agency.objects.count():,} in table")
        self.stdout.write(f"categories: {sum(result['categories'].values()):,} loaded "
                          f"({detail(result['categories'])}); {Category.objects.count():,} in table")
        if result["categories_changed"]:
            self.stdout.write(f"categories whose priority or parent changed: {len(result['categories_changed'])} "
                              "(their monitoring figures are recounted in the background)")
        self.stdout.write(f"sla policies: {result['sla_created']} default(s) created; "
                          f"{SlaPolicy.objects.count():,} in table")
        self.stdout.write(self.style.SUCCESS(f"reference data loaded in {elapsed:.1f} s"))
