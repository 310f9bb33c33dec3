"""Operators edit reference data and SLA policies in the Django admin (issue #3 adds the audit trail)."""

from django.contrib import admin

from .models import Agency, Category, Region, SlaPolicy


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "timezone", "is_active")
    list_filter = ("kind", "timezone", "is_active")
    search_fields = ("code", "name", "short_name")
    raw_id_fields = ("parent", "coordinator", "region")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "is_priority", "active_from", "active_until")
    list_filter = ("is_priority",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("stage", "agency", "category", "duration", "unit")
    list_filter = ("stage", "unit")
    raw_id_fields = ("agency", "category")
