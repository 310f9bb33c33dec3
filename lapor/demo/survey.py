"""The demo's periodic survey of the platform's users (ADR 0018): one quarterly satisfaction
survey, open over the demo's current period, with a question of every kind (scale, choice,
free text) and about 120 responses from the demo citizens, a few officials and guests.

The survey is written as an operator would in the admin (the models' own validation), and every
response goes through `lapor.survey.services.submit_response` at a simulated moment while the
survey is open, with the respondent the answer page would see (`respondent_for`). Deterministic
for a seed. The featured accounts ("warga", the role accounts in the printed table) do not
answer, so that a visitor signed in as one of them can still try the answer page.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser

from lapor.core import clock, workdays
from lapor.survey import services
from lapor.survey.models import SCALE_MAX, SCALE_MIN, Question, Response, Survey

from . import phrases as P
from .accounts import CITIZEN_NAMES, DemoAccounts
from .timing import submission_time

OPEN_BEFORE = timedelta(days=28)  # opened four weeks before the end of the demo period...
OPEN_AFTER = timedelta(days=28)  # ...and open four more weeks after it
CITIZENS, OFFICIALS, GUESTS = 22, 8, 90  # at most; fewer when the demo has fewer accounts
ROMAN = ("I", "II", "III", "IV")
MOOD = {  # the overall rating (1-5) a respondent gives, by kind
    "citizen": {5: 22, 4: 33, 3: 22, 2: 13, 1: 10},
    "official": {5: 30, 4: 45, 3: 20, 2: 5, 1: 0},
}
SOURCES = dict(zip(P.SURVEY_SOURCES, (35, 25, 20, 15, 5)))


@dataclass
class DemoSurvey:
    survey: Survey
    responses: int
    by_kind: dict = field(default_factory=dict)  # respondent kind -> responses


def _title_prefix() -> str:
    return P.SURVEY_TITLE.split("{", 1)[0]


def demo_survey() -> DemoSurvey | None:
    """The demo's survey with its counts, when it has been loaded."""
    survey = Survey.objects.filter(title__startswith=_title_prefix()).order_by("pk").first()
    if survey is None:
        return None
    kinds = Counter(Response.objects.filter(survey=survey).values_list("respondent_kind", flat=True))
    return DemoSurvey(survey, sum(kinds.values()), {k: kinds.get(k, 0) for k in Response.RespondentKind.values})


def ensure_survey(accounts: DemoAccounts, *, seed: int, end: datetime) -> DemoSurvey:
    """The demo survey, created with its responses unless it is already there. Moves the clock
    (the caller releases it)."""
    existing = demo_survey()
    if existing is not None:
        return existing
    rng = random.Random(f"survey:{seed}")
    survey = _write_survey(end)
    questions = {q.order: q for q in survey.questions.all()}
    people = _respondents(accounts, rng)
    moments = sorted(submission_time(survey.opens_at, end, rng) for _ in people)
    for at, (kind, request) in zip(moments, people):
        clock.freeze(at)
        respondent = services.respondent_for(request)
        raw = {questions[order].field_name: value for order, value in _answers(kind, rng).items()}
        services.submit_response(survey_id=survey.pk, respondent=respondent, raw=raw)
    clock.freeze(end)
    return demo_survey()


