from django.contrib import admin

from lapor.audit.adminlog import AuditedAdminMixin

from .models import HolidayOverride


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "name", "is_holiday")
    list_filter = ("is_holiday",)
