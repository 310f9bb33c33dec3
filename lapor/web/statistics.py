"""The public statistics page: the monitoring indicators (docs/indicators.md) for the whole
country and per province, for a period. Aggregates only: no report, reporter or text appears.

Computed by the reference engine (lapor.monev.indicators) and cached for a few minutes per
period; at national scale the figures will come from the rollups (issue #5)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from lapor.core import clock
from lapor.monev.indicators import compute, compute_children
from lapor.monev.scopes import Period, Scope

CACHE_SECONDS = 300
MAX_DAYS = 366 * 2  # a longer period is refused: the reference engine reads every event of it


def _period(params, errors: list[str]) -> Period:
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
    if (last - first).days > MAX_DAYS:
        errors.append(_("Choose a period of at most two years."))
        return default
    return Period(first, last)


def statistics(request):
    errors: list[str] = []
    period = _period(request.GET, errors)
    key = f"public-statistics:{period}:{request.LANGUAGE_CODE}"
    figures = cache.get(key)
    if figures is None:
        national = Scope.national()
        figures = {"national": compute(national, period), "provinces": compute_children(national, period)}
        cache.set(key, figures, CACHE_SECONDS)
    return render(request, "web/statistics.html", {"period": period, "errors": errors, **figures})
