"""Audit of edits made in the Django admin: policies, reference data, positions, accounts and
decrees. Each add, change and delete writes one AuditEntry (kind `admin_change`) in the admin's
own transaction, naming the model, the object, and every changed field with its value before and
after. Password hashes (and other secrets listed in `audit_secret_fields`) are never recorded: a
change to one is noted as such, without values."""

from __future__ import annotations

from datetime import date, datetime, time
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.db import transaction

from lapor.accounts.actors import Actor
from lapor.accounts.models import Role

from .models import AuditEntry
from .services import audit_record

ADD, CHANGE, DELETE = "add", "change", "delete"


def _plain(value):
    """A JSON-safe rendering of a field value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        # In UTC and to the second: the admin's form shows local time without microseconds, so
        # a value it merely re-saves must not read as a change.
        if value.tzinfo is not None:
            value = value.astimezone(dt_timezone.utc)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(_plain(v) for v in value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile: its stored name
        return value.name or None
    return str(value)


class AuditedAdminMixin:
    """Put first in a ModelAdmin's bases. `audit_skip_fields` are left out entirely (noise such as
    last_login); `audit_secret_fields` are recorded as changed, never with their values."""

    audit_skip_fields: tuple[str, ...] = ()
    audit_secret_fields: tuple[str, ...] = ()

    # --- what the entry is about -------------------------------------------------------------------
    def audit_agency(self, obj):
        """The agency the object concerns, so that the agency's auditors see the entry."""
        return None

    def audit_position(self, obj):
        return None

    def _snapshot(self, obj, *, with_m2m: bool) -> dict:
        values = {}
        for field in obj._meta.concrete_fields:
            if field.name in self.audit_skip_fields:
                continue
            values[field.name] = _plain(field.value_from_object(obj))
        if with_m2m and obj.pk is not None:
            for field in obj._meta.many_to_many:
                if field.name not in self.audit_skip_fields:
                    values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        return values

    def _diff(self, before: dict, after: dict) -> dict:
        changes = {}
        for name in sorted(set(before) | set(after)):
            old, new = before.get(name), after.get(name)
            if old == new:
                continue
            if name in self.audit_secret_fields:
                changes[name] = {"changed": True}
            else:
                changes[name] = {"before": old, "after": new}
        return changes

    def _record(self, request, obj, action: str, changes: dict, *, object_pk, object_repr: str, exists: bool = True):
        actor = Actor.for_user(request.user)
        position = next((p for p in actor.positions if p.role in (Role.OPERATOR, Role.NATIONAL_ADMIN)), None)
        audit_record(
            kind=AuditEntry.Kind.ADMIN_CHANGE,
            actor=actor,
            position=position,
            # A deleted object cannot be pointed at (and the foreign keys protect what is pointed at).
            subject_position=self.audit_position(obj) if exists else None,
            agency=self.audit_agency(obj) if exists else None,
            model=obj._meta.label,
            object_pk=_plain(object_pk),
            object_repr=object_repr[:200],
            action=action,
            changes=changes,
        )

    # --- the admin's hooks --------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk is not None:
            # The form already changed `obj` in memory: the values before are read from the database.
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                before = self._snapshot(stored, with_m2m=True)
        super().save_model(request, obj, form, change)
        request._audit_before = getattr(request, "_audit_before", {})
        request._audit_before[(obj._meta.label, obj.pk)] = (before, change)

    def save_related(self, request, form, formsets, change):
        # Many-to-many values (a user's groups and permissions) are saved here, after save_model.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before, changed = getattr(request, "_audit_before", {}).pop((obj._meta.label, obj.pk), ({}, change))
        after = self._snapshot(obj, with_m2m=True)
        if changed:
            changes = self._diff(before, after)
            if changes:
                self._record(request, obj, CHANGE, changes, object_pk=obj.pk, object_repr=str(obj))
        else:
            self._record(request, obj, ADD, self._diff({}, after), object_pk=obj.pk, object_repr=str(obj))

    def delete_model(self, request, obj):
        before, pk, text = self._snapshot(obj, with_m2m=False), obj.pk, str(obj)
        super().delete_model(request, obj)
        self._record(request, obj, DELETE, self._diff(before, {}), object_pk=pk, object_repr=text, exists=False)

    def delete_queryset(self, request, queryset):
        # The changelist's "delete selected" action: one entry per object, all or nothing.
        with transaction.atomic(using=queryset.db):
            gone = [(obj, self._snapshot(obj, with_m2m=False), obj.pk, str(obj)) for obj in queryset]
            super().delete_queryset(request, queryset)
            for obj, before, pk, text in gone:
                self._record(request, obj, DELETE, self._diff(before, {}), object_pk=pk, object_repr=text, exists=False)
