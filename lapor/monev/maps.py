"""Choropleth maps drawn on the server (SVG): Indonesia by province, or one province by
regency/city, each area shaded by an indicator's value. Drawn by templates/monev/_map.html with
classes and presentation attributes only (the CSP forbids inline style and script); no tiles,
no JavaScript. The same numbers stand in a table beside the map (templates/monev/_map_table.html
or the page's own table).

The outlines come from the committed fixture `map_shapes.json.gz` (built by
lapor/agencies/reference/build.py from cahyadsn/wilayah_boundaries, MIT: see SOURCES.md), already
projected to SVG units with whole-number coordinates, so drawing is string assembly only. The
fixture is read once per process.

Classes: five steps of one blue (light = low, dark = high) by **quantiles** of the areas shown:
indicators such as report counts are very skewed (Java's provinces receive many times what
North Kalimantan does), so equal intervals would paint nearly every province the lightest shade
and say nothing; quantiles use every shade and show rank, and the legend gives each step's
actual range (the lowest and highest value in it), so no one reads a quantile as an interval.
Ties stay in one step. With five or fewer distinct values each value gets its own step, spread
over the scale. Areas without a value are hatched ("no data"), never shaded as zero.

Numbers: geometry is a machine number (the template draws it inside `{% localize off %}`); the
value people read is a human number in the active language (lapor/core/numbers.py, ADR 0022)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext

from lapor.agencies.reference import MAP_SHAPES_FILE
from lapor.core.numbers import human_number

STEPS = 5
NO_DATA = "map-nodata"
Value = Decimal | int | float | None


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    path: str  # SVG path data in the view's units (whole numbers, unlocalised)
    css_class: str  # "map-q1" (lightest) … "map-q5" (darkest), or "map-nodata"
    value: Value
    value_text: str  # the value as people read it in the active language, with the unit
    title: str  # "Name: value", the area's tooltip and its link's accessible name
    href: str  # "" when the area has no drill-down


@dataclass(frozen=True)
class LegendEntry:
    css_class: str
    label: str  # the step's range as people read it ("12 – 40 %"), or "No data"
    count: int  # areas in the step


@dataclass(frozen=True)
class Map:
    width: int
    height: int
    title: str  # names the map: the indicator and the areas ("Reports received by province")
    description: str  # how to read it, for the SVG's <desc>
    areas: list[Area]  # in code order
    legend: list[LegendEntry]  # darker steps after lighter ones; "no data" last

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def linked(self) -> bool:
        """Whether any area is a link (the template then makes the SVG a group, not an img)."""
        return any(a.href for a in self.areas)


@cache
def _shapes() -> dict:
    """The fixture, read once per process: {"views": {"national"|province: [w, h]}, "areas": [...]}."""
    with gzip.open(MAP_SHAPES_FILE, "rt", encoding="utf-8") as f:
        return json.load(f)


@cache
def _areas_of(view: str) -> tuple[dict, ...]:
    level, parent = ("province", "") if view == "national" else ("regency", view)
    return tuple(a for a in _shapes()["areas"] if a["level"] == level and a["parent"] == parent)


def province_codes() -> list[str]:
    """The provinces that have a regency map (all 38)."""
    return [a["code"] for a in _areas_of("national")]


def regency_codes(province_code: str) -> list[str]:
    """The regencies and cities drawn on a province's map ([] for a code that is not a province)."""
    return [a["code"] for a in _areas_of(province_code)]


def province_map(values: Mapping[str, Value], *, link: Callable[[str], str] | None = None,
                 label: str, unit: str = "") -> Map:
    """Indonesia's 38 provinces shaded by `values` (province code "35" → value; a missing code or
    None is "no data"). `link(code)` gives each area's address ("" for none); `label` names the
    indicator, `unit` is written after each value ("%" → "91,2 %")."""
    title = gettext("%(label)s by province") % {"label": label}
    description = gettext('Map of the provinces of Indonesia, shaded by "%(label)s".') % {"label": label}
    return _draw("national", values, link, title, description, unit)


def regency_map(province_code: str, values: Mapping[str, Value], *, link: Callable[[str], str] | None = None,
                label: str, unit: str = "") -> Map:
    """One province's regencies and cities (codes "35.78") shaded by `values`, in the province's
    own frame. Raises LookupError for a code that is not a province."""
    province = next((a for a in _areas_of("national") if a["code"] == province_code), None)
    if province is None:
        raise LookupError(f"no province {province_code!r}")
    names = {"label": label, "province": province["name"]}
    title = gettext("%(label)s by regency and city, %(province)s") % names
    description = gettext('Map of the regencies and cities of %(province)s, shaded by "%(label)s".') % names
    return _draw(province_code, values, link, title, description, unit)


def _draw(view: str, values: Mapping[str, Value], link, title: str, description: str, unit: str) -> Map:
    shapes = _areas_of(view)
    steps, legend = classify([values.get(a["code"]) for a in shapes], unit)
    areas = []
    for shape in shapes:
        value = values.get(shape["code"])
        text = with_unit(value, unit) if value is not None else gettext("no data")
        areas.append(Area(
            code=shape["code"], name=shape["name"], path=shape["d"],
            css_class=NO_DATA if value is None else f"map-q{steps[value]}",
            value=value, value_text=text, title=f"{shape['name']}: {text}",
            href=(link(shape["code"]) or "") if link else "",
        ))
    description += " " + gettext("The darker the area, the higher the value; hatched areas have no data.")
    if any(a.href for a in areas):
        description += " " + gettext("Each area is a link to its own figures.")
    width, height = _shapes()["views"][view]
    return Map(width, height, title, description, areas, legend)


def with_unit(value: Value, unit: str) -> str:
    text = human_number(value)
    return f"{text} {unit}" if unit else text


def classify(values: list[Value], unit: str = "") -> tuple[dict, list[LegendEntry]]:
    """Each value's step (1…STEPS) and the legend. Quantiles over the areas (ties share the step
    of the first of them); five or fewer distinct values get a step each, spread over the scale
    (two values: lightest and darkest; one: the middle)."""
    ordered = sorted(v for v in values if v is not None)
    distinct = sorted(set(ordered))
    if len(distinct) <= STEPS:
        last = len(distinct) - 1
        steps = {v: (1 + round(i * (STEPS - 1) / last)) if last else (STEPS + 1) // 2 for i, v in enumerate(distinct)}
    else:
        first_rank = {}
        for rank, v in enumerate(ordered):
            first_rank.setdefault(v, rank)
        steps = {v: 1 + min(STEPS - 1, rank * STEPS // len(ordered)) for v, rank in first_rank.items()}
    legend = []
    for step in range(1, STEPS + 1):
        members = [v for v in ordered if steps[v] == step]
        if not members:
            continue
        low, high = members[0], members[-1]
        span = with_unit(low, unit) if low == high else f"{human_number(low)} – {with_unit(high, unit)}"
        legend.append(LegendEntry(f"map-q{step}", span, len(members)))
    missing = sum(1 for v in values if v is None)
    if missing:
        legend.append(LegendEntry(NO_DATA, gettext("No data"), missing))
    return steps, legend
