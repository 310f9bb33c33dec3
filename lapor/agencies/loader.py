"""Load the reference fixtures (lapor/agencies/reference/) into the database, idempotently.

Rows are upserted by their natural key (Region.code, Agency.code, Category.code) with
INSERT ... ON CONFLICT DO UPDATE, so a reload refreshes names and links while ids, and every
row that points at them, stay put. Rows no longer in the fixtures are left alone: retiring
reference data that reports point to is an operator's decision, not a loader's. Fields the
fixtures do not carry (Agency.is_active) are never touched, and SLA policies are only created
when absent, so an operator's edits survive a reload.

Used by `manage.py load_reference`; callable from tests and other commands.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from datetime import date
from pathlib import Path

from django.db import transaction

from lapor.agencies.models import Agency, Category, Region, SlaPolicy
from lapor.agencies.reference import AGENCIES_FILE, CATEGORIES_FILE, REGIONS_FILE
from lapor.agencies.sla import DEFAULTS, reset_policies
from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record

# Rows per INSERT; Django lowers it further where the backend caps query parameters (SQLite).
BATCH_SIZE = 2000
LEVELS = list(Region.Level.values)  # province, regency, district, village: parents first


def read_fixture(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _upsert(model, objs: list, update_fields: list[str]) -> None:
    model.objects.bulk_create(
        objs, batch_size=BATCH_SIZE, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
    )


def _waves(rows: list[dict], ref_fields: tuple[str, ...]) -> list[list[dict]]:
    """Group rows so that every row comes after the rows (in the same file) it refers to."""
    by_code = {r["code"]: r for r in rows}
    depth: dict[str, int] = {}

    def depth_of(code: str, trail: frozenset = frozenset()) -> int:
        if code not in depth:
            if code in trail:
                raise ValueError(f"reference cycle through {code!r}")
            row = by_code[code]
            refs = [row[f] for f in ref_fields if row[f] in by_code]
            depth[code] = 1 + max((depth_of(ref, trail | {code}) for ref in refs), default=-1)
        return depth[code]

    waves: dict[int, list[dict]] = {}
    for row in rows:
        waves.setdefault(depth_of(row["code"]), []).append(row)
    return [waves[d] for d in sorted(waves)]


def region_rows(level: str = Region.Level.VILLAGE) -> list[dict]:
    """Fixture rows down to `level` (province < regency < district < village)."""
    wanted = set(LEVELS[: LEVELS.index(level) + 1])
    return [r for r in read_fixture(REGIONS_FILE) if r["level"] in wanted]


@transaction.atomic
def load_regions(level: str = Region.Level.VILLAGE) -> Counter:
    rows = region_rows(level)
    counts: Counter = Counter()
    for lvl in LEVELS:
        objs = [
            Region(code=r["code"], name=r["name"], level=lvl, parent_id=r["parent_code"] or None, kind=r["kind"])
            for r in rows
            if r["level"] == lvl
        ]
        _upsert(Region, objs, ["name", "level", "parent", "kind"])
        counts[lvl] = len(objs)
    return counts


@transaction.atomic
def load_agencies() -> Counter:
    rows = read_fixture(AGENCIES_FILE)
    # Regions may have been loaded only down to some level (--regions-level): link what exists.
    wanted = {r["region_code"] for r in rows if r["region_code"]}
    regions = set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    # Governments and national bodies first, then their units; within each, referents first.
    non_units = [r for r in rows if r["kind"] != Agency.Kind.UNIT]
    units = [r for r in rows if r["kind"] == Agency.Kind.UNIT]
    refs = ("parent_code", "coordinator_code")
    for wave in _waves(non_units, refs) + _waves(units, refs):
        ids = dict(Agency.objects.values_list("code", "id"))
        objs = [
            Agency(
                code=r["code"],
                name=r["name"],
                short_name=r["short_name"],
                kind=r["kind"],
                parent_id=ids[r["parent_code"]] if r["parent_code"] else None,
                coordinator_id=ids[r["coordinator_code"]] if r["coordinator_code"] else None,
                region_id=r["region_code"] if r["region_code"] in regions else None,
                timezone=r["timezone"],
            )
            for r in wave
        ]
        _upsert(Agency, objs, ["name", "short_name", "kind", "parent", "coordinator", "region", "timezone"])
    return Counter(r["kind"] for r in rows)


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def load_categories() -> Counter:
    rows = read_fixture(CATEGORIES_FILE)
    for wave in _waves(rows, ("parent_code",)):
        ids = dict(Category.objects.values_list("code", "id"))
        objs = [
            Category(
                code=r["code"],
                name=r["name"],
                parent_id=ids[r["parent_code"]] if r["parent_code"] else None,
                is_priority=r["is_priority"] == "true",
                active_from=_date(r["active_from"]),
                active_until=_date(r["active_until"]),
            )
            for r in wave
        ]
        _upsert(Category, objs, ["name", "parent", "is_priority", "active_from", "active_until"])
    return Counter("top-level" if not r["parent_code"] else "child" for r in rows)


@transaction.atomic
def ensure_default_slas() -> int:
    """Create the default (no agency, no category) policy of each stage if it is missing.
    Existing rows are never updated: an operator may have changed them on purpose."""
    created = 0
    for stage, (duration, unit) in DEFAULTS.items():
        _, made = SlaPolicy.objects.get_or_create(
            stage=stage, agency=None, category=None, defaults={"duration": duration, "unit": unit}
        )
        created += made
    reset_policies()
    return created


def load_all(regions_level: str = Region.Level.VILLAGE) -> dict:
    """Load everything in one transaction, with one audit entry saying what it did; returns what
    was loaded, for reporting."""
    models = {"regions": Region, "agencies": Agency, "categories": Category}
    with transaction.atomic():
        before = {name: model.objects.count() for name, model in models.items()}
        regions = load_regions(regions_level)
        agencies = load_agencies()
        was = {pk: rest for pk, *rest in Category.objects.values_list("pk", "is_priority", "parent_id")}
        categories = load_categories()
        # Existing categories whose national priority or parent the fixture changed: their
        # reports' rollup cells are to move (the caller asks for it: a layer above this one).
        categories_changed = sorted(pk for pk, *now in Category.objects.values_list("pk", "is_priority", "parent_id")
                                  if pk in was and was[pk] != now)
        slas_created = ensure_default_slas()
        loaded = {"regions": regions, "agencies": agencies, "categories": categories}
        # An upsert does not say which rows were new: rows in the fixtures = created + refreshed.
        summary = {}
        for name, model in models.items():
            created = model.objects.count() - before[name]
            total = sum(loaded[name].values())
            summary[name] = {"in_fixtures": total, "created": created, "refreshed": total - created}
        audit_record(
            kind=AuditEntry.Kind.REFERENCE_LOADED,
            actor=None,
            regions_level=regions_level,
            sla_policies_created=slas_created,
            **summary,
        )
    return {"regions": regions, "agencies": agencies, "categories": categories, "sla_created": slas_created,
            "categories_changed": categories_changed}
