"""Which indicator a dashboard's map is shaded by (`?peta=`), and the maps drawn from the rows a
page already has: by province from the province rows (the national dashboard and /statistik/),
by regency and city from a province's regional governments (the province dashboard). The map
and the page's table are built from the same `Indicators`, so they hold the same numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy

from lapor.agencies.models import Agency

from . import maps
from .indicators import Indicators

# ?peta= value -> (label, Indicators attribute, unit written after the value)
CHOICES = {
    "received": (gettext_lazy("Reports received"), "received", ""),
    "follow_up_rate": (gettext_lazy("Follow-up rate"), "follow_up_rate", "%"),
    "completion_rate": (gettext_lazy("Completion rate"), "completion_rate", "%"),
    "overdue_now": (gettext_lazy("Overdue now"), "overdue_now", ""),
}
DEFAULT = "follow_up_rate"
PUBLIC = ("received", "follow_up_rate", "completion_rate")  # the columns of /statistik/'s province table


def chosen(params, allowed: Iterable[str] = tuple(CHOICES)) -> str:
    """The indicator asked for, or the default (an unknown value is not an error: the default)."""
    value = params.get("peta", "")
    return value if value in allowed else DEFAULT


def options(allowed: Iterable[str] = tuple(CHOICES)) -> list[tuple[str, str]]:
    return [(key, str(CHOICES[key][0])) for key in allowed]


def province_map(rows: list[Indicators], key: str, link: Callable[[str], str] | None = None) -> maps.Map:
    """Indonesia by province, from province rows (scope code = the province's region code)."""
    label, attribute, unit = CHOICES[key]
    values = {i.scope.code: getattr(i, attribute) for i in rows}
    return maps.province_map(values, link=link, label=str(label), unit=unit)


def regency_map(province_code: str, rows: list[Indicators], key: str,
                link: Callable[[str], str] | None = None) -> maps.Map:
    """A province by regency and city, from its regional governments' rows: each regency's or
    city's government (`Agency.region` is the regency) gives its area's value; `link(agency code)`
    its drill-down."""
    label, attribute, unit = CHOICES[key]
    by_code = {i.scope.code: i for i in rows}
    governments = Agency.objects.filter(
        code__in=by_code, kind__in=(Agency.Kind.REGENCY, Agency.Kind.CITY), region__isnull=False
    ).values_list("region_id", "code")
    agency_of = dict(sorted(governments))  # region -> agency code (one government per regency)
    values = {region: getattr(by_code[code], attribute) for region, code in agency_of.items()}
    area_link = (lambda region: link(agency_of[region]) if region in agency_of else "") if link else None
    return maps.regency_map(province_code, values, link=area_link, label=str(label), unit=unit)
