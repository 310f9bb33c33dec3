"""Operators edit reference data and SLA policies in the Django admin; every edit is audited
(lapor/audit/adminlog.py)."""

from django.contrib import admin

from lapor.audit.adminlog import AuditedAdminMixin
from lapor.rollups import refresh

from .models import Agency, AgencyDecree, Category, Region, SlaPolicy


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "timezone", "is_active")
    list_filter = ("kind", "timezone", "is_active")
    search_fields = ("code", "name", "short_name")
    raw_id_fields = ("parent", "coordinator", "region")

    def audit_agency(self, obj):
        return obj


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "parent", "is_priority", "active_from", "active_until")
    list_filter = ("is_priority",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        was = Category.objects.filter(pk=obj.pk).values_list("is_priority", "parent_id").first() if change else None
        super().save_model(request, obj, form, change)
        if change and was is not None and was != (obj.is_priority, obj.parent_id):
            # Its reports (and those of the categories under it) move between the KSP filter's
            # and the hot spots' rollup cells, in the background.
            refresh.request_category(obj.pk)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("stage", "agency", "category", "duration", "unit")
    list_filter = ("stage", "unit")
    raw_id_fields = ("agency", "category")

    def audit_agency(self, obj):
        return obj.agency


@admin.register(AgencyDecree)
class AgencyDecreeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Operators see every agency's decrees and may correct a mistyped number, date or subject.
    Decrees are recorded (with the PDF checks) and revoked on the agency's page, never deleted;
    the file is not offered here: it is served only to the agency's admins and auditors and the
    national desk."""

    list_display = ("number", "agency", "date", "title", "recorded_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("number", "title", "agency__name", "agency__code")
    fields = ("agency", "number", "date", "title", "original_name", "size", "sha256", "recorded_by", "recorded_at", "revoked_at", "revoked_by")
    readonly_fields = ("agency", "original_name", "size", "sha256", "recorded_by", "recorded_at", "revoked_at", "revoked_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def audit_agency(self, obj):
        return obj.agency
