"""What the fixture builders share (lapor/agencies/reference/build.py): where the source lists are,
the region list (read by every builder), and writing output that is byte-reproducible."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from lapor.agencies.reference import FIXTURE_DIR

REPO_ROOT = FIXTURE_DIR.parents[2]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "reference"

# ---------------------------------------------------------------------------------------------
# Regions (Kepmendagri 300.2.2-2430/2025)
# ---------------------------------------------------------------------------------------------

LEVELS = {"provinsi": "province", "kabupaten_kota": "regency", "kecamatan": "district", "desa_kelurahan": "village"}


def clean(text: str) -> str:
    # The source has stray and doubled spaces (e.g. "Kota Administrasi Jakarta Utara ").
    return " ".join(text.split())


def read_regions(source: Path) -> list[dict]:
    with open(source / "wilayah_2025.csv", newline="", encoding="utf-8") as f:
        rows = [
            {
                "code": r["kode"].strip(),
                "name": clean(r["nama"]),
                "level": LEVELS[r["level"].strip()],
                "parent_code": r["kode_induk"].strip(),
                "kind": r["jenis"].strip(),
            }
            for r in csv.DictReader(f)
        ]
    return sorted(rows, key=lambda r: r["code"])


# Indonesia's three time zones (Keppres 41/1987), by Kemendagri province code. Deadlines in
# working days end at the close of the agency's local day, so the zone is part of the registry.
WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
PROVINCE_TIMEZONES = {
    # Sumatra and the islands off it: WIB.
    "11": WIB, "12": WIB, "13": WIB, "14": WIB, "15": WIB, "16": WIB, "17": WIB, "18": WIB, "19": WIB, "21": WIB,
    # Java (Jakarta, West/Central Java, Yogyakarta, East Java, Banten): WIB.
    "31": WIB, "32": WIB, "33": WIB, "34": WIB, "35": WIB, "36": WIB,
    # Bali, West and East Nusa Tenggara: WITA.
    "51": WITA, "52": WITA, "53": WITA,
    # Kalimantan: West and Central are WIB; South, East and North are WITA.
    "61": WIB, "62": WIB, "63": WITA, "64": WITA, "65": WITA,
    # All Sulawesi provinces (incl. Gorontalo): WITA.
    "71": WITA, "72": WITA, "73": WITA, "74": WITA, "75": WITA, "76": WITA,
    # Maluku, North Maluku and the six Papua provinces: WIT.
    "81": WIT, "82": WIT, "91": WIT, "92": WIT, "93": WIT, "94": WIT, "95": WIT, "96": WIT,
}


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def to_csv(rows: list[dict], fields: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_gzip(path: Path, data: bytes) -> None:
    # mtime=0 and no embedded file name: the same input always gives the same bytes.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(data)
