"""Public survey pages: the open surveys, answering one, thanks, and the results (also as files)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lapor.core import clock
from lapor.core.errors import DomainError, NotFound, RateLimited
from lapor.core.ratelimit import client_address, hit
from lapor.monev import exports as files

from . import exports, selectors, services
from .models import Question

HOUR = 3600
THANKED = "survey_thanked"


@require_GET
def index(request):
    now = clock.now()
    return render(request, "survey/index.html", {"open": selectors.open_surveys(now), "past": selectors.past_surveys(now)})


def _answer_page(request, survey, *, values=None, errors=None, error=None, status=200):
    respondent = services.respondent_for(request, create=False)
    return render(
        request,
        "survey/answer.html",
        {
            "survey": survey,
            "questions": survey.questions.all(),
            "is_open": survey.is_open(),
            "already": services.has_responded(survey, respondent),
            "values": values or {},
            "errors": errors or {},
            "error": error,
            "scale": range(1, 6),
            "Kind": Question.Kind,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def answer(request, survey_id: int):
    survey = selectors.started_survey(survey_id)
    if survey is None:
        raise Http404(_("There is no such survey."))
    if request.method == "GET":
        return _answer_page(request, survey)
    raw = {k: v for k, v in request.POST.items() if k.startswith("q")}
    try:
        if not hit(f"survey:{client_address(request)}", settings.LAPOR_SURVEY_RESPONSES_PER_HOUR, HOUR):
            raise RateLimited(_("Too many survey answers from your address; please try again in an hour."))
        services.submit_response(survey_id=survey.pk, respondent=services.respondent_for(request), raw=raw)
    except services.AnswersInvalid as e:
        return _answer_page(request, survey, values=raw, errors=e.errors, error=e, status=422)
    except NotFound as e:
        raise Http404(e.message) from None
    except DomainError as e:
        return _answer_page(request, survey, values=raw, error=e, status=e.status)
    thanked = request.session.get(THANKED, [])
    request.session[THANKED] = [*thanked, survey.pk][-20:]
    return redirect("survey:thanks", survey_id=survey.pk)


@require_GET
def thanks(request, survey_id: int):
    survey = selectors.started_survey(survey_id)
    if survey is None or survey.pk not in request.session.get(THANKED, []):
        return redirect("survey:index")
    return render(request, "survey/thanks.html", {"survey": survey})


@require_GET
def results(request, survey_id: int):
    survey = selectors.started_survey(survey_id)
    if survey is None:
        raise Http404(_("There is no such survey."))
    free_text = selectors.may_read_free_text(request.user)
    total, per_question = selectors.results(survey, with_free_text=free_text)
    return render(
        request,
        "survey/results.html",
        {"survey": survey, "total": total, "results": per_question, "free_text": free_text, "is_open": survey.is_open(), "Kind": Question.Kind},
    )


@require_GET
def results_export(request, survey_id: int, table: str, fmt: str):
    """The results page's figures (`ringkasan`) or the anonymous individual responses
    (`jawaban`) as CSV or XLSX, for exactly whoever may open the results page (ADR 0020)."""
    survey = selectors.started_survey(survey_id)
    if survey is None or table not in exports.TABLES or fmt not in files.FORMATS:
        raise Http404(_("There is no such survey."))
    if table == "ringkasan":
        header, rows = exports.summary(survey, with_free_text=selectors.may_read_free_text(request.user))
    else:
        header, rows = exports.responses(survey)
    return files.response(fmt, f"survei-{survey.pk}-{table}", header, rows)
