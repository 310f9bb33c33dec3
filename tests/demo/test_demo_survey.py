"""The demo's user survey (ADR 0018): written with a question of every kind, open over the demo's
period, answered through the survey service by demo citizens, officials and guests, its results
page showing the figures to everyone and the written answers (redacted) to the national admin
only; loaded once, and the same for the same seed."""

from __future__ import annotations

import io
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils.html import escape

from lapor.accounts.models import User
from lapor.core import clock
from lapor.demo import survey as demo
from lapor.demo.accounts import DEMO_CITIZEN
from lapor.demo.reports import load_demo
from lapor.survey import selectors, services
from lapor.survey.models import Answer, Question, Response, Survey
from tests.conftest import MONDAY_9AM
from tests.survey.test_results import page_for

# Words that Indonesian questions and suggestions nearly always contain, and English rarely does.
INDONESIAN = re.compile(r"\b(anda|apa|apakah|bagaimana|seberapa|dari|yang|di|dan|ada|mohon|tolong|saya|kami|tidak|sudah|untuk|"
                        r"lebih|sebaiknya|perlu|laporan)\b", re.I)
# The small registry (conftest) has 30 demo citizens and more than 8 officers outside the table.
EXPECTED = {"citizen": demo.CITIZENS, "official": demo.OFFICIALS, "guest": demo.GUESTS}


@pytest.fixture
def loaded(demo_registry):
    result = load_demo(reports=20, seed=3)
    clock.freeze(MONDAY_9AM)  # load_demo releases the clock; the survey is open at the demo's end
    return result


def _user_answered(survey, user) -> bool:
    return services.has_responded(survey, services.Respondent("citizen", f"user:{user.pk}"))


def test_the_demo_survey_is_open_with_every_kind_of_question_and_its_responses(loaded):
    survey = Survey.objects.get()
    assert loaded.survey.survey == survey and survey.title == "Survei Kepuasan Pengguna SP4N-LAPOR! Triwulan IV 2026"
    assert survey.is_open() and survey in selectors.open_surveys()
    questions = list(survey.questions.all())
    assert [q.order for q in questions] == list(range(1, len(questions) + 1))
    assert {q.kind for q in questions} == set(Question.Kind.values)
    assert {q.required for q in questions} == {True, False}
    for q in questions:
        q.full_clean()  # what the admin would accept
        assert INDONESIAN.search(q.text), q.text
    assert all(len(q.choice_list()) >= 3 for q in questions if q.kind == Question.Kind.CHOICE)

    # Every response is whole: one answer per answered question, required ones always answered.
    responses = Response.objects.filter(survey=survey)
    assert responses.count() == loaded.survey.responses == sum(EXPECTED.values())
    assert Counter(responses.values_list("respondent_kind", flat=True)) == EXPECTED == loaded.survey.by_kind
    required = {q.pk for q in questions if q.required}
    for response in responses.prefetch_related("answers"):
        assert survey.opens_at <= response.submitted_at <= MONDAY_9AM
        assert required <= {a.question_id for a in response.answers.all()}
    assert responses.values("submitted_at").distinct().count() > 100  # spread over the period

    # Demo citizens answered with their accounts (one response each); "warga", the account a
    # visitor is told to use, did not, so the answer page still takes their answers.
    citizens = User.objects.filter(username__regex=r"^warga\d\d$")
    assert sum(_user_answered(survey, u) for u in citizens) == demo.CITIZENS
    assert not _user_answered(survey, User.objects.get(username=DEMO_CITIZEN))
    assert not _user_answered(survey, User.objects.get(username="admin.nasional"))

    texts = list(Answer.objects.filter(question__survey=survey).exclude(text="").values_list("text", flat=True))
    assert len(texts) >= 20 and all("{" not in t for t in texts)
    assert sum(bool(INDONESIAN.search(t)) for t in texts) >= 0.9 * len(texts)


def test_the_results_page_shows_the_aggregates_to_all_and_the_written_answers_to_the_national_admin(loaded):
    survey = Survey.objects.get()
    overall = survey.questions.get(order=2)  # the overall rating, a scale
    again = survey.questions.get(order=6)  # "will you use LAPOR! again", a choice
    # The figures, computed here from the answers themselves.
    values = list(Answer.objects.filter(question=overall).values_list("scale_value", flat=True))
    mean = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    choices = Counter(Answer.objects.filter(question=again).values_list("choice", flat=True))
    assert len(values) == len(Response.objects.all()) and len(set(values)) >= 4 and len(choices) == 3
    written = list(Answer.objects.filter(question__survey=survey).exclude(text="").values_list("text", flat=True))

    for username in (None, "warga", "warga01", "penghubung.disdik.surabaya", "admin.nasional"):
        user = User.objects.get(username=username) if username else None
        html = page_for(user, survey)
        assert f"{len(values)} responses" in html
        assert f"<strong>{mean}</strong>" in html
        for choice in again.choice_list():
            n = choices[choice]
            assert re.search(rf'<th scope="row">{re.escape(escape(choice))}</th><td>{n}</td>', html), (username, choice)
        # The same access rule as the page: written answers only for the national admin, redacted.
        shown = [t for t in written if escape(t) in html]
        if selectors.may_read_free_text(user):
            assert username == "admin.nasional"
            assert shown and "Written answers" in html
            assert "@example.com" not in html and "0812-0000-" not in html
        else:
            assert shown == [] and "Written answers" not in html


def test_a_second_run_adds_no_second_survey_and_the_command_reports_it(demo_registry, monkeypatch):
    monkeypatch.setenv("LAPOR_DEMO", "1")
    out = io.StringIO()
    call_command("load_demo", "--reports", "20", stdout=out)
    total = sum(EXPECTED.values())
    text = out.getvalue()
    assert (f"survey: 1 survey, {total} responses ({demo.CITIZENS} citizens, {demo.OFFICIALS} officials, "
            f"{demo.GUESTS} guests)") in text
    assert f"/survei/{Survey.objects.get().pk}/hasil/" in text
    assert f"1 survey with {total} responses" in text

    second = load_demo(reports=20, seed=8)
    assert not second.created and second.survey.responses == total
    assert Survey.objects.count() == 1 and Response.objects.count() == total
    assert Question.objects.count() == len(Survey.objects.get().questions.all())
    again = io.StringIO()
    call_command("load_demo", "--yes-demo", stdout=again)
    assert f"already loaded (20 reports, 1 survey with {total} responses)" in again.getvalue()
    assert Survey.objects.count() == 1


def test_the_same_seed_gives_the_same_survey(demo_registry):
    def run(seed):
        with transaction.atomic():
            load_demo(reports=20, seed=seed, end=MONDAY_9AM)
            snapshot = list(Answer.objects.order_by("response__submitted_at", "question__order").values_list(
                "response__submitted_at", "response__respondent_kind", "question__order", "scale_value", "choice", "text"))
            transaction.set_rollback(True)
        return snapshot

    first = run(4)
    assert len(first) > 500 and first == run(4) and first != run(5)
