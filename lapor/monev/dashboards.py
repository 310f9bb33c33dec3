"""The monitoring dashboards: who may open which (by role, as the access policy scopes them) and
the tables each shows. A table is built once and both rendered and exported, so a CSV or XLSX
file has exactly the page's rows and numbers.

Figures come from the rollups (`rollups.compute`, `compute_children`: the reference engine's
figures, read from summed counters; ADR 0019), cached per (scope, period) for a few minutes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import escape as escape_text
from urllib.parse import quote

from django.core.cache import cache
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lapor.accounts.models import Role
from lapor.accounts.page_access import Page, allows
from lapor.agencies.models import Agency
from lapor.core.numbers import NO_VALUE, human_number, human_percent

from . import hotspots, workload
from .indicators import Indicators, child_scopes
from .rollups import compute, compute_many, trend
from .scopes import NOT_HANDLERS, Period, Scope, ScopeError

CACHE_SECONDS = 300

NATIONAL, KSP, OMBUDSMAN = "national", "ksp", "ombudsman"
PROVINCE, COORDINATOR, AGENCY = "province", "coordinator", "agency"


# --- access ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """A dashboard the viewer may open: its kind, the scope's code and its title."""

    kind: str
    code: str
    title: str

    @property
    def url(self) -> str:
        return dashboard_url(self.kind, self.code)


def dashboard_url(kind: str, code: str = "") -> str:
    names = {NATIONAL: "monev:national", KSP: "monev:ksp", OMBUDSMAN: "monev:ombudsman"}
    if kind in names:
        return reverse(names[kind])
    # One reverse() per kind, not per table row (the national tables link hundreds of rows).
    return _url_pattern(kind, get_script_prefix(), get_language()).replace(_CODE, quote(code, safe=""))


_CODE = "__code__"


@lru_cache(maxsize=64)
def _url_pattern(kind: str, _prefix: str, _language: str | None) -> str:
    return reverse(f"monev:{kind}", kwargs={"code": _CODE})


def _agencies_of(actor, *roles) -> list[Agency]:
    """Agencies (not units) where the actor holds one of the roles."""
    ids = {p.agency_id for role in roles for p in actor.positions_with(role)}
    return list(Agency.objects.filter(pk__in=ids, parent__isnull=True).order_by("name"))


def entries_for(actor) -> list[Entry]:
    """The dashboards an actor starts from (the menu and /monev/): the national admin's macro,
    KSP and Ombudsman views; a coordinator's meso view of the agencies it coordinates; an agency
    admin's or APIP auditor's micro view of its agency. Drill-down opens the rest."""
    out = []
    if actor.has_role(Role.NATIONAL_ADMIN):
        out.append(Entry(NATIONAL, "", _("Indonesia")))
    if actor.has_role(Role.NATIONAL_ADMIN) or actor.has_role(Role.KSP):
        out.append(Entry(KSP, "", _("National priority programmes (KSP)")))
    if actor.has_role(Role.NATIONAL_ADMIN) or actor.has_role(Role.OMBUDSMAN):
        out.append(Entry(OMBUDSMAN, "", _("Reports offered or transferred to the Ombudsman")))
    out += [Entry(COORDINATOR, a.code, str(a)) for a in _agencies_of(actor, Role.COORDINATOR)]
    out += [Entry(AGENCY, a.code, str(a)) for a in _agencies_of(actor, Role.AGENCY_ADMIN, Role.AUDITOR)]
    return out


# Each kind of dashboard is a page of the page-access table (lapor/accounts/page_access.py).
DASHBOARD_PAGES = {
    NATIONAL: Page.DASHBOARD_NATIONAL, KSP: Page.DASHBOARD_KSP, OMBUDSMAN: Page.DASHBOARD_OMBUDSMAN,
    PROVINCE: Page.DASHBOARD_PROVINCE, COORDINATOR: Page.DASHBOARD_COORDINATOR, AGENCY: Page.DASHBOARD_AGENCY,
}


def may_open(actor, kind: str, code: str = "") -> bool:
    """Whether the actor may see this dashboard's scope (`code`: its agency): national admins see
    every scope; the others only what the access policy lets them view (their agency's tree, the
    agencies they coordinate, the priority categories, the Ombudsman's cases) — the page-access table."""
    return allows(actor, DASHBOARD_PAGES[kind], code)


