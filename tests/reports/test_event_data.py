"""Events' data as compact JSON text (lapor.reports.eventdata, ADR 0021): exact round trips for
everything the app writes, the older plain objects still readable, the migration both ways."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lapor.reports.eventdata import KEYS, pack, unpack
from lapor.reports.models import ReportEvent

from ..monev import scenario

PINNED = {
    "on_time": "o", "stage_ended": "s", "stage_due_at": "d", "agency": "a", "unit": "u", "rating": "r", "reason": "w",
    "transfers": "t", "from_agency": "f", "suggested_agency": "g", "due": "e", "stage": "S", "due_date": "D",
    "days_left": "l", "description_changed": "c", "channel": "h", "target_agency": "T", "duplicate_of": "p",
}  # fmt: skip


def test_letters_are_append_only():
    assert {k: KEYS[k] for k in PINNED} == PINNED, "a letter was changed: only append new keys"
    assert len(set(KEYS.values())) == len(KEYS)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"channel": "web", "target_agency": None},
        {"on_time": True, "stage_ended": "follow_up", "stage_due_at": "2026-10-12T16:59:59+00:00"},
        {"on_time": False, "stage_ended": "desk_verification", "stage_due_at": None},
        {"stage": "follow_up", "due": "2026-07-20T16:59:59+00:00"},
        {"stage": "follow_up", "due": None},
        {"due_date": "2026-01-30"},
        {"stage_due_at": "2026-10-12T23:59:59+07:00"},  # another offset: kept as text
        {"stage_due_at": "2026-10-12T16:59:59.250000+00:00"},  # fractions of a second: kept as text
        {"stage_due_at": "1969-12-31T23:59:59+00:00"},  # before the epoch
        {"stage_due_at": "not a moment"},
        {"reason": "abusive", "duplicate_of": "1234567890", "note": "Tanda \"kutip\" dan ü, tab\t"},
        {"from_agency": "kab-15-03", "suggested_agency": "kota-32-79", "transfers": 3, "rating": 5, "nested": {"a": [1, 2]}},
    ],
)
def test_pack_and_unpack_are_exact_inverses(data):
    text = pack(data)
    assert unpack(text) == data
    assert [type(v) for v in unpack(text).values()] == [type(v) for v in data.values()]


def test_the_compact_form_is_less_than_half_the_object():
    data = {"on_time": True, "stage_ended": "follow_up", "stage_due_at": "2026-10-12T16:59:59+00:00"}
    assert pack(data) == '{"o":true,"s":"follow_up","d":1791824399}'
    assert len(pack(data)) * 2 < len(json.dumps(data))


def test_older_plain_objects_read_back_unchanged():
    data = {"on_time": True, "stage_ended": "follow_up", "stage_due_at": "2026-10-12T16:59:59+00:00"}
    assert unpack(json.dumps(data)) == data


def test_one_letter_keys_are_refused():
    with pytest.raises(ValueError, match="reserved"):
        pack({"o": 1})


def test_every_event_of_the_story_round_trips_through_the_database(world):
    """Every kind of transition (tests/monev/scenario.py) — what Python reads back is what the
    app wrote, and the column holds the compact text."""
    scenario.build(world)
    events = list(ReportEvent.objects.all())
    assert len({e.action for e in events}) >= 15
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, data FROM reports_reportevent")
        stored = dict(cursor.fetchall())
    for event in events:
        assert stored[event.pk] == pack(event.data)
        assert unpack(stored[event.pk]) == event.data
    with_moments = [e for e in events if "stage_due_at" in e.data and e.data["stage_due_at"]]
    assert with_moments and all('"d":1' in stored[e.pk] for e in with_moments), "moments stored as seconds"


@pytest.mark.django_db(transaction=True)
def test_the_migration_packs_the_objects_and_back(world, submit):
    report, _ = submit()
    event = ReportEvent.objects.get(report=report, seq=1)
    objects = {
        "a": {"on_time": True, "stage_ended": "follow_up", "stage_due_at": "2026-10-12T16:59:59+00:00"},
        "b": {"stage": "follow_up", "due": "2026-07-20T16:59:59+00:00"},
        "c": {"stage_due_at": "2026-10-12T23:59:59+07:00", "reason": "spam"},
        "d": {},
    }
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("reports", "0010_event_codes")])
        ids = []
        with connection.cursor() as cursor:
            for seq, data in enumerate(objects.values(), start=2):
                cursor.execute(
                    "INSERT INTO reports_reportevent (report_id, seq, action, from_status, to_status, actor_role, note, "
                    "note_public, data, created_at) VALUES (%s, %s, 1, 0, 1, 1, '', false, %s, %s) RETURNING id",
                    [report.pk, seq, json.dumps(data), event.created_at],
                )
                ids.append(cursor.fetchone()[0])
        MigrationExecutor(connection).migrate([("reports", "0011_event_data")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, data FROM reports_reportevent WHERE id = ANY(%s)" if connection.vendor == "postgresql"
                           else f"SELECT id, data FROM reports_reportevent WHERE id IN ({', '.join(map(str, ids))})",
                           [ids] if connection.vendor == "postgresql" else None)
            stored = dict(cursor.fetchall())
        for pk, data in zip(ids, objects.values()):
            assert unpack(stored[pk]) == data
            assert len(stored[pk]) <= len(pack(data)) + 2 * len(data) + 2  # compact (PostgreSQL's own key order)
            assert ReportEvent.objects.get(pk=pk).data == data
        assert '"d":1791824399' in stored[ids[0]]
        MigrationExecutor(connection).migrate([("reports", "0010_event_codes")])
        with connection.cursor() as cursor:
            for pk, data in zip(ids, objects.values()):
                cursor.execute("SELECT data FROM reports_reportevent WHERE id = %s", [pk])
                value = cursor.fetchone()[0]
                assert (json.loads(value) if isinstance(value, str) else value) == data
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
