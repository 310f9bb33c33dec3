"""Evaluation records (issue #5, item 4; ADR 0017): follow-up quality reviews, preventive actions
and action plans. Written only by lapor/monev/evaluation.py (audited) and the Django admin
(audited by AuditedAdminMixin)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowUpReview(models.Model):
    """A random sample of an agency's follow-ups (ReportEvent action follow_up, given by the
    agency or its units) in a period, drawn reproducibly: `seed` and the ordered population rule
    (events by id) give the same sample again; the drawn events are stored as items."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    period_first = models.DateField(_("from"))
    period_last = models.DateField(_("until"))
    sample_size = models.PositiveSmallIntegerField(_("sample size"))  # asked for
    population = models.PositiveIntegerField(_("follow-ups in the period"))
    seed = models.BigIntegerField(_("random seed"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("drawn"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow-up quality review")
        verbose_name_plural = _("follow-up quality reviews")

    def __str__(self):
        return f"{self.agency} {self.period_first}..{self.period_last}"


class FollowUpReviewItem(models.Model):
    review = models.ForeignKey(FollowUpReview, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()  # 1, 2, ... in the order drawn
    event = models.ForeignKey("reports.ReportEvent", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="review_item_position"),
            models.UniqueConstraint(fields=["review", "event"], name="review_item_event"),
        ]


class FollowUpScore(models.Model):
    """One reviewer's scores of one sampled follow-up, 1-4 per criterion. The content criteria
    are empty when the reviewer may not read the report's content (a confidential report):
    only timeliness is scored then (ADR 0017)."""

    item = models.ForeignKey(FollowUpReviewItem, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    relevant = models.PositiveSmallIntegerField(_("relevant to the substance"), null=True, blank=True)
    concrete = models.PositiveSmallIntegerField(_("concrete"), null=True, blank=True)
    timely = models.PositiveSmallIntegerField(_("timely"))
    polite = models.PositiveSmallIntegerField(_("polite"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "reviewer"], name="review_score_once_per_reviewer"),
            models.CheckConstraint(
                condition=Q(timely__gte=1, timely__lte=4)
                & (Q(relevant__isnull=True) | Q(relevant__gte=1, relevant__lte=4))
                & (Q(concrete__isnull=True) | Q(concrete__gte=1, concrete__lte=4))
                & (Q(polite__isnull=True) | Q(polite__gte=1, polite__lte=4)),
                name="review_score_1_4",
            ),
        ]


class EvaluationStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class PreventiveAction(models.Model):
    """A preventive action (tindakan preventif) an agency takes against the causes of complaints
    in some categories (and optionally a region)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    categories = models.ManyToManyField("agencies.Category", related_name="+", verbose_name=_("categories"))
    region = models.ForeignKey(
        "agencies.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    owner = models.CharField(_("owner"), max_length=150)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("preventive action")
        verbose_name_plural = _("preventive actions")

    def __str__(self):
        return self.title


class ActionPlan(models.Model):
    """An agency's action plan (rencana aksi) for a period."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    title = models.CharField(_("title"), max_length=200)
    period_first = models.DateField(_("from"))
    period_last = models.DateField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_first", "-pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return self.title


class ActionPlanItem(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("action plan"))
    action = models.CharField(_("action"), max_length=300)
    target = models.CharField(_("target"), max_length=300)
    owner = models.ForeignKey("accounts.Position", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_notes = models.TextField(_("progress notes"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.PLANNED)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "due_date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="action_plan_progress_0_100")]
        verbose_name = _("action plan item")
        verbose_name_plural = _("action plan items")

    def __str__(self):
        return self.action
