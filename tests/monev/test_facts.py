"""The monitoring facts' storage (lapor/rollups/facts.py): what is read back is what was written,
for every report of a story with every kind of transition; the stored form is compact; moving the
submitted day moves every date with it; the migration from the old JSON object is exact."""

import importlib
import json
from dataclasses import asdict, fields, replace
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from lapor.core.clock import WIB
from lapor.monev.recount import replay_facts
from lapor.reports.models import Report
from lapor.rollups import facts as codec

from . import scenario


def stored_text(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT monitoring_facts FROM reports_report WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_every_report_reads_back_its_facts_from_a_compact_array(world):
    scenario.build(world)
    reports = list(Report.objects.all())
    assert len(reports) >= 10
    kinds = set()
    for report in reports:
        facts = replay_facts(report)
        assert report.monitoring_facts == facts
        text = stored_text(report.pk)
        assert codec.unpack(text) == facts
        assert text.startswith("[") and len(text) < 150, text  # a JSON object took about 380 bytes
        kinds |= {f.name for f in fields(facts.events) if getattr(facts.events, f.name) not in (None, ())}
        kinds |= {name for name in codec.DURATIONS if getattr(facts.state, name) is not None}
    # the story exercises every part of the array
    assert {"desk_on_time", "first_follow_up", "rating", "receptions", "not_ours", *codec.DURATIONS} <= kinds


def test_no_facts_are_stored_as_an_empty_string():
    assert codec.pack(None) == "" and codec.pack({}) == "" and codec.unpack("") is None


def shifted(text: str, days: int) -> str:
    """What bench/generate.py does in SQL to move a report into an earlier year."""
    first, rest = text[1:].split(",", 1)
    return f"[{int(first) - days},{rest}"


def test_moving_the_submitted_day_moves_every_date(world):
    scenario.build(world)
    moved = 0
    for report in Report.objects.all():
        facts, back = report.monitoring_facts, codec.unpack(shifted(stored_text(report.pk), 371))
        for key in ("submitted_day", "received_day"):
            if getattr(facts.state, key) is not None:
                assert date.fromisoformat(getattr(back.state, key)) == date.fromisoformat(getattr(facts.state, key)) - timedelta(days=371)
        if facts.events.first_follow_up:
            assert back.events.first_follow_up[0] == facts.events.first_follow_up[0] - 371 * 86_400_000_000
        for (day, agency, on_time), (day2, agency2, on_time2) in zip(facts.events.receptions, back.events.receptions):
            assert (date.fromisoformat(day2), agency2, on_time2) == (date.fromisoformat(day) - timedelta(days=371), agency, on_time)
        assert {k: v for k, v in asdict(back.state).items() if k not in ("submitted_day", "received_day")} == {
            k: v for k, v in asdict(facts.state).items() if k not in ("submitted_day", "received_day")
        }
        moved += 1
    assert moved >= 10


def legacy_object(facts) -> dict:
    """The JSON object the facts were stored as before the packed array (two-letter keys, absent
    when empty)."""
    events = {short: list(map(list, value)) if name in ("receptions", "not_ours") else value
              for short, name in codec._LEGACY_EVENTS.items()
              if (value := getattr(facts.events, name)) not in (None, ())}
    if "ff" in events:
        events["ff"] = list(events["ff"])
    if "pend" in events:
        events["pend"] = list(events["pend"])
    state = {short: getattr(facts.state, name) for short, name in codec._LEGACY_STATE.items()
             if name not in codec.DURATIONS or getattr(facts.state, name) is not None}
    return {"ev": events, "st": state}


def test_the_migration_repacks_the_old_json_objects(world):
    scenario.build(world)
    migration = importlib.import_module("lapor.reports.migrations.0009_repack_monitoring_facts")
    expected = {}
    for report in Report.objects.all():
        facts = legacy_object(report.monitoring_facts)
        # the old object had no hot spots' positions (rollups 0002 adds them, tested below)
        expected[report.pk] = replace(report.monitoring_facts, state=replace(report.monitoring_facts.state, category=0, area=0))
        if "ff" in facts["ev"]:  # the old form: an ISO time
            micro = facts["ev"]["ff"][0]
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micro)
            facts["ev"]["ff"][0] = moment.astimezone(WIB).isoformat()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reports_report SET monitoring_facts = %s WHERE id = %s", [json.dumps(facts), report.pk])
    Report.objects.filter(pk=report.pk).update(monitoring_facts=None)
    expected[report.pk] = None

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.repack_facts(None, editor)
    for report in Report.objects.all():
        assert report.monitoring_facts == expected[report.pk]
        assert not stored_text(report.pk).startswith("{")


def test_the_hot_spots_migration_adds_their_positions_and_cells(world):
    """rollups 0002 on reports stored before the hot spots: their facts gain the top-level
    category and the area, the H cells are what the transitions would have written, and going
    back removes both."""
    from django.apps import apps

    from lapor.monev import recount
    from lapor.rollups.models import HotSpotCell

    scenario.build(world)
    migration = importlib.import_module("lapor.rollups.migrations.0002_hot_spot_cells")
    expected = {report.pk: report.monitoring_facts for report in Report.objects.all()}
    assert any(facts.state.category and facts.state.area for facts in expected.values())
    cells = sorted(HotSpotCell.objects.values_list("grain", "day", "category_id", "area", "n"))
    assert cells
    migration.backwards(apps, None)
    HotSpotCell.objects.all().delete()  # (the migration drops the table)
    for pk in expected:
        assert len(json.loads(stored_text(pk))) <= 17
    migration.forwards(apps, None)
    assert {report.pk: report.monitoring_facts for report in Report.objects.all()} == expected
    assert sorted(HotSpotCell.objects.values_list("grain", "day", "category_id", "area", "n")) == cells
    assert recount.verify().ok
