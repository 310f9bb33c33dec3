from django.contrib import admin

from .models import HolidayOverride


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_holiday")
    list_filter = ("is_holiday",)