def scope_of(kind: str, code: str = "") -> Scope:
    """The engine's scope of a dashboard (ScopeError when it does not exist)."""
    if kind == NATIONAL:
        return Scope.national()
    if kind == KSP:
        return Scope.national().narrowed(Scope.PRIORITY)
    if kind == OMBUDSMAN:
        return Scope.national().narrowed(Scope.OMBUDSMAN)
    if kind == PROVINCE:
        return Scope.province(code)
    if kind == COORDINATOR:
        return Scope.coordinator(code)
    if kind == AGENCY:
        return Scope.agency(code)
    raise ScopeError(kind)


# --- cached figures -------------------------------------------------------------------------
def _key(*parts) -> str:
    return "monev-dashboard:" + ":".join(str(p).replace(" ", "_") for p in parts)


def figures(scope: Scope, period: Period, shared: dict | None = None) -> Indicators:
    """The scope's figures. `shared`: one dict for every figure of a page (`rollups.compute_many`:
    the headline and the tables read the rows they have in common once)."""
    key = _key("one", scope.kind, scope.code, scope.only, period)
    found = cache.get(key)
    if found is None:
        found = compute(scope, period, shared=shared)
        cache.set(key, found, CACHE_SECONDS)
    return found


def children(scope: Scope, period: Period, by: str = "", shared: dict | None = None) -> list[Indicators]:
    """A table's rows (the national pages' two: `national_children`). Durations are not shown in
    these tables and are not read for them."""
    key = _key("children", scope.kind, scope.code, scope.only, by, period)
    found = cache.get(key)
    if found is None:
        if scope.kind in (Scope.AGENCY, Scope.UNIT):  # as child_scopes, with the units' scopes built together
            rows = [unit.narrowed(scope.only) for unit in Scope.units(scope.code)]
        else:
            rows = child_scopes(scope, by=by)
        found = compute_many(rows, period, durations=False, shared=shared)
        cache.set(key, found, CACHE_SECONDS)
    return found


def national_children(scope: Scope, period: Period, shared: dict | None = None) -> tuple[list[Indicators], list[Indicators]]:
    """The national pages' two tables, provinces and agencies: read in one go (the provinces are
    sums of the agencies' rows) and cached as one entry, which a page fetches once."""
    key = _key("children", scope.kind, scope.code, scope.only, "both", period)
    found = cache.get(key)
    if found is None:
        provinces, agencies = child_scopes(scope), child_scopes(scope, by=Scope.AGENCY)
        rows = compute_many(provinces + agencies, period, durations=False, shared=shared)
        found = (rows[: len(provinces)], rows[len(provinces) :])
        cache.set(key, found, CACHE_SECONDS)
    return found


def months(period: Period) -> list[Period]:
    """The calendar months the period touches, each cut to the period."""
    out, year, month = [], period.first.year, period.first.month
    while date(year, month, 1) <= period.last:
        whole = Period.month(year, month)
        out.append(Period(max(whole.first, period.first), min(whole.last, period.last)))
        year, month = year + (month == 12), month % 12 + 1
    return out


# --- tables ---------------------------------------------------------------------------------
TEXT, INT, PCT, DEC, SIGNED = "text", "int", "pct", "dec", "signed"
PAGE_ROWS = 20  # a long table shows this many rows until "show all" is asked for (?tabel=<key>&semua=1)


@dataclass
class Column:
    header: str
    kind: str = INT


@dataclass
class Row:
    cells: list  # str, int, Decimal or None ("—"), one per column
    link: str = ""  # the drill-down from the first cell
    quiet: bool = False  # received no reports in the period: folded away on the page (not in the export)


