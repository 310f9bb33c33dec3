"""Reads: which surveys the public sees, and the results of one (aggregates for everyone; the
free-text answers, redacted, for the national admin only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from lapor.accounts.actors import Actor
from lapor.accounts.page_access import Page, allows
from lapor.core import clock
from lapor.core.redact import redact

from .models import SCALE_MAX, SCALE_MIN, Answer, Question, Response, Survey


def open_surveys(now=None):
    now = now or clock.now()
    return Survey.objects.filter(is_published=True, opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "pk")


def past_surveys(now=None):
    now = now or clock.now()
    return Survey.objects.filter(is_published=True, closes_at__lte=now).order_by("-closes_at", "-pk")


def started_survey(survey_id: int, now=None) -> Survey | None:
    """A published survey whose opening time has come (open or closed), else None."""
    now = now or clock.now()
    return Survey.objects.filter(pk=survey_id, is_published=True, opens_at__lte=now).first()


def may_read_free_text(user) -> bool:
    """Free-text answers may name people or hold personal data: the national desk reads them
    (redacted), nobody else."""
    return bool(user and user.is_authenticated and allows(Actor.for_user(user), Page.SURVEY_FREE_TEXT))


@dataclass
class Row:
    label: str
    count: int
    percent: Decimal  # of the question's answers, one decimal


@dataclass
class QuestionResult:
    question: Question
    answered: int
    rows: list[Row] = field(default_factory=list)  # scale: 1..5; choice: each choice in order
    mean: Decimal | None = None  # scale only, two decimals
    texts: list[str] = field(default_factory=list)  # free text, redacted; filled only when asked

    @property
    def max_count(self) -> int:
        return max((r.count for r in self.rows), default=0)


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def results(survey: Survey, *, with_free_text: bool = False) -> tuple[int, list[QuestionResult]]:
    """The number of responses, and per question: how many answered it, the distribution
    (counts and percentages of the answers), the mean of a scale."""
    total = Response.objects.filter(survey=survey).count()
    out: list[QuestionResult] = []
    for q in survey.questions.all():
        answers = Answer.objects.filter(question=q)
        if q.kind == Question.Kind.SCALE:
            counts = dict(answers.filter(scale_value__isnull=False).values_list("scale_value").annotate(n=Count("pk")).order_by())
            answered = sum(counts.values())
            rows = [Row(str(v), counts.get(v, 0), _percent(counts.get(v, 0), answered)) for v in range(SCALE_MIN, SCALE_MAX + 1)]
            mean = None
            if answered:
                mean = (Decimal(sum(v * n for v, n in counts.items())) / Decimal(answered)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            out.append(QuestionResult(q, answered, rows, mean))
        elif q.kind == Question.Kind.CHOICE:
            counts = dict(answers.exclude(choice="").values_list("choice").annotate(n=Count("pk")).order_by())
            answered = sum(counts.values())
            labels = q.choice_list()
            # A choice renamed after answers came in still counts, after the current ones.
            labels += sorted(c for c in counts if c not in labels)
            out.append(QuestionResult(q, answered, [Row(c, counts.get(c, 0), _percent(counts.get(c, 0), answered)) for c in labels]))
        else:
            texts = answers.exclude(text="").order_by("pk")
            result = QuestionResult(q, texts.count())
            if with_free_text:
                result.texts = [redact(t) for t in texts.values_list("text", flat=True)]
            out.append(result)
    return total, out
