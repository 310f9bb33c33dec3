"""Fast, per-process look-ups of reference data on the intake path.

Submitting a report validates a region code and a category code. Reference data changes
rarely, so each process keeps the set of region codes and a small category table and refreshes
them every minute; a code not in the set is checked against the database before it is refused,
so a region added a moment ago is accepted at once. (Measured: the two SELECTs were ~20 % of a
submission's CPU; see bench/README.md.)"""

from __future__ import annotations

import re
import threading
import time
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

_TTL = 60.0
# New regions are found through the database fallback at once, so the set may age longer.
_REGION_TTL = 600.0
_lock = threading.Lock()
_regions: tuple[float, array] | None = None
# Kemendagri codes: 2 digits (province), .2 (regency/city), .2 (district), .4 (village). Each level
# has its own width, so the digits alone identify a code: kept as a sorted array of integers
# (~0.7 MiB for all 91,599 regions instead of ~20 MiB of strings per worker).
_CODE = re.compile(r"^[1-9][0-9](\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
_categories: tuple[float, dict] | None = None


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    active_from: date | None
    active_until: date | None

    def is_active_on(self, day: date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (self.active_until is None or day <= self.active_until)


def _fresh(entry, ttl: float = _TTL) -> bool:
    return entry is not None and time.monotonic() - entry[0] < ttl


def _as_int(code: str) -> int | None:
    return int(code.replace(".", "")) if _CODE.match(code) else None


def region_exists(code: str) -> bool:
    global _regions
    from .models import Region

    entry = _regions
    if not _fresh(entry, _REGION_TTL):
        with _lock:
            entry = _regions
            if not _fresh(entry, _REGION_TTL):
                numbers = sorted(n for n in map(_as_int, Region.objects.values_list("code", flat=True).iterator()) if n is not None)
                entry = (time.monotonic(), array("q", numbers))
                _regions = entry
    number = _as_int(code)
    if number is not None:
        codes = entry[1]
        i = bisect_left(codes, number)
        if i < len(codes) and codes[i] == number:
            return True
    if Region.objects.filter(pk=code).exists():  # added since the set was loaded
        reset()
        return True
    return False


def category_by_code(code: str) -> CategoryInfo | None:
    global _categories
    from .models import Category

    entry = _categories
    if not _fresh(entry):
        with _lock:
            rows = Category.objects.values_list("id", "code", "active_from", "active_until")
            entry = (time.monotonic(), {row[1]: CategoryInfo(*row) for row in rows})
            _categories = entry
    info = entry[1].get(code)
    if info is None:
        row = Category.objects.filter(code=code).values_list("id", "code", "active_from", "active_until").first()
        if row is not None:
            reset()
            info = CategoryInfo(*row)
    return info


def reset() -> None:
    """Forget the cached tables (tests, and after an operator edits reference data)."""
    global _regions, _categories
    _regions = None
    _categories = None
