"""The SLA sweep: one idempotent, batched job that moves reports whose time has come.

1. auto-close followed-up reports the reporter did not answer in time;
2. mark overdue reports whose stage is past due (escalation level 1: the agency admin,
   or the desk at the desk's own stage);
3. escalate to the national desk those still overdue after the escalation time;
4. offer the Ombudsman transfer for reports unresolved after 60 days.

Each step selects a batch with SELECT ... FOR UPDATE SKIP LOCKED (PostgreSQL), so several
sweepers, or a sweeper and an officer, never block each other; SQLite ignores the clause and
serialises writers. The conditions select only rows not yet moved, so a second run right
after the first does nothing. Runs from Celery beat (production) or `manage.py run_worker`.

The steps are one table, `SWEEP_STEPS` (per action: the statuses, the moment that makes the move
due, the values the move changes); both the SQL filter of each batch (`Step.condition`) and the
same question asked of one report in memory (`due`, `next_due`: bench/simulation.py) are read
from it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from lapor.accounts.actors import Actor
from lapor.core import clock

from .models import Report
from .services import apply_action
from .states import ACTIVE, Action, Status

log = logging.getLogger(__name__)

OVERDUE_STATUSES = sorted(ACTIVE - {Status.NEEDS_INFO, Status.FOLLOWED_UP})


@dataclass(frozen=True)
class Step:
    """One move of the sweep: due for a report in one of `statuses` once the moment in the field
    `moment` has passed, while each field of `still` holds its value (None: empty) — values the
    move itself changes, so that a moved report is not due again."""

    action: str
    statuses: frozenset[str]
    moment: str  # stage_due_at, escalate_at or ombudsman_due_at
    still: tuple[tuple[str, object], ...] = ()

    def condition(self, now: datetime) -> Q:
        """The rows due at `now`, as a filter."""
        if len(self.statuses) == 1:
            where = {"status": next(iter(self.statuses))}
        else:
            where = {"status__in": sorted(self.statuses)}
        where[f"{self.moment}__lt"] = now
        for name, value in self.still:
            if value is None:
                where[f"{name}__isnull"] = True
            else:
                where[name] = value
        return Q(**where)

    def due_from(self, report) -> datetime | None:
        """When this move becomes due for the report as it is now, or None if it does not apply."""
        if report.status not in self.statuses:
            return None
        for name, value in self.still:
            held = getattr(report, name)
            if (held is not None) if value is None else (held != value):
                return None
        return getattr(report, self.moment)


# In the order the sweep runs them.
SWEEP_STEPS = (
    # auto-close a followed-up report the reporter did not answer in time
    Step(Action.AUTO_CLOSE, frozenset({Status.FOLLOWED_UP}), "stage_due_at"),
    # mark overdue (escalation level 1: the agency admin, or the desk at its own stage)
    Step(Action.MARK_OVERDUE, frozenset(OVERDUE_STATUSES), "stage_due_at", (("is_overdue", False),)),
    # escalate to the national desk what is still overdue after the escalation time
    Step(Action.ESCALATE, frozenset(OVERDUE_STATUSES), "escalate_at", (("escalation_level", 1),)),
    # offer the Ombudsman transfer once the report is unresolved too long
    Step(Action.OFFER_OMBUDSMAN, frozenset(ACTIVE), "ombudsman_due_at", (("ombudsman_offered_at", None),)),
)
STEPS = [step.action for step in SWEEP_STEPS]


def due(report, now: datetime) -> list[str]:
    """The sweep's moves due for this report at `now` (what `sla_sweep` would select it for), in
    the sweep's step order."""
    out = []
    for step in SWEEP_STEPS:
        when = step.due_from(report)
        if when is not None and when < now:
            out.append(step.action)
    return out


def next_due(report) -> tuple[datetime, str] | None:
    """The earliest move the sweep will make on this report as it is now (the step order breaks
    ties): (when it becomes due, action), or None."""
    found = None
    for step in SWEEP_STEPS:
        when = step.due_from(report)
        if when is not None and (found is None or when < found[0]):
            found = (when, step.action)
    return found


@dataclass
class SweepResult:
    counts: dict = field(default_factory=lambda: {a: 0 for a in STEPS})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def sla_sweep(*, now=None, batch_size: int | None = None, max_batches: int = 1000) -> SweepResult:
    now = now or clock.now()
    batch_size = batch_size or settings.LAPOR_SWEEP_BATCH_SIZE
    system = Actor.system_actor()
    result = SweepResult()
    for step in SWEEP_STEPS:
        condition = step.condition(now)
        for _ in range(max_batches):
            moved = _sweep_batch(condition, step.action, system, now, batch_size)
            result.counts[step.action] += moved
            if moved < batch_size:
                break
    if result.total:
        log.info("sla_sweep moved %s", {str(k): v for k, v in result.counts.items() if v})
    return result


def _sweep_batch(condition: Q, action: str, system: Actor, now, batch_size: int) -> int:
    with transaction.atomic():
        batch = list(
            Report.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("agency", "unit", "agency__parent", "unit__parent")
            .filter(condition)
            .order_by("pk")[:batch_size]
        )
        for report in batch:
            apply_action(report, action, system, {}, now)
    return len(batch)
