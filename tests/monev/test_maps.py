"""The choropleth maps (lapor/monev/maps.py, templates/monev/_map.html) and their fixture
(map_shapes.json.gz, built by lapor/agencies/reference/build.py): the fixture covers every
province and regency/city of the region reference, stays small, and is what the build makes
from the shared source; the map drawn in Indonesian is an SVG a browser can draw (machine
numbers) with the values written the Indonesian way (human numbers), in the right shades."""

from __future__ import annotations

import csv
import gzip
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from lapor.agencies.reference import MAP_SHAPES_FILE, REGIONS_FILE, build_maps
from lapor.monev import maps

from .svgcheck import SVG, problems_of, svgs_of

SIZE_BUDGET = 300_000  # bytes: the fixture ships in the repository and is read by every web process
# CI keeps the source lists in ../shared beside the clone (as on the development machine).
SOURCE = Path(settings.BASE_DIR).parent / "shared" / "data" / "reference"
# What SVG path data may hold here: commands and plain numbers (never "64,7").
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
PATH_DATA = re.compile(r"(?:[MmLl](?: ?-?\d+(?:\.\d+)?)+|[Zz])+")


@pytest.fixture(autouse=True)
def _indonesian():
    """Indonesian, the default language and the one with a decimal comma; the previous language back after."""
    before = translation.get_language()
    translation.activate("id")
    yield
    translation.activate(before)


def _regions() -> dict[str, dict]:
    with gzip.open(REGIONS_FILE, "rt", encoding="utf-8", newline="") as f:
        return {r["code"]: r for r in csv.DictReader(io.StringIO(f.read())) if r["level"] in ("province", "regency")}


def _points(path: str) -> list[tuple[int, int]]:
    """The absolute points of path data written as the fixture writes it (M x y, l dx dy …, z)."""
    points, x, y, command = [], 0, 0, ""
    tokens = re.findall(r"[MlZz]|-?\d+", path)
    numbers: list[int] = []
    for token in tokens + ["z"]:
        if token in "MlZz":
            for dx, dy in zip(numbers[::2], numbers[1::2]):
                x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
                points.append((x, y))
            command, numbers = token, []
        else:
            numbers.append(int(token))
    return points


# --- the fixture -------------------------------------------------------------------------------


def test_the_fixture_has_every_province_and_regency_of_the_region_reference():
    shapes = maps._shapes()
    regions = _regions()
    areas = shapes["areas"]
    provinces = [a for a in areas if a["level"] == "province"]
    regencies = [a for a in areas if a["level"] == "regency"]
    assert (len(provinces), len(regencies)) == (38, 514)
    assert {a["code"] for a in areas} == set(regions)
    for a in areas:
        region = regions[a["code"]]
        assert a["name"] == region["name"]
        assert a["parent"] == (region["parent_code"] if a["level"] == "regency" else "")
        assert a["d"].startswith("M") and a["d"].endswith("z")
    assert set(shapes["views"]) == {"national"} | {p["code"] for p in provinces}
    assert maps.province_codes() == sorted(p["code"] for p in provinces)
    assert maps.regency_codes("35") == sorted(r["code"] for r in regencies if r["parent"] == "35")
    assert "Cahya DSN" in shapes["attribution"] and "MIT" in shapes["attribution"]


def test_every_outline_lies_inside_its_view_and_the_country_is_the_right_way_round():
    shapes = maps._shapes()
    centre = {}
    for a in shapes["areas"]:
        width, height = shapes["views"][a["parent"] or "national"]
        points = _points(a["d"])
        assert all(0 <= x <= width and 0 <= y <= height for x, y in points), a["code"]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        centre[a["code"]] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    # Not mirrored, not upside down: Aceh is west of Papua, and north of East Nusa Tenggara;
    # Jakarta is west of East Java. Not squashed: Indonesia is about 2.7 times as wide as high.
    assert centre["11"][0] < centre["91"][0] and centre["11"][1] < centre["53"][1]
    assert centre["31"][0] < centre["35"][0]
    width, height = shapes["views"]["national"]
    assert width == 1000 and 2.5 < width / height < 2.9
    # East Java's own view: Surabaya (north coast) is north of Malang, Banyuwangi is east of both.
    assert centre["35.78"][1] < centre["35.07"][1]
    assert centre["35.10"][0] > max(centre["35.78"][0], centre["35.07"][0])


