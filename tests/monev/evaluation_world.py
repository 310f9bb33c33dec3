"""A small world for the evaluation records: the city's units follow up seven reports in the
week of 23 November 2026 (one confidential, one anonymous with a phone number typed into the
follow-up), the ministry's unit one; an APIP auditor of the city, a coordinator over the city
(the province government) and a coordinator over nobody. Reports are driven through
report_act, as scenario.py does."""

from __future__ import annotations

from dataclasses import dataclass

from lapor.accounts.models import Position, Role, User
from lapor.agencies.models import Agency
from lapor.audit.models import AuditEntry
from lapor.monev.models import (
    ActionPlan,
    ActionPlanItem,
    FollowUpReview,
    FollowUpReviewItem,
    FollowUpScore,
    PreventiveAction,
)
from lapor.reports.models import Report, ReportEvent

from .scenario import act, at, submit

ANON_PHONE = "081234567890"
SECRET_WORD = "Rahasia-Konfidensial-77"


@dataclass
class EvalWorld:
    w: object
    auditor: User
    coordinator: User
    idle_coordinator: User
    province_government: Agency
    city_follow_ups: list  # ReportEvent ids, ascending
    ministry_follow_up: int
    confidential: Report
    anonymous: Report


def official(username: str, role: str, agency: Agency, title: str) -> User:
    user = User.objects.create_user(username=username, password="pass-" + username, full_name=username.title())
    Position.objects.create(role=role, agency=agency, title=title, holder=user)
    return user


def _handled(w, unit_code: str, officer, note: str, **overrides) -> Report:
    report = submit(w.citizen, **overrides)
    act(report, w.national_admin, "dispose", agency="kota-35-78" if unit_code.startswith("kota") else "kemenkes")
    admin = w.city_admin if unit_code.startswith("kota") else w.ministry_admin
    act(report, admin, "forward", unit=unit_code)
    act(report, officer, "follow_up", note=note)
    return Report.objects.get(pk=report.pk)


def build(w) -> EvalWorld:
    province_government = Agency.objects.create(code="prov-35", name="Pemerintah Provinsi Jawa Timur", kind="province", region=w.province)
    Agency.objects.filter(pk=w.city.pk).update(coordinator=province_government)
    idle = Agency.objects.create(code="kemenko-x", name="Kemenko X", kind="coordinating_ministry")
    auditor = official("apip", Role.AUDITOR, w.city, "APIP Kota Surabaya")
    coordinator = official("koordinator", Role.COORDINATOR, province_government, "Koordinator Provinsi")
    idle_coordinator = official("kemenkox", Role.COORDINATOR, idle, "Koordinator X")

    at("2026-11-23")
    city = [_handled(w, "kota-35-78-disdik", w.education_officer, f"Tindak lanjut nomor {n}.") for n in range(5)]
    confidential = _handled(
        w, "kota-35-78-dinkes", w.health_officer, f"Obat sudah tersedia. {SECRET_WORD}", is_confidential=True,
        title=f"Keluhan {SECRET_WORD}",
    )
    anonymous = _handled(
        w, "kota-35-78-disdik", w.education_officer, f"Kami sudah menghubungi pelapor di {ANON_PHONE}.", is_anonymous=True
    )
    ministry = _handled(w, "kemenkes-yankes", w.ministry_officer, "Ditangani Kemenkes.")
    # A follow-up outside the period (the next week) is not in the population.
    at("2026-11-30")
    _handled(w, "kota-35-78-disdik", w.education_officer, "Minggu berikutnya.")
    at("2026-12-01")
    city_ids = sorted(
        ReportEvent.objects.filter(action="follow_up", report__in=city + [confidential, anonymous]).values_list("pk", flat=True)
    )
    return EvalWorld(
        w=w, auditor=auditor, coordinator=coordinator, idle_coordinator=idle_coordinator,
        province_government=province_government, city_follow_ups=city_ids,
        ministry_follow_up=ReportEvent.objects.get(action="follow_up", report=ministry).pk,
        confidential=confidential, anonymous=anonymous,
    )


def counts() -> dict:
    """Rows of every table an evaluation writer touches (a refusal must leave them all as they were)."""
    return {
        "reviews": FollowUpReview.objects.count(),
        "items": FollowUpReviewItem.objects.count(),
        "scores": FollowUpScore.objects.count(),
        "score_values": list(FollowUpScore.objects.order_by("pk").values_list("relevant", "concrete", "timely", "polite", "comment")),
        "preventive": PreventiveAction.objects.count(),
        "preventive_status": list(PreventiveAction.objects.order_by("pk").values_list("status", flat=True)),
        "plans": ActionPlan.objects.count(),
        "plan_items": list(ActionPlanItem.objects.order_by("pk").values_list("progress", "progress_notes", "status")),
        "audit": AuditEntry.objects.count(),
    }
