"""The rollups recomputed from the event log (ADR 0019): `recount` replays every report's events
through the same fold as the transitions (`lapor.rollups`); `verify` compares the stored rows and
each report's facts with it (`manage.py monev_verify`); `rebuild` replaces them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from lapor.reports.models import Report, ReportEvent
from lapor.reports.services import store_monitoring_facts
from lapor.rollups.accumulate import Accumulator, EventView
from lapor.rollups.folding import replay
from lapor.rollups.lookups import forget_lookups
from lapor.rollups.cells import HOT_SPOT
from lapor.rollups.models import HotSpotCell, Rollup, RollupDays
from lapor.rollups.writing import COUNTERS, KEY_COLUMNS

REPORT_FIELDS = (
    "pk", "tracking_number", "status", "submitted_at", "received_at", "closed_at", "agency_id", "unit_id", "category_id",
    "region_id", "ombudsman_offered_at", "is_overdue", "reopen_count", "appeal_count", "monitoring_facts",
)



def replay_facts(report):
    """A report's facts recomputed from its stored events."""
    events = ReportEvent.objects.filter(report=report).only("action", "data", "created_at").order_by("seq")
    return replay(report, events)


@dataclass
class Recount:
    totals: Accumulator
    facts_differ: int = 0

    @property
    def cells(self):
        return self.totals.cells

    @property
    def days(self):
        return self.totals.days

    @property
    def reports(self):
        return self.totals.reports

    @property
    def events(self):
        return self.totals.events


def recount(*, batch: int = 2000, progress=None, on_batch=None) -> Recount:
    """Every cell recomputed from the event log, in report-id batches (memory stays bounded by
    the rollup's size, not the log's). `on_batch(changed)` receives each batch's reports whose
    stored facts differ from the recomputed ones, with the recomputed facts set."""
    forget_lookups()
    out = Recount(Accumulator())
    last = 0
    while True:
        reports = list(Report.objects.filter(pk__gt=last).order_by("pk").only(*REPORT_FIELDS)[:batch])
        if not reports:
            break
        last = reports[-1].pk
        events_of = defaultdict(list)
        rows = (
            ReportEvent.objects.filter(report_id__gte=reports[0].pk, report_id__lte=last)
            .order_by("report_id", "seq")
            .values_list("report_id", "action", "data", "created_at", "actor_position_id", "actor_agency_id")
        )
        for report_id, *fields in rows.iterator(chunk_size=10000):
            events_of[report_id].append(EventView(*fields))
        changed = []
        for report in reports:
            facts = out.totals.add(report, events_of.get(report.pk, []))
            if facts != (report.monitoring_facts or None):
                out.facts_differ += 1
                report.monitoring_facts = facts
                changed.append(report)
        if on_batch is not None:
            on_batch(changed)
        if progress:
            progress(out)
    return out


def _stored_cells() -> dict:
    stored = {}
    for row in Rollup.objects.values_list(*KEY_COLUMNS, *COUNTERS).iterator(chunk_size=20000):
        key = _norm_key(row[: len(KEY_COLUMNS)])
        counts = {name: n for name, n in zip(COUNTERS, row[len(KEY_COLUMNS) :]) if n}
        if counts:
            stored[key] = counts
    for grain, day, category, area, n in HotSpotCell.objects.values_list(
            "grain", "day", "category_id", "area", "n").iterator(chunk_size=20000):
        if n:
            stored[_norm_key((HOT_SPOT, grain, day, category, area, False, False))] = {"received": n}
    return stored


def _stored_days() -> dict:
    stored = {}
    for *key, n in RollupDays.objects.values_list(*KEY_COLUMNS, "metric", "days", "n").iterator(chunk_size=20000):
        if n:
            stored[(*_norm_key(key[: len(KEY_COLUMNS)]), key[-2], key[-1])] = n
    return stored


def _norm_key(key) -> tuple:
    basis, grain, day, agency_id, unit_id, priority, ombudsman = key
    return (basis, grain, day.isoformat() if isinstance(day, date) else str(day), agency_id, unit_id, bool(priority), bool(ombudsman))


@dataclass
class Verification:
    reports: int
    events: int
    cells_checked: int
    differences: list  # (table, key, what, stored, expected)
    facts_differ: int

    @property
    def ok(self) -> bool:
        return not self.differences and not self.facts_differ


def verify(*, progress=None, limit: int = 50) -> Verification:
    """Compare the stored rollups (and each report's facts) with a recount from the event log."""
    expected = recount(progress=progress)
    want_cells = {_norm_key(k): {n: v for n, v in c.items() if v} for k, c in expected.cells.items()}
    want_cells = {k: c for k, c in want_cells.items() if c}
    want_days = {(*_norm_key(k[: len(KEY_COLUMNS)]), k[-2], k[-1]): n for k, n in expected.days.items() if n}
    have_cells, have_days = _stored_cells(), _stored_days()
    differences = []
    for key in sorted(set(want_cells) | set(have_cells), key=str):
        have, want = have_cells.get(key, {}), want_cells.get(key, {})
        for name in COUNTERS:
            if have.get(name, 0) != want.get(name, 0):
                differences.append(("rollup", key, name, have.get(name, 0), want.get(name, 0)))
    for key in sorted(set(want_days) | set(have_days), key=str):
        if have_days.get(key, 0) != want_days.get(key, 0):
            differences.append(("days", key, "n", have_days.get(key, 0), want_days.get(key, 0)))
    return Verification(
        reports=expected.reports,
        events=expected.events,
        cells_checked=len(set(want_cells) | set(have_cells)) + len(set(want_days) | set(have_days)),
        differences=differences[:limit] if limit else differences,
        facts_differ=expected.facts_differ,
    )


def rebuild(*, batch: int = 2000, progress=None) -> Recount:
    """Replace every rollup row and every report's facts with a recount from the event log.
    Runs in one transaction: dashboards read the old rows until it commits."""

    with transaction.atomic():
        expected = recount(batch=batch, progress=progress, on_batch=store_monitoring_facts)
        Rollup.objects.all().delete()
        RollupDays.objects.all().delete()
        HotSpotCell.objects.all().delete()
        expected.totals.write()
    if connection.vendor == "postgresql":  # every row replaced: plan from the new ones
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Rollup._meta.db_table}, {RollupDays._meta.db_table}, {HotSpotCell._meta.db_table}")
    return expected


