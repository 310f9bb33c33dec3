"""Asking for reports' monitoring facts to be re-derived after a change of reference data.

A report's rollup cells depend on things that change outside its lifecycle: whether its
category is a national priority (the KSP filter), which top-level category it falls under (the
hot spots) and the working-day calendar (its durations).
The writers of those (the admin of categories and holidays, `manage.py load_reference`) call
these in the change's own transaction: a `PendingRefresh` row, so the request that makes the
change stays quick and no refresh is lost if the process dies. The background job
(`lapor/monev/refresh.py`, Celery beat every minute or `manage.py run_worker`) works them off."""

from __future__ import annotations

from .models import PendingRefresh


def request_category(category_id: int) -> None:
    """A category became (or stopped being) a national priority, or was moved under another."""
    PendingRefresh.objects.create(kind=PendingRefresh.Kind.CATEGORY, category_id=category_id)


def request_holiday(day) -> None:
    """A holiday was added, changed or removed on `day` (for a moved one: both days)."""
    PendingRefresh.objects.create(kind=PendingRefresh.Kind.HOLIDAY, day=day)
