from django.db import migrations, models


def backfill_received_at(apps, schema_editor):
    """received_at = the time of the last event that assigned the current agency: a disposition
    by the desk, or (when there was none) the submission that named the agency. Reports without
    an agency (at the desk) keep NULL."""
    Report = apps.get_model("reports", "Report")
    ReportEvent = apps.get_model("reports", "ReportEvent")
    pending = []
    for report_id, created_at in (
        ReportEvent.objects.filter(report__agency__isnull=False)
        .filter(models.Q(action="dispose") | models.Q(action="submit", to_status="at_agency"))
        .order_by("report_id", "seq")
        .values_list("report_id", "created_at")
        .iterator(chunk_size=5000)
    ):
        # Ordered by seq, so the last row seen for a report is its latest assignment.
        if pending and pending[-1].pk == report_id:
            pending[-1].received_at = created_at
            continue
        if len(pending) >= 1000:
            Report.objects.bulk_update(pending[:-1], ["received_at"])
            pending = pending[-1:]
        pending.append(Report(pk=report_id, received_at=created_at))
    if pending:
        Report.objects.bulk_update(pending, ["received_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_saved_queue_views"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="received_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="received by the agency"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["agency", "received_at"], name="report_agency_received"),
        ),
        migrations.RunPython(backfill_received_at, migrations.RunPython.noop, elidable=True),
    ]
