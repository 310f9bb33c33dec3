"""Where a report may go — one definition (lapor.agencies.selectors) for the forms, the effects
and the API: disposed or filed to an agency (never a unit, never the desk); a "not our
authority" answer names another competent agency (never the Ombudsman, never itself)."""

from __future__ import annotations

import re

import pytest

from lapor.agencies.models import Agency
from lapor.agencies.selectors import competent_agencies, may_be_named_competent, may_receive, receiving_agencies
from lapor.core.errors import InvalidInput
from lapor.reports.services import report_act


def _options(html: str, select_id: str) -> set[str]:
    block = re.search(rf'<select id="{select_id}".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="([^"]+)"', block))


def test_the_definitions_agree(world):
    ombudsman = Agency.objects.get(code="ombudsman")
    receivers = set(receiving_agencies())
    assert world.city in receivers and ombudsman in receivers
    assert world.desk not in receivers and world.city_education not in receivers
    assert all(may_receive(a) for a in receivers)
    assert not may_receive(world.desk) and not may_receive(world.city_education)
    competent = set(competent_agencies(world.city.pk))
    assert competent == {a for a in receivers if may_be_named_competent(a, world.city.pk)}
    assert ombudsman not in competent and world.city not in competent and world.ministry in competent


def test_the_not_our_authority_form_offers_only_agencies_the_answer_may_name(world, submit, officer_browser):
    report, _ = submit(target_agency_code=world.city.code)  # straight to the city: its admin may answer
    html = officer_browser(world.city_admin).get(f"/petugas/laporan/{report.tracking_number}/").content.decode()
    offered = _options(html, "not_our_authority-agency")
    assert offered == {a.code for a in competent_agencies(world.city.pk)}
    assert "ombudsman" not in offered and world.city.code not in offered


def test_the_dispose_form_offers_every_receiving_agency(world, submit, officer_browser):
    report, _ = submit()
    html = officer_browser(world.national_admin).get(f"/petugas/laporan/{report.tracking_number}/").content.decode()
    assert _options(html, "dispose-agency") == {a.code for a in receiving_agencies()}


@pytest.mark.parametrize("named", ["ombudsman", "desk", "same"])
def test_the_answer_refuses_what_the_form_does_not_offer(world, submit, named):
    report, _ = submit(target_agency_code=world.city.code)
    code = {"ombudsman": "ombudsman", "desk": world.desk.code, "same": world.city.code}[named]
    with pytest.raises(InvalidInput):
        report_act(tracking_number=report.tracking_number, action="not_our_authority", actor=world.actor(world.city_admin),
                   payload={"suggested_agency": code, "note": "Bukan kewenangan pemerintah kota."})
