"""Surveys for the tests: one open now (the clock is pinned to Monday 23 November 2026, 09:00 WIB),
with a required scale, a required choice, an optional free text and an optional scale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission

from lapor.accounts.models import Position, Role, User
from lapor.core import clock
from lapor.survey.models import Answer, Question, Response, Survey

from ..api.conftest import _empty_cache  # noqa: F401  (rate-limit counters: none shared between tests)
from ..web.conftest import browser  # noqa: F401  (a CSRF-enforcing browser)


def counts() -> tuple[int, int]:
    return Response.objects.count(), Answer.objects.count()


def make_survey(*, opens_in=timedelta(days=-1), lasts=timedelta(days=14), published=True, title="Survei Kepuasan Pengguna 2026") -> Survey:
    opens_at = clock.now() + opens_in
    survey = Survey.objects.create(
        title=title, introduction="Bantu kami memperbaiki layanan.", opens_at=opens_at, closes_at=opens_at + lasts, is_published=published
    )
    Question.objects.create(survey=survey, order=1, text="Seberapa cepat laporan Anda ditindaklanjuti?", kind="scale", required=True)
    Question.objects.create(survey=survey, order=2, text="Lewat kanal apa Anda melapor?", kind="choice", required=True, choices="Web\nSMS 1708\nWhatsApp")
    Question.objects.create(survey=survey, order=3, text="Apa yang perlu diperbaiki?", kind="text", required=False)
    Question.objects.create(survey=survey, order=4, text="Seberapa mudah formulirnya?", kind="scale", required=False)
    return survey


def q(survey: Survey, order: int) -> Question:
    return survey.questions.get(order=order)


@pytest.fixture
def survey(world) -> Survey:
    return make_survey()


@pytest.fixture
def operator(world) -> User:
    """A platform operator: staff, two-factor, with the survey permissions only."""
    user = User.objects.create_user(username="operator", password="pass-operator", is_staff=True)
    Position.objects.create(role=Role.OPERATOR, agency=world.desk, title="Operator Platform", holder=user)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="survey"))
    return user
