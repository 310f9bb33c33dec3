"""The monitoring facts' storage (lapor/monev/facts.py): what is read back is what was written,
for every report of a story with every kind of transition; the stored form is compact; moving the
submitted day moves every date with it; the migration from the old JSON object is exact."""

import importlib
import json
from datetime import date, timedelta

from django.db import connection

from lapor.monev import facts as codec
from lapor.monev import rollups
from lapor.reports.models import Report

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
        facts = rollups.replay_facts(report)
        assert report.monitoring_facts == facts
        text = stored_text(report.pk)
        assert codec.unpack(text) == facts
        assert text.startswith("[") and len(text) < 120, text
        kinds |= set(facts["ev"]) | {k for k in facts["st"] if k in codec.DURATIONS}
    # the story exercises every part of the array
    assert {"dd", "ff", "rt", "rc", "nr", "fn", "fa", "cn", "ca"} <= kinds


def test_no_facts_are_stored_as_an_empty_string():
    assert codec.pack({}) == "" and codec.unpack("") == {}


def shifted(text: str, days: int) -> str:
    """What bench/generate.py does in SQL to move a report into an earlier year."""
    first, rest = text[1:].split(",", 1)
    return f"[{int(first) - days},{rest}"


def test_moving_the_submitted_day_moves_every_date(world):
    scenario.build(world)
    moved = 0
    for report in Report.objects.all():
        facts, back = report.monitoring_facts, codec.unpack(shifted(stored_text(report.pk), 371))
        for key in ("sd", "rd"):
            if facts["st"][key] is not None:
                assert date.fromisoformat(back["st"][key]) == date.fromisoformat(facts["st"][key]) - timedelta(days=371)
        if "ff" in facts["ev"]:
            assert back["ev"]["ff"][0] == facts["ev"]["ff"][0] - 371 * 86_400_000_000
        for (day, agency, on_time), (day2, agency2, on_time2) in zip(facts["ev"].get("rc", []), back["ev"].get("rc", [])):
            assert (date.fromisoformat(day2), agency2, on_time2) == (date.fromisoformat(day) - timedelta(days=371), agency, on_time)
        assert {k: v for k, v in back["st"].items() if k not in ("sd", "rd")} == {
            k: v for k, v in facts["st"].items() if k not in ("sd", "rd")
        }
        moved += 1
    assert moved >= 10


def test_the_migration_repacks_the_old_json_objects(world):
    scenario.build(world)
    migration = importlib.import_module("lapor.reports.migrations.0009_repack_monitoring_facts")
    expected = {}
    for report in Report.objects.all():
        facts = json.loads(json.dumps(report.monitoring_facts))
        expected[report.pk] = report.monitoring_facts
        if "ff" in facts["ev"]:  # the old form: an ISO time
            micro = facts["ev"]["ff"][0]
            moment = rollups._EPOCH_UTC + timedelta(microseconds=micro)
            facts["ev"]["ff"][0] = moment.astimezone(rollups.WIB).isoformat()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reports_report SET monitoring_facts = %s WHERE id = %s", [json.dumps(facts), report.pk])
    Report.objects.filter(pk=report.pk).update(monitoring_facts={})
    expected[report.pk] = {}

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.repack_facts(None, editor)
    for report in Report.objects.all():
        assert report.monitoring_facts == expected[report.pk]
        assert not stored_text(report.pk).startswith("{")
