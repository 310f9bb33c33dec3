from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are appended by the services and never edited."""

    list_display = ("at", "kind", "actor", "report", "agency", "reason")
    list_filter = ("kind",)
    list_select_related = ("actor", "report", "agency")
    search_fields = ("report__tracking_number", "actor__username", "agency__code", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
