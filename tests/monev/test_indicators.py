"""Every indicator of docs/indicators.md, exactly, for each kind of scope, over the scenario in
scenario.py (period: the week of Monday 23 to Friday 27 November 2026, WIB)."""

from dataclasses import asdict
from decimal import Decimal

import pytest

from lapor.monev.indicators import compute, compute_children
from lapor.monev.scopes import Period, Scope

from . import scenario

WEEK = Period.days("2026-11-23", "2026-11-27")
D = Decimal


@pytest.fixture
def story(world):
    return scenario.build(world)


def figures(scope: Scope, period: Period = WEEK) -> dict:
    out = asdict(compute(scope, period))
    del out["scope"], out["period"]
    return out


def distribution(**counts):
    return {n: counts.get(f"s{n}", 0) for n in range(1, 6)}


def test_national(story):
    assert figures(Scope.national()) == {
        "received": 10,  # every report submitted in the week
        # first desk decisions: r1, r3 (after "not our authority"), r5 on time; r6 rejected while
        # paused (on time); r2 disposed and r7 archived late. r4, r8, r9, r10 went straight to agencies.
        "verified_decided": 6, "verified_on_time": 4, "verified_on_time_pct": D("66.7"),
        # first follow-ups: r1, r3, r5 (deadline extended by the interim reply), r10 on time; r2 late
        "followed_up": 5, "followed_up_measured": 5, "followed_up_on_time": 4, "followed_up_on_time_pct": D("80.0"),
        "completed": 2, "in_process": 3, "follow_up_rate": D("50.0"), "completion_rate": D("20.0"),
        # from submission: r1 3, r3 3, r10 3 (in Jayapura's time), r2 10, r5 14
        "days_to_follow_up_median": D("3.0"), "days_to_follow_up_p90": D("12.4"),
        "days_to_completion_median": D("9.0"), "days_to_completion_p90": D("13.0"),  # r1 4, r2 14
        "overdue_now": 1,
        "re_dispositions": 1, "re_disposition_share": D("10.0"),
        "reopened": 1, "reopen_rate": D("20.0"),
        "rated": 2, "appealed": 1, "appeal_rate": D("50.0"),
        # the latest rating of r2 (4) counts, not the 2 it was appealed with
        "satisfaction_count": 2, "satisfaction_mean": D("4.50"), "satisfaction_distribution": distribution(s4=1, s5=1),
        "ombudsman_transferred": 1, "ombudsman_offered": 1,
        # agencies: city (connected, active), ministry (revoked decree; active), Jayapura (liaison
        # post empty; first acted on Monday 30), coordinating ministry, province (no decree, idle)
        "agencies": 5, "connected": 1, "connectivity_pct": D("20.0"), "active": 2, "activity_pct": D("40.0"),
    }


CITY = {
    "received": 4,  # r1, r2 (received on Friday), r4, r5; r3 left for the ministry
    # receptions: r1, r2 forwarded in time, r3 answered "not our authority" in time, r5 forwarded
    # late; r4 never verified
    "verified_decided": 4, "verified_on_time": 3, "verified_on_time_pct": D("75.0"),
    "followed_up": 3, "followed_up_measured": 3, "followed_up_on_time": 2, "followed_up_on_time_pct": D("66.7"),
    "completed": 2, "in_process": 1, "follow_up_rate": D("75.0"), "completion_rate": D("50.0"),
    # from reception: r1 3, r2 6, r5 14
    "days_to_follow_up_median": D("6.0"), "days_to_follow_up_p90": D("12.4"),
    "days_to_completion_median": D("7.0"), "days_to_completion_p90": D("9.4"),  # r1 4, r2 10
    "overdue_now": 1,
    "re_dispositions": 1, "re_disposition_share": D("25.0"),
    "reopened": 1, "reopen_rate": D("33.3"),
    "rated": 2, "appealed": 1, "appeal_rate": D("50.0"),
    "satisfaction_count": 2, "satisfaction_mean": D("4.50"), "satisfaction_distribution": distribution(s4=1, s5=1),
    "ombudsman_transferred": 0, "ombudsman_offered": 0,
    "agencies": 1, "connected": 1, "connectivity_pct": D("100.0"), "active": 1, "activity_pct": D("100.0"),
}


def test_agency(story):
    assert figures(Scope.agency("kota-35-78")) == CITY


def test_province_is_computed_over_the_union_of_its_agencies(story):
    # Jawa Timur: the city and the provincial government (which received nothing and is idle).
    assert figures(Scope.province("35")) == CITY | {
        "agencies": 2, "connected": 1, "connectivity_pct": D("50.0"), "active": 1, "activity_pct": D("50.0"),
    }


MINISTRY = {
    "received": 3,  # r3 (disposed on Thursday), r8, r9
    "verified_decided": 3, "verified_on_time": 3, "verified_on_time_pct": D("100.0"),
    "followed_up": 1, "followed_up_measured": 1, "followed_up_on_time": 1, "followed_up_on_time_pct": D("100.0"),
    "completed": 0, "in_process": 1, "follow_up_rate": D("33.3"), "completion_rate": D("0.0"),
    "days_to_follow_up_median": D("1.0"), "days_to_follow_up_p90": D("1.0"),
    "days_to_completion_median": None, "days_to_completion_p90": None,
    "overdue_now": 0,
    "re_dispositions": 0, "re_disposition_share": D("0.0"),
    "reopened": 0, "reopen_rate": D("0.0"),
    "rated": 0, "appealed": 0, "appeal_rate": None,
    "satisfaction_count": 0, "satisfaction_mean": None, "satisfaction_distribution": distribution(),
    "ombudsman_transferred": 1, "ombudsman_offered": 1,
    "agencies": 1, "connected": 0, "connectivity_pct": D("0.0"), "active": 1, "activity_pct": D("100.0"),
}


