"""What a monitoring figure is about (a scope) and when (a period): docs/indicators.md, "Words".

A scope resolves to the agencies whose reports count. Reports are held by an agency (a report's
`agency` is always the agency, never a unit) and, once forwarded, by one of its units (`unit`),
so every scope but the unit scope selects reports by `agency`, and the unit scope by `unit`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

from lapor.agencies.models import Agency, Region
from lapor.agencies.selectors import agency_and_units
from lapor.core import clock
from lapor.reports.states import Status

# Periods are whole days in Jakarta time, whatever the agencies' own zones.
WIB = ZoneInfo("Asia/Jakarta")

# Bodies that never handle reports themselves: the same exclusions as "not our authority" makes
# when a competent agency is named (lapor/reports/effects.py).
NOT_HANDLERS = (Agency.Kind.UNIT, Agency.Kind.NATIONAL_DESK, Agency.Kind.OMBUDSMAN)
REGIONAL_GOVERNMENTS = (Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY)


class ScopeError(ValueError):
    """An unknown scope or a malformed period (the command reports it as a usage error)."""


def handler_agencies():
    """Agencies (not units) that may receive reports."""
    return Agency.objects.filter(parent__isnull=True).exclude(kind__in=NOT_HANDLERS)


@dataclass(frozen=True)
class Scope:
    kind: str  # national, province, coordinator, agency, unit
    code: str = ""  # the province's region code or the agency's / unit's code
    name: str = ""
    # national, province, coordinator, agency: the agencies (not units) whose reports count and
    # whose connectivity and activity are measured. unit: the unit and its nested units.
    agency_ids: frozenset[int] = field(default=frozenset(), compare=False)
    # Narrows the reports that count (the KSP and Ombudsman dashboards): "" (all), "priority"
    # (national-priority categories, as the policy's PRIORITY scope) or "ombudsman" (offered or
    # transferred to the Ombudsman). Agencies, connectivity and activity are not narrowed.
    only: str = ""

    NATIONAL = "national"
    PROVINCE = "province"
    COORDINATOR = "coordinator"
    AGENCY = "agency"
    UNIT = "unit"
    KINDS = (NATIONAL, PROVINCE, COORDINATOR, AGENCY, UNIT)
    PRIORITY = "priority"
    OMBUDSMAN = "ombudsman"
    FILTERS = ("", PRIORITY, OMBUDSMAN)

    def __str__(self):
        text = self.kind if self.kind == self.NATIONAL else f"{self.kind}:{self.code} ({self.name})"
        return f"{text} [{self.only}]" if self.only else text

    def narrowed(self, only: str) -> "Scope":
        """The same scope counting only the reports of a filter (see `only`)."""
        if only not in self.FILTERS:
            raise ScopeError(f"unknown report filter {only!r}: use {self.PRIORITY} or {self.OMBUDSMAN}")
        return replace(self, only=only)

    # --- building -------------------------------------------------------------------------
    @classmethod
    def national(cls) -> "Scope":
        return cls(cls.NATIONAL, name="Indonesia", agency_ids=frozenset(handler_agencies().values_list("pk", flat=True)))

    @classmethod
    def province(cls, code: str) -> "Scope":
        region = Region.objects.filter(code=code, level=Region.Level.PROVINCE).first()
        if region is None:
            raise ScopeError(f"there is no province with the region code {code!r}")
        ids = (
            handler_agencies()
            .filter(kind__in=REGIONAL_GOVERNMENTS)
            .filter(Q(region_id=code) | Q(region__code__startswith=code + "."))
            .values_list("pk", flat=True)
        )
        return cls(cls.PROVINCE, code, region.name, frozenset(ids))

    @classmethod
    def provinces(cls) -> list["Scope"]:
        """Every province's scope, as `province` gives each, read with two queries."""
        provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("code", "name"))
        members: dict[str, set[int]] = {code: set() for code, _name in provinces}
        rows = handler_agencies().filter(kind__in=REGIONAL_GOVERNMENTS, region__isnull=False).values_list("pk", "region_id")
        for pk, region_code in rows:
            province = region_code.split(".", 1)[0]
            if province in members:
                members[province].add(pk)
        return [cls(cls.PROVINCE, code, name, frozenset(members[code])) for code, name in provinces]

    @classmethod
    def coordinator(cls, code: str) -> "Scope":
        # As the access policy resolves coordination (lapor/reports/policy.py, COORDINATED): the
        # agencies whose `coordinator` is this one, not the coordinating agency itself.
        agency = cls._agency(code)
        ids = handler_agencies().filter(coordinator=agency).values_list("pk", flat=True)
        return cls(cls.COORDINATOR, code, str(agency), frozenset(ids))

    @classmethod
    def agency(cls, code: str) -> "Scope":
        agency = cls._agency(code)
        if agency.parent_id is not None or agency.kind in NOT_HANDLERS:
            raise ScopeError(f"{code!r} is not an agency that handles reports (use unit:{code} for a unit)")
        return cls(cls.AGENCY, code, str(agency), frozenset({agency.pk}))

    @classmethod
    def unit(cls, code: str) -> "Scope":
        unit = cls._agency(code)
        if unit.parent_id is None:
            raise ScopeError(f"{code!r} is not a unit (use agency:{code})")
        return cls(cls.UNIT, code, str(unit), frozenset(agency_and_units({unit.pk})))

    @classmethod
    def units(cls, code: str) -> list["Scope"]:
        """The scopes of an agency's (or a unit's) own units, by name, as `unit` gives each, read
        with a few queries whatever their number (a regional government has dozens)."""
        holder = cls._agency(code)
        units = list(holder.units.order_by("name", "code"))
        members: dict[int, set[int]] = {unit.pk: set() for unit in units}
        for pk, unit_id in units_under(holder.pk).items():
            members[unit_id].add(pk)
        return [cls(cls.UNIT, unit.code, str(unit), frozenset(members[unit.pk])) for unit in units]

    @classmethod
    def parse(cls, text: str) -> "Scope":
        """"national", "province:35", "coordinator:<code>", "agency:<code>" or "unit:<code>"."""
        kind, _, code = text.strip().partition(":")
        if kind == cls.NATIONAL and not code:
            return cls.national()
        if kind in (cls.PROVINCE, cls.COORDINATOR, cls.AGENCY, cls.UNIT) and code:
            return getattr(cls, kind)(code)
        raise ScopeError(
            f"unknown scope {text!r}: use national, province:<code>, coordinator:<code>, agency:<code> or unit:<code>"
        )

    @staticmethod
    def _agency(code: str) -> Agency:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise ScopeError(f"there is no agency with the code {code!r}")
        return agency

    # --- reading --------------------------------------------------------------------------
    @property
    def is_national(self) -> bool:
        return self.kind == self.NATIONAL

    @property
    def is_unit(self) -> bool:
        return self.kind == self.UNIT

    def reports_q(self, prefix: str = "") -> Q:
        """The reports this scope holds now (prefix "report__" to filter events)."""
        if self.is_national:
            return self.filter_q(prefix)
        if self.is_unit:
            return Q(**{prefix + "unit_id__in": sorted(self.agency_ids)}) & self.filter_q(prefix)
        return Q(**{prefix + "agency_id__in": sorted(self.agency_ids)}) & self.filter_q(prefix)

    def filter_q(self, prefix: str = "") -> Q:
        """The reports the filter keeps (Q() without a filter)."""
        if self.only == self.PRIORITY:
            return Q(**{prefix + "category__is_priority": True})
        if self.only == self.OMBUDSMAN:
            return Q(**{prefix + "ombudsman_offered_at__isnull": False}) | Q(**{prefix + "status": Status.OMBUDSMAN})
        return Q()


