from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save, pre_save


class MonevConfig(AppConfig):
    name = "lapor.monev"
    label = "monev"

    def ready(self):
        from lapor.agencies.models import Category

        pre_save.connect(_remember_priority, sender=Category, dispatch_uid="monev-category-priority-before")
        post_save.connect(_priority_changed, sender=Category, dispatch_uid="monev-category-priority-after")


def _remember_priority(sender, instance, **kwargs):
    instance._monev_was_priority = (
        sender.objects.filter(pk=instance.pk).values_list("is_priority", flat=True).first() if instance.pk else None
    )


def _priority_changed(sender, instance, created, **kwargs):
    """A category became (or stopped being) a national priority (the admin, load_reference): its
    reports move between the KSP filter's rollup cells once the change is committed."""
    if created or getattr(instance, "_monev_was_priority", None) in (None, instance.is_priority):
        return
    from . import rollups

    transaction.on_commit(lambda: rollups.refresh_category(instance.pk))
