"""An officer's saved views of their queue (ADR 0027): a name for a query string of /petugas/
(filters, order, search, which part). Each officer keeps their own, at most
`SAVED_VIEWS_PER_USER`; the names are theirs to choose, one view per name.

The web layer decides which fields of a query string belong to a view and re-encodes them
(lapor/web/workspace.queue_view_query); this stores and deletes, nothing else."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lapor.core import clock
from lapor.core.errors import InvalidInput

from .models import SavedQueueView

SAVED_VIEWS_PER_USER = 20
MAX_NAME = 60


def saved_views_of(user):
    """The user's saved views, by name."""
    return SavedQueueView.objects.filter(user=user)


def saved_view_save(*, user, name: str, query: str) -> SavedQueueView:
    """Save `query` under `name`, replacing the user's view of that name. InvalidInput (nothing
    written) for an empty or long name, or a new name beyond the user's limit."""
    name = (name or "").strip()
    views_of_user = saved_views_of(user)
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(_("Give the view a name of at most 60 characters."), field="name")
    if views_of_user.count() >= SAVED_VIEWS_PER_USER and not views_of_user.filter(name=name).exists():
        raise InvalidInput(_("You have %(n)d saved views already; delete one first.") % {"n": SAVED_VIEWS_PER_USER}, field="name")
    view, _created = SavedQueueView.objects.update_or_create(user=user, name=name, defaults={"query": query, "created_at": clock.now()})
    return view


def saved_view_delete(*, user, view_id: int) -> None:
    """Delete one of the user's views (another's, or one already gone: nothing happens)."""
    saved_views_of(user).filter(pk=view_id).delete()