@dataclass
class Table:
    key: str  # the export's name (?tabel=...)
    caption: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # the headline table: each row's kind of value
    foldable: bool = False  # a long table: the page shows PAGE_ROWS rows with reports, quiet rows folded
    shown: list[Row] | None = None  # the rows the page shows (None: all); set by `fold`

    def fold(self, everything: bool) -> None:
        """Choose the rows the page shows: all of them when `everything` (or the table is not
        foldable), else the first PAGE_ROWS rows that are not quiet. The exports keep `rows`."""
        busy = [row for row in self.rows if not row.quiet]
        self.shown = None if everything or not self.foldable else busy[:PAGE_ROWS]

    @property
    def showing_all(self) -> bool:
        return self.shown is None or len(self.shown) == len(self.rows)

    @property
    def cut(self) -> bool:
        """Rows with reports are left out (more than PAGE_ROWS of them)."""
        return self.shown is not None and len(self.shown) < self.busy_count

    @property
    def shortens(self) -> bool:
        """Shown whole although the default view would fold or cut it (a "show fewer" link)."""
        return self.foldable and self.shown is None and (self.busy_count > PAGE_ROWS or self.quiet_count > 0)

    @property
    def busy_count(self) -> int:
        return sum(1 for row in self.rows if not row.quiet)

    @property
    def quiet_count(self) -> int:
        return sum(1 for row in self.rows if row.quiet)

    def display(self) -> list[tuple[Row, list[str]]]:
        """Each row the page shows with its cells as the page shows them."""
        rows = self.rows if self.shown is None else self.shown
        return [(row, [show(value, col.kind) for value, col in zip(row.cells, self.columns)]) for row in rows]

    def body_html(self) -> str:
        """The <tbody> rows. Built here rather than in the template: the national tables have
        hundreds of rows, and the template's per-cell tags were a third of the page's time. Cells
        are escaped with the standard library's `html.escape`, which Django's `escape` calls too,
        without its lazy-string check (thousands of cells)."""
        out = []
        for row, cells in self.display():
            first = escape_text(cells[0])
            if row.link:
                first = f'<a href="{escape_text(row.link)}">{first}</a>'
            rest = "".join(f"<td>{escape_text(cell)}</td>" for cell in cells[1:])
            out.append(f'<tr><th scope="row">{first}</th>{rest}</tr>')
        return mark_safe("\n".join(out))  # every piece escaped above


def show(value, kind: str) -> str:
    """A cell as the page (and the PDF) shows it: a human number in the active language, by the
    one definition (lapor/core/numbers.py, ADR 0022). The exports write the raw cells instead."""
    if kind == PCT:
        return human_percent(value)
    if kind == SIGNED:  # a change: "+3", "-2", "0"
        return ("+" if value and value > 0 else "") + human_number(value)
    if kind == TEXT:
        return NO_VALUE if value is None else str(value)
    return human_number(value)


def _indicator_columns(first: str) -> list[Column]:
    return [
        Column(first, TEXT),
        Column(_("Received")),
        Column(_("Verified within the deadline (%)"), PCT),
        Column(_("Followed up within the deadline (%)"), PCT),
        Column(_("Follow-up rate"), PCT),
        Column(_("Completion rate"), PCT),
        Column(_("Overdue now")),
        Column(_("Satisfaction (1–5)"), DEC),
    ]


def _indicator_cells(name: str, i: Indicators) -> list:
    return [name, i.received, i.verified_on_time_pct, i.followed_up_on_time_pct, i.follow_up_rate, i.completion_rate,
            i.overdue_now, i.satisfaction_mean]


def worst_first(rows: list[Indicators]) -> list[Indicators]:
    """What needs attention first: most reports overdue now, then the lowest follow-up rate, then
    the most reports received; rows that received no reports in the period last (by name)."""
    return sorted(rows, key=lambda i: (i.received == 0, -i.overdue_now, i.follow_up_rate is None,
                                       i.follow_up_rate or Decimal(0), -i.received, i.scope.name))


def headline_table(i: Indicators, caption: str) -> Table:
    d = i.satisfaction_distribution
    rows = [
        (_("Reports received"), i.received, INT),
        (_("Verified within the deadline (%)"), i.verified_on_time_pct, PCT),
        (_("Followed up within the deadline (%)"), i.followed_up_on_time_pct, PCT),
        (_("Follow-up rate"), i.follow_up_rate, PCT),
        (_("Completed"), i.completed, INT),
        (_("In process"), i.in_process, INT),
        (_("Completion rate"), i.completion_rate, PCT),
        (_("Working days to a follow-up (median)"), i.days_to_follow_up_median, DEC),
        (_("Working days to a follow-up (90th percentile)"), i.days_to_follow_up_p90, DEC),
        (_("Working days to completion (median)"), i.days_to_completion_median, DEC),
        (_("Working days to completion (90th percentile)"), i.days_to_completion_p90, DEC),
        (_("Overdue now"), i.overdue_now, INT),
        (_("Not our authority (re-dispositions)"), i.re_dispositions, INT),
        (_("Reopen rate"), i.reopen_rate, PCT),
        (_("Appeal rate"), i.appeal_rate, PCT),
        (_("Satisfaction (1–5)"), i.satisfaction_mean, DEC),
        (_("Ratings"), i.satisfaction_count, INT),
        *((_("Ratings of %(n)s") % {"n": n}, d[n], INT) for n in range(1, 6)),
        (_("Transferred to the Ombudsman"), i.ombudsman_transferred, INT),
        (_("Offered to the Ombudsman, not transferred"), i.ombudsman_offered, INT),
    ]
    if not i.scope.is_unit:
        rows += [
            (_("Agencies connected (decree and officers)"), i.connectivity_pct, PCT),
            (_("Agencies active in the period"), i.activity_pct, PCT),
        ]
    table = Table("indikator", caption, [Column(_("Indicator"), TEXT), Column(_("Value"), TEXT)])
    # The value column mixes kinds: each cell keeps its own number, shown with its own unit.
    table.rows = [Row([label, value]) for label, value, _kind in rows]
    table.kinds = [kind for _label, _value, kind in rows]
    return table