def test_the_fixture_is_within_its_size_budget():
    size = MAP_SHAPES_FILE.stat().st_size
    assert size < SIZE_BUDGET, f"map_shapes.json.gz is {size:,} bytes, over the {SIZE_BUDGET:,} budget"


def test_the_committed_fixture_is_what_the_build_makes_from_the_shared_source(tmp_path):
    if not (SOURCE / build_maps.BOUNDARIES_FILE).is_file():
        pytest.skip(f"{SOURCE} is absent: the byte-for-byte rebuild of map_shapes.json.gz was NOT checked")
    build_maps.build_map_shapes(SOURCE, out=tmp_path)
    fresh = (tmp_path / MAP_SHAPES_FILE.name).read_bytes()
    rerun = "rerun `python -m lapor.agencies.reference.build --only map_shapes`"
    assert fresh == MAP_SHAPES_FILE.read_bytes(), f"map_shapes.json.gz differs from a fresh build: {rerun}"


# --- classes -----------------------------------------------------------------------------------


def test_quantile_steps_put_each_fifth_of_the_areas_in_one_shade():
    values = list(range(1, 11))  # ten areas: two per step
    steps, legend = maps.classify(values)
    assert [steps[v] for v in values] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [(e.css_class, e.label, e.count) for e in legend] == [
        ("map-q1", "1 – 2", 2), ("map-q2", "3 – 4", 2), ("map-q3", "5 – 6", 2), ("map-q4", "7 – 8", 2), ("map-q5", "9 – 10", 2),
    ]


def test_ties_share_a_step_and_a_few_values_spread_over_the_scale():
    # Six zeros out of eleven: one shade for all of them (the second step stays empty), and the
    # legend says so.
    steps, legend = maps.classify([0, 0, 0, 0, 0, 0, 5, 6, 7, 8, 9])
    assert [steps[v] for v in (0, 5, 6, 7, 8, 9)] == [1, 3, 4, 4, 5, 5]
    assert [(e.css_class, e.label, e.count) for e in legend] == [
        ("map-q1", "0", 6), ("map-q3", "5", 1), ("map-q4", "6 – 7", 2), ("map-q5", "8 – 9", 2)]
    # Two distinct values: lightest and darkest; one: the middle shade.
    assert maps.classify([3, 8, 8])[0] == {3: 1, 8: 5}
    assert maps.classify([4, 4])[0] == {4: 3}
    assert maps.classify([None, None]) == ({}, [maps.LegendEntry("map-nodata", "Tidak ada data", 2)])


def test_values_map_to_shades_and_a_missing_value_is_hatched_not_zero():
    codes = maps.province_codes()
    values: dict[str, Decimal | int | None] = {code: Decimal(n) for n, code in enumerate(codes)}
    values["35"] = Decimal("1234.5")  # the highest
    values["11"] = Decimal("0")  # the lowest
    values["94"] = None
    del values["31"]  # no figure at all for Jakarta
    drawn = {a.code: a for a in maps.province_map(values, label="Laporan", unit="%").areas}
    assert drawn["35"].css_class == "map-q5" and drawn["11"].css_class == "map-q1"
    assert drawn["94"].css_class == drawn["31"].css_class == "map-nodata"
    assert drawn["35"].title == "Jawa Timur: 1.234,5 %"
    assert drawn["94"].title.endswith(": tidak ada data")
    # Darker never means less.
    order = sorted((a for a in drawn.values() if a.value is not None), key=lambda a: a.value)
    assert [a.css_class for a in order] == sorted(a.css_class for a in order)


