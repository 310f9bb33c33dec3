"""Shared helpers for the benchmarks in bench/: environment, machine facts, reference data,
realistic report texts, and saving results.

Nothing here is imported by the application. The scripts run with the project's venv
(`.venv/bin/python`); started with another interpreter they re-execute themselves with it.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


# --- environment ---------------------------------------------------------------------------


def use_venv() -> None:
    """Re-execute with the project's venv interpreter when started with another one."""
    if (
        VENV_PYTHON.exists()
        and Path(sys.prefix).resolve() != (ROOT / ".venv").resolve()
        and not os.environ.get("LAPOR_BENCH_NO_REEXEC")
    ):
        os.environ["LAPOR_BENCH_NO_REEXEC"] = "1"
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])


def django_env(database_url: str | None, extra: dict | None = None) -> dict:
    """Environment for the app (this process or a child): settings module, database, a secret."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.setdefault("LAPOR_SECRET_KEY", "bench-" + os.urandom(16).hex())
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    env.update(extra or {})
    return env


def setup_django(database_url: str | None) -> None:
    os.environ.update(
        {k: v for k, v in django_env(database_url).items() if k in ("DJANGO_SETTINGS_MODULE", "LAPOR_SECRET_KEY", "DATABASE_URL")}
    )
    if not database_url:
        os.environ.pop("DATABASE_URL", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def with_dbname(url: str, name: str) -> str:
    """The same server URL with another database name."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def psycopg_conninfo(url: str) -> str:
    """A libpq connection string from a postgres:// URL (libpq accepts the URL form)."""
    return url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url


def conninfo_of(django_connection) -> dict:
    """Parameters for more psycopg connections to the database Django's connection is on (bulk
    work on several connections at once)."""
    django_connection.ensure_connection()
    info = django_connection.connection.info
    conninfo = {"host": info.host, "port": info.port, "user": info.user, "dbname": info.dbname}
    if info.password:
        conninfo["password"] = info.password
    return conninfo


# --- machine -------------------------------------------------------------------------------


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def git_commit() -> dict:
    def run(*args):
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": run("rev-parse", "HEAD")[:40] or None, "dirty": bool(run("status", "--porcelain", "--untracked-files=no"))}


