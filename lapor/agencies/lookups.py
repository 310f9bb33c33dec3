"""Fast, per-process look-ups of reference data on the intake path.

Submitting a report validates a region code, a category code and, when the reporter names one,
an agency code. Reference data changes rarely, so each process keeps the set of region codes, a
small category table and the table of agencies, and refreshes them every minute (the regions
every ten); a code not in a table is checked against the database before it is refused, so a
region or agency added a moment ago is accepted at once. An agency deactivated may still be
named for up to a minute in a process that loaded it before. (Measured: the region and category
SELECTs were ~20 % of a submission's CPU, the agency's ~5 %; see bench/README.md.)"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from lapor.core.ttlcache import TtlCache

from .models import Agency, Category, Region

# Kemendagri codes: 2 digits (province), .2 (regency/city), .2 (district), .4 (village). Each level
# has its own width, so the digits alone identify a code: kept as a sorted array of integers
# (~0.7 MiB for all 91,599 regions instead of ~20 MiB of strings per worker).
_CODE = re.compile(r"^[1-9][0-9](\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    active_from: date | None
    active_until: date | None

    def is_active_on(self, day: date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (self.active_until is None or day <= self.active_until)


def is_region_code(code: str) -> bool:
    """Whether `code` has the form of a Kemendagri code (35, 35.78, 35.78.01, 35.78.01.1001)."""
    return _CODE.match(code) is not None


def _as_int(code: str) -> int | None:
    return int(code.replace(".", "")) if _CODE.match(code) else None


def _load_regions() -> array:
    return array("q", sorted(n for n in map(_as_int, Region.objects.values_list("code", flat=True).iterator()) if n is not None))


def _load_categories() -> dict[str, CategoryInfo]:
    rows = Category.objects.values_list("id", "code", "active_from", "active_until")
    return {row[1]: CategoryInfo(*row) for row in rows}


def _load_agencies() -> dict[str, tuple]:
    names = [f.attname for f in Agency._meta.concrete_fields]
    code = names.index("code")
    return {row[code]: (names, row) for row in Agency.objects.values_list(*names)}


# New regions are found through the database fallback at once, so the set may age longer.
_regions = TtlCache(_load_regions, seconds=600)
_categories = TtlCache(_load_categories, seconds=60)
_agencies = TtlCache(_load_agencies, seconds=60)


def region_exists(code: str) -> bool:
    codes = _regions.get()
    number = _as_int(code)
    if number is not None:
        i = bisect_left(codes, number)
        if i < len(codes) and codes[i] == number:
            return True
    if Region.objects.filter(pk=code).exists():  # added since the set was loaded
        reset()
        return True
    return False


def category_by_code(code: str) -> CategoryInfo | None:
    info = _categories.get().get(code)
    if info is None:
        row = Category.objects.filter(code=code).values_list("id", "code", "active_from", "active_until").first()
        if row is not None:
            reset()
            info = CategoryInfo(*row)
    return info


def agency_by_code(code: str) -> Agency | None:
    """The agency with this code, as a new instance of its own (never one shared between
    requests), or None."""
    found = _agencies.get().get(code)
    if found is None:
        agency = Agency.objects.filter(code=code).first()
        if agency is not None:
            reset()
        return agency
    names, row = found
    return Agency.from_db("default", names, row)


def reset() -> None:
    """Forget the cached tables (tests, and after an operator edits reference data)."""
    _regions.forget()
    _categories.forget()
    _agencies.forget()
