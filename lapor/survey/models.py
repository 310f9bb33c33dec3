"""The periodic survey of the platform's users (issue #5, monitoring: user satisfaction).

A Survey is written and published in the Django admin (ADR 0018); anyone may answer it while it
is open, once per account or browser session. A Response stores no identity: only the kind of
respondent (citizen, official, guest) and a keyed hash, different for every survey, of the
account or of a random token kept in the session, which stops a second response."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lapor.core import clock

SCALE_MIN, SCALE_MAX = 1, 5


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only a published survey is shown to the public, from its opening time.")
    )
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or clock.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    def has_started(self, now=None) -> bool:
        return self.is_published and self.opens_at <= (now or clock.now())


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("scale from 1 to 5")
        CHOICE = "choice", _("one choice from a list")
        TEXT = "text", _("free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SCALE)
    required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For a question with one choice from a list: one choice per line, at least two.")
    )

    class Meta:
        ordering = ["survey", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["survey", "order"], name="survey_question_order_unique")]

    def __str__(self):
        return f"{self.order}. {self.text}"

    @property
    def field_name(self) -> str:
        """The name of its field on the answer form."""
        return f"q{self.pk}"

    def choice_list(self) -> list[str]:
        seen: list[str] = []
        for line in self.choices.splitlines():
            line = " ".join(line.split())
            if line and line not in seen:
                seen.append(line)
        return seen

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.choice_list()) < 2:
            raise ValidationError({"choices": _("Give at least two different choices, one per line.")})
        if self.kind != self.Kind.CHOICE and self.choices.strip():
            raise ValidationError({"choices": _("Only a question with one choice from a list has choices.")})
        if any(len(c) > 200 for c in self.choice_list()):
            raise ValidationError({"choices": _("A choice may be at most 200 characters long.")})


class Response(models.Model):
    class RespondentKind(models.TextChoices):
        CITIZEN = "citizen", _("citizen with an account")
        OFFICIAL = "official", _("official")
        GUEST = "guest", _("guest")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey"))
    submitted_at = models.DateTimeField(_("submitted"))
    respondent_kind = models.CharField(_("respondent"), max_length=8, choices=RespondentKind.choices)
    # HMAC (SECRET_KEY) of the survey and the account, or of a random token kept in the session.
    respondent_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [models.UniqueConstraint(fields=["survey", "respondent_hash"], name="survey_one_response_each")]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    scale_value = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_one_answer_per_question"),
            models.CheckConstraint(
                condition=models.Q(scale_value__isnull=True) | models.Q(scale_value__gte=SCALE_MIN, scale_value__lte=SCALE_MAX),
                name="survey_answer_scale_range",
            ),
        ]
