"""Fast, per-process look-ups of reference data on the intake path.

Submitting a report validates a region code and a category code. Reference data changes
rarely, so each process keeps the set of region codes and a small category table and refreshes
them every minute; a code not in the set is checked against the database before it is refused,
so a region added a moment ago is accepted at once. (Measured: the two SELECTs were ~20 % of a
submission's CPU; see bench/README.md.)"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from lapor.core.ttlcache import TtlCache

from .models import Category, Region

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


def _as_int(code: str) -> int | None:
    return int(code.replace(".", "")) if _CODE.match(code) else None


def _load_regions() -> array:
    return array("q", sorted(n for n in map(_as_int, Region.objects.values_list("code", flat=True).iterator()) if n is not None))


def _load_categories() -> dict[str, CategoryInfo]:
    rows = Category.objects.values_list("id", "code", "active_from", "active_until")
    return {row[1]: CategoryInfo(*row) for row in rows}


# New regions are found through the database fallback at once, so the set may age longer.
_regions = TtlCache(_load_regions, seconds=600)
_categories = TtlCache(_load_categories, seconds=60)


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


def reset() -> None:
    """Forget the cached tables (tests, and after an operator edits reference data)."""
    _regions.forget()
    _categories.forget()
