"""Surveys are written and published in the Django admin (ADR 0018): by platform operators, and
by national admins given a staff account with the survey permissions. Every add, change and
delete of a survey or of one of its questions is an audit entry (lapor/audit/adminlog.py).
Once a survey has responses its questions are frozen, so that the results keep their meaning;
responses are never shown here (free text is read, redacted, on the results page)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lapor.audit.adminlog import ADD, CHANGE, DELETE, AuditedAdminMixin

from .models import Question, Survey


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 1
    fields = ("order", "text", "kind", "required", "choices")

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.pk is not None and obj.responses.exists()

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Survey)
class SurveyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "opens_at", "closes_at", "is_published", "response_count")
    list_filter = ("is_published",)
    search_fields = ("title",)
    fields = ("title", "introduction", "opens_at", "closes_at", "is_published")
    inlines = [QuestionInline]

    @admin.display(description=_("responses"))
    def response_count(self, obj):
        return obj.responses.count()

    def has_delete_permission(self, request, obj=None):
        # Responses are the record of what users said: a survey that has some is unpublished, not deleted.
        if obj is not None and obj.responses.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        """Each question added, changed or deleted is an audit entry of its own."""
        before = {}
        for inline_form in formset.forms:
            obj = inline_form.instance
            if obj.pk is not None:
                stored = type(obj)._default_manager.filter(pk=obj.pk).first()
                if stored is not None:
                    before[obj.pk] = self._snapshot(stored, with_m2m=False)
        deleted = [(f.instance, before.get(f.instance.pk, {}), f.instance.pk, str(f.instance)) for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)
        for obj, snapshot, pk, text in deleted:
            self._record(request, obj, DELETE, self._diff(snapshot, {}), object_pk=pk, object_repr=text, exists=False)
        for obj in formset.new_objects:
            self._record(request, obj, ADD, self._diff({}, self._snapshot(obj, with_m2m=False)), object_pk=obj.pk, object_repr=str(obj))
        for obj, _fields in formset.changed_objects:
            changes = self._diff(before.get(obj.pk, {}), self._snapshot(obj, with_m2m=False))
            if changes:
                self._record(request, obj, CHANGE, changes, object_pk=obj.pk, object_repr=str(obj))
