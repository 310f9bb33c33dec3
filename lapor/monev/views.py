"""The monitoring dashboards and their exports (docs/indicators.md, "Dashboards"). Thin: access
and tables come from dashboards.py, figures from the indicator engine through its cache."""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lapor.accounts.actors import Actor
from lapor.accounts.page_access import Page, allows
from lapor.core import clock

from . import charts, exports, hotspots, map_figures, pdf, workload
from .dashboards import (
    AGENCY, COORDINATOR, KSP, NATIONAL, OMBUDSMAN, PROVINCE, agency_of, children, children_table, dashboard_url,
    entries_for, figures, headline_display, headline_table, hot_spot_table, may_open, national_children, scope_of,
    trend_table, units_table, workload_tables, worst_first,
)
from .scopes import ScopeError, period_from_params



def _viewer(request, kind: str, code: str = "") -> Actor:
    actor = Actor.for_user(request.user)
    if not may_open(actor, kind, code):
        raise PermissionDenied(_("Your position does not give access to this dashboard."))
    return actor


def _export_or_none(request, tables, name: str):
    """?tabel=<key>&unduh=csv|xlsx: that table as a file (404 for an unknown table or format)."""
    fmt = request.GET.get("unduh")
    if not fmt:
        return None
    table = next((t for t in tables if t.key == request.GET.get("tabel")), None)
    if table is None or fmt not in exports.FORMATS:
        raise Http404
    return exports.response(fmt, f"{name}-{table.key}", [c.header for c in table.columns], [row.cells for row in table.rows])


@login_required
def index(request):
    actor = Actor.for_user(request.user)
    if not allows(actor, Page.MONITORING):
        raise PermissionDenied(_("Your position does not give access to a dashboard."))
    return render(request, "monev/index.html", {"entries": entries_for(actor)})


def _dashboard(request, kind: str, code: str = ""):
    actor = _viewer(request, kind, code)
    try:
        scope = scope_of(kind, code)
    except ScopeError:
        raise Http404 from None
    errors: list[str] = []
    period = period_from_params(request.GET, errors)
    query = urlencode({"dari": period.first.isoformat(), "sampai": period.last.isoformat()})

    def drill(target_kind):
        """The drill-down to a child's dashboard by its code, "" where the viewer may not open it."""
        def link(child_code: str) -> str:
            return f"{dashboard_url(target_kind, child_code)}?{query}" if may_open(actor, target_kind, child_code) else ""

        return link

    def report_list(agency_code: str, unit_code: str) -> str:
        url = reverse("monev:open_reports", kwargs={"code": agency_code})
        return url + ("?" + urlencode({"unit": unit_code}) if unit_code else "")

    titles = {NATIONAL: _("Indonesia"), KSP: _("National priority programmes (KSP)"),
              OMBUDSMAN: _("Reports offered or transferred to the Ombudsman")}
    title = titles.get(kind, scope.name)
    shared: dict = {}  # the page's figures read what they have in common once (rollups.compute_many)
    headline = headline_table(figures(scope, period, shared), _("Indicators of %(scope)s") % {"scope": title})
    agencies_caption = _("Agencies, most reports overdue first, then the lowest follow-up rate")
    shade = map_figures.chosen(request.GET)
    tables, hot_spots = [], None
    draw_map = None  # the page's map, drawn only for the page (not for an export)
    if kind in (NATIONAL, KSP, OMBUDSMAN):
        provinces, agencies = national_children(scope, period, shared)
        if kind == NATIONAL:
            tables.append(children_table("provinsi", _("By province (its regional governments)"), _("Province"),
                                         worst_first(provinces), drill(PROVINCE), foldable=True))
            draw_map = partial(map_figures.province_map, provinces, shade, drill(PROVINCE))
            hot_spots = hot_spot_table(period)
        tables.append(children_table("instansi", agencies_caption, _("Agency"), worst_first(agencies), drill(AGENCY),
                                     foldable=True))
    elif kind in (PROVINCE, COORDINATOR):
        rows = children(scope, period, shared=shared)
        tables.append(children_table("instansi", agencies_caption, _("Agency"), worst_first(rows), drill(AGENCY),
                                     foldable=True))
        if kind == PROVINCE:
            draw_map = partial(map_figures.regency_map, code, rows, shade, drill(AGENCY))
            hot_spots = hot_spot_table(period, code)
    workload_parts = ()
    if kind == AGENCY:
        agency = agency_of(code)
        tables.append(units_table(scope, period, agency, report_list))
        workload_parts = workload_tables(agency, report_list)
        tables += workload_parts
    trend = trend_table(scope, period)
    every = [headline, *tables, *filter(None, [hot_spots]), trend]
    name = "-".join(filter(None, ["monev", kind, code, str(period).replace("..", "_")]))
    if kind == AGENCY and request.GET.get("unduh") == "pdf":
        return _agency_pdf(title, period, headline, next(t for t in tables if t.key == "unit"), trend, name)
    exported = _export_or_none(request, every, name)
    if exported is not None:
        return exported
    area_map = draw_map() if draw_map else None
    # The table holding the map's numbers: the province table beside the national map; a
    # province's map has its own (the agencies' table is cut to 20 rows and holds more than the map).
    map_table = ("t-provinsi", tables[0].caption) if kind == NATIONAL else ("t-peta", area_map.title if area_map else "")
    for table in tables:  # ?tabel=<key>&semua=1: that long table whole, quiet rows included
        table.fold(everything=request.GET.get("tabel") == table.key and request.GET.get("semua") == "1")
    context = {
        "kind": kind, "title": title, "scope": scope, "period": period, "errors": errors, "query": query,
        "headline": headline, "headline_rows": headline_display(headline), "tables": tables, "trend": trend,
        "received_chart": charts.bars([(r.cells[0], r.cells[1]) for r in trend.rows]),
        "rate_chart": charts.bars([(r.cells[0], r.cells[2]) for r in trend.rows], maximum=100),
        "workload_chart": charts.hbars([(r.cells[0], r.cells[-2]) for r in workload_parts[0].rows]) if workload_parts else None,
        "action": request.path, "area_map": area_map, "hot_spots": hot_spots,
        "map_options": map_figures.options(), "shade": shade, "shade_label": dict(map_figures.options())[shade],
        "previous_period": hotspots.previous(period), "map_table_id": map_table[0], "map_table_caption": map_table[1],
    }
    return render(request, "monev/dashboard.html", context)


