"""The survey's results as files (ADR 0020): the per-question figures equal the results page's,
the individual responses carry no identity and are ordered by their answers (not by submission),
written answers stay off the public files, formula-like text is defused, and the files are open
to exactly whoever may open the results page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from lapor.core import clock
from lapor.survey.models import Question, Response
from lapor.survey.services import Respondent, submit_response
from tests.conftest import sign_in
from tests.monev.helpers import tables_on

from .conftest import make_survey, q
from .test_results import MARKERS, SECRET_TEXT

WRITTEN = "(written answer, not published)"


def answer(survey, key: str, kind: str = "guest", **answers):
    raw = {f"q{q(survey, int(k[1:])).pk}": v for k, v in answers.items()}
    return submit_response(survey_id=survey.pk, respondent=Respondent(kind, key), raw=raw)


@pytest.fixture
def answered(world, survey):
    """Four responses, in this order: a guest, a citizen with an account, an official, a guest."""
    answer(survey, "session:a", q1="5", q2="Web", q3=SECRET_TEXT, q4="3")
    answer(survey, f"user:{world.citizen.pk}", "citizen", q1="4", q2="Web")
    answer(survey, f"user:{world.education_officer.pk}", "official", q1="4", q2="WhatsApp", q3="Cepat dan jelas.")
    answer(survey, "session:b", q1="2", q2="Web")
    return survey


def client_for(user=None, language="en") -> Client:
    client = Client(headers={"Accept-Language": language})
    if user is not None:
        sign_in(client, user)
    return client


def url(survey, table: str, fmt: str) -> str:
    return f"/survei/{survey.pk}/hasil/{table}.{fmt}"


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list]:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def get(client, survey, table, fmt):
    response = client.get(url(survey, table, fmt))
    assert response.status_code == 200, (table, fmt, response.status_code)
    assert response["Content-Disposition"] == f'attachment; filename="survei-{survey.pk}-{table}.{fmt}"'
    return read_csv(response) if fmt == "csv" else read_xlsx(response)


SUMMARY_HEADER = [
    "Question number", "Question", "Kind", "Responses to the survey", "Answers to the question", "Mean (1–5)", "Answer",
    "Number of answers", "Share (%)",
]


# --- the figures per question ---------------------------------------------------------------------
def test_the_summary_holds_the_pages_figures(answered):
    client = client_for()
    page = client.get(f"/survei/{answered.pk}/hasil/").content.decode()
    tables = tables_on(page)
    rows = get(client, answered, "ringkasan", "csv")
    assert rows[0] == SUMMARY_HEADER
    for question in answered.questions.exclude(kind=Question.Kind.TEXT):
        on_page = tables[f"Answers to question {question.order}"][1:]  # label, count, "share %"
        in_file = [r for r in rows[1:] if r[0] == str(question.order)]
        assert [[r[6], r[7], r[8] + " %"] for r in in_file] == on_page, question.order
        assert {r[3] for r in in_file} == {"4"}  # "4 responses" on the page
    assert "4 responses" in page
    scale = [r for r in rows[1:] if r[0] == "1"]
    assert {(r[4], r[5]) for r in scale} == {("4", "3.75")} and "<strong>3.75</strong>" in page
    optional = [r for r in rows[1:] if r[0] == "4"]
    assert {(r[4], r[5]) for r in optional} == {("1", "3.00")}
    choice = [r for r in rows[1:] if r[0] == "2"]
    assert {r[5] for r in choice} == {"—"} and {r[2] for r in choice} == {"one choice from a list"}
    # The free-text question: only how many answered, as the page says ("2 written answers").
    assert [r for r in rows[1:] if r[0] == "3"] == [
        ["3", "Apa yang perlu diperbaiki?", "free text", "4", "2", "—", "written answers", "2", "—"]
    ]
    assert "2 written answers" in page


def test_the_summary_xlsx_has_the_same_values_numbers_as_numbers(answered):
    client = client_for()
    as_csv = get(client, answered, "ringkasan", "csv")
    as_xlsx = get(client, answered, "ringkasan", "xlsx")
    assert len(as_xlsx) == len(as_csv) and as_xlsx[0] == SUMMARY_HEADER
    for got, text in zip(as_xlsx[1:], as_csv[1:]):
        for value, cell in zip(got, text):
            if isinstance(value, (int, float)):
                assert Decimal(str(value)) == Decimal(cell)
            else:
                assert value == cell
    first = as_xlsx[1]
    assert first[0] == 1 and first[3] == 4 and first[4] == 4 and Decimal(str(first[5])) == Decimal("3.75")
    # The share of "4" on the scale is a number, 50.0 as on the page.
    four = next(r for r in as_xlsx[1:] if r[0] == 1 and r[6] == "4")
    assert (four[7], Decimal(str(four[8]))) == (2, Decimal("50.0"))


@pytest.mark.parametrize("who", [None, "citizen", "education_officer", "city_admin", "ministry_admin"])
def test_written_answers_are_in_no_file_but_the_national_admins_summary(answered, world, who):
    client = client_for(getattr(world, who) if who else None)
    for table in ("ringkasan", "jawaban"):
        for fmt in ("csv", "xlsx"):
            text = repr(get(client, answered, table, fmt))
            for marker in MARKERS:
                assert marker not in text, (who, table, fmt, marker)


def test_the_national_admin_gets_the_written_answers_redacted_in_the_summary_only(answered, world):
    client = client_for(world.national_admin)
    rows = get(client, answered, "ringkasan", "csv")
    texts = [r[6] for r in rows[1:] if r[0] == "3"]
    assert texts[0] == "written answers" and len(texts) == 3
    assert "Cepat dan jelas." in texts and any("Budi-Rhs-77" in t for t in texts)
    whole = repr(rows)
    for personal in ("3578011234567890", "0812-3456-7890", "budi@contoh.id"):
        assert personal not in whole
    assert "[NIK]" in whole and "[EMAIL]" in whole
    # Not in the responses file, where they would sit beside the respondent's other answers.
    responses = repr(get(client, answered, "jawaban", "csv"))
    assert "Cepat dan jelas." not in responses and "Budi-Rhs-77" not in responses


# --- the individual responses ---------------------------------------------------------------------
def test_responses_one_row_each_ordered_by_the_answers(answered):
    rows = get(client_for(), answered, "jawaban", "csv")
    assert rows[0] == [
        "Row", "1. Seberapa cepat laporan Anda ditindaklanjuti?", "2. Lewat kanal apa Anda melapor?",
        "3. Apa yang perlu diperbaiki?", "4. Seberapa mudah formulirnya?",
    ]
    # Submitted 5, 4, 4, 2 (in that order); the file sorts by the answers, so its order says
    # nothing about when anyone answered.
    assert rows[1:] == [
        ["1", "2", "Web", "—", "—"],
        ["2", "4", "Web", "—", "—"],
        ["3", "4", "WhatsApp", WRITTEN, "—"],
        ["4", "5", "Web", WRITTEN, "3"],
    ]
    xlsx = get(client_for(), answered, "jawaban", "xlsx")
    assert xlsx[1:] == [[1, 2, "Web", "—", "—"], [2, 4, "Web", "—", "—"], [3, 4, "WhatsApp", WRITTEN, "—"], [4, 5, "Web", WRITTEN, 3]]


def test_the_responses_add_up_to_the_summary(answered):
    client = client_for()
    responses = get(client, answered, "jawaban", "xlsx")
    summary = get(client, answered, "ringkasan", "xlsx")
    assert len(responses) - 1 == summary[1][3] == 4
    for column, question in enumerate(answered.questions.all(), 1):
        if question.kind == Question.Kind.TEXT:
            assert sum(1 for r in responses[1:] if r[column] == WRITTEN) == 2  # "2 written answers"
            continue
        values = [r[column] for r in responses[1:] if r[column] != "—"]
        counts = {str(r[6]): r[7] for r in summary[1:] if r[0] == question.order}
        assert {label: values.count(int(label) if question.kind == Question.Kind.SCALE else label) for label in counts} == counts


def test_the_responses_carry_no_identity(answered, world):
    hashes = list(Response.objects.values_list("respondent_hash", flat=True))
    for user in (None, world.national_admin):
        for fmt in ("csv", "xlsx"):
            response = client_for(user).get(url(answered, "jawaban", fmt))
            text = response.content.decode("utf-8") if fmt == "csv" else repr(read_xlsx(response))
            for secret in [*hashes, "warga", "disdik", "Warga", "Disdik", "session:", "user:", "citizen", "official", "guest"]:
                assert secret not in text, (fmt, secret)
            # Neither the time of a response nor its date.
            assert "2026" not in text and not re.search(r"\d\d:\d\d", text)
    # The kinds of respondent, in either language, are not there either.
    text = client_for(None, "id").get(url(answered, "jawaban", "csv")).content.decode()
    for label in Response.RespondentKind.labels:
        assert str(label) not in text


def test_an_unanswered_survey_exports_headers_only(world, survey):
    assert get(client_for(), survey, "jawaban", "csv") == [
        ["Row", *(f"{x.order}. {x.text}" for x in survey.questions.all())]
    ]
    rows = get(client_for(), survey, "ringkasan", "csv")
    assert {r[3] for r in rows[1:]} == {"0"} and {r[4] for r in rows[1:]} == {"0"}


def test_headers_follow_the_language(answered):
    rows = get(client_for(None, "id"), answered, "jawaban", "csv")
    assert rows[0][0] == "Baris" and rows[3][3] == "(jawaban tertulis, tidak dipublikasikan)"
    assert get(client_for(None, "id"), answered, "ringkasan", "csv")[0][0] == "Nomor pertanyaan"


def test_formula_like_text_is_defused(world):
    survey = make_survey(title="Survei rumus")
    Question.objects.filter(survey=survey, order=2).update(text="=HYPERLINK(\"http://x\",\"y\")", choices="=1+1\n@SUM(A1)")
    answer(survey, "session:x", q1="3", q2="=1+1")
    client = client_for()
    rows = get(client, survey, "jawaban", "csv")
    assert rows[0][2] == '2. =HYPERLINK("http://x","y")'  # starts with its number: no formula
    assert rows[1][2] == "'=1+1"
    summary = get(client, survey, "ringkasan", "csv")
    assert "'=HYPERLINK(\"http://x\",\"y\")" in [r[1] for r in summary] and "'@SUM(A1)" in [r[6] for r in summary]
    book = load_workbook(io.BytesIO(client.get(url(survey, "jawaban", "xlsx")).content))
    cell = book.active.cell(row=2, column=3)
    assert cell.value == "'=1+1" and cell.data_type == "s"


# --- who may download ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", [None, "citizen", "education_officer", "national_admin"])
def test_anyone_who_may_open_the_results_may_download_them(answered, world, who):
    client = client_for(getattr(world, who) if who else None)
    assert client.get(f"/survei/{answered.pk}/hasil/").status_code == 200
    for table in ("ringkasan", "jawaban"):
        for fmt in ("csv", "xlsx"):
            assert client.get(url(answered, table, fmt)).status_code == 200


def test_no_file_where_there_is_no_results_page(answered, world):
    client = client_for()
    draft = make_survey(published=False, title="Draf")
    future = make_survey(opens_in=timedelta(days=3), title="Nanti")
    for survey_id in (draft.pk, future.pk, 999):
        assert client.get(f"/survei/{survey_id}/hasil/").status_code == 404
        for table in ("ringkasan", "jawaban"):
            assert client.get(f"/survei/{survey_id}/hasil/{table}.csv").status_code == 404
    # Unknown tables and formats.
    assert client.get(f"/survei/{answered.pk}/hasil/semua.csv").status_code == 404
    assert client.get(f"/survei/{answered.pk}/hasil/jawaban.ods").status_code == 404
    assert client.post(url(answered, "jawaban", "csv")).status_code == 405
    # A closed survey's files stay public, like its page.
    clock.freeze(answered.closes_at + timedelta(days=1))
    assert client.get(url(answered, "ringkasan", "xlsx")).status_code == 200


def test_the_results_page_links_to_the_files(answered, world):
    html = client_for().get(f"/survei/{answered.pk}/hasil/").content.decode()
    for table, label in (("ringkasan", "Results per question"), ("jawaban", "Individual responses")):
        for fmt in ("csv", "xlsx"):
            assert f'<a href="/survei/{answered.pk}/hasil/{table}.{fmt}">{label} ({fmt.upper()})</a>' in html
    assert "for you with the written answers" not in html
    assert "for you with the written answers" in client_for(world.national_admin).get(f"/survei/{answered.pk}/hasil/").content.decode()
