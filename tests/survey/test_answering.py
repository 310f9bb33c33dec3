"""Answering a survey through the pages: all answers or none, precise messages, one response per
session or account, closed surveys refuse, a rate limit per client address; no identity stored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lapor.core import clock
from lapor.survey.models import Answer, Response, Survey
from tests.conftest import sign_in
from tests.web.conftest import Browser

from .conftest import counts, make_survey, q


def fill(survey: Survey, **answers) -> dict:
    """Form values by question order: fill(survey, q1="4", q2="Web")."""
    return {f"q{q(survey, int(k[1:])).pk}": v for k, v in answers.items()}


def post_again(browser: Browser, survey: Survey, **answers):
    """Post answers straight to the survey (an old tab, a replayed request), with the session's CSRF token."""
    token = browser.http.cookies["csrftoken"].value
    return browser.http.post(f"/survei/{survey.pk}/", fill(survey, **answers), headers={"X-CSRFToken": token})


def answer_as(browser: Browser, survey: Survey, **answers):
    browser.get(f"/survei/{survey.pk}/")
    return browser.submit(f"/survei/{survey.pk}/", **fill(survey, **answers))


def test_the_open_survey_is_listed_and_a_guest_answers_it(world, survey, browser):
    index = browser.get("/survei/").content.decode()
    assert survey.title in index and f'href="/survei/{survey.pk}/"' in index
    page = answer_as(browser, survey, q1="2", q2="SMS 1708", q3="Balasan dinas terlalu lama, hubungi saya di 081234567890", q4="")
    assert page.redirect_chain[-1][0] == f"/survei/{survey.pk}/terima-kasih/"
    assert "Thank you" in browser.html and "have been recorded" in browser.html
    response = Response.objects.get()
    assert (response.survey, response.respondent_kind, response.submitted_at) == (survey, "guest", clock.now())
    assert len(response.respondent_hash) == 64 and all(c in "0123456789abcdef" for c in response.respondent_hash)
    assert sorted((a.question.order, a.scale_value, a.choice, a.text) for a in Answer.objects.all()) == [
        (1, 2, "", ""), (2, None, "SMS 1708", ""), (3, None, "", "Balasan dinas terlalu lama, hubungi saya di 081234567890"),
    ]
    # The same session is told it has answered, and has no form to answer again.
    page = browser.get(f"/survei/{survey.pk}/").content.decode()
    assert "You have already answered this survey." in page and 'method="post" action="/survei/' not in page


def test_the_thank_you_page_is_only_for_who_just_answered(world, survey, browser):
    page = browser.get(f"/survei/{survey.pk}/terima-kasih/")
    assert page.redirect_chain[-1][0] == "/survei/"


@pytest.mark.parametrize(
    ("answers", "messages"),
    [
        ({"q1": "", "q2": ""}, ["Choose a number from 1 to 5.", "Choose one of the answers."]),
        ({"q1": "7", "q2": "Web"}, ["Choose a number from 1 to 5."]),
        ({"q1": "tiga", "q2": "Web"}, ["Choose a number from 1 to 5."]),
        ({"q1": "3", "q2": "Surat"}, ["Choose one of the answers listed."]),
        ({"q1": "3", "q2": "Web", "q3": "x" * 2001}, ["The answer is too long (at most 2000 characters; you wrote 2001)."]),
        ({"q1": "3", "q2": "Web", "q4": "0"}, ["Choose a number from 1 to 5."]),
    ],
)
def test_bad_answers_are_refused_with_a_precise_message_and_nothing_is_written(world, survey, browser, answers, messages):
    page = answer_as(browser, survey, **answers)
    assert page.status_code == 422
    html = browser.html
    assert "Some answers need your attention." in html
    for message in messages:
        assert message in html
    assert 'aria-invalid="true"' in html or 'aria-describedby="q' in html
    assert counts() == (0, 0)
    # What was typed is kept on the page.
    if answers.get("q2") == "Web":
        assert 'value="Web" checked' in html


def test_a_survey_with_only_optional_questions_needs_at_least_one_answer(world, browser):
    survey = make_survey()
    survey.questions.update(required=False)
    page = answer_as(browser, survey)
    assert page.status_code == 422 and "Answer at least one question." in browser.html
    assert counts() == (0, 0)


def test_nothing_is_half_written_when_the_answers_cannot_be_stored(world, survey, browser, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Answer.objects, "bulk_create", broken)
    browser.get(f"/survei/{survey.pk}/")
    with pytest.raises(RuntimeError):
        browser.submit(f"/survei/{survey.pk}/", **fill(survey, q1="4", q2="Web"))
    assert counts() == (0, 0)


