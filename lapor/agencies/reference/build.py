"""Build the committed reference fixtures from the shared source lists (see SOURCES.md).

    .venv/bin/python -m lapor.agencies.reference.build [--source ../shared/data/reference]

Reads wilayah_2025.csv, lapor_categories_2025.json and ministries_agencies_2024.csv and writes
regions.csv.gz, agencies.csv and categories.csv next to this file. The output is sorted and the
gzip header carries no timestamp, so rebuilding from the same sources gives identical bytes and
a clean diff. The fixtures are loaded by `manage.py load_reference` (lapor/agencies/loader.py).

It also reads wilayah_boundaries_simplified.geojson and writes map_shapes.json.gz: the outlines
of the provinces and regencies/cities, projected to SVG units, for the server-drawn maps of
lapor/monev/maps.py (not loaded into the database). `--only map_shapes` rebuilds just that file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
from pathlib import Path

from django.utils.text import slugify

from lapor.agencies.reference import AGENCIES_FILE, CATEGORIES_FILE, FIXTURE_DIR, MAP_SHAPES_FILE, REGIONS_FILE

REPO_ROOT = FIXTURE_DIR.parents[2]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "reference"

REGION_FIELDS = ["code", "name", "level", "parent_code", "kind"]
AGENCY_FIELDS = ["code", "name", "short_name", "kind", "parent_code", "coordinator_code", "region_code", "timezone"]
CATEGORY_FIELDS = ["code", "name", "parent_code", "is_priority", "active_from", "active_until"]

# Field limits of lapor/agencies/models.py, checked before writing so a load never fails half-way.
AGENCY_CODE_MAX, AGENCY_SHORT_MAX, AGENCY_NAME_MAX = 64, 64, 200
CATEGORY_CODE_MAX = 120

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
# Agencies
# ---------------------------------------------------------------------------------------------

ORG_KINDS = {
    "kemenko": "coordinating_ministry",
    "kementerian": "ministry",
    "lembaga": "agency",
    "badan_hukum_publik": "public_body",
}

# Coordination per Peraturan Presiden 139/2024 tentang Penataan Tugas dan Fungsi Kementerian
# Negara Kabinet Merah Putih Periode Tahun 2024-2029 (ministry code -> coordinating ministry code).
# Only ministries are listed: the Perpres names the ministries each Menko coordinates and leaves
# other institutions to "instansi lain yang dianggap perlu", so agencies get no coordinator here.
PERPRES_139_2024_COORDINATION = {
    # Kemenko Politik dan Keamanan
    "kemendagri": "kemenko-polkam",
    "kemlu": "kemenko-polkam",
    "kemhan": "kemenko-polkam",
    "komdigi": "kemenko-polkam",
    # Kemenko Hukum, Hak Asasi Manusia, Imigrasi, dan Pemasyarakatan
    "kemenkum": "kemenko-kumham-imipas",
    "kemenham": "kemenko-kumham-imipas",
    "kemenimipas": "kemenko-kumham-imipas",
    # Kemenko Perekonomian (Kemenkeu is no longer under it: it reports to the President directly)
    "kemnaker": "kemenko-perekonomian",
    "kemenperin": "kemenko-perekonomian",
    "kemendag": "kemenko-perekonomian",
    "kesdm": "kemenko-perekonomian",
    "kementerian-bumn": "kemenko-perekonomian",
    "kementerian-investasi": "kemenko-perekonomian",
    "kemenpar": "kemenko-perekonomian",
    # Kemenko Pangan
    "kementan": "kemenko-pangan",
    "kemenhut": "kemenko-pangan",
    "kkp": "kemenko-pangan",
    "klh-bplh": "kemenko-pangan",
    # Kemenko Pembangunan Manusia dan Kebudayaan
    "kemenag": "kemenko-pmk",
    "kemendikdasmen": "kemenko-pmk",
    "kemendiktisaintek": "kemenko-pmk",
    "kemenbud": "kemenko-pmk",
    "kemenkes": "kemenko-pmk",
    "kemenpppa": "kemenko-pmk",
    "kemendukbangga": "kemenko-pmk",
    "kemenpora": "kemenko-pmk",
    # Kemenko Pemberdayaan Masyarakat
    "kemensos": "kemenko-pm",
    "kp2mi": "kemenko-pm",
    "kemendes-pdt": "kemenko-pm",
    "kemenkop": "kemenko-pm",
    "kementerian-umkm": "kemenko-pm",
    "kemenekraf": "kemenko-pm",
    # Kemenko Infrastruktur dan Pembangunan Kewilayahan
    "kemen-pu": "kemenko-ipk",
    "kemen-pkp": "kemenko-ipk",
    "kemenhub": "kemenko-ipk",
    "atr-bpn": "kemenko-ipk",
    "kementrans": "kemenko-ipk",
}
# Ministries the Perpres places under no coordinating ministry (they answer to the President).
UNCOORDINATED_MINISTRIES = {"kemensetneg", "kemenkeu", "bappenas", "kemenpanrb"}

# Ministries organised in deputies rather than directorates-general: their secretariat is a
# "Sekretariat Kementerian" and their inspectorate an "Inspektorat" (not Sekjen / Itjen).
DEPUTY_MINISTRIES = {
    "kemensetneg", "bappenas", "kemenpanrb", "kementerian-bumn", "kemendukbangga", "klh-bplh",
    "kementerian-investasi", "kemenkop", "kementerian-umkm", "kemenpppa", "kemenpar", "kemenekraf", "kemenpora",
}

# Bodies whose secretariat / internal oversight is not the standard LPNK "Sekretariat Utama" +
# "Inspektorat": (suffix, name, short name). Where we could not confirm that a body has its own
# inspectorate we list only its secretariat rather than invent one; operators can add units.
SPECIAL_UNITS = {
    "kejaksaan": [
        ("jambin", "Jaksa Agung Muda Bidang Pembinaan", "Jambin"),
        ("jamwas", "Jaksa Agung Muda Bidang Pengawasan", "Jamwas"),
    ],
    "polri": [
        ("setum", "Sekretariat Umum Polri", "Setum Polri"),
        ("itwasum", "Inspektorat Pengawasan Umum Polri", "Itwasum Polri"),
        ("propam", "Divisi Profesi dan Pengamanan Polri", "Divpropam Polri"),
    ],
    "ma": [
        ("sekretariat", "Kesekretariatan Mahkamah Agung", "Sekretariat MA"),
        ("bawas", "Badan Pengawasan Mahkamah Agung", "Bawas MA"),
    ],
    "mk": [("setjen", "Sekretariat Jenderal dan Kepaniteraan Mahkamah Konstitusi", "Setjen MK")],
    "bpk": [
        ("setjen", "Sekretariat Jenderal Badan Pemeriksa Keuangan", "Setjen BPK"),
        ("itama", "Inspektorat Utama Badan Pemeriksa Keuangan", "Itama BPK"),
    ],
    "kpu": [
        ("setjen", "Sekretariat Jenderal Komisi Pemilihan Umum", "Setjen KPU"),
        ("itama", "Inspektorat Utama Komisi Pemilihan Umum", "Itama KPU"),
    ],
    "bawaslu": [
        ("setjen", "Sekretariat Jenderal Badan Pengawas Pemilihan Umum", "Setjen Bawaslu"),
        ("itama", "Inspektorat Utama Badan Pengawas Pemilihan Umum", "Itama Bawaslu"),
    ],
    "kpk": [
        ("setjen", "Sekretariat Jenderal Komisi Pemberantasan Korupsi", "Setjen KPK"),
        ("inspektorat", "Inspektorat Komisi Pemberantasan Korupsi", "Inspektorat KPK"),
    ],
    "dpr": [
        ("setjen", "Sekretariat Jenderal Dewan Perwakilan Rakyat", "Setjen DPR"),
        ("itama", "Inspektorat Utama Sekretariat Jenderal Dewan Perwakilan Rakyat", "Itama Setjen DPR"),
    ],
    "mpr": [("setjen", "Sekretariat Jenderal Majelis Permusyawaratan Rakyat", "Setjen MPR")],
    "dpd": [("setjen", "Sekretariat Jenderal Dewan Perwakilan Daerah", "Setjen DPD")],
    "komnas-ham": [("setjen", "Sekretariat Jenderal Komisi Nasional Hak Asasi Manusia", "Setjen Komnas HAM")],
    "ky": [("setjen", "Sekretariat Jenderal Komisi Yudisial", "Setjen KY")],
    "kppu": [("setjen", "Sekretariat Jenderal Komisi Pengawas Persaingan Usaha", "Setjen KPPU")],
    "lpsk": [("setjen", "Sekretariat Jenderal Lembaga Perlindungan Saksi dan Korban", "Setjen LPSK")],
    "ombudsman": [("setjen", "Sekretariat Jenderal Ombudsman Republik Indonesia", "Setjen ORI")],
    "oikn": [("sekretariat", "Sekretariat Otorita Ibu Kota Nusantara", "Sekretariat OIKN")],
    "bnpp": [("settap", "Sekretariat Tetap Badan Nasional Pengelola Perbatasan", "Settap BNPP")],
    # The Cabinet Secretariat is itself a secretariat; it gets no generated units.
    "setkab": [],
    # Public legal entities: BPJS internal audit is the Satuan Pengawas Internal.
    "bpjs-kesehatan": [("spi", "Satuan Pengawas Internal BPJS Kesehatan", "SPI BPJS Kesehatan")],
    "bpjs-ketenagakerjaan": [("spi", "Satuan Pengawas Internal BPJS Ketenagakerjaan", "SPI BPJS Ketenagakerjaan")],
}

# Directorates-general of the big service ministries (the ones most reports are routed to):
# (suffix, name, short name), per the ministries' current organisation decrees.
DIRECTORATES_GENERAL = {
    "kemenkes": [
        ("ditjen-kesprimkom", "Direktorat Jenderal Kesehatan Primer dan Komunitas", "Ditjen Kesprimkom"),
        ("ditjen-keslan", "Direktorat Jenderal Kesehatan Lanjutan", "Ditjen Kesehatan Lanjutan"),
        ("ditjen-p2", "Direktorat Jenderal Penanggulangan Penyakit", "Ditjen Penanggulangan Penyakit"),
        ("ditjen-farmalkes", "Direktorat Jenderal Farmasi dan Alat Kesehatan", "Ditjen Farmalkes"),
    ],
    "kemendikdasmen": [
        ("ditjen-paud-dikdasmen",
         "Direktorat Jenderal Pendidikan Anak Usia Dini, Pendidikan Dasar, dan Pendidikan Menengah", "Ditjen PAUD Dikdasmen"),
        ("ditjen-gtkpg", "Direktorat Jenderal Guru, Tenaga Kependidikan, dan Pendidikan Guru", "Ditjen GTKPG"),
        ("ditjen-vokasi-pkplk",
         "Direktorat Jenderal Pendidikan Vokasi, Pendidikan Khusus, dan Pendidikan Layanan Khusus", "Ditjen Vokasi PKPLK"),
    ],
    "kemensos": [
        ("ditjen-linjamsos", "Direktorat Jenderal Perlindungan dan Jaminan Sosial", "Ditjen Linjamsos"),
        ("ditjen-rehsos", "Direktorat Jenderal Rehabilitasi Sosial", "Ditjen Rehsos"),
        ("ditjen-dayasos", "Direktorat Jenderal Pemberdayaan Sosial", "Ditjen Dayasos"),
    ],
    "kemenhub": [
        ("ditjen-hubdat", "Direktorat Jenderal Perhubungan Darat", "Ditjen Hubdat"),
        ("ditjen-hubla", "Direktorat Jenderal Perhubungan Laut", "Ditjen Hubla"),
        ("ditjen-hubud", "Direktorat Jenderal Perhubungan Udara", "Ditjen Hubud"),
        ("ditjen-ka", "Direktorat Jenderal Perkeretaapian", "Ditjen Perkeretaapian"),
    ],
    "kemen-pu": [
        ("ditjen-bina-marga", "Direktorat Jenderal Bina Marga", "Ditjen Bina Marga"),
        ("ditjen-sda", "Direktorat Jenderal Sumber Daya Air", "Ditjen SDA"),
        ("ditjen-cipta-karya", "Direktorat Jenderal Cipta Karya", "Ditjen Cipta Karya"),
        ("ditjen-bina-konstruksi", "Direktorat Jenderal Bina Konstruksi", "Ditjen Bina Konstruksi"),
    ],
    "kemendagri": [
        ("dukcapil", "Direktorat Jenderal Kependudukan dan Pencatatan Sipil", "Ditjen Dukcapil"),
        ("ditjen-bina-pemdes", "Direktorat Jenderal Bina Pemerintahan Desa", "Ditjen Bina Pemdes"),
        ("ditjen-bina-keuda", "Direktorat Jenderal Bina Keuangan Daerah", "Ditjen Bina Keuda"),
        ("ditjen-otda", "Direktorat Jenderal Otonomi Daerah", "Ditjen Otda"),
    ],
    "kemenkeu": [
        ("djp", "Direktorat Jenderal Pajak", "DJP"),
        ("djbc", "Direktorat Jenderal Bea dan Cukai", "DJBC"),
        ("djpb", "Direktorat Jenderal Perbendaharaan", "DJPb"),
    ],
    "atr-bpn": [
        ("ditjen-phpt", "Direktorat Jenderal Penetapan Hak dan Pendaftaran Tanah", "Ditjen PHPT"),
        ("ditjen-pa", "Direktorat Jenderal Penataan Agraria", "Ditjen Penataan Agraria"),
        ("ditjen-pptr", "Direktorat Jenderal Pengendalian dan Penertiban Tanah dan Ruang", "Ditjen PPTR"),
        ("ditjen-pskp", "Direktorat Jenderal Penanganan Sengketa dan Konflik Pertanahan", "Ditjen PSKP"),
    ],
    # Passports and prisons draw many reports (Ditjen Imigrasi is frequent in the LAPOR! stream).
    "kemenimipas": [
        ("ditjen-imigrasi", "Direktorat Jenderal Imigrasi", "Ditjen Imigrasi"),
        ("ditjen-pas", "Direktorat Jenderal Pemasyarakatan", "Ditjen PAS"),
    ],
}

# A few real BPJS branch offices (kantor cabang) named in the LAPOR! stream, with the
# regency/city each sits in: (suffix, branch name, region code).
BRANCH_OFFICES = {
    "bpjs-kesehatan": [
        ("kc-medan", "Medan", "12.71"),
        ("kc-padang", "Padang", "13.71"),
        ("kc-surabaya", "Surabaya", "35.78"),
        ("kc-denpasar", "Denpasar", "51.71"),
        ("kc-palangka-raya", "Palangka Raya", "62.71"),
        ("kc-jayapura", "Jayapura", "91.71"),
    ],
    "bpjs-ketenagakerjaan": [
        ("kc-jakarta-kelapa-gading", "Jakarta Kelapa Gading", "31.72"),
        ("kc-jakarta-cilandak", "Jakarta Cilandak", "31.74"),
        ("kc-bekasi-cikarang", "Bekasi Cikarang", "32.16"),
        ("kc-bandar-lampung", "Bandar Lampung", "18.71"),
        ("kc-madiun", "Madiun", "35.77"),
    ],
}

# Standard regional offices (perangkat daerah) per Permendagri nomenclature: (suffix, name, short).
# Real names vary by regional regulation (e.g. merged offices); operators rename or add units.
LOCAL_OFFICES = [
    # (suffix, name, short name, short name of the Jakarta "Suku Dinas" branch)
    ("disdik", "Dinas Pendidikan", "Disdik", "Sudin Pendidikan"),
    ("dinkes", "Dinas Kesehatan", "Dinkes", "Sudinkes"),
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", ""),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "Sudin Dukcapil"),
    ("dinsos", "Dinas Sosial", "Dinsos", "Sudinsos"),
    ("dishub", "Dinas Perhubungan", "Dishub", "Sudinhub"),
    ("dlh", "Dinas Lingkungan Hidup", "DLH", "Sudin LH"),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "Sudin PMPTSP"),
    # The regional inspectorate is the APIP that monitors the government's own units.
    ("inspektorat", "Inspektorat", "Inspektorat", ""),
]
# Jakarta (31) has no public-works DPUPR (it runs Bina Marga, SDA and Cipta Karya offices);
# its administrative cities/regency are not autonomous: they have "Suku Dinas" branches of the
# provincial offices and no inspectorate of their own.
JAKARTA = "31"

# The Aceh and Yogyakarta governments are named by their special-autonomy laws (UU 11/2006,
# UU 13/2012), not "Pemerintah Provinsi ...": (name, short name, label used in office names).
PROVINCE_NAMES = {
    "11": ("Pemerintah Aceh", "Pemerintah Aceh", "Aceh"),
    "34": ("Pemerintah Daerah Daerah Istimewa Yogyakarta", "Pemda DIY", "Daerah Istimewa Yogyakarta"),
}


def read_organisations(source: Path) -> list[dict]:
    with open(source / "ministries_agencies_2024.csv", newline="", encoding="utf-8") as f:
        return [{k: clean(v) for k, v in row.items()} for row in csv.DictReader(f)]


def org_code(short_name: str) -> str:
    # "ATR/BPN" -> "atr-bpn" (slugify would drop the slash and glue the words).
    return slugify(short_name.replace("/", " "))


def agency(code, name, short_name, kind, *, parent="", coordinator="", region="", tz=WIB) -> dict:
    return {
        "code": code, "name": name, "short_name": short_name, "kind": kind, "parent_code": parent,
        "coordinator_code": coordinator, "region_code": region, "timezone": tz,
    }


def unit(parent: dict, suffix: str, name: str, short_name: str, *, region: str = "", tz: str = "") -> dict:
    return agency(
        f"{parent['code']}-{suffix}", name, short_name, "unit", parent=parent["code"],
        region=region or parent["region_code"], tz=tz or parent["timezone"],
    )


def national_units(body: dict) -> list[dict]:
    """Secretariat and inspectorate (or the body's own equivalents), then DGs and branches."""
    code, name, short = body["code"], body["name"], body["short_name"]
    if code in SPECIAL_UNITS:
        base = SPECIAL_UNITS[code]
    elif body["kind"] == "coordinating_ministry":
        base = [
            ("sesmenko", f"Sekretariat {name}", f"Sesmenko {short.removeprefix('Kemenko ')}"),
            ("inspektorat", f"Inspektorat {name}", f"Inspektorat {short}"),
        ]
    elif body["kind"] == "ministry" and code in DEPUTY_MINISTRIES:
        base = [
            ("sesmen", f"Sekretariat {name}", f"Sekretariat {short}"),
            ("inspektorat", f"Inspektorat {name}", f"Inspektorat {short}"),
        ]
    elif body["kind"] == "ministry":
        base = [
            ("setjen", f"Sekretariat Jenderal {name}", f"Setjen {short}"),
            ("itjen", f"Inspektorat Jenderal {name}", f"Itjen {short}"),
        ]
    elif body["kind"] == "agency":
        base = [
            ("settama", f"Sekretariat Utama {name}", f"Settama {short}"),
            ("inspektorat", f"Inspektorat {name}", f"Inspektorat {short}"),
        ]
    else:
        base = []
    rows = [unit(body, *spec) for spec in base]
    rows += [unit(body, *spec) for spec in DIRECTORATES_GENERAL.get(code, [])]
    for suffix, city, region in BRANCH_OFFICES.get(code, []):
        rows.append(
            unit(body, suffix, f"{short} Kantor Cabang {city}", f"{short} KC {city}",
                 region=region, tz=PROVINCE_TIMEZONES[region[:2]])
        )
    return rows


def national_bodies(organisations: list[dict]) -> list[dict]:
    rows = [
        # KemenPANRB's national desk (Admin Nasional) verifies and disposes every report. It is
        # a top-level actor of its own kind, not a unit, so that KemenPANRB's own queue stays apart.
        agency("national-desk", "Admin Nasional SP4N-LAPOR! Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
               "Admin Nasional SP4N-LAPOR!", "national_desk"),
        agency("ksp", "Kantor Staf Presiden", "KSP", "ksp"),
    ]
    ministries = set()
    for org in organisations:
        code = org_code(org["singkatan"])
        kind = ORG_KINDS[org["jenis"]]
        # The CSV lists the Ombudsman as a lembaga; it is the external supervisor of the system.
        if code == "ori":
            code, kind = "ombudsman", "ombudsman"
        coordinator = ""
        if kind == "ministry":
            ministries.add(code)
            coordinator = PERPRES_139_2024_COORDINATION.get(code, "")
            if not coordinator and code not in UNCOORDINATED_MINISTRIES:
                raise SystemExit(f"ministry {code!r} is neither mapped to a Kemenko nor listed as uncoordinated")
        rows.append(agency(code, org["nama"], org["singkatan"], kind, coordinator=coordinator))
    unknown = (set(PERPRES_139_2024_COORDINATION) | UNCOORDINATED_MINISTRIES | DEPUTY_MINISTRIES) - ministries
    if unknown:
        raise SystemExit(f"mapped ministries missing from the source list: {sorted(unknown)}")
    units = [u for body in rows for u in national_units(body)]
    return rows + units


def local_governments(regions: list[dict]) -> list[dict]:
    provinces = {r["code"]: r for r in regions if r["level"] == "province"}
    missing = set(provinces) - set(PROVINCE_TIMEZONES)
    if missing:
        raise SystemExit(f"no time zone for province(s) {sorted(missing)}")
    governments, units = [], []
    for code, region in sorted(provinces.items()):
        name, short, label = PROVINCE_NAMES.get(
            code, (f"Pemerintah Provinsi {region['name']}", f"Pemprov {region['name']}", f"Provinsi {region['name']}")
        )
        gov = agency(f"prov-{code}", name, short, "province", region=code, tz=PROVINCE_TIMEZONES[code])
        governments.append(gov)
        units += local_offices(gov, label, administrative=False)
    for region in regions:
        if region["level"] != "regency":
            continue
        prefix = "kota" if region["kind"] == "kota" else "kab"
        province = region["code"][:2]
        bare = region["name"].split(" ", 1)[1]  # "Kota Administrasi Jakarta Pusat" -> "Administrasi Jakarta Pusat"
        short = ("Pemkot " if prefix == "kota" else "Pemkab ") + bare.replace("Administrasi ", "Adm. ")
        gov = agency(
            f"{prefix}-{region['code'].replace('.', '-')}", f"Pemerintah {region['name']}", short,
            "city" if prefix == "kota" else "regency", coordinator=f"prov-{province}", region=region["code"],
            tz=PROVINCE_TIMEZONES[province],
        )
        governments.append(gov)
        units += local_offices(gov, region["name"], administrative=province == JAKARTA)
    return governments + units


def local_offices(gov: dict, label: str, *, administrative: bool) -> list[dict]:
    rows = []
    for suffix, name, short, branch_short in LOCAL_OFFICES:
        if gov["region_code"].startswith(JAKARTA) and suffix == "dpupr":
            continue
        if administrative:
            if not branch_short:
                continue
            name, short = name.replace("Dinas ", "Suku Dinas ", 1), branch_short
        rows.append(unit(gov, suffix, f"{name} {label}", f"{short} {label}"))
    return rows


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
