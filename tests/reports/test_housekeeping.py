"""Clean-up around the lifecycle: idempotency records expire; a failed write leaves no file;
an oversized request is refused before it is read."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.reports import services
from lapor.reports.housekeeping import purge_idempotency_records
from lapor.reports.models import Attachment, IdempotencyRecord, Report

from ..conftest import GOOD_REPORT


def png(name="foto.png"):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")


def files_in(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_idempotency_records_older_than_a_day_are_purged(world):
    services.report_submit(data=dict(GOOD_REPORT), actor=Actor(), idempotency_key="key-0001-aaaa")
    clock.freeze(clock.now() + timedelta(hours=23))
    services.report_submit(data=dict(GOOD_REPORT, title="Laporan kedua yang berbeda"), actor=Actor(), idempotency_key="key-0002-bbbb")
    clock.freeze(clock.now() + timedelta(hours=2))
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["key-0002-bbbb"]
    assert Report.objects.count() == 2  # reports are never touched


def test_a_failed_submission_removes_the_files_it_wrote(world, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)

    from lapor.core import inserts

    real_insert = inserts.insert

    def boom(obj):  # the last write of the submission, after its files were stored
        if isinstance(obj, IdempotencyRecord):
            raise RuntimeError("database went away")
        real_insert(obj)

    monkeypatch.setattr(inserts, "insert", boom)
    with pytest.raises(RuntimeError):
        services.report_submit(data=dict(GOOD_REPORT), actor=Actor(), files=[png()], idempotency_key="key-0003-cccc")
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert files_in(tmp_path) == []


def test_a_failed_action_removes_the_files_it_wrote(world, submit, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    report, _ = submit(target_agency_code="kota-35-78")
    services.report_act(tracking_number=report.tracking_number, action="forward", actor=Actor.for_user(world.city_admin), payload={"unit": "kota-35-78-disdik"})
    officer = Actor.for_user(world.education_officer)
    real_create = Attachment.objects.create
    calls = []

    def second_fails(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(Attachment.objects, "create", second_fails)
    with pytest.raises(RuntimeError):
        services.report_act(
            tracking_number=report.tracking_number, action="follow_up", actor=officer,
            payload={"note": "Selesai."}, files=[png("a.png"), png("b.png")],
        )
    assert len(calls) == 2  # the first file had been written
    assert Attachment.objects.count() == 0 and files_in(tmp_path) == []
    report.refresh_from_db()
    assert report.status == "forwarded"


@override_settings(LAPOR_MAX_REQUEST_BYTES=1000)
def test_oversized_requests_are_refused_before_they_are_read(client, world):
    body = {"title": "x" * 2000}
    api = client.post("/api/v1/reports", body, content_type="application/json")
    assert api.status_code == 413 and api.json()["code"] == "too_large"
    page = client.post("/lapor/", body)
    assert page.status_code == 413
    assert Report.objects.count() == 0