def _agency_pdf(title, period, headline, units, trend, name: str) -> HttpResponse:
    """?unduh=pdf on the micro dashboard: its periodic monitoring report (pdf.py), built from the
    page's own tables, so it holds the page's figures (aggregates only)."""
    generated = clock.now().astimezone(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M")
    content = pdf.agency_report(
        title=_("Monitoring report: %(agency)s") % {"agency": title},
        period_text=_("Period: %(first)s to %(last)s") % {
            "first": date_format(period.first, "j F Y"), "last": date_format(period.last, "j F Y")},
        generated=_("Generated on %(time)s WIB") % {"time": generated},
        headline=headline, units=units, trend=trend,
    )
    out = HttpResponse(content, content_type="application/pdf")
    out["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return out


@login_required
def national(request):
    return _dashboard(request, NATIONAL)


@login_required
def ksp(request):
    return _dashboard(request, KSP)


@login_required
def ombudsman(request):
    return _dashboard(request, OMBUDSMAN)


@login_required
def province(request, code):
    return _dashboard(request, PROVINCE, code)


@login_required
def coordinator(request, code):
    return _dashboard(request, COORDINATOR, code)


@login_required
def agency(request, code):
    return _dashboard(request, AGENCY, code)


@login_required
def open_reports(request, code):
    """The drill-down's last step: the open reports of an agency or one of its units, as the
    viewer may see them (never a reporter's identity), with their age in working days."""
    actor = _viewer(request, AGENCY, code)
    try:
        holder = agency_of(code)
    except ScopeError:
        raise Http404 from None
    unit = None
    if request.GET.get("unit"):
        unit = holder.units.filter(code=request.GET["unit"]).first()
        if unit is None:
            raise Http404
    rows = workload.open_report_rows(actor, holder, unit)
    fmt = request.GET.get("unduh")
    if fmt:
        if fmt not in exports.FORMATS:
            raise Http404
        header = [_("Tracking number"), _("Title"), _("Status"), _("Unit"), _("Received"), _("Age (working days)"),
                  _("Age group (working days)"), _("Overdue"), _("Due")]
        confidential = _("(confidential: content not shown)")
        cells = [
            [r.tracking_number, r.title if not r.confidential else confidential, r.status, r.unit,
             timezone.localtime(r.received).strftime("%Y-%m-%d %H:%M") if r.received else None, r.age, r.bucket,
             _("yes") if r.overdue else _("no"), timezone.localtime(r.due).strftime("%Y-%m-%d %H:%M") if r.due else None]
            for r in rows
        ]
        return exports.response(fmt, f"monev-laporan-terbuka-{(unit or holder).code}", header, cells)
    query = urlencode({"unit": unit.code}) if unit else ""
    return render(request, "monev/open_reports.html", {
        "agency": holder, "unit": unit, "rows": rows, "query": query, "back": dashboard_url(AGENCY, holder.code),
    })