def machine_info(pg_url: str | None = None) -> dict:
    mem_kb = _first("/proc/meminfo", "MemTotal")
    info = {
        "cpu_model": _first("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "ram_gib": round(int(mem_kb.split()[0]) / 1024 / 1024, 1) if mem_kb else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": None,
        "django": None,
        "psycopg": None,
        "gunicorn": None,
        "git": git_commit(),
    }
    for mod in ("django", "psycopg", "gunicorn"):
        try:
            m = __import__(mod)
            info[mod] = getattr(m, "__version__", None)
        except ImportError:
            info[mod] = None
    try:
        import psycopg
    except ImportError:
        return info
    info["psycopg"] = f"{psycopg.__version__} ({psycopg.pq.__impl__})"
    if pg_url:
        try:
            with psycopg.connect(psycopg_conninfo(pg_url), connect_timeout=5) as conn:
                info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
        except psycopg.Error as exc:
            info["postgresql"] = f"unreachable ({exc.__class__.__name__})"
    return info


def machine_line(m: dict) -> str:
    git = m.get("git") or {}
    commit = (git.get("commit") or "?")[:10] + ("+dirty" if git.get("dirty") else "")
    return (
        f"{m['cpu_model']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; Python {m['python']}, "
        f"PostgreSQL {m.get('postgresql') or '-'}, Django {m.get('django')}, psycopg {m.get('psycopg')}, "
        f"gunicorn {m.get('gunicorn')}; git {commit}"
    )


# --- results ------------------------------------------------------------------------------


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")


def save_results(name: str, data: dict, markdown: str) -> tuple[Path, Path]:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    base = RESULTS_DIR / f"{name}-{stamp()}"
    json_path, md_path = base.with_suffix(".json"), base.with_suffix(".md")
    json_path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    md_path.write_text(markdown)
    return json_path, md_path


def percentile(sorted_values: list, q: float):
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


# --- minimal reference data ---------------------------------------------------------------
# Used only when `manage.py load_reference` does not exist (yet). Codes and names are facts from
# the Kepmendagri 2025 region list, the 2024 cabinet and the 2025 LAPOR! category taxonomy.

MIN_REGIONS = [
    # (code, name, level, parent, kind)
    ("12", "Sumatera Utara", "province", None, ""),
    ("12.71", "Kota Medan", "regency", "12", "kota"),
    ("12.71.01", "Medan Kota", "district", "12.71", ""),
    ("12.71.01.1001", "Pasar Baru", "village", "12.71.01", "kelurahan"),
    ("31", "Daerah Khusus Ibukota Jakarta", "province", None, ""),
    ("31.71", "Kota Administrasi Jakarta Pusat", "regency", "31", "kota"),
    ("31.71.01", "Gambir", "district", "31.71", ""),
    ("31.71.01.1001", "Gambir", "village", "31.71.01", "kelurahan"),
    ("31.71.01.1002", "Cideng", "village", "31.71.01", "kelurahan"),
    ("32", "Jawa Barat", "province", None, ""),
    ("32.01", "Kabupaten Bogor", "regency", "32", "kabupaten"),
    ("32.01.01", "Cibinong", "district", "32.01", ""),
    ("32.01.01.1001", "Pondok Rajeg", "village", "32.01.01", "kelurahan"),
    ("32.73", "Kota Bandung", "regency", "32", "kota"),
    ("32.73.01", "Sukasari", "district", "32.73", ""),
    ("32.73.01.1001", "Sukarasa", "village", "32.73.01", "kelurahan"),
    ("32.73.01.1002", "Gegerkalong", "village", "32.73.01", "kelurahan"),
    ("33", "Jawa Tengah", "province", None, ""),
    ("33.03", "Kabupaten Purbalingga", "regency", "33", "kabupaten"),
    ("33.03.01", "Kemangkon", "district", "33.03", ""),
    ("33.03.01.2001", "Kedungbenda", "village", "33.03.01", "desa"),
    ("34", "Daerah Istimewa Yogyakarta", "province", None, ""),
    ("34.71", "Kota Yogyakarta", "regency", "34", "kota"),
    ("34.71.01", "Tegalrejo", "district", "34.71", ""),
    ("34.71.01.1001", "Kricak", "village", "34.71.01", "kelurahan"),
    ("35", "Jawa Timur", "province", None, ""),
    ("35.15", "Kabupaten Sidoarjo", "regency", "35", "kabupaten"),
    ("35.15.01", "Tarik", "district", "35.15", ""),
    ("35.15.01.2001", "Mliriprowo", "village", "35.15.01", "desa"),
    ("35.78", "Kota Surabaya", "regency", "35", "kota"),
    ("35.78.01", "Karang Pilang", "district", "35.78", ""),
    ("35.78.01.1001", "Karang Pilang", "village", "35.78.01", "kelurahan"),
    ("35.78.01.1002", "Kebraon", "village", "35.78.01", "kelurahan"),
    ("51", "Bali", "province", None, ""),
    ("51.71", "Kota Denpasar", "regency", "51", "kota"),
    ("51.71.01", "Denpasar Selatan", "district", "51.71", ""),
    ("51.71.01.1001", "Serangan", "village", "51.71.01", "kelurahan"),
    ("64", "Kalimantan Timur", "province", None, ""),
    ("64.72", "Kota Samarinda", "regency", "64", "kota"),
    ("64.72.01", "Palaran", "district", "64.72", ""),
    ("64.72.01.1001", "Rawa Makmur", "village", "64.72.01", "kelurahan"),
    ("73", "Sulawesi Selatan", "province", None, ""),
    ("73.71", "Kota Makassar", "regency", "73", "kota"),
    ("73.71.01", "Mariso", "district", "73.71", ""),
    ("73.71.01.1001", "Bontorannu", "village", "73.71.01", "kelurahan"),
    ("91", "Papua", "province", None, ""),
    ("91.71", "Kota Jayapura", "regency", "91", "kota"),
    ("91.71.01", "Jayapura Utara", "district", "91.71", ""),
    ("91.71.01.1001", "Gurabesi", "village", "91.71.01", "kelurahan"),
]
TZ_BY_PROVINCE = {"51": "Asia/Makassar", "64": "Asia/Makassar", "73": "Asia/Makassar", "91": "Asia/Jayapura"}
LOCAL_UNITS = [
    ("disdik", "Dinas Pendidikan"),
    ("dinkes", "Dinas Kesehatan"),
    ("dishub", "Dinas Perhubungan"),
    ("dlh", "Dinas Lingkungan Hidup"),
    ("dukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("pupr", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("dinsos", "Dinas Sosial"),
]
MIN_MINISTRIES = [
    ("kemenkes", "Kementerian Kesehatan", "Kemenkes", "ministry", [("yankes", "Ditjen Pelayanan Kesehatan")]),
    (
        "kemendikdasmen",
        "Kementerian Pendidikan Dasar dan Menengah",
        "Kemendikdasmen",
        "ministry",
        [("paud-dikdas", "Ditjen PAUD, Dikdas dan Dikmen")],
    ),
    ("kemensos", "Kementerian Sosial", "Kemensos", "ministry", [("linjamsos", "Ditjen Perlindungan dan Jaminan Sosial")]),
    ("kemenhub", "Kementerian Perhubungan", "Kemenhub", "ministry", [("darat", "Ditjen Perhubungan Darat")]),
    ("kemendagri", "Kementerian Dalam Negeri", "Kemendagri", "ministry", [("dukcapil", "Ditjen Dukcapil")]),
    ("kemen-pu", "Kementerian Pekerjaan Umum", "Kemen PU", "ministry", [("bina-marga", "Ditjen Bina Marga")]),
    ("bgn", "Badan Gizi Nasional", "BGN", "agency", [("pemantauan", "Deputi Pemantauan dan Pengawasan")]),
    ("bpjs-kesehatan", "BPJS Kesehatan", "BPJS Kesehatan", "public_body", [("pelayanan", "Kedeputian Pelayanan Peserta")]),
]
MIN_CATEGORIES = {
    ("pendidikan-dan-kebudayaan", "PENDIDIKAN DAN KEBUDAYAAN"): [
        "PPDB",
        "BEASISWA",
        "PUNGUTAN LIAR DI SEKOLAH",
        "SARANA DAN PRASARANA PENDIDIKAN",
    ],
    ("kesehatan", "KESEHATAN"): ["PELAYANAN RUMAH SAKIT", "BPJS KESEHATAN", "PUSKESMAS", "OBAT DAN ALAT KESEHATAN"],
    ("pekerjaan-umum-dan-penataan-ruang", "PEKERJAAN UMUM DAN PENATAAN RUANG"): [
        "JALAN DAN JEMBATAN",
        "DRAINASE DAN BANJIR",
        "PENERANGAN JALAN UMUM",
    ],
    ("sosial-dan-kesejahteraan", "SOSIAL DAN KESEJAHTERAAN"): ["BANTUAN SOSIAL", "PROGRAM KELUARGA HARAPAN", "DISABILITAS"],
    ("kependudukan", "KEPENDUDUKAN"): ["KTP ELEKTRONIK", "KARTU KELUARGA", "AKTA KELAHIRAN"],
    ("lingkungan-hidup-dan-kehutanan", "LINGKUNGAN HIDUP DAN KEHUTANAN"): ["SAMPAH", "PENCEMARAN UDARA", "PENCEMARAN AIR"],
    ("perhubungan", "PERHUBUNGAN"): ["ANGKUTAN UMUM", "PARKIR", "LAMPU LALU LINTAS"],
    ("program-makan-bergizi-gratis-mbg", "PROGRAM MAKAN BERGIZI GRATIS (MBG)"): ["KUALITAS MAKANAN", "DISTRIBUSI MBG"],
}


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:120]


def has_load_reference() -> bool:
    from django.core.management import get_commands

    return "load_reference" in get_commands()


def ensure_reference(*, verbose: bool = True) -> str:
    """Reference rows the benchmarks need. Uses `manage.py load_reference` when the project has
    it (idempotent); otherwise creates a minimal slice (regions, agencies with units, categories)
    when the tables are empty. Returns what was done."""
    from django.core.management import call_command

    from lapor.agencies.models import Agency, Category, Region

    if has_load_reference():
        if not (Region.objects.exists() and Agency.objects.exists() and Category.objects.exists()):
            call_command("load_reference", verbosity=0)
            return "manage.py load_reference"
        return "existing reference data"
    if Region.objects.exists() and Agency.objects.filter(kind="unit").exists() and Category.objects.exists():
        return "existing reference data"
    from django.db import transaction

    with transaction.atomic():
        regions = {}
        for code, name, level, parent, kind in MIN_REGIONS:
            regions[code], _ = Region.objects.get_or_create(
                code=code, defaults={"name": name, "level": level, "parent": regions.get(parent), "kind": kind}
            )
        Agency.objects.get_or_create(
            code="national-desk", defaults={"name": "Admin Nasional SP4N-LAPOR!", "kind": "national_desk"}
        )
        Agency.objects.get_or_create(code="ombudsman", defaults={"name": "Ombudsman Republik Indonesia", "kind": "ombudsman"})
        for code, name, short, kind, units in MIN_MINISTRIES:
            top, _ = Agency.objects.get_or_create(code=code, defaults={"name": name, "short_name": short, "kind": kind})
            for ucode, uname in units:
                Agency.objects.get_or_create(code=f"{code}-{ucode}", defaults={"name": uname, "kind": "unit", "parent": top})
        for code, name, level, parent, kind in MIN_REGIONS:
            if level == "province":
                Agency.objects.get_or_create(
                    code=f"prov-{code}",
                    defaults={
                        "name": f"Pemerintah Provinsi {name}",
                        "kind": "province",
                        "region": regions[code],
                        "timezone": TZ_BY_PROVINCE.get(code, "Asia/Jakarta"),
                    },
                )
            elif level == "regency":
                tz = TZ_BY_PROVINCE.get(code[:2], "Asia/Jakarta")
                prov = Agency.objects.get(code=f"prov-{code[:2]}")
                gov_name = f"Pemerintah {name}"
                top, _ = Agency.objects.get_or_create(
                    code=f"{kind}-{code.replace('.', '-')}",
                    defaults={
                        "name": gov_name,
                        "kind": "city" if kind == "kota" else "regency",
                        "region": regions[code],
                        "coordinator": prov,
                        "timezone": tz,
                    },
                )
                short = name.replace("Kota Administrasi ", "").replace("Kota ", "").replace("Kabupaten ", "")
                for ucode, uname in LOCAL_UNITS:
                    Agency.objects.get_or_create(
                        code=f"{top.code}-{ucode}",
                        defaults={
                            "name": f"{uname} {short}",
                            "kind": "unit",
                            "parent": top,
                            "region": regions[code],
                            "timezone": tz,
                        },
                    )
        for (tcode, tname), children in MIN_CATEGORIES.items():
            top, _ = Category.objects.get_or_create(code=tcode, defaults={"name": tname, "is_priority": "mbg" in tcode})
            for child in children:
                Category.objects.get_or_create(
                    code=f"{tcode}-{_slug(child)}"[:120], defaults={"name": child, "parent": top, "is_priority": "mbg" in tcode}
                )
    return "bench minimal reference (no load_reference command yet)"


# --- realistic texts ----------------------------------------------------------------------
# Written for the benchmarks (templates + slot fillers); no rows of the complaint corpora.
# generate.py --corpus may read /work/shared/data/complaints/*.csv at run time instead.

PLACES = [
    "depan pasar",
    "dekat SDN 2",
    "di gang RT 03/RW 05",
    "di jalan utama kelurahan",
    "di depan puskesmas",
    "di perempatan lampu merah",
    "di samping masjid",
    "di terminal",
    "di dekat jembatan",
    "di kompleks perumahan",
    "di sekitar balai desa",
    "di halte bus",
    "di belakang kantor kecamatan",
    "di pinggir sungai",
]
NAMES = [
    "Budi Santoso",
    "Siti Aminah",
    "Agus Wijaya",
    "Dewi Lestari",
    "Rudi Hartono",
    "Nur Hidayah",
    "Joko Susilo",
    "Rina Marlina",
    "Andi Pratama",
    "Fitri Handayani",
    "Yohanes Wenda",
    "Made Suardana",
    "Ketut Ariani",
    "Hendra Gunawan",
]
TOPICS = [
    # (category keyword, titles, what-happened templates)
    (
        "jalan",
        ["Jalan rusak dan berlubang {place}", "Perbaikan jalan {place} tidak kunjung selesai", "Aspal jalan mengelupas {place}"],
        [
            "Jalan {place} rusak parah dan berlubang sedalam {n} cm sejak {weeks} minggu lalu. Sudah ada {k} pengendara motor yang jatuh, terutama saat hujan karena lubang tergenang air.",
            "Proyek perbaikan jalan {place} dihentikan sejak {weeks} minggu lalu, material dibiarkan menumpuk di bahu jalan dan mengganggu pengguna jalan.",
        ],
    ),
    (
        "banjir",
        ["Saluran air tersumbat {place}", "Banjir setiap hujan {place}"],
        [
            "Setiap hujan deras, air menggenang setinggi {n} cm {place} karena saluran drainase tersumbat sampah dan lumpur. Warga sudah {k} kali kerja bakti tetapi saluran perlu dikeruk dengan alat berat."
        ],
    ),
    (
        "sampah",
        ["Sampah menumpuk {place}", "Pengangkutan sampah tidak rutin {place}"],
        [
            "Sampah di TPS {place} tidak diangkut selama {k} hari sehingga berbau dan mengundang lalat. Mohon jadwal pengangkutan diperbaiki."
        ],
    ),
    (
        "ppdb",
        ["Pungutan liar saat pendaftaran sekolah", "Masalah zonasi PPDB tahun ini", "Biaya seragam sekolah terlalu mahal"],
        [
            "Pada saat pendaftaran ulang di sekolah {place}, panitia meminta uang sebesar Rp{rp}.000 tanpa kuitansi resmi dengan alasan uang pembangunan. Orang tua murid tidak diberi pilihan.",
            "Anak saya tidak diterima melalui jalur zonasi padahal jarak rumah ke sekolah hanya {n}00 meter, sementara ada siswa dari luar zona yang diterima.",
        ],
    ),
    (
        "bansos",
        [
            "Bantuan sosial tidak tepat sasaran",
            "Bansos tidak cair sejak {weeks} bulan",
            "Nama hilang dari daftar penerima bantuan",
        ],
        [
            "Keluarga kami terdaftar sebagai penerima bantuan sosial tetapi sejak {weeks} bulan terakhir bantuan tidak lagi diterima. Saat ditanyakan ke kantor kelurahan kami diminta menunggu tanpa kepastian.",
            "Ada warga mampu {place} yang menerima bantuan, sementara {k} keluarga lansia yang benar-benar membutuhkan tidak terdaftar.",
        ],
    ),
    (
        "kesehatan",
        ["Antrean layanan puskesmas sangat lama", "Pasien BPJS ditolak rumah sakit", "Obat tidak tersedia di puskesmas"],
        [
            "Saya datang ke puskesmas {place} pukul 07.00 tetapi baru dilayani pukul {h}.00. Petugas pendaftaran hanya satu orang dan sistem antrean sering mati.",
            "Ibu saya peserta BPJS Kesehatan ditolak rawat inap dengan alasan kamar penuh, padahal keluarga pasien lain bisa masuk setelah membayar biaya tambahan Rp{rp}.000.",
        ],
    ),
    (
        "ktp",
        ["KTP elektronik belum jadi setelah {weeks} bulan", "Pengurusan kartu keluarga dipersulit", "Blangko KTP habis"],
        [
            "Saya melakukan perekaman KTP elektronik di kantor kecamatan {weeks} bulan lalu tetapi sampai sekarang belum dicetak dengan alasan blangko habis. Saya membutuhkan KTP untuk melamar pekerjaan.",
            "Setiap datang ke kantor dukcapil selalu diminta dokumen tambahan yang berbeda-beda sehingga saya harus bolak-balik {k} kali.",
        ],
    ),
    (
        "angkutan",
        ["Angkutan umum ngetem sembarangan {place}", "Parkir liar {place}", "Lampu lalu lintas mati {place}"],
        [
            "Lampu lalu lintas {place} mati sejak {k} hari lalu sehingga terjadi kemacetan panjang pada jam sibuk dan hampir terjadi kecelakaan.",
            "Juru parkir liar {place} meminta tarif Rp{rp}.000 tanpa karcis dan kendaraan yang parkir menutup separuh badan jalan.",
        ],
    ),
    (
        "mbg",
        ["Menu makan bergizi gratis basi", "Distribusi MBG terlambat di sekolah"],
        [
            "Makanan program makan bergizi gratis yang diterima siswa di sekolah {place} pada hari {day} berbau basi dan {k} siswa mengeluh sakit perut setelah makan."
        ],
    ),
]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"]
CLOSINGS = [
    "Mohon segera ditindaklanjuti. Terima kasih.",
    "Kami berharap ada tindakan nyata dari instansi terkait.",
    "Mohon perhatian dari pihak yang berwenang.",
    "Terima kasih atas perhatiannya.",
    "",
]


def report_text(rng: random.Random, when: datetime | None = None) -> tuple[str, str, str, date]:
    """(topic keyword, title, description, event date): what, where and when, 100-500 characters."""
    key, titles, bodies = rng.choice(TOPICS)
    slots = {
        "place": rng.choice(PLACES),
        "n": rng.randint(10, 80),
        "weeks": rng.randint(2, 8),
        "k": rng.randint(2, 9),
        "rp": rng.choice([50, 150, 250, 500, 750, 1500]),
        "h": rng.randint(11, 15),
        "day": rng.choice(DAYS),
    }
    title = rng.choice(titles).format(**slots)
    title = title[0].upper() + title[1:]
    when = when or datetime.now(UTC)
    event_day = (when - timedelta(days=rng.randint(0, 20))).date()
    description = (
        f"Pada {event_day.day} {_MONTHS[event_day.month - 1]} {event_day.year}, "
        + rng.choice(bodies).format(**slots)
        + " "
        + rng.choice(CLOSINGS)
    ).strip()
    return key, title[:200], description, event_day


_MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def contact(rng: random.Random) -> dict:
    if rng.random() < 0.4:
        return {"contact_name": "", "contact_email": "", "contact_phone": ""}
    name = rng.choice(NAMES)
    return {
        "contact_name": name,
        "contact_email": name.lower().replace(" ", ".") + f"{rng.randint(1, 999)}@contoh.id" if rng.random() < 0.6 else "",
        "contact_phone": f"08{rng.randint(11, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        if rng.random() < 0.7
        else "",
    }


_CATEGORY_HITS: dict = {}


def match_category(categories: list, keyword: str, rng: random.Random):
    """A category whose name or code mentions the topic keyword, else any."""
    key = (id(categories), keyword)
    if key not in _CATEGORY_HITS:
        _CATEGORY_HITS[key] = [c for c in categories if keyword in c.code or keyword.upper() in c.name.upper()] or categories
    hits = _CATEGORY_HITS[key]
    return rng.choice(hits) if hits else None


def corpus_texts(path: str, limit: int = 20000) -> list[tuple[str, str]]:
    """(title, description) pairs read at run time from a complaint CSV of ../shared/data
    (never copied into the repo)."""
    import csv

    csv.field_size_limit(10_000_000)
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = " ".join((row.get("text") or "").split())
            if len(text) < 30:
                continue
            title = (row.get("title") or " ".join(text.split()[:8])).strip()
            if len(title) < 10:
                title = (title + " - laporan warga")[:200]
            out.append((title[:200], text[:10_000]))
            if len(out) >= limit:
                break
    return out


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_jakarta() -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


def elapsed(t0: float) -> float:
    return time.perf_counter() - t0


def stop_on_signal() -> None:
    """SIGTERM and SIGINT end the script through SystemExit, so its `finally` blocks stop servers
    and drop throw-away databases."""
    import signal

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
