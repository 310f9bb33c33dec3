"""The public statistics page: the monitoring indicators (docs/indicators.md) for the whole
country and per province, for a period. Aggregates only: no report, reporter or text appears.

Read from the monitoring rollups (lapor.monev.rollups, equal to the reference engine by test)
and cached for a few minutes per period."""

from __future__ import annotations

from django.core.cache import cache
from django.shortcuts import render

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
    return render(request, "web/statistics.html", {"period": period, "errors": errors, **figures})
