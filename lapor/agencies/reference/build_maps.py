"""map_shapes.json.gz (built by lapor/agencies/reference/build.py, `--only map_shapes`): the
outlines of the provinces and regencies/cities, projected to SVG units, simplified, for the
server-drawn maps of monev/maps.py."""

from __future__ import annotations

import json
import math
from pathlib import Path

from lapor.agencies.reference import FIXTURE_DIR, MAP_SHAPES_FILE

from .sources import read_regions, write_gzip

# ---------------------------------------------------------------------------------------------
# Map shapes (cahyadsn/wilayah_boundaries, simplified): outlines for the server-drawn choropleths
# ---------------------------------------------------------------------------------------------

BOUNDARIES_FILE = "wilayah_boundaries_simplified.geojson"
# Written into the fixture itself, so the file names its origin wherever it is copied to.
BOUNDARIES_ATTRIBUTION = (
    "Derived from cahyadsn/wilayah_boundaries (commit 3c5a796), Copyright (c) 2024 Cahya DSN, "
    "MIT licence; the full notice is in lapor/agencies/reference/SOURCES.md and must accompany this file."
)
# Every view (the nation, each province) is fitted so its longer side is MAP_SIZE SVG units: a
# map drawn about 1000 px wide then has about one unit per pixel, so integer coordinates are
# exact enough and anything smaller than MAP_MIN_AREA square units (a pixel) is invisible.
MAP_SIZE, MAP_PAD = 1000, 4
MAP_TOLERANCE = 0.6  # Douglas-Peucker tolerance in SVG units: under a pixel, so the outline looks the same
MAP_MIN_AREA = 1.0


class Projection:
    """Equirectangular, x scaled by cos(mid-latitude) so shapes keep their proportions near that
    latitude (Indonesia straddles the equator: the correction is under 1 % nationally, more for a
    province far from it), y pointing down as SVG's does, fitted into MAP_SIZE with MAP_PAD."""

    def __init__(self, bounds: tuple[float, float, float, float]):
        west, south, east, north = bounds
        self.west, self.north = west, north
        self.k = math.cos(math.radians((south + north) / 2))
        span_x, span_y = (east - west) * self.k, north - south
        self.scale = (MAP_SIZE - 2 * MAP_PAD) / max(span_x, span_y)
        # Rounded up to whole units (less a hair, so the longer side is exactly MAP_SIZE).
        self.width = math.ceil(span_x * self.scale - 1e-6) + 2 * MAP_PAD
        self.height = math.ceil(span_y * self.scale - 1e-6) + 2 * MAP_PAD

    def __call__(self, lng: float, lat: float) -> tuple[float, float]:
        return (MAP_PAD + (lng - self.west) * self.k * self.scale, MAP_PAD + (self.north - lat) * self.scale)


def polygons(feature: dict) -> list[list[list[list[float]]]]:
    geometry = feature["geometry"]
    return geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]


def bounds_of(features: list[dict]) -> tuple[float, float, float, float]:
    points = [pt for f in features for polygon in polygons(f) for ring in polygon for pt in ring]
    return (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points))


def douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Keeps the points that stray more than `tolerance` from the line through the kept ones.
    Iterative (a ring can have thousands of points). A closed ring starts and ends on the same
    point: the first split is then at the point farthest from it, which is what a ring needs."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, distance = 0, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dx * (py - ay) - dy * (px - ax)) / length if length else math.hypot(px - ax, py - ay)
            if d > distance:
                farthest, distance = i, d
        if farthest:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, kept in zip(points, keep) if kept]


