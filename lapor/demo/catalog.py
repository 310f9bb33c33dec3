"""The slice of the reference data the demo uses: ~14 regency/city governments spread over the
country, a few central agencies, their units per theme, categories per theme, and places.

Everything is read once, up front, so that generating reports never runs a per-report query
over the reference tables. Works with the full registry (load_reference) and with the small
hand-made registries of the tests: whatever is missing is skipped, not invented.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from lapor.agencies.models import Agency, Category, Region

from .text import Place
from .themes import THEMES, Theme

DESK_CODE = "national-desk"
DEMO_REGION = "35.78"  # Kota Surabaya: the demo's regency/city government
DEMO_MINISTRY = "kemenkes"
# Regencies and cities across the three time zones, big cities and rural regencies alike.
PREFERRED_REGIONS = (
    "35.78", "32.73", "32.01", "33.74", "33.02", "34.71", "12.71", "13.71", "16.71", "51.71", "73.71", "64.72", "53.71", "91.71",
)
LOCAL_OFFICES = len(PREFERRED_REGIONS)
CENTRAL_CODES = ("kemenkes", "kemendikdasmen", "kemensos", "kemen-pu", "bpjs-kesehatan", "bgn", "kesdm", "kemendagri", "kemenhub")
# Units that do not take complaints (internal audit and the secretariat).
NOT_HANDLING = re.compile(r"(^|-)(itjen|inspektorat|spi|setjen|settama)$")
LOCAL_KINDS = (Agency.Kind.CITY, Agency.Kind.REGENCY)


def within(code: str, ancestor: str | None) -> bool:
    """Whether region `code` is `ancestor` or lies inside it (Kemendagri codes nest by dots)."""
    return bool(ancestor) and (code == ancestor or code.startswith(ancestor + "."))


def office_slug(agency: Agency) -> str:
    """The short name used in usernames: surabaya, kab-bogor, kemenkes."""
    if agency.kind in LOCAL_KINDS:
        name = agency.region.name if agency.region_id else re.sub(r"^Pemerintah\s+", "", agency.name)
        short = re.sub(r"^(Kota Administrasi|Kabupaten Administrasi|Kota|Kabupaten)\s+", "", name)
        return ("kab-" if agency.kind == Agency.Kind.REGENCY else "") + slugify(short)
    return agency.code


def unit_slug(unit: Agency) -> str:
    """disdik, farmalkes, kc-surabaya: the unit's code without its agency's prefix."""
    prefix = unit.parent.code + "-" if unit.parent_id else None
    suffix = unit.code[len(prefix):] if prefix and unit.code.startswith(prefix) else unit.code
    return re.sub(r"^ditjen-", "", suffix)


@dataclass
class Office:
    """An agency the demo routes reports to, with the units that handle them."""

    agency: Agency
    slug: str
    units: list[Agency]  # handling units (or the agency itself when it has none)
    by_suffix: dict[str, Agency] = field(default_factory=dict)
    places: list[tuple[str, Place]] = field(default_factory=list)  # (region code, place); local offices only

    @property
    def is_local(self) -> bool:
        return self.agency.kind in LOCAL_KINDS

    def unit_for(self, theme: Theme, region_code: str, rng: random.Random) -> Agency:
        if self.is_local:
            for suffix in theme.units:
                if suffix in self.by_suffix:
                    return self.by_suffix[suffix]
            return self.units[0]
        for code in theme.central[1:]:
            for unit in self.units:
                if unit.code == code:
                    return unit
        # Branch offices (BPJS): the one in the report's regency, else any branch.
        branches = [u for u in self.units if "-kc-" in u.code]
        if branches:
            near = [u for u in branches if u.region_id and within(region_code, u.region_id)]
            return near[0] if near else rng.choice(branches)
        return self.units[0]


@dataclass
class Catalog:
    desk: Agency
    local: list[Office]
    central: dict[str, Office]
    elsewhere: list[tuple[str, Place]]  # places all over the country, for central agencies' reports
    categories: dict[str, list[Category]]

    @property
    def offices(self) -> list[Office]:
        return self.local + list(self.central.values())

    @property
    def demo_city(self) -> Office:
        return next((o for o in self.local if o.agency.region_id == DEMO_REGION), self.local[0])

    @property
    def demo_ministry(self) -> Office | None:
        return self.central.get(DEMO_MINISTRY) or next(iter(self.central.values()), None)

    def central_for(self, theme: Theme) -> Office | None:
        return self.central.get(theme.central[0]) if theme.central else None

    def local_for(self, region_code: str) -> Office | None:
        return next((o for o in self.local if within(region_code, o.agency.region_id)), None)


class MissingReference(Exception):
    """The reference data the demo needs is not loaded (run `manage.py load_reference`)."""


def load_catalog(rng: random.Random) -> Catalog:
    desk = Agency.objects.filter(code=DESK_CODE).first()
    if desk is None:
        raise MissingReference(f"no agency with the code {DESK_CODE!r}; run `manage.py load_reference` first")
    locals_ = _local_agencies(rng)
    if not locals_:
        raise MissingReference("no regency or city government with units; run `manage.py load_reference` first")
    centrals = list(Agency.objects.filter(code__in=CENTRAL_CODES, is_active=True).exclude(kind=Agency.Kind.UNIT))
    units = _units([a.pk for a in locals_ + centrals])
    local = [_office(a, units.get(a.pk, [])) for a in locals_]
    central = {a.code: _office(a, units.get(a.pk, [])) for a in sorted(centrals, key=lambda a: CENTRAL_CODES.index(a.code))}
    _attach_places(local)
    return Catalog(desk, local, central, _places_elsewhere(rng), _categories())


def _local_agencies(rng: random.Random) -> list[Agency]:
    with_units = set(Agency.objects.filter(kind=Agency.Kind.UNIT, parent__kind__in=LOCAL_KINDS, is_active=True)
                     .values_list("parent_id", flat=True).distinct())
    candidates = list(Agency.objects.filter(kind__in=LOCAL_KINDS, is_active=True, pk__in=with_units, region__isnull=False)
                      .select_related("region").order_by("code"))
    preferred = [a for code in PREFERRED_REGIONS for a in candidates if a.region_id == code]
    others = [a for a in candidates if a not in preferred]
    rng.shuffle(others)
    return (preferred + others)[:LOCAL_OFFICES]


def _units(agency_ids: list[int]) -> dict[int, list[Agency]]:
    found: dict[int, list[Agency]] = {}
    for unit in Agency.objects.filter(parent_id__in=agency_ids, is_active=True).select_related("parent").order_by("code"):
        if not NOT_HANDLING.search(unit.code):
            found.setdefault(unit.parent_id, []).append(unit)
    return found


def _office(agency: Agency, units: list[Agency]) -> Office:
    by_suffix = {u.code[len(agency.code) + 1:]: u for u in units if u.code.startswith(agency.code + "-")}
    # An agency without units handles its reports itself (forwarding to itself is allowed).
    return Office(agency, office_slug(agency), units or [agency], by_suffix)


def _attach_places(local: list[Office]) -> None:
    """Villages (with their district) of each office's regency; districts or the regency alone
    when the finer levels are not loaded."""
    codes = [o.agency.region_id for o in local]
    regencies = {r.code: r for r in Region.objects.filter(code__in=codes)}
    villages: dict[str, list] = {}
    found = Region.objects.filter(level=Region.Level.VILLAGE, parent__parent_id__in=codes).select_related("parent")
    for v in found.order_by("code"):
        regency = regencies[v.parent.parent_id]
        villages.setdefault(regency.code, []).append((v.code, Place.from_regions(regency, v.parent, v)))
    districts: dict[str, list] = {}
    for d in Region.objects.filter(level=Region.Level.DISTRICT, parent_id__in=codes).order_by("code"):
        districts.setdefault(d.parent_id, []).append((d.code, Place.from_regions(regencies[d.parent_id], d)))
    for office in local:
        code = office.agency.region_id
        office.places = villages.get(code) or districts.get(code) or [(code, Place.from_regions(regencies[code]))]


def _places_elsewhere(rng: random.Random, sample: int = 40) -> list[tuple[str, Place]]:
    """Places in a sample of regencies anywhere, so that central agencies' reports come from
    all over the country: their villages when loaded, and the regencies themselves."""
    regencies = list(Region.objects.filter(level=Region.Level.REGENCY).order_by("code"))
    chosen = {r.code: r for r in rng.sample(regencies, min(sample, len(regencies)))}
    places = [(code, Place.from_regions(r)) for code, r in chosen.items()]
    found = Region.objects.filter(level=Region.Level.VILLAGE, parent__parent_id__in=list(chosen)).select_related("parent")
    for v in found.order_by("code"):
        places.append((v.code, Place.from_regions(chosen[v.parent.parent_id], v.parent, v)))
    return places


def _categories() -> dict[str, list[Category]]:
    everything = list(Category.objects.all().order_by("code"))
    by_code = {c.code: c for c in everything}
    result: dict[str, list[Category]] = {}
    for theme in THEMES:
        found = [by_code[c] for c in theme.categories if c in by_code]
        if not found:
            found = [c for word in theme.category_words for c in everything if word in c.name.upper()][:3]
        result[theme.key] = found
    return result
