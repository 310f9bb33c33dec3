"""The results: exact aggregates per question, an accessible table behind every chart, and the
free-text answers shown only to the national admin, redacted — never on the public page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from lapor.core import clock
from lapor.survey import selectors
from lapor.survey.services import Respondent, submit_response
from tests.conftest import sign_in

from .conftest import make_survey, q

SECRET_TEXT = "Petugas Budi-Rhs-77 di loket meminta uang; NIK saya 3578011234567890, telepon 0812-3456-7890, budi@contoh.id"


def answer(survey, n: int, **answers):
    raw = {f"q{q(survey, int(k[1:])).pk}": v for k, v in answers.items()}
    return submit_response(survey_id=survey.pk, respondent=Respondent("guest", f"session:{n}"), raw=raw)


@pytest.fixture
def answered(world, survey):
    answer(survey, 1, q1="5", q2="Web", q3=SECRET_TEXT, q4="3")
    answer(survey, 2, q1="4", q2="Web")
    answer(survey, 3, q1="4", q2="WhatsApp", q3="Cepat dan jelas.")
    answer(survey, 4, q1="2", q2="Web")
    return survey


def page_for(user, survey) -> str:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        sign_in(client, user)
    response = client.get(f"/survei/{survey.pk}/hasil/")
    assert response.status_code == 200
    return response.content.decode()


def test_aggregates_are_exact(answered):
    total, results = selectors.results(answered)
    assert total == 4
    scale, choice, text, optional = results
    assert scale.answered == 4 and scale.mean == Decimal("3.75")
    assert [(r.label, r.count, r.percent) for r in scale.rows] == [
        ("1", 0, Decimal("0.0")), ("2", 1, Decimal("25.0")), ("3", 0, Decimal("0.0")), ("4", 2, Decimal("50.0")), ("5", 1, Decimal("25.0")),
    ]
    assert choice.answered == 4 and choice.mean is None
    assert [(r.label, r.count, r.percent) for r in choice.rows] == [
        ("Web", 3, Decimal("75.0")), ("SMS 1708", 0, Decimal("0.0")), ("WhatsApp", 1, Decimal("25.0")),
    ]
    assert (text.answered, text.texts) == (2, [])
    assert optional.answered == 1 and optional.mean == Decimal("3.00")
    assert [r.count for r in optional.rows] == [0, 0, 1, 0, 0]


def test_thirds_round_half_up(world, survey):
    for n, value in enumerate(["1", "1", "2"]):
        answer(survey, n, q1=value, q2="Web")
    _total, results = selectors.results(survey)
    assert results[0].mean == Decimal("1.33")
    assert [r.percent for r in results[0].rows[:2]] == [Decimal("66.7"), Decimal("33.3")]


def test_the_public_page_shows_the_figures_in_tables_behind_the_charts(answered):
    html = page_for(None, answered)
    assert "4 responses" in html and "3.75" in html
    table = re.search(r'<caption id="t%d">Answers to question 1</caption>(.*?)</table>' % q(answered, 1).pk, html, re.S).group(1)
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(\d+)</td><td>(.*?) %</td></tr>', table)
    assert rows == [("1", "0", "0.0"), ("2", "1", "25.0"), ("3", "0", "0.0"), ("4", "2", "50.0"), ("5", "1", "25.0")]
    assert '<svg class="bars" aria-hidden="true"' in html
    assert re.search(r'<rect x="130" y="\d+" width="110" height="16"', html), "the 50 % bar is half of 220 units"
    # Under the strict CSP: no inline style or script anywhere on the page.
    assert " style=" not in html and "<style" not in html and "<script" not in html


def test_figures_use_a_dot_in_the_svg_whatever_the_language(answered):
    client = Client(headers={"Accept-Language": "id"})
    html = client.get(f"/survei/{answered.pk}/hasil/").content.decode()
    assert "3,75" in html  # shown the Indonesian way
    assert re.search(r'<rect x="130" y="\d+" width="55" height="16"', html)
    assert not re.search(r'<rect[^>]*width="\d+,', html)


MARKERS = ["Budi-Rhs-77", "3578011234567890", "0812-3456-7890", "budi@contoh.id", "Cepat dan jelas."]


@pytest.mark.parametrize("who", [None, "citizen", "outsider", "education_officer", "city_admin", "ministry_admin"])
def test_free_text_is_never_on_the_results_page_for_anyone_but_the_national_admin(answered, world, who):
    html = page_for(getattr(world, who) if who else None, answered)
    assert "2 written answers" in html
    for marker in MARKERS:
        assert marker not in html, (who, marker)
    assert "Written answers (national admin only" not in html


def test_the_national_admin_reads_the_free_text_redacted(answered, world):
    html = page_for(world.national_admin, answered)
    assert "Written answers (national admin only; personal data removed)" in html
    assert "Cepat dan jelas." in html and "Budi-Rhs-77" in html
    for personal in ("3578011234567890", "0812-3456-7890", "budi@contoh.id"):
        assert personal not in html
    assert "[NIK]" in html and "[TELEPON]" in html and "[EMAIL]" in html


def test_results_of_a_closed_survey_stay_public_and_unpublished_ones_do_not_exist(answered, world):
    clock.freeze(answered.closes_at + timedelta(days=1))
    html = page_for(None, answered)
    assert "4 responses" in html and "results so far" not in html
    draft = make_survey(published=False, title="Draf")
    assert Client().get(f"/survei/{draft.pk}/hasil/").status_code == 404
    assert Client().get("/survei/999/hasil/").status_code == 404


def test_the_home_page_links_to_the_survey(world, client):
    assert 'href="/survei/"' in client.get("/").content.decode()


def test_the_track_page_of_a_closed_report_links_to_the_survey(world, submit, client):
    from lapor.accounts.actors import Actor
    from lapor.reports.services import report_act

    report, secret = submit()
    assert 'href="/survei/"' not in client.get(f"/lacak/{report.tracking_number}/").content.decode()
    for user, action, payload in [
        (world.national_admin, "dispose", {"agency": "kota-35-78", "note": "Kewenangan Pemkot"}),
        (world.city_admin, "forward", {"unit": "kota-35-78-disdik"}),
        (world.education_officer, "respond", {"note": "Sedang kami periksa."}),
        (world.education_officer, "follow_up", {"note": "Uang dikembalikan."}),
    ]:
        report_act(tracking_number=report.tracking_number, action=action, actor=Actor.for_user(user), payload=payload)
    report_act(tracking_number=report.tracking_number, action="rate", actor=Actor(reporter_secret=secret), payload={"rating": 4})
    assert 'href="/survei/"' in client.get(f"/lacak/{report.tracking_number}/").content.decode()