def test_coordinator_covers_the_agencies_it_coordinates(story):
    assert figures(Scope.coordinator("kemenko-pmk")) == MINISTRY
    assert figures(Scope.agency("kemenkes")) == MINISTRY


def test_unit(story):
    # Disdik Surabaya holds r1 and r2; units do not verify and have no connectivity of their own.
    assert figures(Scope.unit("kota-35-78-disdik")) == {
        "received": 2,
        "verified_decided": 0, "verified_on_time": 0, "verified_on_time_pct": None,
        "followed_up": 2, "followed_up_measured": 2, "followed_up_on_time": 1, "followed_up_on_time_pct": D("50.0"),
        "completed": 2, "in_process": 0, "follow_up_rate": D("100.0"), "completion_rate": D("100.0"),
        "days_to_follow_up_median": D("4.5"), "days_to_follow_up_p90": D("5.7"),  # 3, 6
        "days_to_completion_median": D("7.0"), "days_to_completion_p90": D("9.4"),  # 4, 10
        "overdue_now": 0,
        "re_dispositions": 0, "re_disposition_share": D("0.0"),
        "reopened": 1, "reopen_rate": D("50.0"),
        "rated": 2, "appealed": 1, "appeal_rate": D("50.0"),
        "satisfaction_count": 2, "satisfaction_mean": D("4.50"), "satisfaction_distribution": distribution(s4=1, s5=1),
        "ombudsman_transferred": 0, "ombudsman_offered": 0,
        "agencies": 0, "connected": 0, "connectivity_pct": None, "active": 0, "activity_pct": None,
    }


def test_working_days_are_counted_in_the_agency_time_zone(story):
    jayapura = compute(Scope.agency("kota-91-71"), WEEK)
    # Received on Friday 19:30 WIT, followed up on Tuesday 23:30 WIB = Wednesday 01:30 WIT:
    # Monday, Tuesday, Wednesday = 3 HK (it would be 2 in Jakarta time).
    assert (jayapura.received, jayapura.followed_up_on_time, jayapura.days_to_follow_up_median) == (1, 1, D("3.0"))
    assert (jayapura.verified_decided, jayapura.verified_on_time) == (1, 1)
    # Connected on paper only: the decree is there, the liaison post is empty.
    assert (jayapura.connected, jayapura.active) == (0, 0)


def test_a_later_period(story):
    following = Period.days("2026-11-30", "2026-12-04")
    national = compute(Scope.national(), following)
    # Nothing was submitted that week: every rate is "—", never 0 %.
    assert national.received == 0
    assert [national.follow_up_rate, national.verified_on_time_pct, national.re_disposition_share] == [None, None, None]
    assert national.days_to_follow_up_median is None and national.satisfaction_mean is None
    # "Overdue now" does not depend on the period; activity does: the city and Jayapura acted.
    assert national.overdue_now == 1
    assert (national.active, national.activity_pct) == (2, D("40.0"))
    # The ministry received nothing in that week, but its official verified nothing either.
    assert compute(Scope.agency("kemenkes"), following).verified_decided == 0


def test_a_report_received_in_a_later_period_belongs_to_that_period(story):
    # r3 was submitted to the city on Tuesday 24 and received by the ministry on Thursday 26.
    thursday = Period.days("2026-11-26")
    assert compute(Scope.agency("kemenkes"), thursday).received == 1
    assert compute(Scope.agency("kota-35-78"), Period.days("2026-11-24")).received == 0
    assert compute(Scope.national(), Period.days("2026-11-24")).received == 2  # r3, r9


def test_children_tables(story):
    rows = compute_children(Scope.national(), WEEK)
    assert [(r.scope.code, r.received) for r in rows] == [("35", 4), ("91", 1)]
    rows = compute_children(Scope.national(), WEEK, by=Scope.AGENCY)
    assert sorted((r.scope.code, r.received) for r in rows) == [
        ("kemenkes", 3), ("kemenko-pmk", 0), ("kota-35-78", 4), ("kota-91-71", 1), ("prov-35", 0)
    ]
    assert [(r.scope.code, r.received) for r in compute_children(Scope.province("35"), WEEK)] == [
        ("kota-35-78", 4), ("prov-35", 0)
    ]
    assert [(r.scope.code, r.received) for r in compute_children(Scope.coordinator("kemenko-pmk"), WEEK)] == [("kemenkes", 3)]
    units = compute_children(Scope.agency("kota-35-78"), WEEK)
    assert [(r.scope.code, r.received, r.in_process) for r in units] == [
        ("kota-35-78-dinkes", 1, 1), ("kota-35-78-disdik", 2, 0)
    ]
    # The agency's own figure counts r4, which no unit holds yet.
    assert compute(Scope.agency("kota-35-78"), WEEK).received == 4
    assert compute_children(Scope.unit("kota-35-78-disdik"), WEEK) == []
