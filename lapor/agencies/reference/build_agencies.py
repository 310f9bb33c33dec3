"""The agency registry for agencies.csv: national bodies from the organisations list, and each
region's local government with its offices (built by lapor/agencies/reference/build.py)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.text import slugify

from .sources import PROVINCE_TIMEZONES, WIB, clean

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
