from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from lapor.audit.adminlog import CHANGE, AuditedAdminMixin

from .models import ApiToken, Position, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Lapor", {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "email", "is_staff")
    audit_skip_fields = ("last_login",)  # changes at every sign-in, not an edit
    audit_secret_fields = ("password",)  # a new hash is recorded as "changed", never its value

    def user_change_password(self, request, id, form_url=""):
        """The separate password form saves without save_model: record the change here, in the
        same transaction."""
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        with transaction.atomic():
            user = User.objects.filter(pk=id).first() if str(id).isdigit() else None
            before = user.password if user else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    self._record(request, user, CHANGE, {"password": {"changed": True}}, object_pk=user.pk, object_repr=str(user))
        return response


@admin.register(Position)
class PositionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "role", "agency", "holder", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("title", "agency__name", "holder__username")
    raw_id_fields = ("agency", "holder")

    def audit_position(self, obj):
        return obj

    def audit_agency(self, obj):
        return obj.agency


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "created_at", "last_used_at")
    readonly_fields = ("key_hash",)
    audit_skip_fields = ("last_used_at",)
    audit_secret_fields = ("key_hash",)
