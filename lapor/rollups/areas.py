"""The area of a report's location as the hot spots' cells key it: one integer for the regency or
city ("35.78" -> 3578), or for a location known only to the province ("35" -> 35). Kemendagri
codes give a province two digits and a regency two more, so the two never collide and a
regency's province is its number divided by 100."""

from __future__ import annotations

REGENCY_FLOOR = 100  # numbers from here are regencies and cities; below, provinces


def number(region_code: str | None) -> int:
    """The area number of a region code of any level (a village's is its regency's); 0 when
    there is no location or the code is not a Kemendagri code."""
    if not region_code:
        return 0
    province, _dot, rest = region_code.partition(".")
    if len(province) != 2 or not province.isdigit():
        return 0
    regency = rest[:2]
    if len(regency) == 2 and regency.isdigit():
        return int(province) * 100 + int(regency)
    return int(province)


def code(area: int) -> str:
    """The region code an area number stands for."""
    if area >= REGENCY_FLOOR:
        return f"{area // 100:02d}.{area % 100:02d}"
    return f"{area:02d}"


def province_of(area: int) -> int:
    return area // 100 if area >= REGENCY_FLOOR else area


def regencies_of(province: int) -> tuple[int, int]:
    """The area numbers of a province's regencies and cities: [first, last]."""
    return province * 100, province * 100 + 99
