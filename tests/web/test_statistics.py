"""The public statistics page: the indicators for the country and per province, the same as the
engine computes; aggregates only (no title, reporter or text of any report)."""

from __future__ import annotations

import pytest
from django.test import Client

from lapor.accounts.actors import Actor
from lapor.monev.indicators import compute
from lapor.monev.scopes import Period, Scope
from lapor.reports.services import report_act


def test_figures_match_the_engine_and_name_nobody(world, submit):
    desk, admin, officer = (Actor.for_user(u) for u in (world.national_admin, world.city_admin, world.education_officer))
    reports = [submit(title=f"Rahasia sekali nomor {i}", contact_name="Siti Aminah", is_confidential=i == 0)[0] for i in range(3)]
    for report in reports[:2]:
        report_act(tracking_number=report.tracking_number, action="dispose", actor=desk, payload={"agency": "kota-35-78"})
        report_act(tracking_number=report.tracking_number, action="forward", actor=admin, payload={"unit": "kota-35-78-disdik"})
    report_act(tracking_number=reports[0].tracking_number, action="respond", actor=officer, payload={"note": "Sedang kami periksa."})

    html = Client(headers={"Accept-Language": "en"}).get("/statistik/").content.decode()
    engine = compute(Scope.national(), Period.days("2026-01-01", "2026-11-23"))
    assert engine.received == 3 and engine.in_process == 1
    assert "<dt>Reports received</dt><dd>3</dd>" in html
    assert f"{engine.follow_up_rate} %" in html and "0 completed, 1 in process" in html
    assert '<th scope="row">Jawa Timur</th><td>2</td>' in html  # the two received by the city
    for private in ("Rahasia sekali", "Siti", "Aminah", reports[0].tracking_number):
        assert private not in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"dari": "23-11-2026"}, "Dates must look like 2026-11-23."),
        ({"dari": "2026-11-20", "sampai": "2026-11-01"}, "The start date is after the end date."),
        ({"dari": "2020-01-01", "sampai": "2026-11-01"}, "Choose a period of at most two years."),
    ],
)
def test_a_bad_period_is_explained(world, params, message):
    page = Client(headers={"Accept-Language": "en"}).get("/statistik/", params)
    assert page.status_code == 200 and message in page.content.decode()
