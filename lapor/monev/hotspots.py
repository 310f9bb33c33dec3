"""Hot spots: where and about what reports are rising (docs/indicators.md, "Dashboards").

What is counted, exactly: every report whose `submitted_at` falls in the period (whole WIB days,
`Period.start` to `Period.end`), and every report whose `submitted_at` falls in the previous
period of equal length (the same number of days, ending the day before the period starts),
grouped by

- the report's **top-level category** (a subcategory counts under the category at the top of its
  tree; a report with no category yet is not counted), and
- the **area of the report's location** (`Report.region`, where the problem is — not the agency
  that handles it): its province (the region code's first two characters, "35") on the national
  page, or, for one province, its regency or city (the first five, "35.78"); a report located
  only at the province level is not counted on the province's page.

Every report counts whatever its status, confidential ones included (they are reports like the
others); only these counts are read and shown — never a report's text, number or reporter.
The national and province dashboards show hot spots; the narrowed ones (KSP, Ombudsman) and the
agency scopes do not (ADR 0026).

One grouped query over both periods (the `report_submitted` index on `submitted_at`), then the
names of the few categories and regions found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr

from lapor.agencies.models import Category, Region
from lapor.reports.models import Report

from .scopes import Period

LIMIT = 10  # rows shown: the top of the list is what people act on
PROVINCE_CODE_LENGTH, REGENCY_CODE_LENGTH = 2, 5  # "35", "35.78"


@dataclass(frozen=True)
class HotSpot:
    category: str  # the top-level category's name
    area_code: str  # the province's or the regency's region code
    area: str  # its name
    now: int  # reports submitted in the period
    before: int  # reports submitted in the previous period of equal length

    @property
    def change(self) -> int:
        return self.now - self.before

    @property
    def change_pct(self) -> Decimal | None:
        """The change relative to the previous period, in %, one decimal; None when nothing was
        reported before (a rise from nothing has no ratio)."""
        if not self.before:
            return None
        return (Decimal(100 * self.change) / self.before).quantize(Decimal("0.1"), ROUND_HALF_UP)


def previous(period: Period) -> Period:
    """The period of equal length that ends the day before `period` starts."""
    days = (period.last - period.first).days + 1
    return Period(period.first - timedelta(days=days), period.first - timedelta(days=1))


def hot_spots(period: Period, province_code: str = "", limit: int = LIMIT) -> list[HotSpot]:
    """The category × area pairs with the most reports, rising first: largest increase over the
    previous period, ties by the relative increase (a rise from nothing first), then by the
    count now; at most `limit`. `province_code` "" is the whole country by province; a province's
    code is that province by regency and city."""
    before = previous(period)
    reports = Report.objects.filter(submitted_at__gte=before.start, submitted_at__lt=period.end, category__isnull=False)
    if province_code:
        reports = reports.filter(region__code__startswith=province_code + ".")
        length = REGENCY_CODE_LENGTH
    else:
        length = PROVINCE_CODE_LENGTH
    in_period = Q(submitted_at__gte=period.start)
    rows = (
        reports.annotate(area=Substr("region_id", 1, length))
        .values("category_id", "area")
        .annotate(now=Count("pk", filter=in_period), before=Count("pk", filter=~in_period))
        .order_by()
    )
    top = _top_categories()
    counts: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        key = (top[row["category_id"]], row["area"])
        pair = counts.setdefault(key, [0, 0])
        pair[0] += row["now"]
        pair[1] += row["before"]
    names = dict(Region.objects.filter(code__in={area for _c, area in counts}).values_list("code", "name"))
    categories = dict(Category.objects.filter(pk__in={c for c, _a in counts}).values_list("pk", "name"))
    spots = [
        HotSpot(categories[category], area, names.get(area, area), now, was)
        for (category, area), (now, was) in counts.items()
    ]
    spots.sort(key=_rising_first)
    return spots[:limit]


def _rising_first(spot: HotSpot) -> tuple:
    relative = spot.change_pct
    # A rise from nothing ranks above any ratio; a fall or no change has no claim to a ratio rank.
    rank = Decimal("Infinity") if relative is None and spot.change > 0 else (relative or Decimal(0))
    return (-spot.change, -rank, -spot.now, spot.category, spot.area)


def _top_categories() -> dict[int, int]:
    """Each category's top-level category (itself at the top). Categories are reference data: a
    few hundred rows, read whole."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    top = {}
    for pk in parents:
        node, seen = pk, set()
        while parents.get(node) is not None and node not in seen:  # `seen`: a cycle in bad data ends the walk
            seen.add(node)
            node = parents[node]
        top[pk] = node
    return top
