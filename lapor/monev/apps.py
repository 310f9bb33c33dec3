from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class MonevConfig(AppConfig):
    name = "lapor.monev"
    label = "monev"

    def ready(self):
        from lapor.agencies.models import Category
        from lapor.core.models import HolidayOverride

        pre_save.connect(_remember_priority, sender=Category, dispatch_uid="monev-category-priority-before")
        post_save.connect(_priority_changed, sender=Category, dispatch_uid="monev-category-priority-after")
        pre_save.connect(_remember_day, sender=HolidayOverride, dispatch_uid="monev-holiday-before")
        post_save.connect(_holiday_changed, sender=HolidayOverride, dispatch_uid="monev-holiday-after")
        post_delete.connect(_holiday_changed, sender=HolidayOverride, dispatch_uid="monev-holiday-deleted")


def _remember_priority(sender, instance, **kwargs):
    instance._monev_was_priority = (
        sender.objects.filter(pk=instance.pk).values_list("is_priority", flat=True).first() if instance.pk else None
    )


def _priority_changed(sender, instance, created, **kwargs):
    """A category became (or stopped being) a national priority (the admin, load_reference): its
    reports are to move between the KSP filter's rollup cells (lapor/monev/refresh.py)."""
    if created or getattr(instance, "_monev_was_priority", None) in (None, instance.is_priority):
        return
    from . import refresh

    refresh.request_category(instance.pk)


def _remember_day(sender, instance, **kwargs):
    instance._monev_old_day = sender.objects.filter(pk=instance.pk).values_list("date", flat=True).first() if instance.pk else None


def _holiday_changed(sender, instance, **kwargs):
    """A holiday added, changed or removed: the stored working-day durations spanning its day
    (and its former day, if it moved) are to be recounted (lapor/monev/refresh.py)."""
    from . import refresh

    days = {instance.date, getattr(instance, "_monev_old_day", None)} - {None}
    for day in sorted(days):
        refresh.request_holiday(day)
