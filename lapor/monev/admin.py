"""Evaluation records in the Django admin, for operators' corrections; every add, change and
delete is audited (AuditedAdminMixin). Reviews are drawn and scored on the pages only: a sample
is read-only here, so the stored seed always reproduces it."""

from django.contrib import admin

from lapor.audit.adminlog import AuditedAdminMixin

from .models import ActionPlan, ActionPlanItem, FollowUpReview, PreventiveAction


class _AgencyAudited(AuditedAdminMixin):
    def audit_agency(self, obj):
        return obj.agency


@admin.register(FollowUpReview)
class FollowUpReviewAdmin(_AgencyAudited, admin.ModelAdmin):
    list_display = ("agency", "period_first", "period_last", "sample_size", "population", "created_at")
    search_fields = ("agency__name", "agency__code")
    readonly_fields = ("agency", "period_first", "period_last", "sample_size", "population", "seed", "created_by", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(PreventiveAction)
class PreventiveActionAdmin(_AgencyAudited, admin.ModelAdmin):
    list_display = ("title", "agency", "owner", "start_date", "end_date", "status")
    list_filter = ("status",)
    search_fields = ("title", "agency__name", "agency__code")
    raw_id_fields = ("agency", "region")
    filter_horizontal = ("categories",)
    readonly_fields = ("created_by", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False  # recorded on the page (validated, with the recorder); corrected here


@admin.register(ActionPlan)
class ActionPlanAdmin(_AgencyAudited, admin.ModelAdmin):
    list_display = ("title", "agency", "period_first", "period_last")
    search_fields = ("title", "agency__name", "agency__code")
    raw_id_fields = ("agency",)
    readonly_fields = ("created_by", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(ActionPlanItem)
class ActionPlanItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Items separately (not inline), so that each change is one audited save."""

    list_display = ("action", "plan", "owner", "due_date", "progress", "status")
    list_filter = ("status",)
    search_fields = ("action", "plan__title", "plan__agency__name")
    raw_id_fields = ("plan", "owner")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return False

    def audit_agency(self, obj):
        return obj.plan.agency
