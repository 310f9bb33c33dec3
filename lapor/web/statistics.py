"""The public statistics page: the monitoring indicators (docs/indicators.md) for the whole
country and per province (a table and a map shaded by a chosen indicator), for a period. Aggregates only: no report, reporter or text appears.

Read from the monitoring rollups (lapor.monev.rollups, equal to the reference engine by test)
and cached for a few minutes per period."""

from __future__ import annotations

from django.core.cache import cache
from django.shortcuts import render

from lapor.monev import map_figures
from lapor.monev.rollups import compute, compute_children
from lapor.monev.scopes import Scope, period_from_params

CACHE_SECONDS = 300


def statistics(request):
    errors: list[str] = []
    period = period_from_params(request.GET, errors)
    key = f"public-statistics:{period}:{request.LANGUAGE_CODE}"
    figures = cache.get(key)
    if figures is None:
        national = Scope.national()
        figures = {"national": compute(national, period), "provinces": compute_children(national, period)}
        cache.set(key, figures, CACHE_SECONDS)
    # The province map: the table's own rows, so the same numbers; no links (no public dashboard).
    shade = map_figures.chosen(request.GET, map_figures.PUBLIC)
    area_map = map_figures.province_map(figures["provinces"], shade)
    return render(request, "web/statistics.html", {
        "period": period, "errors": errors, **figures,
        "area_map": area_map, "shade": shade, "map_options": map_figures.options(map_figures.PUBLIC),
    })
