"""The only writer of responses: `submit_response` checks every answer and writes the response
and its answers in one transaction, or nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lapor.accounts.models import Position
from lapor.core import clock
from lapor.core.errors import Conflict, InvalidInput, NotFound

from .models import SCALE_MAX, SCALE_MIN, Answer, Question, Response, Survey

MAX_TEXT = 2000
SESSION_KEY = "survey_respondent_token"


class AnswersInvalid(InvalidInput):
    """One or more answers are not acceptable; `errors` maps a question's id to its message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Some answers need your attention."), code="invalid_answers")
        self.errors = errors


@dataclass(frozen=True)
class Respondent:
    kind: str
    key: str  # "user:<id>" or "session:<random token>"; hashed per survey, never stored


def respondent_for(request, *, create: bool = True) -> Respondent | None:
    """Who answers, as far as the survey needs to know: the kind of respondent, and a key that
    is the same on the next visit (the account, or a random token kept in the session). A guest
    gets the token when answering (`create`); merely reading a page starts no session (None)."""
    user = request.user
    if user.is_authenticated:
        official = Position.objects.filter(holder=user, is_active=True).exists()
        kind = Response.RespondentKind.OFFICIAL if official else Response.RespondentKind.CITIZEN
        return Respondent(kind, f"user:{user.pk}")
    token = request.session.get(SESSION_KEY)
    if not token:
        if not create:
            return None
        token = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = token
    return Respondent(Response.RespondentKind.GUEST, f"session:{token}")


def respondent_hash(survey: Survey, respondent: Respondent) -> str:
    """Keyed and per survey: the hashes of one person in two surveys cannot be linked, and
    without the key no hash can be tied to an account."""
    message = f"lapor-survey:{survey.pk}:{respondent.key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def has_responded(survey: Survey, respondent: Respondent | None) -> bool:
    if respondent is None:
        return False
    return Response.objects.filter(survey=survey, respondent_hash=respondent_hash(survey, respondent)).exists()


def clean_answers(questions: list[Question], raw: dict[str, str]) -> tuple[dict[int, dict], dict[int, str]]:
    """The answers as field values per question id, and the error per question id. `raw` maps
    "q<id>" to what was typed or chosen. Writes nothing."""
    values: dict[int, dict] = {}
    errors: dict[int, str] = {}
    for q in questions:
        given = (raw.get(f"q{q.pk}") or "").strip()
        if not given:
            if q.required:
                errors[q.pk] = {
                    Question.Kind.SCALE: _("Choose a number from 1 to 5."),
                    Question.Kind.CHOICE: _("Choose one of the answers."),
                    Question.Kind.TEXT: _("Write an answer."),
                }[q.kind]
            continue
        if q.kind == Question.Kind.SCALE:
            if not given.isdigit() or not SCALE_MIN <= int(given) <= SCALE_MAX:
                errors[q.pk] = _("Choose a number from 1 to 5.")
            else:
                values[q.pk] = {"scale_value": int(given)}
        elif q.kind == Question.Kind.CHOICE:
            if given not in q.choice_list():
                errors[q.pk] = _("Choose one of the answers listed.")
            else:
                values[q.pk] = {"choice": given}
        else:
            if len(given) > MAX_TEXT:
                errors[q.pk] = _("The answer is too long (at most %(max)d characters; you wrote %(n)d).") % {
                    "max": MAX_TEXT,
                    "n": len(given),
                }
            else:
                values[q.pk] = {"text": given}
    return values, errors


def submit_response(*, survey_id: int, respondent: Respondent, raw: dict[str, str]) -> Response:
    """Record one response to an open survey: all answers or none. Raises NotFound (no such
    published survey, or one not yet open), Conflict (closed, or already answered), InvalidInput
    (nothing answered) or AnswersInvalid (the message of each refused answer)."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(pk=survey_id, is_published=True).first()
        now = clock.now()
        if survey is None or survey.opens_at > now:
            raise NotFound(_("There is no such survey."))
        if not survey.is_open(now):
            message = _("This survey closed on %(date)s; it no longer takes answers.") % {"date": _local_date(survey.closes_at)}
            raise Conflict(message, code="survey_closed")
        digest = respondent_hash(survey, respondent)
        if Response.objects.filter(survey=survey, respondent_hash=digest).exists():
            raise Conflict(_("You have already answered this survey. Thank you!"), code="already_answered")
        questions = list(survey.questions.all())
        values, errors = clean_answers(questions, raw)
        if errors:
            raise AnswersInvalid(errors)
        if not values:
            raise InvalidInput(_("Answer at least one question."), code="empty_response")
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    survey=survey, submitted_at=now, respondent_kind=respondent.kind, respondent_hash=digest
                )
        except IntegrityError:  # the same person, in another tab, a moment earlier
            raise Conflict(_("You have already answered this survey. Thank you!"), code="already_answered") from None
        Answer.objects.bulk_create(Answer(response=response, question_id=qid, **fields) for qid, fields in values.items())
    return response


def _local_date(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")
