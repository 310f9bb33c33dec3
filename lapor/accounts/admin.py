from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Position, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Lapor", {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "email", "is_staff")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("title", "role", "agency", "holder", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("title", "agency__name", "holder__username")
    raw_id_fields = ("agency", "holder")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created_at", "last_used_at")
    readonly_fields = ("key_hash",)
