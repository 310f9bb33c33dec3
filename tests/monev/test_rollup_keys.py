"""The rollup tables keyed by their cells' keys (migration monev 0006): the rows survive the
rebuild both ways, and a duplicate key is refused by the primary key."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from lapor.monev import recount
from lapor.rollups import writing
from lapor.rollups.models import Rollup

from . import scenario

CELLS = (*writing.KEY_COLUMNS, *writing.COUNTERS)
DAYS = (*writing.KEY_COLUMNS, "metric", "days", "n")


def _rows(table: str, columns) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
        return {tuple(str(v) for v in row) for row in cursor.fetchall()}


def test_a_cell_key_is_the_primary_key(world):
    scenario.build(world)
    row = Rollup.objects.values(*CELLS).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rollup.objects.create(**row)
    assert Rollup.objects.filter(pk=tuple(row[c] for c in ("basis", "grain", "agency_id", "day", "unit_id", "priority", "ombudsman"))).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_keeps_every_row_both_ways(world):
    scenario.build(world)
    cells, days = _rows("monev_rollup", CELLS), _rows("monev_rollupdays", DAYS)
    assert cells and days
    try:
        MigrationExecutor(connection).migrate([("monev", "0005_pending_refresh")])
        assert _rows("monev_rollup", CELLS) == cells and _rows("monev_rollupdays", DAYS) == days
        assert _rows("monev_rollup", ("id",))  # ids given afresh
        MigrationExecutor(connection).migrate([("monev", "0006_rollup_natural_keys")])
        assert _rows("monev_rollup", CELLS) == cells and _rows("monev_rollupdays", DAYS) == days
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert _rows("monev_rollup", CELLS) == cells and _rows("monev_rollupdays", DAYS) == days
    assert recount.verify().ok  # and the transitions after it read and write the new tables
    with connection.cursor() as cursor:
        names = connection.introspection.get_constraints(cursor, "monev_rollup")
    assert any(info["primary_key"] and len(info["columns"]) == 7 for info in names.values())
