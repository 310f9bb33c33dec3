"""Build the committed reference fixtures from the shared source lists (see SOURCES.md).

    .venv/bin/python -m lapor.agencies.reference.build [--source ../shared/data/reference]

Reads wilayah_2025.csv, lapor_categories_2025.json and ministries_agencies_2024.csv and writes
regions.csv.gz, agencies.csv and categories.csv next to this file. The output is sorted and the
gzip header carries no timestamp, so rebuilding from the same sources gives identical bytes and
a clean diff. The fixtures are loaded by `manage.py load_reference` (lapor/agencies/loader.py).

It also reads wilayah_boundaries_simplified.geojson and writes map_shapes.json.gz: the outlines
of the provinces and regencies/cities, projected to SVG units, for the server-drawn maps of
monev/maps.py (not loaded into the database). `--only map_shapes` rebuilds just that file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from django.utils.text import slugify

from lapor.agencies.reference import AGENCIES_FILE, CATEGORIES_FILE, FIXTURE_DIR, REGIONS_FILE

from .build_agencies import local_governments, national_bodies, read_organisations
from .build_maps import build_map_shapes
from .sources import DEFAULT_SOURCE, clean, read_regions, to_csv, write_gzip

REGION_FIELDS = ["code", "name", "level", "parent_code", "kind"]
AGENCY_FIELDS = ["code", "name", "short_name", "kind", "parent_code", "coordinator_code", "region_code", "timezone"]
CATEGORY_FIELDS = ["code", "name", "parent_code", "is_priority", "active_from", "active_until"]

# Field limits of lapor/agencies/models.py, checked before writing so a load never fails half-way.
AGENCY_CODE_MAX, AGENCY_SHORT_MAX, AGENCY_NAME_MAX = 64, 64, 200
CATEGORY_CODE_MAX = 120

# ---------------------------------------------------------------------------------------------
# Categories (SP4N-LAPOR! taxonomy 2025)
# ---------------------------------------------------------------------------------------------

# Top-level names too long to prefix every child code with.
CATEGORY_CODES = {
    "KEKERASAN DI SATUAN PENDIDIKAN (SEKOLAH, KAMPUS, LEMBAGA KURSUS)": "kekerasan-satuan-pendidikan",
    "KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT": "trantibumlinmas",
    "PENCEGAHAN DAN PEMBERANTASAN PENYALAHGUNAAN DAN PEREDARAN GELAP NARKOTIKA DAN PREKURSOR NARKOTIKA (P4GN)": "p4gn",
    "PEMBANGUNAN DESA, DAERAH TERTINGGAL, DAN TRANSMIGRASI": "desa-pdt-transmigrasi",
}

# National priority programmes supervised by KSP (is_priority, inherited by the children):
# - MBG, the free nutritious meals programme, is the flagship priority programme of 2025;
# - Pemulihan Ekonomi Nasional (PEN) was the priority programme of 2020-2022 (PP 23/2020); it
#   stays flagged so that its historical reports keep their supervisor, and is time-boxed below.
PRIORITY_CATEGORIES = {"PROGRAM MAKAN BERGIZI GRATIS (MBG)", "PEMULIHAN EKONOMI NASIONAL"}

# Campaigns that have clearly ended: name -> (active_from, active_until), inherited by children.
# Open-ended or recurring ones (elections neutrality, Supreme Court justice selection, which the
# Judicial Commission runs again every year) are left open.
CATEGORY_PERIODS = {
    # The 2021 Eid homecoming ban (6-17 May 2021) with its tightening period to 24 May 2021
    # (Addendum SE Satgas Penanganan COVID-19 13/2021). No start date: a 2020 ban preceded it.
    "PENIADAAN MUDIK": ("", "2021-05-24"),
    # The pandemic status ended on 21 June 2023 (Keppres 17/2023).
    "CORONA VIRUS": ("", "2023-06-21"),
    # The PEN programme's budget and instruments ended with fiscal year 2022.
    "PEMULIHAN EKONOMI NASIONAL": ("", "2022-12-31"),
}
# Children that are themselves dated campaigns, keyed by (top-level, child).
CHILD_PERIODS = {
    ("TOPIK KHUSUS", "BANSOS DIGITAL 2021"): ("", "2021-12-31"),
}


def short_slug(text: str, prefix: str = "") -> str:
    slug = slugify(text.replace("/", " ").replace("&", " dan "))
    code = f"{prefix}-{slug}" if prefix else slug
    if len(code) > CATEGORY_CODE_MAX:
        # Keep codes within the column and still unique: truncate and add a stable digest.
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        code = f"{code[: CATEGORY_CODE_MAX - 9].rstrip('-')}-{digest}"
    return code


def read_categories(source: Path) -> list[dict]:
    with open(source / "lapor_categories_2025.json", encoding="utf-8") as f:
        taxonomy = json.load(f)
    rows, codes = [], set()

    def add(code, name, parent, priority, period):
        while code in codes:  # two names slugging alike (e.g. "A/B" and "A B") stay distinct
            code = f"{code}-x"
        codes.add(code)
        rows.append({
            "code": code, "name": name, "parent_code": parent, "is_priority": "true" if priority else "false",
            "active_from": period[0], "active_until": period[1],
        })
        return code

    for top_name, children in taxonomy.items():
        top_name = clean(top_name)
        priority = top_name in PRIORITY_CATEGORIES
        period = CATEGORY_PERIODS.get(top_name, ("", ""))
        top = add(CATEGORY_CODES.get(top_name) or short_slug(top_name), top_name, "", priority, period)
        seen = set()
        for child in children:
            child = clean(child)
            if child.casefold() in seen:
                continue
            seen.add(child.casefold())
            add(short_slug(child, top), child, top, priority, CHILD_PERIODS.get((top_name, child), period))
    return rows


def check_agencies(rows: list[dict], region_codes: set[str]) -> None:
    codes = [r["code"] for r in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate agency codes")
    known = set(codes)
    for r in rows:
        if len(r["code"]) > AGENCY_CODE_MAX or len(r["short_name"]) > AGENCY_SHORT_MAX or len(r["name"]) > AGENCY_NAME_MAX:
            raise SystemExit(f"agency {r['code']!r} exceeds a column length")
        if slugify(r["code"]) != r["code"]:
            raise SystemExit(f"agency code {r['code']!r} is not a slug")
        for ref in (r["parent_code"], r["coordinator_code"]):
            if ref and ref not in known:
                raise SystemExit(f"agency {r['code']!r} refers to unknown {ref!r}")
        if r["region_code"] and r["region_code"] not in region_codes:
            raise SystemExit(f"agency {r['code']!r} refers to unknown region {r['region_code']!r}")


def build(source: Path, out: Path = FIXTURE_DIR) -> dict[str, int]:
    """Write the fixtures into `out` (the package directory; tests pass a scratch one)."""
    regions = read_regions(source)
    agencies = national_bodies(read_organisations(source)) + local_governments(regions)
    check_agencies(agencies, {r["code"] for r in regions})
    categories = read_categories(source)
    write_gzip(out / REGIONS_FILE.name, to_csv(regions, REGION_FIELDS))
    (out / AGENCIES_FILE.name).write_bytes(to_csv(agencies, AGENCY_FIELDS))
    (out / CATEGORIES_FILE.name).write_bytes(to_csv(categories, CATEGORY_FIELDS))
    counts = {"regions": len(regions), "agencies": len(agencies), "categories": len(categories)}
    return counts | build_map_shapes(source, out, regions)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="directory of the source lists")
    parser.add_argument("--only", choices=["map_shapes"], help="rebuild only this fixture")
    args = parser.parse_args(argv)
    source = args.source.resolve()
    counts = build_map_shapes(source) if args.only == "map_shapes" else build(source)
    print(", ".join(f"{name}: {n}" for name, n in counts.items()))


if __name__ == "__main__":
    main()
