"""Reading the indicators from the rollups (ADR 0019): the same figures as the reference engine
(`indicators.compute`), from a few hundred summed rows instead of every report and event. The
rows are kept by `lapor.rollups` on every transition; tests assert `compute` here equals the
reference for every scope kind, filter and period.

A period reads its whole calendar months from the monthly rows and only its ragged ends from
the daily rows — or, for a month the period covers more than half of, the monthly row less the
daily rows of the days left out (`segments`; a monthly row is the sum of its days' rows)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import floor

from django.db.models import Case, IntegerField, Q, Sum, Value, When

from lapor.rollups.cells import AGENCY, AGENCY_TOTAL, COMPLETION, DAY, EVENT, FOLLOW_UP, MONTH, NATIONAL, OVERDUE
from lapor.rollups.folding import NATIONAL_SHARDS
from lapor.rollups.lookups import lookups
from lapor.rollups.models import Rollup, RollupDays
from lapor.rollups.writing import COUNTERS

from . import indicators as ref
from .scopes import Period, Scope, handler_agencies

# --- reading: the indicators from the rollups -----------------------------------------------
@dataclass(frozen=True)
class Segments:
    """The rows of a period: `rows` are read, and those of them that match `minus` (None: none)
    are taken away."""

    rows: Q
    minus: Q | None


def segments(period: Period) -> Segments:
    """The rows of a period: its whole calendar months from the monthly grain, a ragged month
    from the daily grain — or, when the period covers more than half of it, from its monthly row
    less the daily rows of the days it leaves out (a monthly row is the sum of its days' rows).
    The current month of "this year so far" and of "the last 12 months" is such a month, and the
    days it leaves out are after today, so have no rows: at scale a month's daily rows are
    tens of times its monthly rows."""
    months, added, taken = [], [], []
    start = date(period.first.year, period.first.month, 1)
    while start <= period.last:
        end = _day_after(_next_month(start), -1)
        first, last = max(period.first, start), min(period.last, end)
        covered, length = (last - first).days + 1, (end - start).days + 1
        if covered == length or length - covered < covered:
            months.append(start)
            if start < first:
                taken.append((start, _day_after(first, -1)))
            if last < end:
                taken.append((_day_after(last), end))
        else:
            added.append((first, last))
        start = _next_month(start)
    parts = [Q(grain=DAY, day__gte=first, day__lte=last) for first, last in added]
    if months:  # consecutive: only the period's first and last months may be read by day
        parts.append(Q(grain=MONTH, day__gte=months[0], day__lte=months[-1]))
    minus = _any([Q(grain=DAY, day__gte=first, day__lte=last) for first, last in taken])
    return Segments(_any(parts + ([minus] if minus is not None else [])), minus)


def _day_after(day: date, days: int = 1) -> date:
    return date.fromordinal(day.toordinal() + days)


def _any(parts: list[Q]) -> Q | None:
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _flags(scope: Scope) -> Q:
    if scope.only == Scope.PRIORITY:
        return Q(priority=True)
    if scope.only == Scope.OMBUDSMAN:
        return Q(ombudsman=True)
    return Q()


SUMS = {name: Sum(name) for name in COUNTERS}
_MINUS = "minus_"  # 1 on the rows to take away (Segments.minus)


def _signed(queryset, minus: Q | None, fields: list[str]):
    """The rows with a column telling those to take away, grouped by it too."""
    if minus is None:
        return queryset, fields
    taken = Case(When(minus, then=Value(1)), default=Value(0), output_field=IntegerField())
    return queryset.annotate(**{_MINUS: taken}), [*fields, _MINUS]


def _sums(queryset, group: str | None, minus: Q | None = None, sums: dict = SUMS) -> dict:
    """{group value (or None): {counter: total}}; rows matching `minus` count negatively."""
    queryset, fields = _signed(queryset, minus, [group] if group else [])
    if not fields:
        row = queryset.aggregate(**sums)
        return {None: {k: v or 0 for k, v in row.items()}}
    out = {} if group else {None: dict.fromkeys(sums, 0)}
    for row in queryset.values(*fields).annotate(**sums).order_by():
        key = row.pop(group) if group else None
        sign = -1 if row.pop(_MINUS, 0) else 1
        total = out.setdefault(key, dict.fromkeys(sums, 0))
        for name, n in row.items():
            total[name] += sign * (n or 0)
    return out


def summed(queryset, groups: list[str], minus: Q | None, sums: dict) -> dict[tuple, dict[str, int]]:
    """{(the groups' values...): {name: total}}; rows matching `minus` count negatively."""
    queryset, fields = _signed(queryset, minus, groups)
    out: dict[tuple, dict[str, int]] = {}
    for row in queryset.values(*fields).annotate(**sums).order_by():
        sign = -1 if row.pop(_MINUS, 0) else 1
        total = out.setdefault(tuple(row.pop(group) for group in groups), dict.fromkeys(sums, 0))
        for name, n in row.items():
            total[name] += sign * (n or 0)
    return out


def _histograms(queryset, group: str | None, minus: Q | None = None) -> dict:
    """{group value (or None): {metric: {days: n}}}; rows matching `minus` count negatively."""
    out: dict = defaultdict(lambda: {FOLLOW_UP: defaultdict(int), COMPLETION: defaultdict(int)})
    queryset, fields = _signed(queryset, minus, ([group] if group else []) + ["metric", "days"])
    for row in queryset.values(*fields).annotate(total=Sum("n")).order_by():
        sign = -1 if row.get(_MINUS) else 1
        out[row[group] if group else None][row["metric"]][row["days"]] += sign * row["total"]
    return out


def percentile_of_counts(counts: dict[int, int], p: Fraction):
    """`indicators.percentile` over a histogram {value: how many}: the same linear
    interpolation between closest ranks, without expanding the values."""
    total = sum(n for n in counts.values() if n > 0)
    if not total:
        return None
    ordered = sorted((v, n) for v, n in counts.items() if n > 0)
    position = (total - 1) * p
    low = floor(position)

    def at(rank: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if rank < seen:
                return value
        return ordered[-1][0]

    low_value, high_value = at(low), at(min(low + 1, total - 1))
    exact = low_value + (high_value - low_value) * (position - low)
    return ref.round_half_up(Fraction(exact), 1)


def _fill(out: ref.Indicators, s: dict, hist: dict, *, verified: dict | None) -> None:
    """The figures of one scope from its summed counters (docs/indicators.md formulas)."""
    out.received = s["received"]
    out.completed, out.in_process = s["completed"], s["in_process"]
    out.follow_up_rate = ref.percent(out.completed + out.in_process, out.received)
    out.completion_rate = ref.percent(out.completed, out.received)
    if verified is not None:
        out.verified_decided, out.verified_on_time = verified["verified_decided"], verified["verified_on_time"]
        out.verified_on_time_pct = ref.percent(out.verified_on_time, out.verified_decided)
    out.followed_up = s["followed_up"]
    out.followed_up_measured, out.followed_up_on_time = s["fu_measured"], s["fu_on_time"]
    out.followed_up_on_time_pct = ref.percent(out.followed_up_on_time, out.followed_up_measured)
    out.days_to_follow_up_median = percentile_of_counts(hist[FOLLOW_UP], ref.MEDIAN)
    out.days_to_follow_up_p90 = percentile_of_counts(hist[FOLLOW_UP], ref.P90)
    out.days_to_completion_median = percentile_of_counts(hist[COMPLETION], ref.MEDIAN)
    out.days_to_completion_p90 = percentile_of_counts(hist[COMPLETION], ref.P90)
    out.re_disposition_share = ref.percent(out.re_dispositions, out.received)
    out.reopened = s["reopened"]
    out.reopen_rate = ref.percent(out.reopened, out.followed_up)
    out.rated, out.appealed = s["rated"], s["appealed"]
    out.appeal_rate = ref.percent(out.appealed, out.rated)
    distribution = {n: s[f"rating_{n}"] for n in range(1, 6)}
    out.satisfaction_distribution = distribution
    out.satisfaction_count = sum(distribution.values())
    total = sum(n * c for n, c in distribution.items())
    out.satisfaction_mean = ref.round_half_up(Fraction(total, out.satisfaction_count), 2) if out.satisfaction_count else None
    out.ombudsman_transferred, out.ombudsman_offered = s["omb_transferred"], s["omb_offered"]


class _Reader:
    """Sums for the scopes under one parent, read with a handful of grouped queries. Every read is
    kept, so that the scopes of one period and filter that need the same rows read them once: a
    national page's headline and its agency table both need every agency's event and overdue rows
    and which agencies are connected and active (see `compute_many`, `shared`)."""

    def __init__(self, period: Period, only_q: Q):
        self.period, self.only_q = period, only_q
        self.when = segments(period)
        self._kept: dict = {}

    def _once(self, key: tuple, read):
        if key not in self._kept:
            self._kept[key] = read()
        return self._kept[key]

    def cohort(self, basis: str, group: str | None, *, durations: bool, days_basis: str = "", **where):
        def read():
            rows = Rollup.objects.filter(self.when.rows, self.only_q, basis=basis, **where)
            if not durations:
                return _sums(rows, group, self.when.minus), _histograms(RollupDays.objects.none(), group)
            days_where = dict(where)
            if basis == NATIONAL:
                # RollupDays has no (basis, grain, day) index: naming the national rows' agency
                # column (a shard number, or 0) lets its key index bound the days too, instead of
                # reading every national histogram row ever written.
                days_where.setdefault("agency_id__in", list(range(NATIONAL_SHARDS)))
            days = RollupDays.objects.filter(self.when.rows, self.only_q, basis=days_basis or basis, **days_where)
            return _sums(rows, group, self.when.minus), _histograms(days, group, self.when.minus)

        return self._once(("cohort", basis, group, durations, days_basis, _hashable(where)), read)

    def events(self, group: str | None, **where):
        def read():
            return _sums(Rollup.objects.filter(self.when.rows, self.only_q, basis=EVENT, **where), group, self.when.minus)

        return self._once(("events", group, _hashable(where)), read)

    def overdue(self, group: str | None, **where):
        def read():
            return _sums(Rollup.objects.filter(self.only_q, basis=OVERDUE, grain=DAY, **where), group)

        return self._once(("overdue", group, _hashable(where)), read)

    def members(self, agency_ids) -> set[int]:
        """The active agencies that handle reports among these (a long list is not sent to the
        database: every such agency is read and the list applied here)."""
        ids = frozenset(agency_ids)

        def read():
            rows = handler_agencies().filter(is_active=True)
            if len(ids) <= MANY_AGENCIES:
                rows = rows.filter(pk__in=sorted(ids))
            return set(rows.values_list("pk", flat=True)) & ids

        return self._once(("members", ids), read)

    def connected(self, agency_ids) -> set[int]:
        ids = frozenset(agency_ids)
        return self._once(("connected", ids), lambda: ref.connected_agencies(set(ids)))

    def active(self, agency_ids, events: dict) -> set[int]:
        """Which of the agencies an official acted for in the period (activity is not narrowed by
        the filter). `events`: the agencies' event sums, read with this reader's filter and
        covering every one of them; without a filter they hold the answer (`acted` only ever
        grows, so a sum above 0 is a row above 0)."""
        ids = frozenset(agency_ids)
        if not self.only_q:
            return {pk for pk in ids if events.get(pk, {}).get("acted", 0) > 0}

        def read():
            rows = Rollup.objects.filter(self.when.rows, basis=EVENT, acted__gt=0)
            if len(ids) <= MANY_AGENCIES:
                rows = rows.filter(agency_id__in=sorted(ids))
            acted = _sums(rows, "agency_id", self.when.minus, sums={"acted": Sum("acted")})
            return {pk for pk in ids if acted.get(pk, {}).get("acted", 0) > 0}

        return self._once(("active", ids), read)


def _hashable(where: dict) -> tuple:
    return tuple((name, tuple(value) if isinstance(value, list | range) else value) for name, value in sorted(where.items()))


def _total(groups: dict, members) -> dict:
    """The members' sums added up; to be read, not changed (one member's are its own row, not a
    copy: an agency table's 600 rows need no adding up)."""
    if len(members) == 1:
        (member,) = members
        if member in groups:
            return groups[member]
    out = dict.fromkeys(COUNTERS, 0)
    for member in members:
        for name, n in groups.get(member, {}).items():
            out[name] += n
    return out


def _total_hist(groups: dict, members) -> dict:
    out = {FOLLOW_UP: defaultdict(int), COMPLETION: defaultdict(int)}
    for member in members:
        found = groups.get(member)
        if not found:
            continue
        for metric in (FOLLOW_UP, COMPLETION):
            for value, n in found[metric].items():
                out[metric][value] += n
    return out


# Above this many agencies a table reads every agency's rows and keeps its own in Python: a long
# IN list costs more to send and plan than the few rows of other agencies cost to skip.
MANY_AGENCIES = 100


def _agency_figures(reader: _Reader, scopes: list[Scope], period: Period, durations: bool) -> list[ref.Indicators]:
    """Province, coordinator and agency scopes: their agencies' rows summed."""
    ids = sorted(set().union(*(s.agency_ids for s in scopes))) if scopes else []
    where = {} if len(ids) > MANY_AGENCIES else {"agency_id__in": ids}
    cohort, hist = reader.cohort(AGENCY_TOTAL, "agency_id", durations=durations, days_basis=AGENCY, **where)
    events = reader.events("agency_id", **where)
    overdue = reader.overdue("agency_id", **where)
    members_all = reader.members(ids)
    connected = reader.connected(members_all)
    active = reader.active(members_all, events)
    out = []
    for scope in scopes:
        figures = ref.Indicators(scope, period)
        events_total = _total(events, scope.agency_ids)
        figures.re_dispositions = events_total["re_dispositions"]
        _fill(figures, _total(cohort, scope.agency_ids), _total_hist(hist, scope.agency_ids), verified=events_total)
        figures.overdue_now = _total(overdue, scope.agency_ids)["overdue"]
        members = members_all & scope.agency_ids
        figures.agencies, figures.connected, figures.active = len(members), len(connected & members), len(active & members)
        figures.connectivity_pct = ref.percent(figures.connected, figures.agencies)
        figures.activity_pct = ref.percent(figures.active, figures.agencies)
        out.append(figures)
    return out


def _tops(unit_ids) -> list[int]:
    """The agencies of these units: rows are keyed by agency first, so a unit's rows are read
    through its agency's part of the index."""
    return sorted({lookups.top_of(pk) for pk in unit_ids})


def _unit_figures(reader: _Reader, scopes: list[Scope], period: Period, durations: bool) -> list[ref.Indicators]:
    ids = sorted(set().union(*(s.agency_ids for s in scopes))) if scopes else []
    tops = _tops(ids)
    cohort, hist = reader.cohort(AGENCY, "unit_id", durations=durations, agency_id__in=tops, unit_id__in=ids)
    overdue = reader.overdue("unit_id", agency_id__in=tops, unit_id__in=ids)
    out = []
    for scope in scopes:
        figures = ref.Indicators(scope, period)
        _fill(figures, _total(cohort, scope.agency_ids), _total_hist(hist, scope.agency_ids), verified=None)
        figures.overdue_now = _total(overdue, scope.agency_ids)["overdue"]
        out.append(figures)
    return out


def _national_figures(reader: _Reader, scope: Scope, period: Period, durations: bool) -> ref.Indicators:
    figures = ref.Indicators(scope, period)
    cohort, hist = reader.cohort(NATIONAL, None, durations=durations)
    # Events and overdue rows per agency, summed here: the same rows a national page's agency
    # table reads, so the two share one query (the sum over every agency is the nation's).
    events = reader.events("agency_id")
    figures.re_dispositions = _total(events, events)["re_dispositions"]
    _fill(figures, cohort[None], hist[None], verified=cohort[None])
    overdue = reader.overdue("agency_id")
    figures.overdue_now = _total(overdue, overdue)["overdue"]
    members = reader.members(scope.agency_ids)
    figures.agencies = len(members)
    figures.connected = len(reader.connected(members))
    figures.active = len(reader.active(members, events))
    figures.connectivity_pct = ref.percent(figures.connected, figures.agencies)
    figures.activity_pct = ref.percent(figures.active, figures.agencies)
    return figures


def compute_many(
    scopes: list[Scope], period: Period, *, durations: bool = True, shared: dict | None = None
) -> list[ref.Indicators]:
    """`indicators.compute` for each scope, from the rollups; scopes of one kind and filter are
    read together (a dashboard table's rows cost the same few queries as one row). Without
    `durations`, the medians and 90th percentiles are left empty (tables that do not show them
    skip the histograms). `shared`: a dict the caller passes to every call of one page, where the
    reads are kept, so that its headline and tables read what they have in common once (the
    figures are of one moment only: do not keep it beyond the page)."""
    out: dict[int, ref.Indicators] = {}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, scope in enumerate(scopes):
        groups[(scope.kind == Scope.NATIONAL, scope.kind == Scope.UNIT, scope.only)].append(index)
    readers = {} if shared is None else shared
    for (national, unit, only), indexes in groups.items():
        if (period, only) not in readers:
            readers[(period, only)] = _Reader(period, _flags(scopes[indexes[0]]))
        reader = readers[(period, only)]
        if national:
            for i in indexes:
                out[i] = _national_figures(reader, scopes[i], period, durations)
        else:
            found = (_unit_figures if unit else _agency_figures)(reader, [scopes[i] for i in indexes], period, durations)
            out.update(zip(indexes, found))
    return [out[i] for i in range(len(scopes))]


def compute(scope: Scope, period: Period, *, shared: dict | None = None) -> ref.Indicators:
    return compute_many([scope], period, shared=shared)[0]


def compute_children(parent: Scope, period: Period, *, by: str = "") -> list[ref.Indicators]:
    return compute_many(ref.child_scopes(parent, by=by), period)


def trend(scope: Scope, period: Period) -> dict[str, tuple[int, int | None]]:
    """Received and follow-up rate per calendar month of the period ("YYYY-MM" -> (received,
    rate)), each month cut to the period: one grouped query instead of one scope per month."""
    if scope.is_national:
        where = Q(basis=NATIONAL)
    elif scope.is_unit:
        where = Q(basis=AGENCY, agency_id__in=_tops(scope.agency_ids), unit_id__in=sorted(scope.agency_ids))
    else:
        where = Q(basis=AGENCY_TOTAL, agency_id__in=sorted(scope.agency_ids))
    when = segments(period)
    sums = {name: Sum(name) for name in ("received", "completed", "in_process")}
    days = _sums(Rollup.objects.filter(when.rows, _flags(scope), where), "day", when.minus, sums=sums)
    months: dict[str, list[int]] = {}
    day, last = date(period.first.year, period.first.month, 1), period.last
    while day <= last:
        months[day.isoformat()[:7]] = [0, 0]
        day = _next_month(day)
    for day, row in days.items():
        totals = months[day.isoformat()[:7]]
        totals[0] += row["received"]
        totals[1] += row["completed"] + row["in_process"]
    return {month: (received, ref.percent(answered, received)) for month, (received, answered) in months.items()}
