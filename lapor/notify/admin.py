from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Delivery state only: the recipient and the text are personal data (and may hold a code),
    so the platform operator sees neither."""

    list_display = ("id", "channel", "status", "attempts", "created_at", "sent_at", "next_attempt_at", "last_error")
    list_filter = ("channel", "status")
    fields = ("channel", "status", "attempts", "created_at", "sent_at", "next_attempt_at", "expires_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
