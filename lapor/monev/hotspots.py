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

Read from the rollups (ADR 0019, 0031): the cells `lapor.rollups` keeps per submission day,
top-level category and area (`HotSpotCell`), summed over each period's whole months and ragged days like the
other figures (`rollups.segments`); then the names of the few categories and regions found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, IntegerField, Sum, When

from lapor.agencies.models import Category, Region
from lapor.rollups import areas
from lapor.rollups.models import HotSpotCell

from .rollups import segments, summed
from .scopes import Period

LIMIT = 10  # rows shown: the top of the list is what people act on


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
    now, before = counts(period, province_code), counts(previous(period), province_code)
    pairs = now.keys() | before.keys()
    names = dict(Region.objects.filter(code__in={area for _c, area in pairs}).values_list("code", "name"))
    categories = dict(Category.objects.filter(pk__in={c for c, _a in pairs}).values_list("pk", "name"))
    spots = [
        HotSpot(categories.get(category, str(category)), area, names.get(area, area),
                now.get((category, area), 0), before.get((category, area), 0))
        for category, area in pairs
    ]
    spots.sort(key=_rising_first)
    return spots[:limit]


def counts(period: Period, province_code: str = "") -> dict[tuple[int, str], int]:
    """{(top-level category id, area code): reports submitted in the period}: by province, or
    for one province by regency and city."""
    when = segments(period)
    rows = HotSpotCell.objects.filter(when.rows)
    if province_code:
        if not (len(province_code) == 2 and province_code.isdigit()):
            return {}
        first, last = areas.regencies_of(int(province_code))
        rows = rows.filter(area__gte=first, area__lte=last)
    else:  # folded to provinces by the database: a few hundred groups come back, not thousands
        rows = rows.annotate(
            area_of=Case(When(area__gte=areas.REGENCY_FLOOR, then=F("area") / 100), default=F("area"),
                         output_field=IntegerField()))
    out: dict[tuple[int, str], int] = {}
    group = "area" if province_code else "area_of"
    for (category, area), total in summed(rows, ["category_id", group], when.minus, {"n": Sum("n")}).items():
        if total["n"]:  # a month's row less the days the period leaves out can be nothing
            out[(category, areas.code(area))] = total["n"]
    return out


def _rising_first(spot: HotSpot) -> tuple:
    relative = spot.change_pct
    # A rise from nothing ranks above any ratio; a fall or no change has no claim to a ratio rank.
    rank = Decimal("Infinity") if relative is None and spot.change > 0 else (relative or Decimal(0))
    return (-spot.change, -rank, -spot.now, spot.category, spot.area)
