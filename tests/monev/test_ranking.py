"""The agency ranking index (docs/indicators.md, "Agency ranking index"): the documented weights,
how missing indicators count, and the order on a small world driven through report_act."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.test import Client

from lapor.accounts.models import Position, Role
from lapor.agencies.models import Agency
from lapor.monev import ranking
from lapor.monev.indicators import compute
from lapor.monev.scopes import Period, Scope

from ..conftest import sign_in
from .evaluation_world import official
from .scenario import act, at, submit

WEEK = Period.days("2026-11-23", "2026-11-29")
DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_the_documented_weights_are_the_ones_used():
    text = DOC.read_text()
    section = text.split("## Agency ranking index", 1)[1].split("\n## ", 1)[0]
    documented = {name: int(weight) for name, weight in re.findall(r"^\| `(\w+)` \| [^|]+\| (\d+) \|", section, re.M)}
    assert documented == {name: weight for name, weight, _label in ranking.WEIGHTS}
    assert sum(documented.values()) == 100


def test_missing_components_are_left_out_and_the_others_scaled_up():
    full = {name: Fraction(100) for name, _w, _l in ranking.WEIGHTS}
    assert ranking.index_of(full) == (Decimal("100.0"), 100)
    parts = {**full, "satisfaction": None, "completion_rate": Fraction(0), "follow_up_rate": Fraction(50)}
    # (25*50 + 20*100 + 20*0 + 15*100 + 5*100 + 5*100) / 90
    assert ranking.index_of(parts) == (Decimal("63.9"), 90)
    assert ranking.index_of({name: None for name in full}) == (None, 0)


def _handle(w, agency_code, unit_code, admin, officer, *, rate=None, forward=True, follow_up=True):
    report = submit(w.citizen)
    act(report, w.national_admin, "dispose", agency=agency_code)
    if forward:
        act(report, admin, "forward", unit=unit_code)
        if follow_up:
            act(report, officer, "follow_up", note="Sudah ditindaklanjuti.")
            if rate:
                act(report, w.citizen, "rate", rating=rate)
    return report


@pytest.fixture
def ranked(world):
    w = world
    sidoarjo = Agency.objects.create(code="kab-35-15", name="Kabupaten Sidoarjo", kind="regency", region=w.province)
    Agency.objects.create(code="kab-35-15-disdik", name="Dinas Pendidikan Sidoarjo", kind="unit", parent=sidoarjo)
    sidoarjo_admin = official("sidoarjoadmin", Role.AGENCY_ADMIN, sidoarjo, "Admin Sidoarjo")
    sidoarjo_officer = official("sidoarjodisdik", Role.LIAISON_OFFICER, Agency.objects.get(code="kab-35-15-disdik"), "PP Disdik")
    at("2026-11-23", "09:00")
    for _ in range(2):
        _handle(w, "kota-35-78", "kota-35-78-disdik", w.city_admin, w.education_officer, rate=5)
        _handle(w, "kab-35-15", "kab-35-15-disdik", sidoarjo_admin, sidoarjo_officer, rate=5)
    _handle(w, "kemenkes", "kemenkes-yankes", w.ministry_admin, w.ministry_officer)
    _handle(w, "kemenkes", "kemenkes-yankes", w.ministry_admin, w.ministry_officer, forward=False)
    at("2026-12-01")
    agencies = Agency.objects.filter(code__in=["kota-35-78", "kab-35-15", "kemenkes", "kota-91-71"]).order_by("code")
    return w, ranking.rank(ranking.agency_scopes(agencies), WEEK)


def test_ranking_order_ties_and_unranked(ranked):
    _w, rows = ranked
    table = [(r.rank, r.scope.code, r.index, r.weight_used) for r in rows]
    assert table == [
        # Everything on time, closed, rated 5, active; no decree (connectivity 0): 95.0, a tie.
        (1, "kab-35-15", Decimal("95.0"), 100),
        (1, "kota-35-78", Decimal("95.0"), 100),
        # Received 2: one forwarded on time and followed up on time, one never verified; nothing
        # closed, nothing rated (satisfaction left out): (25*50 + 20*100 + 20*0 + 15*100 + 5*0 + 5*100) / 90.
        (3, "kemenkes", Decimal("58.3"), 90),
        # Received nothing: not ranked.
        (None, "kota-91-71", None, 0),
    ]


def test_the_components_are_the_engines_indicators(ranked):
    _w, rows = ranked
    ministry = next(r for r in rows if r.scope.code == "kemenkes")
    ind = compute(Scope.agency("kemenkes"), WEEK)
    assert ministry.indicators.follow_up_rate == ind.follow_up_rate == Decimal("50.0")
    assert ministry.parts == {
        "follow_up_rate": Decimal("50.0"), "followed_up_on_time": Decimal("100.0"), "completion_rate": Decimal("0.0"),
        "verified_on_time": Decimal("100.0"), "satisfaction": None, "connectivity": Decimal("0.0"), "activity": Decimal("100.0"),
    }
    city = next(r for r in rows if r.scope.code == "kota-35-78")
    assert city.parts["satisfaction"] == Decimal("100.0")  # mean rating 5


def test_the_ranking_page(ranked):
    w, _rows = ranked
    client = Client(headers={"Accept-Language": "en"})
    sign_in(client, w.national_admin)
    page = client.get("/monev/evaluasi/peringkat/", {"dari": "2026-11-23", "sampai": "2026-11-29", "provinsi": "35"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<caption" in html and "Agencies ranked by the index, 2026-11-23 to 2026-11-29" in html
    assert html.index("Kabupaten Sidoarjo") < html.index("Pemerintah Kota Surabaya")
    assert "Kementerian Kesehatan" not in html  # not in the province
    assert "95.0" in html
    assert client.get("/monev/evaluasi/peringkat/", {"dari": "2026-11-30", "sampai": "2026-11-01"}).status_code == 400

    # An agency admin ranks only the agency it evaluates; a liaison officer may not see it.
    client = Client(headers={"Accept-Language": "en"})
    sign_in(client, w.city_admin)
    html = client.get("/monev/evaluasi/peringkat/", {"dari": "2026-11-23", "sampai": "2026-11-29"}).content.decode()
    assert "Pemerintah Kota Surabaya" in html and "Kabupaten Sidoarjo" not in html
    client = Client()
    sign_in(client, w.education_officer)
    assert client.get("/monev/evaluasi/peringkat/").status_code == 403
    assert Position.objects.filter(role=Role.LIAISON_OFFICER, holder=w.education_officer).exists()