def ring_area(ring: list[tuple[int, int]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


def integer_ring(ring: list[list[float]], project: Projection, tolerance: float) -> list[tuple[int, int]]:
    """The ring projected, simplified and rounded to whole units, without repeated points and
    without its closing point (the path's `z` closes it)."""
    simplified = douglas_peucker([project(lng, lat) for lng, lat in ring], tolerance)
    out: list[tuple[int, int]] = []
    for x, y in simplified:
        point = (round(x), round(y))
        if not out or out[-1] != point:
            out.append(point)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path data: an absolute move to each ring's first point, then relative lines (small
    numbers, a third of the bytes). Deltas are taken between the rounded points, so nothing
    drifts. A minus sign separates numbers by itself ("l3-2"), as SVG's grammar allows."""
    parts = []
    for ring in rings:
        numbers, previous = [], ring[0]
        for x, y in ring[1:]:
            numbers += [x - previous[0], y - previous[1]]
            previous = (x, y)
        line = "".join(f"{n}" if (n < 0 or not i) else f" {n}" for i, n in enumerate(numbers))
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{line}z")
    return "".join(parts)


def outline(feature: dict, project: Projection) -> str:
    """The feature's rings (outer rings and holes alike: the map fills them even-odd) that cover
    at least MAP_MIN_AREA, largest first; an area too small for that keeps its largest ring."""
    rings = [integer_ring(ring, project, MAP_TOLERANCE) for polygon in polygons(feature) for ring in polygon]
    rings = sorted((r for r in rings if len(r) >= 3), key=ring_area, reverse=True)
    if not rings:
        raise SystemExit(f"map shape {feature['properties']['kode']}: nothing left to draw")
    return path_data([rings[0]] + [r for r in rings[1:] if ring_area(r) >= MAP_MIN_AREA])


def read_map_shapes(source: Path, regions: list[dict]) -> dict:
    """The fixture's content: the national view (provinces) and one view per province (its
    regencies/cities), each with its own projection; names and parents from the region list, so
    the map and the Region table agree (the build stops if their codes differ)."""
    with open(source / BOUNDARIES_FILE, encoding="utf-8") as f:
        features = json.load(f)["features"]
    by_code = {r["code"]: r for r in regions if r["level"] in ("province", "regency")}
    codes = {f["properties"]["kode"] for f in features}
    if codes != set(by_code) or len(codes) != len(features):
        raise SystemExit(
            f"map shapes and regions differ: missing {sorted(set(by_code) - codes)}, "
            f"unknown {sorted(codes - set(by_code))}, {len(features) - len(codes)} duplicates"
        )
    provinces = sorted((f for f in features if f["properties"]["level"] == "province"), key=lambda f: f["properties"]["kode"])
    national = Projection(bounds_of(provinces))
    views = {"national": [national.width, national.height]}
    areas = []
    for province in provinces:
        code = province["properties"]["kode"]
        areas.append({"code": code, "name": by_code[code]["name"], "level": "province", "parent": "",
                      "d": outline(province, national)})
        children = sorted((f for f in features if f["properties"]["kode"].startswith(code + ".")),
                          key=lambda f: f["properties"]["kode"])
        local = Projection(bounds_of(children))
        views[code] = [local.width, local.height]
        for child in children:
            region = by_code[child["properties"]["kode"]]
            if region["parent_code"] != code or region["level"] != "regency":
                raise SystemExit(f"map shape {region['code']} is not a regency/city of province {code}")
            areas.append({"code": region["code"], "name": region["name"], "level": "regency", "parent": code,
                          "d": outline(child, local)})
    return {"attribution": BOUNDARIES_ATTRIBUTION, "views": views, "areas": areas}


def build_map_shapes(source: Path, out: Path = FIXTURE_DIR, regions: list[dict] | None = None) -> dict[str, int]:
    """Write map_shapes.json.gz into `out`: compact JSON (sorted keys, no spaces), gzip without
    a timestamp, so the same source gives the same bytes."""
    shapes = read_map_shapes(source, read_regions(source) if regions is None else regions)
    data = json.dumps(shapes, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    write_gzip(out / MAP_SHAPES_FILE.name, data)
    return {"map_shapes": len(shapes["areas"])}
