"""A small registry for the demo generator: three cities in three time zones with units, two
ministries, the supervisors' agencies, a few categories and villages. The full reference load
is too slow for a unit test, and the demo must work on any registry that has the basics."""

from __future__ import annotations

from datetime import date

import pytest

from lapor.agencies.models import Agency, Category, Region


def _regions(province: tuple[str, str], regency: tuple[str, str, str], villages: list[tuple[str, str, str]]) -> Region:
    prov = Region.objects.get_or_create(code=province[0], defaults={"name": province[1], "level": "province"})[0]
    reg = Region.objects.create(code=regency[0], name=regency[1], level="regency", parent=prov, kind=regency[2])
    for code, district, village in villages:
        d = Region.objects.get_or_create(code=code[:8], defaults={"name": district, "level": "district", "parent": reg})[0]
        Region.objects.create(code=code, name=village, level="village", parent=d, kind="kelurahan")
    return reg


def _agency(code, name, kind, *, parent=None, region=None, tz="Asia/Jakarta", short="", coordinator=None) -> Agency:
    return Agency.objects.create(code=code, name=name, short_name=short, kind=kind, parent=parent, region=region,
                                 timezone=tz, coordinator=coordinator)


@pytest.fixture
def demo_registry(db):
    surabaya = _regions(("35", "Jawa Timur"), ("35.78", "Kota Surabaya", "kota"), [
        ("35.78.01.1001", "Karang Pilang", "Karang Pilang"), ("35.78.01.1002", "Karang Pilang", "Kebraon"),
        ("35.78.04.1001", "Wonokromo", "Darmo"), ("35.78.04.1002", "Wonokromo", "Sawunggaling"),
    ])
    semarang = _regions(("33", "Jawa Tengah"), ("33.74", "Kota Semarang", "kota"), [
        ("33.74.01.1001", "Semarang Tengah", "Sekayu"), ("33.74.01.1002", "Semarang Tengah", "Kranggan"),
    ])
    jayapura = _regions(("91", "Papua"), ("91.71", "Kota Jayapura", "kota"), [("91.71.02.1001", "Jayapura Selatan", "Hamadi")])
    Region.objects.create(code="53.71", name="Kota Kupang", level="regency", parent=Region.objects.create(
        code="53", name="Nusa Tenggara Timur", level="province"), kind="kota")

    _agency("national-desk", "Admin Nasional SP4N-LAPOR!", "national_desk")
    _agency("ksp", "Kantor Staf Presiden", "ksp", short="KSP")
    _agency("ombudsman", "Ombudsman Republik Indonesia", "ombudsman", short="ORI")
    kemenko = _agency("kemenko-pmk", "Kementerian Koordinator Bidang PMK", "coordinating_ministry", short="Kemenko PMK")
    jatim = _agency("prov-35", "Pemerintah Provinsi Jawa Timur", "province", region=Region.objects.get(code="35"),
                    short="Pemprov Jawa Timur")
    all_units = ("disdik", "dinkes", "dpupr", "disdukcapil", "dinsos", "dishub", "dlh", "dpmptsp", "inspektorat")
    for region, units, tz in ((surabaya, all_units, "Asia/Jakarta"), (semarang, ("disdik", "dinkes", "dpupr"), "Asia/Jakarta"),
                              (jayapura, ("disdik", "dinkes"), "Asia/Jayapura")):
        code = "kota-" + region.code.replace(".", "-")
        city = _agency(code, f"Pemerintah {region.name}", "city", region=region, tz=tz,
                       coordinator=jatim if region.code.startswith("35") else None)
        for suffix in units:
            _agency(f"{code}-{suffix}", f"{suffix.upper()} {region.name}", "unit", parent=city, region=region, tz=tz)
    kemenkes = _agency("kemenkes", "Kementerian Kesehatan", "ministry", short="Kemenkes", coordinator=kemenko)
    for suffix in ("itjen", "ditjen-kesprimkom", "ditjen-farmalkes"):
        _agency(f"kemenkes-{suffix}", f"Kemenkes {suffix}", "unit", parent=kemenkes)
    kemen_pu = _agency("kemen-pu", "Kementerian Pekerjaan Umum", "ministry", short="Kemen PU")
    _agency("kemen-pu-ditjen-bina-marga", "Direktorat Jenderal Bina Marga", "unit", parent=kemen_pu)

    pendidikan = Category.objects.create(code="pendidikan-dan-kebudayaan", name="PENDIDIKAN DAN KEBUDAYAAN")
    Category.objects.create(code="pendidikan-dan-kebudayaan-penerimaan-siswa-baru", name="PENERIMAAN SISWA BARU", parent=pendidikan)
    kesehatan = Category.objects.create(code="kesehatan", name="KESEHATAN")
    Category.objects.create(code="kesehatan-antrian-lama", name="ANTRIAN LAMA", parent=kesehatan)
    pu = Category.objects.create(code="pekerjaan-umum-dan-penataan-ruang", name="PEKERJAAN UMUM DAN PENATAAN RUANG")
    Category.objects.create(code="pekerjaan-umum-dan-penataan-ruang-jalan-berlubang", name="JALAN BERLUBANG", parent=pu)
    mbg = Category.objects.create(code="program-makan-bergizi-gratis-mbg", name="PROGRAM MAKAN BERGIZI GRATIS (MBG)", is_priority=True)
    Category.objects.create(code="program-makan-bergizi-gratis-mbg-kualitas-makanan-mbg", name="KUALITAS MAKANAN MBG", parent=mbg,
                            is_priority=True)
    # An expired campaign: the demo must not file new reports under it.
    Category.objects.create(code="kesehatan-kekosongan-obat", name="KEKOSONGAN OBAT", parent=kesehatan, active_until=date(2023, 6, 21))
