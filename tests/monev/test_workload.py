"""Workload and ageing counted in the database (`workload.open_ages`) equal each open report's own
age (`workload.age`), also when a unit is in another time zone than its agency and reports were
received late in the evening (the next day, or a Saturday, further east)."""

from __future__ import annotations

from lapor.agencies.models import Agency
from lapor.agencies.selectors import agency_and_units
from lapor.monev import workload
from lapor.monev.indicators import child_scopes
from lapor.monev.scopes import Scope, units_under
from lapor.reports.models import Report

from . import scenario


def expected_by_unit(agency: Agency) -> list[tuple[list[int], int]]:
    """Buckets and overdue per row of `workload_by_unit`, from every open report's own age."""
    units = list(agency.units.order_by("name", "code"))
    under = {pk: unit.pk for unit in units for pk in agency_and_units({unit.pk})}
    rows = {None: ([0] * len(workload.BUCKETS), [0])} | {u.pk: ([0] * len(workload.BUCKETS), [0]) for u in units}
    for report in workload.open_reports(agency):
        buckets, overdue = rows[under.get(report.unit_id)]
        buckets[workload.bucket_of(workload.age(report))] += 1
        overdue[0] += report.is_overdue
    return [(buckets, overdue[0]) for buckets, overdue in rows.values()]


def test_ages_counted_in_the_database_equal_each_reports_age_across_time_zones(world):
    Agency.objects.filter(pk=world.city_health.pk).update(timezone="Asia/Jayapura")  # WIT, 2 hours ahead
    made = []
    # Friday 23:30 WIB is Saturday 01:30 WIT; Tuesday 23:30 WIB is Wednesday 01:30 WIT.
    for day, hhmm in (("2026-11-20", "23:30"), ("2026-11-17", "23:30"), ("2026-11-10", "08:00"), ("2026-11-02", "22:15")):
        for unit in (None, "kota-35-78-disdik", "kota-35-78-dinkes"):
            scenario.at(day, hhmm)
            report = scenario.submit(world.citizen, target_agency_code="kota-35-78", title=f"Jalan rusak {day}", event_date="")
            if unit:
                scenario.act(report, world.city_admin, "forward", unit=unit)
            made.append(report)
        scenario.at(day, hhmm)
        made.append(scenario.submit(world.citizen, target_agency_code="kota-91-71", title=f"Jalan rusak {day}", event_date=""))
    Report.objects.filter(pk__in=[r.pk for r in made[::3]]).update(is_overdue=True)
    scenario.at("2026-11-23")
    for agency in (world.city, world.papua):
        rows = workload.workload_by_unit(agency)
        assert [(r.buckets, r.overdue) for r in rows] == expected_by_unit(agency), agency
        assert sum(r.total for r in rows) == workload.open_reports(agency).count()
    # Two zones at the city: its own and the health office's; every open report counted once.
    ages = workload.open_ages(world.city)
    assert sum(a.n for a in ages) == 12
    positions = {r.unit_label: r.buckets for r in workload.workload_by_position(world.city)}
    health = [0] * len(workload.BUCKETS)
    for report in workload.open_reports(world.city).filter(unit=world.city_health, status__in=workload.WAITING_FOR_LIAISON):
        health[workload.bucket_of(workload.age(report))] += 1
    assert positions[str(world.city_health)] == health and sum(health) == 4


def test_units_scopes_built_together_equal_each_units_scope(world):
    nested = Agency.objects.create(code="kota-35-78-disdik-sd", name="Bidang SD", kind="unit", parent=world.city_education)
    for code in ("kota-35-78", "kota-35-78-disdik", "kota-91-71"):
        want = child_scopes(Scope.agency(code) if code != "kota-35-78-disdik" else Scope.unit(code))
        got = Scope.units(code)
        assert [(s.kind, s.code, s.name, s.agency_ids) for s in got] == [(s.kind, s.code, s.name, s.agency_ids) for s in want]
    assert nested.pk in {pk for s in Scope.units("kota-35-78") for pk in s.agency_ids}
    assert units_under(world.city.pk)[nested.pk] == world.city_education.pk