def units_under(agency_id: int) -> dict[int, int]:
    """Each unit in an agency's tree (nested ones too) -> the agency's own unit it lies under."""
    tree = agency_and_units({agency_id}) - {agency_id}
    parents = dict(Agency.objects.filter(pk__in=tree).values_list("pk", "parent_id"))
    out = {}
    for pk in parents:
        node = pk
        while parents[node] != agency_id:
            node = parents[node]
        out[pk] = node
    return out


@dataclass(frozen=True)
class Period:
    """Whole calendar days in WIB: [first 00:00, last + 1 day 00:00)."""

    first: date
    last: date

    def __post_init__(self):
        if self.last < self.first:
            raise ScopeError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=WIB)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=WIB)

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def q(self, field_name: str) -> Q:
        return Q(**{field_name + "__gte": self.start, field_name + "__lt": self.end})

    def __str__(self):
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @classmethod
    def days(cls, first: str | date, last: str | date | None = None) -> "Period":
        """From ISO dates (YYYY-MM-DD); `last` defaults to `first` (one day)."""
        first_day = _day(first)
        return cls(first_day, _day(last) if last is not None else first_day)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        start = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return cls(start, following - timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> "Period":
        """"2026" (a year), "2026-11" (a month), "2026-11-23" (a day) or "FIRST..LAST"."""
        text = text.strip()
        if ".." in text:
            first, _, last = text.partition("..")
            return cls.days(first, last)
        parts = text.split("-")
        try:
            if len(parts) == 1:
                return cls(date(int(parts[0]), 1, 1), date(int(parts[0]), 12, 31))
            if len(parts) == 2:
                return cls.month(int(parts[0]), int(parts[1]))
        except ValueError as exc:
            raise ScopeError(f"not a period: {text!r}") from exc
        return cls.days(text)


def _day(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ScopeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


MAX_PERIOD_DAYS = 366 * 2  # a longer period is refused: the reference engine reads every event of it


def period_from_params(params, errors: list[str]) -> Period:
    """The period a page asks for with ?dari=&sampai= (ISO dates); by default this year so far
    (Jakarta time). A bad value adds a message to `errors` and gives the default."""
    today = clock.now().astimezone(ZoneInfo("Asia/Jakarta")).date()
    default = Period(date(today.year, 1, 1), today)
    try:
        first = date.fromisoformat(params.get("dari") or default.first.isoformat())
        last = date.fromisoformat(params.get("sampai") or default.last.isoformat())
    except ValueError:
        errors.append(_("Dates must look like 2026-11-23."))
        return default
    if last < first:
        errors.append(_("The start date is after the end date."))
        return default
    if (last - first).days > MAX_PERIOD_DAYS:
        errors.append(_("Choose a period of at most two years."))
        return default
    return Period(first, last)