def test_one_response_per_session(world, survey, browser):
    answer_as(browser, survey, q1="4", q2="Web")
    assert counts() == (1, 2)
    # Posting again from the same session (say, an old tab) is refused.
    page = post_again(browser, survey, q1="1", q2="WhatsApp")
    assert page.status_code == 409 and "You have already answered this survey." in page.content.decode()
    assert counts() == (1, 2)
    # Another browser is another respondent.
    assert answer_as(Browser(), survey, q1="1", q2="WhatsApp").status_code == 200
    assert counts() == (2, 4)


def test_one_response_per_account_whatever_the_session(world, survey):
    first, second = Browser(), Browser()
    sign_in(first.http, world.citizen)
    sign_in(second.http, world.citizen)
    answer_as(first, survey, q1="5", q2="Web")
    second.get(f"/survei/{survey.pk}/")
    assert "You have already answered this survey." in second.html and 'action="/survei/' not in second.html.split("<main")[1]
    page = post_again(second, survey, q1="1", q2="Web")
    assert page.status_code == 409
    assert counts() == (1, 2)
    assert Response.objects.get().respondent_kind == "citizen"


def test_officials_are_counted_as_officials_and_no_account_is_stored(world, survey):
    browser = Browser()
    sign_in(browser.http, world.education_officer)
    answer_as(browser, survey, q1="3", q2="Web")
    response = Response.objects.get()
    assert response.respondent_kind == "official"
    stored = [str(v) for v in Response.objects.values_list().get()] + [str(v) for row in Answer.objects.values_list() for v in row]
    for identity in (world.education_officer.username, str(world.education_officer.pk) + ":", world.education_officer.full_name):
        assert not any(identity in v for v in stored)
    # The hash differs from one survey to the next: answers cannot be linked across surveys.
    other = make_survey(title="Survei Kedua")
    answer_as(browser, other, q1="3", q2="Web")
    assert len(set(Response.objects.values_list("respondent_hash", flat=True))) == 2


def test_a_closed_survey_refuses_answers(world, survey, browser):
    browser.get(f"/survei/{survey.pk}/")
    clock.freeze(survey.closes_at + timedelta(seconds=1))
    page = browser.get(f"/survei/{survey.pk}/")
    assert "no longer takes answers" in browser.html and 'action="/survei/' not in browser.html.split("<main")[1]
    page = post_again(browser, survey, q1="4", q2="Web")
    assert page.status_code == 409 and "no longer takes answers" in page.content.decode()
    assert counts() == (0, 0)
    index = browser.get("/survei/").content.decode()
    assert "No survey is open at the moment." in index and f'href="/survei/{survey.pk}/hasil/"' in index


@pytest.mark.parametrize("kind", ["unpublished", "not_yet_open"])
def test_unpublished_and_future_surveys_do_not_exist_for_the_public(world, browser, kind):
    survey = make_survey(published=False) if kind == "unpublished" else make_survey(opens_in=timedelta(days=2))
    assert browser.get(f"/survei/{survey.pk}/").status_code == 404
    assert browser.http.post(f"/survei/{survey.pk}/", fill(survey, q1="4", q2="Web")).status_code in (403, 404)
    assert survey.title not in browser.get("/survei/").content.decode()
    assert counts() == (0, 0)


def test_answers_are_rate_limited_per_client_address(world, survey, settings):
    settings.LAPOR_SURVEY_RESPONSES_PER_HOUR = 2
    for _ in range(2):
        assert answer_as(Browser(), survey, q1="4", q2="Web").status_code == 200
    third = Browser()
    page = answer_as(third, survey, q1="4", q2="Web")
    assert page.status_code == 429 and "Too many survey answers from your address" in third.html
    assert counts() == (2, 4)


def test_reading_a_survey_starts_no_session_for_a_guest(world, survey, client):
    assert client.get(f"/survei/{survey.pk}/").status_code == 200
    assert client.get(f"/survei/{survey.pk}/hasil/").status_code == 200
    assert "sessionid" not in client.cookies


def test_a_required_free_text_question_needs_an_answer(world, survey, browser):
    survey.questions.filter(order=3).update(required=True)
    page = answer_as(browser, survey, q1="3", q2="Web", q3="   ")
    assert page.status_code == 422 and "Write an answer." in browser.html
    assert counts() == (0, 0)
