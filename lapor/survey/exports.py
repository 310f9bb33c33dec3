"""A survey's results as CSV and XLSX files (ADR 0020), for whoever may open its results page.

- `summary`: the page's figures, one row per answer of each question (how many chose it and the
  share), with the question's number of answers and the mean of a scale. The written answers are
  in it only for the national admin, redacted and sorted alphabetically, exactly as the page
  shows them to the national admin.
- `responses`: one row per response, one column per question, and nothing that tells who
  answered, when, or from where: no account, hash, respondent kind or submission time. The rows
  are sorted by their answers (not by response id, which follows submission order), so their
  order says nothing beyond the answers themselves. A written answer is never in this file, for
  anyone: joined to the other answers it could single a respondent out; its cell only says that
  one was written.

Files are written by `lapor.monev.exports.response` (formula-like text defused)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Answer, Question, Response, Survey
from .selectors import results

TABLES = ("ringkasan", "jawaban")  # the summary per question, the individual responses


def summary(survey: Survey, *, with_free_text: bool) -> tuple[list[str], list[list]]:
    total, per_question = results(survey, with_free_text=with_free_text)
    header = [
        _("Question number"), _("Question"), _("Kind"), _("Responses to the survey"), _("Answers to the question"),
        _("Mean (1–5)"), _("Answer"), _("Number of answers"), _("Share (%)"),
    ]
    rows: list[list] = []
    for r in per_question:
        q = r.question
        lead = [q.order, q.text, q.get_kind_display(), total, r.answered, r.mean]
        if q.kind == Question.Kind.TEXT:
            rows.append([*lead, _("written answers"), r.answered, None])
            rows.extend([*lead, text, None, None] for text in sorted(r.texts))
        else:
            rows.extend([*lead, row.label, row.count, row.percent] for row in r.rows)
    return header, rows


def responses(survey: Survey) -> tuple[list[str], list[list]]:
    questions = list(survey.questions.all())
    header = [_("Row"), *(f"{q.order}. {q.text}" for q in questions)]
    column = {q.pk: n for n, q in enumerate(questions)}
    kinds = {q.pk: q.kind for q in questions}
    # Keyed by the response only to group its answers; the key is dropped before writing.
    by_response: dict[int, list] = {pk: [None] * len(questions) for pk in Response.objects.filter(survey=survey).values_list("pk", flat=True)}
    written = _("(written answer, not published)")
    answers = Answer.objects.filter(response__survey=survey).values_list("response_id", "question_id", "scale_value", "choice", "text")
    for response_id, question_id, scale_value, choice, text in answers:
        if question_id not in column or response_id not in by_response:
            continue
        kind = kinds[question_id]
        if kind == Question.Kind.SCALE:
            value = scale_value
        elif kind == Question.Kind.CHOICE:
            value = choice or None
        else:
            value = written if text else None
        by_response[response_id][column[question_id]] = value
    ordered = sorted(by_response.values(), key=lambda cells: [(value is not None, value if value is not None else 0) for value in cells])
    return header, [[n, *cells] for n, cells in enumerate(ordered, 1)]
