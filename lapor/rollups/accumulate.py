"""Cells of many reports summed in memory: the recount (`lapor/monev/recount.py`) and bulk loads
(bench/generate.py, bench/earlier_years.py) that write reports and events directly and add their
cells in one go."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from . import writing
from .cells import add_activity, delta
from .folding import replay


class EventView:
    """What the fold and the activity count read of an event, without a model instance."""

    __slots__ = ("action", "data", "created_at", "actor_position_id", "actor_agency_id")

    def __init__(self, action, data, created_at, actor_position_id, actor_agency_id):
        self.action, self.data, self.created_at = action, data, created_at
        self.actor_position_id, self.actor_agency_id = actor_position_id, actor_agency_id


class Accumulator:
    def __init__(self):
        self.cells: dict = defaultdict(lambda: defaultdict(int))
        self.days: dict = defaultdict(int)
        self.reports = self.events = 0

    def add(self, report, events, *, also: "Accumulator | None" = None):
        """Add one report with its events (in seq order), to `also` as well if given (a bulk
        load keeping a subset's sums apart); returns its facts."""
        facts = replay(report, events)
        cells, days = delta(None, facts)
        for event in events:
            add_activity(cells, event)
        for totals in (self, also) if also is not None else (self,):
            for key, counts in cells.items():
                target = totals.cells[key]
                for name, n in counts.items():
                    target[name] += n
            for key, n in days.items():
                totals.days[key] += n
            totals.reports += 1
            totals.events += len(events)
        return facts

    def merge(self, other: "Accumulator") -> None:
        for key, counts in other.cells.items():
            target = self.cells.setdefault(key, {})
            for name, n in counts.items():
                target[name] = target.get(name, 0) + n
        for key, n in other.days.items():
            self.days[key] = self.days.get(key, 0) + n
        self.reports += other.reports
        self.events += other.events

    def plain(self) -> "Accumulator":
        """Without the defaultdict factories (lambdas cannot cross a process boundary)."""
        out = Accumulator()
        out.cells = {k: dict(v) for k, v in self.cells.items()}
        out.days = dict(self.days)
        out.reports, out.events = self.reports, self.events
        return out

    def write(self, batch: int = 500) -> None:
        """Add the sums to the stored rollups (UPSERT increments, so rows already there keep
        theirs). PostgreSQL: through COPY (`writing.copy_add`)."""
        cells = [(k, {n: v for n, v in c.items() if v}) for k, c in self.cells.items()]
        cells = [(k, c) for k, c in cells if c]
        days = [(k, n) for k, n in self.days.items() if n]
        if connection.vendor == "postgresql":
            with transaction.atomic():
                writing.copy_add(cells, days)
            return
        for start in range(0, len(cells), batch):
            writing.execute(writing.statements(dict(cells[start : start + batch]), {}))
        for start in range(0, len(days), batch):
            writing.execute([writing.days_sql(dict(days[start : start + batch]))])