def _write_survey(end: datetime) -> Survey:
    zone = ZoneInfo(workdays.DEFAULT_TZ)
    today = end.astimezone(zone).date()
    opens_at = datetime.combine(today - OPEN_BEFORE, time(0, 0), tzinfo=zone)
    closes_at = datetime.combine(today + OPEN_AFTER, time(0, 0), tzinfo=zone)
    clock.freeze(opens_at - timedelta(days=7))  # written in the admin a week before it opened
    survey = Survey(title=P.SURVEY_TITLE.format(triwulan=ROMAN[(today.month - 1) // 3], tahun=today.year),
                    introduction=P.SURVEY_INTRODUCTION, opens_at=opens_at, closes_at=closes_at, is_published=True)
    survey.full_clean()
    survey.save()
    for order, text, kind, required, choices in P.SURVEY_QUESTIONS:
        question = Question(survey=survey, order=order, text=text, kind=kind, required=required, choices="\n".join(choices))
        question.full_clean()
        question.save()
    return survey


def _respondents(accounts: DemoAccounts, rng: random.Random) -> list[tuple[str, SimpleNamespace]]:
    """(kind of person, the request the answer page would see) for everyone who answers, in a
    shuffled order. Guests carry a session token of their own, drawn from the seed."""
    featured = {row[0] for row in accounts.table}
    citizens = rng.sample(accounts.citizens, min(CITIZENS, len(accounts.citizens)))
    officers = [a.user for a in [*accounts.admins.values(), *accounts.liaisons.values()] if a.user.username not in featured]
    officials = rng.sample(officers, min(OFFICIALS, len(officers)))
    people = [("citizen", SimpleNamespace(user=u, session={})) for u in citizens]
    people += [("official", SimpleNamespace(user=u, session={})) for u in officials]
    for _ in range(GUESTS):
        token = f"demo-{rng.getrandbits(96):024x}"
        people.append(("guest", SimpleNamespace(user=AnonymousUser(), session={services.SESSION_KEY: token})))
    rng.shuffle(people)
    return people


def _pick(rng: random.Random, weighted: dict):
    return rng.choices(list(weighted), list(weighted.values()))[0]


def _scale(value: int) -> str:
    return str(min(SCALE_MAX, max(SCALE_MIN, value)))


def _answers(kind: str, rng: random.Random) -> dict[int, str]:
    """One person's answers by question order: a mood drives the scales, the intention to come
    back and the tone of the suggestion; responsiveness is rated lower than the rest (the known
    weakness the survey measures)."""
    official = kind == "official"
    mood = _pick(rng, MOOD["official" if official else "citizen"])
    if official:
        role = P.SURVEY_ROLES[2]
    else:
        role = P.SURVEY_ROLES[0] if rng.random() < (0.85 if kind == "citizen" else 0.55) else P.SURVEY_ROLES[1]
    reported = role != P.SURVEY_ROLES[1]
    answers = {1: role, 2: _scale(mood)}
    if reported or rng.random() < 0.3:
        answers[3] = _scale(mood + rng.choice((-2, -1, -1, 0, 0, 1)))
    if rng.random() < 0.85:
        answers[4] = _scale(mood + rng.choice((-1, 0, 0, 1, 1)))
    if rng.random() < (0.2 if official else 0.9):
        answers[5] = _pick(rng, SOURCES)
    answers[6] = _pick(rng, {P.SURVEY_AGAIN[0]: 85, P.SURVEY_AGAIN[1]: 15} if mood >= 4 else
                       {P.SURVEY_AGAIN[0]: 35, P.SURVEY_AGAIN[1]: 55, P.SURVEY_AGAIN[2]: 10} if mood == 3 else
                       {P.SURVEY_AGAIN[0]: 10, P.SURVEY_AGAIN[1]: 40, P.SURVEY_AGAIN[2]: 50})
    if rng.random() < (0.5 if mood <= 2 else 0.3):
        answers[7] = _suggestion(rng, official, mood)
    return answers


def _suggestion(rng: random.Random, official: bool, mood: int) -> str:
    tone = "official" if official else "good" if mood >= 4 else "mixed" if mood == 3 else "bad"
    parts = []
    if rng.random() < 0.75:
        parts.append(rng.choice(P.SURVEY_OPINIONS[tone]))
    if not parts or rng.random() < 0.6:
        requests = P.SURVEY_REQUESTS["official" if official else "citizen"]
        if not official and mood < 4:
            requests = requests[:-2]  # "secepat ini", "pertahankan": praise only
        parts.append(rng.choice(requests))
    if not official and rng.random() < 0.05:
        name = rng.choice(CITIZEN_NAMES).lower().replace(" ", ".")
        parts.append(rng.choice(P.SURVEY_CONTACT).format(nomor=f"{rng.randint(0, 9999):04d}",
                                                         surel=f"{name}{rng.randint(1, 99)}@example.com"))
    return " ".join(parts)
