"""A week of reports driven through the real services with the clock moved, so that every kind
of transition the indicators read occurs (see the timeline in `build`). The expected figures
in test_indicators.py are worked out by hand from this timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role
from lapor.agencies.models import Agency, AgencyDecree
from lapor.core import clock
from lapor.reports.models import Report
from lapor.reports.services import apply_action, get_report_for_update, report_act, report_submit

from ..conftest import GOOD_REPORT

WIB = ZoneInfo("Asia/Jakarta")


def at(day: str, hhmm: str = "09:00") -> None:
    """Move the clock to a moment in Jakarta time."""
    clock.freeze(datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=WIB))


def submit(user, **overrides) -> Report:
    return report_submit(data={**GOOD_REPORT, **overrides}, actor=Actor.for_user(user)).report


def act(report: Report, user, action: str, **payload) -> Report:
    return report_act(tracking_number=report.tracking_number, action=action, actor=Actor.for_user(user), payload=payload)


def system(report: Report, action: str) -> Report:
    """A move of the SLA sweep on this one report, as the sweep applies it (row lock included)."""
    with transaction.atomic():
        locked = get_report_for_update(report.tracking_number)
        apply_action(locked, action, Actor.system_actor(), {}, clock.now())
    return locked


def decree(agency: Agency, user, number: str, *, revoked: bool = False) -> AgencyDecree:
    return AgencyDecree.objects.create(
        agency=agency, number=number, date=date(2026, 1, 5), title="Pengelola pengaduan", file=f"decrees/{number}.pdf",
        original_name=f"{number}.pdf", size=1024, sha256="0" * 64, recorded_by=user, recorded_at=clock.now(),
        revoked_at=clock.now() if revoked else None, revoked_by=user if revoked else None,
    )


@dataclass
class Scenario:
    r1: Report  # city, all on time, rated 5
    r2: Report  # city, late desk, late follow-up, reply, rated 2, appeal, rated 4
    r3: Report  # target city, "not our authority", disposed to the ministry, followed up
    r4: Report  # target city, never verified, overdue now
    r5: Report  # city, late agency verification, interim reply, followed up in time
    r6: Report  # rejected by the desk while waiting for more information
    r7: Report  # archived late by the desk
    r8: Report  # target ministry, transferred to the Ombudsman
    r9: Report  # target ministry, Ombudsman offered and declined
    r10: Report  # target Jayapura (WIT), submitted on Friday evening
    coordinator: Agency  # coordinates the ministry
    province_government: Agency  # Pemerintah Provinsi Jawa Timur


def build(w) -> Scenario:
    coordinator = Agency.objects.create(code="kemenko-pmk", name="Kemenko PMK", kind="coordinating_ministry")
    Agency.objects.filter(pk=w.ministry.pk).update(coordinator=coordinator)
    province_government = Agency.objects.create(
        code="prov-35", name="Pemerintah Provinsi Jawa Timur", kind="province", region=w.province
    )
    citizen, desk, city, ministry, papua = w.citizen, w.national_admin, w.city_admin, w.ministry_admin, w.papua_admin
    disdik, dinkes, yankes, papua_disdik = w.education_officer, w.health_officer, w.ministry_officer, w.papua_officer

    at("2026-11-23")  # Monday
    r1, r2, r5, r7 = (submit(citizen) for _ in range(4))
    r4 = submit(citizen, target_agency_code="kota-35-78")
    r8 = submit(citizen, target_agency_code="kemenkes")
    at("2026-11-23", "10:00")
    act(r1, desk, "dispose", agency="kota-35-78")
    act(r8, ministry, "forward", unit="kemenkes-yankes")
    at("2026-11-23", "11:00")
    act(r5, desk, "dispose", agency="kota-35-78")
    at("2026-11-24")  # Tuesday
    r3 = submit(citizen, target_agency_code="kota-35-78")
    r9 = submit(citizen, target_agency_code="kemenkes")
    at("2026-11-24", "10:00")
    act(r1, city, "forward", unit="kota-35-78-disdik")
    act(r9, ministry, "forward", unit="kemenkes-yankes")
    at("2026-11-25")  # Wednesday
    r6 = submit(citizen)
    at("2026-11-25", "10:00")
    act(r3, city, "not_our_authority", suggested_agency="kemenkes", note="Kewenangan Kemenkes.")
    act(r6, desk, "request_info", note="Sebutkan nama sekolah.")
    at("2026-11-25", "11:00")
    act(r1, disdik, "respond", note="Sedang kami periksa.")
    at("2026-11-26", "10:00")  # Thursday
    act(r3, desk, "dispose", agency="kemenkes")
    act(r1, disdik, "follow_up", note="Uang dikembalikan.")
    at("2026-11-26", "11:00")
    act(r3, ministry, "forward", unit="kemenkes-yankes")
    at("2026-11-27", "00:30")  # Friday: r4's verification was due yesterday
    system(r4, "mark_overdue")
    at("2026-11-27", "10:00")
    act(r2, desk, "dispose", agency="kota-35-78")  # late: due Thursday
    act(r1, citizen, "rate", rating=5)
    at("2026-11-27", "11:00")
    act(r2, city, "forward", unit="kota-35-78-disdik")
    act(r3, yankes, "follow_up", note="Sudah ditangani.")
    at("2026-11-27", "17:30")  # 19:30 in Jayapura
    r10 = submit(citizen, target_agency_code="kota-91-71")
    at("2026-11-30", "08:00")  # Monday
    act(r10, papua, "forward", unit="kota-91-71-disdik")
    at("2026-11-30", "10:00")
    act(r5, city, "forward", unit="kota-35-78-dinkes")  # late: due Thursday 26
    act(r7, desk, "archive", reason="not_actionable")  # late: due Thursday 26
    act(r6, desk, "reject", reason="incomplete")  # while the clock is paused
    at("2026-12-01", "10:00")
    act(r5, dinkes, "respond", note="Kami cek ke puskesmas.")
    at("2026-12-01", "23:30")  # Wednesday 01:30 in Jayapura
    act(r10, papua_disdik, "follow_up", note="Sudah diperbaiki.")
    at("2026-12-02", "10:00")
    act(r5, dinkes, "interim_reply", note="Butuh waktu.", due_date="2026-12-18")
    at("2026-12-07", "10:00")
    act(r2, disdik, "follow_up", note="Panitia diberi teguran.")  # late: due Friday 4
    at("2026-12-08", "10:00")
    act(r2, citizen, "reply", note="Uang belum kembali.")
    at("2026-12-09", "10:00")
    act(r2, disdik, "follow_up", note="Uang dikembalikan.")
    at("2026-12-09", "11:00")
    act(r2, citizen, "rate", rating=2)
    at("2026-12-10", "10:00")
    act(r2, citizen, "appeal", note="Tidak sesuai.")
    at("2026-12-10", "11:00")
    act(r2, city, "forward", unit="kota-35-78-disdik")
    at("2026-12-11", "10:00")
    act(r2, disdik, "follow_up", note="Sudah kami selesaikan.")
    act(r5, dinkes, "follow_up", note="Obat tersedia lagi.")  # in time: due extended to the 18th
    at("2026-12-11", "11:00")
    act(r2, citizen, "rate", rating=4)
    at("2027-01-25")  # sixty days on: the Ombudsman is offered the unresolved ones
    system(r8, "offer_ombudsman")
    system(r9, "offer_ombudsman")
    at("2027-01-25", "10:00")
    act(r8, citizen, "ombudsman_consent")
    act(r9, citizen, "ombudsman_decline")

    # Connectivity, now: the city has a decree, its admin and liaison officers (in its units);
    # the ministry's decree was revoked; Jayapura has a decree but its only liaison post is empty;
    # the coordinating ministry and the province have no decree.
    decree(w.city, desk, "188/1/2026")
    decree(w.ministry, desk, "HK.01/2026", revoked=True)
    decree(w.papua, desk, "100/2026")
    Position.objects.filter(agency=w.papua_unit, role=Role.LIAISON_OFFICER).update(holder=None)

    reports = {f"r{n}": Report.objects.get(pk=r.pk) for n, r in enumerate([r1, r2, r3, r4, r5, r6, r7, r8, r9, r10], 1)}
    return Scenario(**reports, coordinator=coordinator, province_government=province_government)