def headline_display(table: Table) -> list[tuple[str, str]]:
    return [(row.cells[0], show(row.cells[1], kind)) for row, kind in zip(table.rows, table.kinds)]


def children_table(key: str, caption: str, first: str, rows: list[Indicators], link=None, *, foldable: bool = False) -> Table:
    """One row per child scope; `link(code)` gives its drill-down ("" for none). `foldable`: a
    long table whose rows with no reports received are folded away on the page."""
    table = Table(key, caption, _indicator_columns(first), foldable=foldable)
    for i in rows:
        table.rows.append(Row(_indicator_cells(i.scope.name, i), link(i.scope.code) if link else "", quiet=i.received == 0))
    return table


def hot_spot_table(period: Period, province_code: str = "") -> Table:
    """The rising category × area pairs (lapor/monev/hotspots.py), cached like the figures."""
    key = _key("hotspots", province_code, period)
    found = cache.get(key)
    if found is None:
        found = hotspots.hot_spots(period, province_code)
        cache.set(key, found, CACHE_SECONDS)
    area = _("Regency or city") if province_code else _("Province")
    table = Table("titik-rawan", _("Hot spots: reports by category and area, rising first"), [
        Column(_("Category"), TEXT), Column(area, TEXT), Column(_("Received")), Column(_("Previous period")),
        Column(_("Difference"), SIGNED), Column(_("Difference (%)"), PCT)])
    for spot in found:
        table.rows.append(Row([spot.category, spot.area, spot.now, spot.before, spot.change, spot.change_pct]))
    return table


def trend_table(scope: Scope, period: Period) -> Table:
    table = Table("tren", _("Received and follow-up rate per month"),
                  [Column(_("Month"), TEXT), Column(_("Received")), Column(_("Follow-up rate"), PCT)])
    key = _key("trend", scope.kind, scope.code, scope.only, period)
    found = cache.get(key)
    if found is None:
        found = trend(scope, period)
        cache.set(key, found, CACHE_SECONDS)
    for month, (received, rate) in found.items():
        table.rows.append(Row([month, received, rate]))
    return table


def units_table(scope: Scope, period: Period, agency: Agency, viewer_link) -> Table:
    table = children_table("unit", _("Units of the agency"), _("Unit"), children(scope, period))
    for row, unit in zip(table.rows, agency.units.order_by("name", "code")):
        row.link = viewer_link(agency.code, unit.code)
    return table


def workload_tables(agency: Agency, viewer_link) -> tuple[Table, Table]:
    buckets = [Column(_("%(range)s working days") % {"range": label}) for label in workload.BUCKET_LABELS]
    by_unit = Table("beban-unit", _("Open reports per unit, by age in working days"),
                    [Column(_("Unit"), TEXT), *buckets, Column(_("Total")), Column(_("Overdue"))])
    ages = workload.open_ages(agency)
    for w in workload.workload_by_unit(agency, ages):
        label = w.label if w.code else _("%(agency)s (not yet forwarded)") % {"agency": w.label}
        by_unit.rows.append(Row([label, *w.buckets, w.total, w.overdue], viewer_link(agency.code, w.code)))
    by_position = Table("beban-pejabat", _("Open reports waiting for each liaison-officer position, by age in working days"),
                        [Column(_("Position"), TEXT), Column(_("Unit"), TEXT), Column(_("Held"), TEXT), *buckets,
                         Column(_("Total")), Column(_("Overdue"))])
    for w in workload.workload_by_position(agency, ages):
        held = _("vacant") if w.vacant else _("held")
        cells = [w.label, w.unit_label, held, *w.buckets, w.total, w.overdue]
        by_position.rows.append(Row(cells, viewer_link(agency.code, w.code)))
    return by_unit, by_position


def agency_of(code: str) -> Agency:
    agency = Agency.objects.filter(code=code, parent__isnull=True).exclude(kind__in=NOT_HANDLERS).first()
    if agency is None:
        raise ScopeError(code)
    return agency
