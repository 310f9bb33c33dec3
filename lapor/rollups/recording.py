"""The rollups' interface to the report write path (`lapor.reports.services`, the only writer of
reports and events, calls these inside its transaction, under the report's row lock).

`record` folds one transition into the report's facts and returns the statements that move its
cells; the writer sends them with the event's INSERT (`writing.leading`: on PostgreSQL in the
same round trip). `refreshed` re-derives a report's facts from its stored events after a change
outside its lifecycle (a category's priority, the holiday calendar) and adds the difference."""

from __future__ import annotations

from django.conf import settings

from . import writing
from .cells import add_activity, delta
from .folding import NO_EVENTS, derive, fold, replay


def enabled() -> bool:
    return getattr(settings, "LAPOR_MONEV_ROLLUPS", True)


def record(report, event) -> list[str]:
    """Fold one transition into the report's facts (set on `report.monitoring_facts`, saved with
    the report row) and return the statements that move its rollup cells. Called before the
    report row is saved, inside the transition's transaction."""
    if not enabled():
        return []
    old = report.monitoring_facts or None
    new = derive(report, fold(old.events if old else NO_EVENTS, event))
    report.monitoring_facts = new
    cells, days = delta(old, new)
    add_activity(cells, event)
    return writing.statements(cells, days)


def refreshed(report, events) -> bool:
    """Re-derive the facts of a locked report from its events (in seq order) and add the
    difference to its cells now; True when they changed (the caller saves the report's
    `monitoring_facts`)."""
    new = replay(report, events)
    old = report.monitoring_facts or None
    if new == old:
        return False
    writing.add(*delta(old, new))
    report.monitoring_facts = new
    return True
