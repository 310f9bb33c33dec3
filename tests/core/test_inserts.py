"""The hot writers' INSERT (lapor.core.inserts) writes exactly what Model.save() writes."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import signals
from django.db.models import Value
from django.db.models.expressions import DatabaseDefault
from django.test.utils import CaptureQueriesContext

from lapor.core import clock, inserts
from lapor.reports.models import IdempotencyRecord, Report



def new_report(world, number, **changes):
    now = clock.now()
    values = dict(
        tracking_number=number,
        contact_name="Siti",
        contact_email="siti@example.id",
        type="complaint",
        title="Jalan rusak di depan sekolah",
        description="Lubang besar di jalan depan SDN 1 sejak dua minggu.",
        event_date=date(2026, 11, 30),
        region_id="35.78.01.1001",
        latitude=Decimal("-7.250000"),
        longitude=Decimal("112.750000"),
        category_id=world.category.id,
        status="submitted",
        submitted_at=now,
        updated_at=now,
        version=1,
    )
    values.update(changes)
    return Report(**values)


def stored(pk) -> dict:
    row = Report.objects.filter(pk=pk).values().get()
    row.pop("id")
    row.pop("tracking_number")
    return row


def test_a_row_inserted_reads_back_as_the_orm_would_have_written_it(world):
    by_orm = new_report(world, "AAAA111111")
    by_orm.save(force_insert=True)
    fast = new_report(world, "BBBB222222")
    inserts.insert(fast)
    assert fast.pk is not None and fast.pk != by_orm.pk
    assert not fast._state.adding and fast._state.db == "default"
    assert stored(fast.pk) == stored(by_orm.pk)
    fast.title = "Judul yang diubah"
    fast.save()  # an instance inserted this way is an ordinary saved instance
    assert Report.objects.get(pk=fast.pk).title == "Judul yang diubah"


def test_nulls_are_written_into_the_statement_and_its_text_is_reused(world):
    with CaptureQueriesContext(connection) as first:
        inserts.insert(new_report(world, "CCCC333333", latitude=None, longitude=None))
    with CaptureQueriesContext(connection) as second:
        inserts.insert(new_report(world, "DDDD444444", latitude=None, longitude=None))
    sql, params = inserts.insert_sql(new_report(world, "EEEE555555", latitude=None, longitude=None))
    assert "NULL" in sql and sql.count("%s") == len(params)
    assert len(params) <= 50  # within psycopg's statement cache
    assert first.captured_queries[0]["sql"].split(" VALUES ")[0] == second.captured_queries[0]["sql"].split(" VALUES ")[0]
    assert Report.objects.filter(latitude__isnull=True).count() == 2


def test_a_record_with_a_foreign_key_and_json(world):
    report = new_report(world, "FFFF666666")
    inserts.insert(report)
    record = IdempotencyRecord(scope="anon", key="k" * 12, request_hash="h" * 64, report=report,
                               response={"tracking_number": "FFFF666666"}, created_at=clock.now())
    inserts.insert(record)
    assert IdempotencyRecord.objects.get(pk=record.pk).response == {"tracking_number": "FFFF666666"}
    assert IdempotencyRecord.objects.get(pk=record.pk).report_id == report.pk


def test_what_it_does_not_build_is_refused_rather_than_written_wrong(world):
    report = new_report(world, "GGGG777777")
    report.language = DatabaseDefault(Value("id"))
    with pytest.raises(TypeError, match="expression"):
        inserts.insert_sql(report)

    def receiver(**kwargs):
        pass

    signals.post_save.connect(receiver, sender=Report)
    try:
        with pytest.raises(TypeError, match="signals"):
            inserts.insert(new_report(world, "HHHH888888"))
    finally:
        signals.post_save.disconnect(receiver, sender=Report)
    assert not Report.objects.filter(tracking_number__in=["GGGG777777", "HHHH888888"]).exists()
