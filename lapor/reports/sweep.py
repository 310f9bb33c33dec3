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
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from lapor.core import clock

from .actors import Actor
from .models import Report
from .services import apply_action
from .states import ACTIVE, Action, Status

log = logging.getLogger(__name__)

OVERDUE_STATUSES = sorted(ACTIVE - {Status.NEEDS_INFO, Status.FOLLOWED_UP})


@dataclass
class SweepResult:
    counts: dict = field(default_factory=lambda: {a: 0 for a in STEPS})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _steps(now):
    return {
        Action.AUTO_CLOSE: Q(status=Status.FOLLOWED_UP, stage_due_at__lt=now),
        Action.MARK_OVERDUE: Q(status__in=OVERDUE_STATUSES, stage_due_at__lt=now, is_overdue=False),
        Action.ESCALATE: Q(status__in=OVERDUE_STATUSES, escalation_level=1, escalate_at__lt=now),
        Action.OFFER_OMBUDSMAN: Q(status__in=sorted(ACTIVE), ombudsman_due_at__lt=now, ombudsman_offered_at__isnull=True),
    }


STEPS = [Action.AUTO_CLOSE, Action.MARK_OVERDUE, Action.ESCALATE, Action.OFFER_OMBUDSMAN]


def sla_sweep(*, now=None, batch_size: int | None = None, max_batches: int = 1000) -> SweepResult:
    now = now or clock.now()
    batch_size = batch_size or settings.LAPOR_SWEEP_BATCH_SIZE
    system = Actor.system_actor()
    result = SweepResult()
    conditions = _steps(now)
    for action in STEPS:
        for _ in range(max_batches):
            moved = _sweep_batch(conditions[action], action, system, now, batch_size)
            result.counts[action] += moved
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