def test_the_regency_map_is_the_province_and_its_links():
    values = {"35.78": 120, "35.07": 40, "35.73": None}
    drawn = maps.regency_map("35", values, link=lambda code: f"/monev/wilayah/{code}/" if code != "35.07" else "",
                             label="Laporan diterima")
    assert len(drawn.areas) == 38 and {a.code[:3] for a in drawn.areas} == {"35."}
    assert (drawn.width, drawn.height) == tuple(maps._shapes()["views"]["35"])
    by_code = {a.code: a for a in drawn.areas}
    assert by_code["35.78"].href == "/monev/wilayah/35.78/" and by_code["35.07"].href == ""
    assert by_code["35.78"].title == "Kota Surabaya: 120"
    assert "Jawa Timur" in drawn.title
    with pytest.raises(LookupError):
        maps.regency_map("99", values, label="x")


# --- the partial, drawn in Indonesian ------------------------------------------------------------


def _render(m: maps.Map, map_id: str = "peta") -> str:
    return render_to_string("monev/_map.html", {"map": m, "map_id": map_id, "table_id": "t-provinsi",
                                                "table_caption": "Per provinsi"})


def test_the_map_drawn_in_indonesian_has_only_machine_numbers_in_its_geometry():
    values = {code: Decimal(n) + Decimal("0.5") for n, code in enumerate(maps.province_codes())}
    values["35"] = Decimal("1234.5")
    values["94"] = None
    html = _render(maps.province_map(values, link=lambda code: f"/monev/provinsi/{code}/", label="Tingkat", unit="%"))
    assert "style=" not in html
    (svg,) = svgs_of(html)
    assert problems_of(svg, "national map") == []
    paths = list(svg.iter(f"{SVG}path"))
    assert len(paths) == 38
    for path in paths:
        d = path.get("d")
        # Nothing but commands and plain numbers, each a float as SVG reads it.
        assert PATH_DATA.fullmatch(d), d[:80]
        assert all(isinstance(float(n), float) for n in NUMBER.findall(d))
    assert [float(n) for n in svg.get("viewBox").split()][:2] == [0.0, 0.0]
    # Each area is a link holding its title (the link's name) and its shape.
    links = list(svg.iter(f"{SVG}a"))
    assert len(links) == 38 and svg.get("role") == "group"
    east_java = next(a for a in links if a.get("href") == "/monev/provinsi/35/")
    assert east_java.find(f"{SVG}title").text == "Jawa Timur: 1.234,5 %"  # a human number, Indonesian
    assert "map-nodata" in next(a for a in links if a.get("href") == "/monev/provinsi/94/").find(f"{SVG}path").get("class")
    assert svg.find(f"{SVG}title").get("id") == svg.get("aria-labelledby") == "peta-title"
    assert svg.find(f"{SVG}desc").get("id") == svg.get("aria-describedby") == "peta-desc"
    # The legend is Indonesian too, and the caption points to the table.
    assert "0,5 – " in html and "Tidak ada data" in html and 'href="#t-provinsi"' in html


def test_a_map_without_links_is_one_image():
    html = _render(maps.regency_map("31", {"31.71": 3}, label="Laporan"))
    (svg,) = svgs_of(html)
    assert svg.get("role") == "img" and not list(svg.iter(f"{SVG}a"))
    assert [p.find(f"{SVG}title").text for p in svg.iter(f"{SVG}path")][:2] == [
        "Kabupaten Administrasi Kepulauan Seribu: tidak ada data", "Kota Administrasi Jakarta Pusat: 3"]


def test_the_table_partial_holds_the_same_numbers():
    m = maps.province_map({"35": 1234}, link=lambda code: f"/p/{code}/", label="Laporan")
    html = render_to_string("monev/_map_table.html", {"map": m, "table_id": "t-peta", "header": "Laporan"})
    assert '<caption id="t-peta">' in html and html.count("<tr>") == 39
    assert '<a href="/p/35/">Jawa Timur</a></th><td>1.234</td>' in html
