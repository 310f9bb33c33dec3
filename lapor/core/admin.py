from django.contrib import admin

from lapor.audit.adminlog import AuditedAdminMixin
from lapor.rollups import refresh

from .models import HolidayOverride


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "name", "is_holiday")
    list_filter = ("is_holiday",)

    # A holiday added, changed or removed: the stored working-day durations spanning its day (and
    # its former day, if it moved) are recounted in the background (lapor/rollups/refresh.py).
    def save_model(self, request, obj, form, change):
        was = HolidayOverride.objects.filter(pk=obj.pk).values_list("date", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        for day in sorted({obj.date, was} - {None}):
            refresh.request_holiday(day)

    def delete_model(self, request, obj):
        day = obj.date
        super().delete_model(request, obj)
        refresh.request_holiday(day)

    def delete_queryset(self, request, queryset):
        days = sorted(set(queryset.values_list("date", flat=True)))
        super().delete_queryset(request, queryset)
        for day in days:
            refresh.request_holiday(day)
