"""What the indicators need, recorded at the source: Report.received_at and, on the event that
ends a stage, the deadline in force and whether it was met."""

import importlib
from datetime import datetime, timedelta

from django.apps import apps

from lapor.core import clock
from lapor.reports.models import Report, ReportEvent

from ..conftest import MONDAY_9AM
from .scenario import act, at, submit, system


def ended(report, action):
    data = report.events.filter(action=action).last().data
    return {k: v for k, v in data.items() if k in ("stage_ended", "stage_due_at", "on_time")}


def test_received_at_follows_the_current_agency(world):
    at("2026-11-23")
    report = submit(world.citizen, target_agency_code="kota-35-78")
    assert (report.agency, report.received_at) == (world.city, MONDAY_9AM)  # the submission named it
    at("2026-11-24", "10:00")
    report = act(report, world.city_admin, "not_our_authority", suggested_agency="kemenkes", note="Bukan kewenangan kami.")
    assert (report.agency, report.received_at) == (None, None)  # back at the desk: in nobody's cohort
    at("2026-11-25", "10:00")
    report = act(report, world.national_admin, "dispose", agency="kemenkes")
    assert (report.agency, report.received_at) == (world.ministry, clock.now())
    at("2026-11-25", "11:00")
    report = act(report, world.national_admin, "dispose", agency="kota-91-71")  # the desk changes its mind
    assert (report.agency, report.received_at) == (world.papua, clock.now())
    at("2026-11-26", "10:00")
    report = act(report, world.papua_admin, "forward", unit="kota-91-71-disdik")
    assert report.received_at == datetime.fromisoformat("2026-11-25T11:00+07:00")  # forwarding keeps it


def test_received_at_is_empty_at_the_desk(world):
    report = submit(world.citizen)
    assert (report.agency, report.received_at) == (None, None)


def test_stage_ended_records_the_deadline_in_force(world):
    at("2026-11-23")
    report = submit(world.citizen)
    at("2026-11-26", "23:59")  # the last minute of the desk's 3 HK
    act(report, world.national_admin, "dispose", agency="kota-35-78")
    assert ended(report, "dispose") == {
        "stage_ended": "desk_verification", "stage_due_at": "2026-11-26T16:59:59+00:00", "on_time": True
    }
    assert report.events.get(action="dispose").data["agency"] == "kota-35-78"  # existing keys are kept
    at("2026-12-02", "09:00")  # agency's 3 HK from Thursday: due Tuesday 1 December
    act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    assert ended(report, "forward") == {
        "stage_ended": "agency_verification", "stage_due_at": "2026-12-01T16:59:59+00:00", "on_time": False
    }
    at("2026-12-03")
    act(report, world.education_officer, "respond", note="Kami periksa.")  # the follow-up clock keeps running
    assert "stage_ended" not in report.events.get(action="respond").data
    # Extended, not ended:
    act(report, world.education_officer, "interim_reply", note="Perlu waktu.", due_date="2026-12-22")
    assert report.events.get(action="interim_reply").data == {"due_date": "2026-12-22"}
    at("2026-12-21")
    act(report, world.education_officer, "follow_up", note="Selesai.")
    assert ended(report, "follow_up") == {
        "stage_ended": "follow_up", "stage_due_at": "2026-12-22T16:59:59+00:00", "on_time": True
    }
    at("2026-12-22")
    act(report, world.citizen, "rate", rating=5)  # the reporter's stage ends too
    assert ended(report, "rate")["stage_ended"] == "reporter_reply"


def test_a_paused_clock_neither_ends_nor_runs_out(world):
    at("2026-11-23")
    report = submit(world.citizen)
    act(report, world.national_admin, "request_info", note="Sebutkan sekolahnya.")
    assert "stage_ended" not in report.events.get(action="request_info").data  # a pause, not an end
    at("2026-12-14")  # three weeks later, long past the original deadline
    act(report, world.national_admin, "reject", reason="incomplete")
    # Decided while paused: no deadline was in force, so it is on time (ADR 0005).
    assert ended(report, "reject") == {"stage_ended": "desk_verification", "stage_due_at": None, "on_time": True}


def test_resuming_restarts_the_same_stage_without_ending_it(world):
    at("2026-11-23")
    report = submit(world.citizen)
    act(report, world.national_admin, "request_info", note="Sebutkan sekolahnya.")
    at("2026-11-24")
    act(report, world.citizen, "supplement", note="SDN 1.")
    assert "stage_ended" not in report.events.get(action="supplement").data
    at("2026-11-30")  # Tuesday + 3 HK kept (Mon 23's 3 HK were all left) = Friday 27
    act(report, world.national_admin, "dispose", agency="kota-35-78")
    assert ended(report, "dispose")["on_time"] is False


def test_the_desk_moving_a_report_between_agencies_ends_no_agency_stage(world):
    at("2026-11-23")
    report = submit(world.citizen, target_agency_code="kota-35-78")
    at("2026-11-24")
    act(report, world.national_admin, "dispose", agency="kemenkes")
    # The city did not decide anything: its verification is not measured on this report.
    assert "stage_ended" not in report.events.get(action="dispose").data


def test_system_moves_and_appeals(world):
    at("2026-11-23")
    report = submit(world.citizen, target_agency_code="kota-35-78")
    at("2026-11-27", "00:01")
    system(report, "mark_overdue")
    assert "stage_ended" not in report.events.get(action="mark_overdue").data
    act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    assert ended(report, "forward")["on_time"] is False
    act(report, world.education_officer, "follow_up", note="Selesai.")
    act(report, world.citizen, "rate", rating=1)
    act(report, world.citizen, "appeal", note="Belum selesai.")
    # An appeal starts the agency's stage again from a stopped clock: nothing ended.
    assert report.events.get(action="appeal").data == {"rating": 1}
    act(report, world.city_admin, "dismiss_appeal", note="Sudah sesuai prosedur.")
    assert ended(report, "dismiss_appeal")["stage_ended"] == "agency_verification"


def test_backfill_of_received_at_from_the_events(world):
    at("2026-11-23")
    at_city = submit(world.citizen, target_agency_code="kota-35-78")
    moved = submit(world.citizen, target_agency_code="kota-35-78")
    at("2026-11-24")
    act(moved, world.city_admin, "not_our_authority", suggested_agency="kemenkes", note="Bukan kewenangan kami.")
    returned = submit(world.citizen, target_agency_code="kota-35-78")
    at("2026-11-25")
    act(moved, world.national_admin, "dispose", agency="kemenkes")
    act(returned, world.city_admin, "not_our_authority", suggested_agency="kemenkes", note="Bukan kewenangan kami.")
    at_desk = submit(world.citizen)
    expected = {r.pk: Report.objects.get(pk=r.pk).received_at for r in (at_city, moved, returned, at_desk)}
    assert expected[moved.pk] == clock.now() and expected[returned.pk] is None and expected[at_desk.pk] is None
    Report.objects.update(received_at=MONDAY_9AM + timedelta(days=100))  # as if the column were new and wrong
    migration = importlib.import_module("lapor.reports.migrations.0005_received_at")
    Report.objects.filter(agency__isnull=True).update(received_at=None)  # the column starts NULL
    migration.backfill_received_at(apps, None)
    assert {pk: Report.objects.get(pk=pk).received_at for pk in expected} == expected
    assert ReportEvent.objects.filter(report=moved, action="dispose").get().created_at == expected[moved.pk]
