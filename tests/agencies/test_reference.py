"""The reference fixtures and their loader: the full load (all ~92k regions) is done once for this
module, twice in a row, so the idempotency checks see a real reload."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F

from lapor.agencies import loader
from lapor.agencies.models import Agency, Category, Region, SlaPolicy
from lapor.agencies.reference import FIXTURE_DIR, build, build_agencies
from lapor.agencies.sla import DEFAULTS
from lapor.audit.models import AuditEntry

Kind = Agency.Kind


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Region, Agency, Category, SlaPolicy)}


def _ids() -> dict[str, dict[str, int]]:
    return {
        "agency": dict(Agency.objects.values_list("code", "id")),
        "category": dict(Category.objects.values_list("code", "id")),
    }


@pytest.fixture(scope="module")
def reloaded(django_db_setup, django_db_blocker):
    """Load everything twice outside the per-test transactions; wipe it when the module ends
    so the other test modules start from an empty registry."""
    with django_db_blocker.unblock():
        loader.load_all()
        first = {"counts": _counts(), "ids": _ids()}
        loader.load_all()
        second = {"counts": _counts(), "ids": _ids()}
        yield first, second
        with transaction.atomic(), connection.cursor() as cursor:
            # The loads' audit entries (kind reference_loaded) go too: append-only rows are
            # removed only by raw SQL, and only here, where the test database is reset.
            for model in (AuditEntry, SlaPolicy, Category, Agency, Region):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


# --- regions ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_full_load_has_every_region_level(reloaded):
    assert Region.objects.filter(level="province").count() == 38
    assert Region.objects.filter(level="regency").count() == 514
    assert Region.objects.filter(level="district").count() == 7_285
    assert Region.objects.filter(level="village").count() == 83_762


@pytest.mark.django_db
def test_every_region_hangs_under_the_level_above(reloaded):
    assert not Region.objects.filter(level="province", parent__isnull=False).exists()
    above = {"regency": "province", "district": "regency", "village": "district"}
    for level, parent_level in above.items():
        assert not Region.objects.filter(level=level).exclude(parent__level=parent_level).exists(), level
    assert Region.objects.get(code="35.78").kind == "kota"
    assert set(Region.objects.filter(level="village").values_list("kind", flat=True).distinct()) == {"desa", "kelurahan"}


def test_region_rows_stop_at_the_requested_level():
    assert len(loader.region_rows("province")) == 38
    assert len(loader.region_rows("regency")) == 38 + 514
    assert len(loader.region_rows("district")) == 38 + 514 + 7_285


# --- agencies --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_provincial_governments_are_linked_to_their_province(reloaded):
    provinces = Agency.objects.filter(kind=Kind.PROVINCE)
    assert provinces.count() == 38
    assert not provinces.exclude(region__level="province").exists()
    assert all(gov.code == f"prov-{gov.region_id}" for gov in provinces)
    assert Agency.objects.get(code="prov-35").name == "Pemerintah Provinsi Jawa Timur"


@pytest.mark.django_db
def test_regency_and_city_governments_are_coordinated_by_their_province(reloaded):
    locals_ = Agency.objects.filter(kind__in=[Kind.REGENCY, Kind.CITY])
    assert locals_.count() == 514
    assert locals_.filter(kind=Kind.CITY).count() == 98
    assert not locals_.exclude(region__level="regency").exists()
    # The coordinator is the government of the province the regency/city lies in.
    assert not locals_.exclude(coordinator__kind=Kind.PROVINCE).exists()
    assert not locals_.exclude(coordinator__region=F("region__parent")).exists()
    surabaya = Agency.objects.get(code="kota-35-78")
    assert (surabaya.name, surabaya.kind, surabaya.region_id) == ("Pemerintah Kota Surabaya", Kind.CITY, "35.78")
    assert surabaya.coordinator.code == "prov-35"
    assert Agency.objects.get(code="kab-35-07").name == "Pemerintah Kabupaten Malang"


@pytest.mark.django_db
def test_local_governments_use_their_provinces_time_zone(reloaded):
    assert Agency.objects.get(code="prov-35").timezone == "Asia/Jakarta"
    assert Agency.objects.get(code="prov-62").timezone == "Asia/Jakarta"  # Central Kalimantan: WIB
    assert Agency.objects.get(code="prov-64").timezone == "Asia/Makassar"  # East Kalimantan: WITA
    assert Agency.objects.get(code="kota-51-71").timezone == "Asia/Makassar"  # Denpasar
    assert Agency.objects.get(code="kota-91-71").timezone == "Asia/Jayapura"  # Jayapura
    local_units = Agency.objects.filter(kind=Kind.UNIT, parent__kind__in=[Kind.PROVINCE, Kind.REGENCY, Kind.CITY])
    assert not local_units.exclude(timezone=F("parent__timezone")).exists()
    # A branch office keeps the time of the place it serves, not of its head office in Jakarta.
    assert Agency.objects.get(code="bpjs-kesehatan-kc-jayapura").timezone == "Asia/Jayapura"


@pytest.mark.django_db
def test_units_belong_to_an_agency(reloaded):
    units = Agency.objects.filter(kind=Kind.UNIT)
    assert not units.filter(parent__isnull=True).exists()
    assert not Agency.objects.exclude(kind=Kind.UNIT).filter(parent__isnull=False).exists()
    disdik = Agency.objects.get(code="kota-35-78-disdik")
    assert disdik.parent.code == "kota-35-78" and disdik.region_id == "35.78"
    assert Agency.objects.get(code="kemendagri-dukcapil").top_agency.code == "kemendagri"
    assert Agency.objects.get(code="kemenkeu-djp").parent.code == "kemenkeu"
    assert Agency.objects.filter(parent__code="bpjs-kesehatan", region__isnull=False).count() >= 3


@pytest.mark.django_db
def test_ministries_are_coordinated_per_perpres_139_2024(reloaded):
    mapping = build_agencies.PERPRES_139_2024_COORDINATION
    ministries = {a.code: a for a in Agency.objects.filter(kind=Kind.MINISTRY).select_related("coordinator")}
    assert set(mapping) <= set(ministries)
    for code, coordinator in mapping.items():
        assert ministries[code].coordinator is not None, code
        assert ministries[code].coordinator.code == coordinator
        assert ministries[code].coordinator.kind == Kind.COORDINATING_MINISTRY
    for code in build_agencies.UNCOORDINATED_MINISTRIES:
        assert ministries[code].coordinator is None
    assert Agency.objects.filter(kind=Kind.COORDINATING_MINISTRY).count() == 7
    assert ministries["kemenkes"].coordinator.code == "kemenko-pmk"


@pytest.mark.django_db
def test_national_actors_exist(reloaded):
    assert Agency.objects.get(code="national-desk").kind == Kind.NATIONAL_DESK
    assert Agency.objects.get(code="ksp").kind == Kind.PRESIDENTIAL_STAFF
    ombudsman = Agency.objects.get(code="ombudsman")
    assert ombudsman.kind == Kind.OMBUDSMAN and ombudsman.name == "Ombudsman Republik Indonesia"
    assert not Agency.objects.filter(code="ori").exists()
    assert Agency.objects.get(code="bpjs-kesehatan").kind == Kind.PUBLIC_BODY
    assert Agency.objects.get(code="bpom").kind == Kind.AGENCY


# --- categories ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_categories_have_38_top_level_and_mbg_is_a_priority(reloaded):
    assert Category.objects.filter(parent__isnull=True).count() == 38
    mbg = Category.objects.get(name="PROGRAM MAKAN BERGIZI GRATIS (MBG)")
    assert mbg.is_priority and mbg.parent is None
    assert mbg.children.count() == 6 and not mbg.children.filter(is_priority=False).exists()
    assert not Category.objects.get(name="AGAMA").is_priority
    assert not Category.objects.exclude(parent__isnull=True).exclude(code__startswith=F("parent__code")).exists()


@pytest.mark.django_db
def test_ended_campaigns_are_time_boxed(reloaded):
    corona = Category.objects.get(name="CORONA VIRUS", parent__isnull=True)
    assert corona.active_until == date(2023, 6, 21)
    assert not corona.is_active_on(date(2025, 1, 1)) and corona.is_active_on(date(2021, 7, 1))
    assert not corona.children.exclude(active_until=date(2023, 6, 21)).exists()
    assert Category.objects.get(name="PENIADAAN MUDIK").active_until.year == 2021
    assert Category.objects.get(name="SELEKSI CALON HAKIM AGUNG RI").active_until is None


# --- idempotency -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_reload_changes_no_counts_and_keeps_ids(reloaded):
    first, second = reloaded
    assert first["counts"] == second["counts"]
    assert first["ids"] == second["ids"]
    assert second["counts"]["SlaPolicy"] == len(DEFAULTS)


@pytest.mark.django_db
def test_default_sla_policies_follow_the_built_in_defaults(reloaded):
    rows = SlaPolicy.objects.filter(agency__isnull=True, category__isnull=True)
    assert {p.stage: (p.duration, p.unit) for p in rows} == DEFAULTS


@pytest.mark.django_db
def test_operator_edits_survive_a_reload(reloaded):
    policy = SlaPolicy.objects.get(stage="follow_up", agency__isnull=True, category__isnull=True)
    policy.duration = 7
    policy.save()
    SlaPolicy.objects.filter(stage="escalation", agency__isnull=True, category__isnull=True).delete()
    Agency.objects.filter(code="kota-35-78-dlh").update(is_active=False)

    loader.load_all(regions_level="province")

    policy.refresh_from_db()
    assert policy.duration == 7
    assert SlaPolicy.objects.get(stage="escalation", agency__isnull=True, category__isnull=True).duration == DEFAULTS[
        "escalation"
    ][0]
    assert not Agency.objects.get(code="kota-35-78-dlh").is_active
    assert Region.objects.count() == reloaded[0]["counts"]["Region"]


@pytest.mark.django_db
def test_command_prints_counts_per_table(reloaded):
    out = io.StringIO()
    call_command("load_reference", "--regions-level", "regency", stdout=out)
    text = out.getvalue()
    assert "regions: 552 loaded (province 38, regency 514)" in text
    assert "agencies: 5,826 loaded" in text
    assert "categories: 958 loaded (top-level 38, child 920)" in text
    assert "sla policies: 0 default(s) created; 6 in table" in text


@pytest.mark.django_db
def test_each_load_leaves_one_audit_entry_saying_what_it_created(reloaded):
    first, second = AuditEntry.objects.filter(kind="reference_loaded").order_by("pk")
    assert first.actor is None and first.data["regions_level"] == "village"
    assert first.data["agencies"] == {"in_fixtures": 5_826, "created": 5_826, "refreshed": 0}
    assert first.data["regions"] == {"in_fixtures": 91_599, "created": 91_599, "refreshed": 0}
    assert first.data["sla_policies_created"] == len(DEFAULTS)
    assert second.data["agencies"] == {"in_fixtures": 5_826, "created": 0, "refreshed": 5_826}
    assert second.data["categories"] == {"in_fixtures": 958, "created": 0, "refreshed": 958}
    assert second.data["sla_policies_created"] == 0
    call_command("load_reference", "--regions-level", "province", stdout=io.StringIO())
    third = AuditEntry.objects.filter(kind="reference_loaded").latest("pk")
    assert third.data["regions_level"] == "province" and third.data["regions"] == {"in_fixtures": 38, "created": 0, "refreshed": 38}


# --- fixtures --------------------------------------------------------------------------------


@pytest.mark.skipif(not build.DEFAULT_SOURCE.is_dir(), reason="source lists not available beside the repo")
def test_committed_fixtures_match_a_fresh_build(tmp_path):
    build.build(build.DEFAULT_SOURCE, out=tmp_path)
    for name in ("regions.csv.gz", "agencies.csv", "categories.csv"):
        assert (tmp_path / name).read_bytes() == (FIXTURE_DIR / name).read_bytes(), f"{name}: rerun build.py"
