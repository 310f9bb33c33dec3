"""The agency ranking index (docs/indicators.md, "Agency ranking index"; ADR 0017): a weighted
mean of indicators from the engine, each on a 0-100 scale, for a set of agencies and a period.

A component whose indicator is missing (an empty denominator: "—") is left out and the weights
of the others are scaled up to 100 (so nothing counts as 0 % that was never measured); an agency
that received no report in the period is not ranked at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from .indicators import Indicators, round_half_up
from .rollups import compute_many
from .scopes import Period, Scope

# (component, weight, label). The weights sum to 100; docs/indicators.md states the same table
# and test_ranking.py checks that they agree.
WEIGHTS: tuple[tuple[str, int, str], ...] = (
    ("follow_up_rate", 25, _("follow-up rate")),
    ("followed_up_on_time", 20, _("followed up within 5 HK")),
    ("completion_rate", 20, _("completion rate")),
    ("verified_on_time", 15, _("verified within 3 HK")),
    ("satisfaction", 10, _("satisfaction")),
    ("connectivity", 5, _("connectivity")),
    ("activity", 5, _("activity")),
)
assert sum(w for _c, w, _l in WEIGHTS) == 100


def components(ind: Indicators) -> dict[str, Fraction | None]:
    """Each component on a 0-100 scale, or None when its indicator is missing."""

    def pct(value: Decimal | None) -> Fraction | None:
        return None if value is None else Fraction(value)

    return {
        "follow_up_rate": pct(ind.follow_up_rate),
        "followed_up_on_time": pct(ind.followed_up_on_time_pct),
        "completion_rate": pct(ind.completion_rate),
        "verified_on_time": pct(ind.verified_on_time_pct),
        # The mean rating 1-5 mapped onto 0-100: 1 -> 0, 3 -> 50, 5 -> 100.
        "satisfaction": None if ind.satisfaction_mean is None else (Fraction(ind.satisfaction_mean) - 1) * 25,
        "connectivity": pct(ind.connectivity_pct),
        "activity": pct(ind.activity_pct),
    }


def index_of(parts: dict[str, Fraction | None]) -> tuple[Decimal | None, int]:
    """(index with one decimal half up, the weight actually used out of 100)."""
    used = [(weight, parts[name]) for name, weight, _label in WEIGHTS if parts[name] is not None]
    total = sum(weight for weight, _v in used)
    if not total:
        return None, 0
    return round_half_up(sum(weight * value for weight, value in used) / total, 1), total


@dataclass
class Row:
    scope: Scope
    indicators: Indicators
    parts: dict = field(default_factory=dict)  # component -> Decimal (one decimal) or None
    index: Decimal | None = None
    weight_used: int = 0
    rank: int | None = None  # None: not ranked (no report received)

    @property
    def cells(self) -> list[Decimal | None]:
        """The components in the order of WEIGHTS (for a table)."""
        return [self.parts[name] for name, _weight, _label in WEIGHTS]


def rank(agency_scopes: list[Scope], period: Period) -> list[Row]:
    """Rows ranked by index, highest first; equal indexes share a rank (1, 2, 2, 4), ordered by
    name; agencies that received nothing come last, unranked, by name."""
    rows = []
    for scope, ind in zip(agency_scopes, compute_many(agency_scopes, period)):
        raw = components(ind)
        index, used = index_of(raw)
        shown = {name: None if value is None else round_half_up(value, 1) for name, value in raw.items()}
        rows.append(Row(scope, ind, shown, index if ind.received else None, used if ind.received else 0))
    ranked = sorted((r for r in rows if r.index is not None), key=lambda r: (-r.index, r.scope.name, r.scope.code))
    previous, position = None, 0
    for n, row in enumerate(ranked, 1):
        if row.index != previous:
            position, previous = n, row.index
        row.rank = position
    unranked = sorted((r for r in rows if r.index is None), key=lambda r: (r.scope.name, r.scope.code))
    return ranked + unranked


def agency_scopes(agencies) -> list[Scope]:
    return [Scope(Scope.AGENCY, a.code, str(a), frozenset({a.pk})) for a in agencies]
