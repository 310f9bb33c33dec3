"""Resolve how long a stage may take for an agency and category (see SlaPolicy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import ngettext

from lapor.agencies.models import SlaPolicy
from lapor.core import workdays
from lapor.core.ttlcache import TtlCache

# Used when no SlaPolicy row exists at all (a fresh database before load_reference).
DEFAULTS: dict[str, tuple[int, str]] = {
    "desk_verification": (3, "working_days"),
    "agency_verification": (3, "working_days"),
    "follow_up": (5, "working_days"),
    "reporter_reply": (10, "working_days"),
    "escalation": (3, "working_days"),
    "ombudsman": (60, "calendar_days"),
}


@dataclass(frozen=True)
class Sla:
    duration: int
    unit: str

    def describe(self) -> str:
        """In plain words for citizens, e.g. "3 hari kerja"."""
        if self.unit == "calendar_days":
            return ngettext("%(n)d day", "%(n)d days", self.duration) % {"n": self.duration}
        return ngettext("%(n)d working day", "%(n)d working days", self.duration) % {"n": self.duration}

    def due_from(self, start: datetime, tz: str) -> datetime:
        if self.unit == "calendar_days":
            return start + timedelta(days=self.duration)
        return workdays.calendar().due_at(start, self.duration, tz)


def _load_policies() -> dict:
    return {(p.stage, p.agency_id, p.category_id): Sla(p.duration, p.unit) for p in SlaPolicy.objects.all()}


_cache = TtlCache(_load_policies, seconds=60)


def _policies() -> dict:
    return _cache.get()


def reset_policies() -> None:
    """Forget the policies (SlaPolicy.save/delete, load_reference, tests)."""
    _cache.forget()


def sla_for(stage: str, *, agency_id: int | None = None, category_id: int | None = None) -> Sla:
    """Most specific first: agency + category, agency, category, default, built-in default.
    Callers pass the top agency (not a unit): units follow their agency's policy."""
    table = _policies()
    for key in ((stage, agency_id, category_id), (stage, agency_id, None), (stage, None, category_id), (stage, None, None)):
        if key in table:
            return table[key]
    duration, unit = DEFAULTS[stage]
    return Sla(duration, unit)
