"""Dashboard tables, the open-report list and the evaluation records as CSV and XLSX files: the
page's rows and numbers, with text that a spreadsheet would run as a formula defused (as the audit
export does). The user survey's files (lapor/survey/exports.py) are written here too.

The evaluation tables (ADR 0020) read through the selectors of their pages
(lapor/monev/evaluation.py), so a file never shows more than its page: a sampled report's
tracking number only when the access policy lets the viewer see the report, never its title or
follow-up text (the page's readable text is not needed for the scores), never a reporter field,
and the reviewer as the position recorded in the audit entry of the score, not as a person."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lapor.audit.models import AuditEntry
from lapor.reports.selectors import can_view

from . import evaluation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def defuse(text: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula: such text is quoted."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _csv_cell(value) -> str:
    return "—" if value is None else defuse(str(value))


def _xlsx_cell(value):
    """Numbers stay numbers (so the sheet can sum them); text is defused; no value is "—"."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, Decimal)):
        return value
    return defuse(str(value))


def response(fmt: str, filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = filename[:31]
        sheet.append([_xlsx_cell(h) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        buffer = io.BytesIO()
        book.save(buffer)
        out = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow([_csv_cell(h) for h in header])
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
        # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
        out = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return out


# --- evaluation records (ADR 0017, 0020) ------------------------------------------------------
def _yes_no(value):
    return None if value is None else (_("yes") if value else _("no"))


def _day(value):
    return value.isoformat() if value else None


def _minute(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None


def _position(position) -> str | None:
    return f"{position.title} — {position.agency.name}" if position is not None else None


def _reviewer_positions(review) -> dict:
    """(item number, reviewer's user id) -> the position the reviewer scored through, as its
    audit entry recorded it (the latest, when a reviewer scored the same follow-up again)."""
    entries = (
        AuditEntry.objects.filter(kind=AuditEntry.Kind.REVIEW_SCORED, agency_id=review.agency_id, data__review=review.pk)
        .select_related("actor_position__agency")
        .order_by("pk")
    )
    return {(e.data.get("item"), e.actor_id): _position(e.actor_position) for e in entries}


def review_scores(actor, reviews) -> tuple[list[str], list[list]]:
    """One row per score (a sampled follow-up scored by one reviewer) of the given reviews, which
    the caller took from `evaluation.reviews_visible_to(actor)`: the averages of a review's
    criterion columns and its share meeting the bar are the figures of its page."""
    labels = evaluation.criterion_labels()
    header = [
        _("Review"), _("Agency"), _("First day"), _("Last day"), _("Follow-up in the sample"), _("Tracking number"),
        _("Follow-up given"), _("Within its deadline"), *(labels[c] for c in evaluation.CRITERIA),
        _("Meets the bar"), _("Reviewer (position)"), _("Scored"),
    ]
    rows: list[list] = []
    for review in reviews:
        positions = _reviewer_positions(review)
        items = review.items.select_related("event__report").prefetch_related("scores")
        for item in items:
            scores = sorted(item.scores.all(), key=lambda s: (s.scored_at, s.pk))
            if not scores:
                continue
            event, report = item.event, item.event.report
            tracking_number = report.formatted_tracking_number if can_view(actor, report) else None
            on_time = event.data.get("on_time")
            for score in scores:
                values = [getattr(score, c) for c in evaluation.CRITERIA]
                meets = all(v is None or v >= evaluation.BAR for v in values)
                rows.append([
                    review.pk, review.agency.name, _day(review.period_first), _day(review.period_last), item.position,
                    tracking_number, _minute(event.created_at), _yes_no(on_time), *values, _yes_no(meets),
                    positions.get((item.position, score.reviewer_id)), _minute(score.scored_at),
                ])
    return header, rows


def preventive_actions(actions) -> tuple[list[str], list[list]]:
    """The preventive-action list of its page (`evaluation.preventive_actions_visible_to`)."""
    header = [
        _("Action"), _("Description"), _("Agency"), _("Categories"), _("Region"), _("Owner"), _("Start"), _("End"),
        _("Status"),
    ]
    rows = [
        [
            a.title, a.description, a.agency.name, ", ".join(c.name for c in a.categories.all()),
            a.region.name if a.region_id else None, a.owner, _day(a.start_date), _day(a.end_date), a.get_status_display(),
        ]
        for a in actions
    ]
    return header, rows


def action_plans(plans) -> tuple[list[str], list[list]]:
    """One row per item of each plan (`evaluation.plans_visible_to`), as the plan's page shows
    it (the owner is the position's title); a plan without items is one row with empty items."""
    header = [
        _("Plan"), _("Agency"), _("First day"), _("Last day"), _("Action"), _("Target"), _("Owner"), _("Due"),
        _("Progress (%)"), _("Progress notes"), _("Status"),
    ]
    rows: list[list] = []
    for plan in plans:
        lead = [plan.title, plan.agency.name, _day(plan.period_first), _day(plan.period_last)]
        items = list(plan.items.select_related("owner"))
        if not items:
            rows.append([*lead, None, None, None, None, None, None, None])
        for i in items:
            rows.append([
                *lead, i.action, i.target, i.owner.title, _day(i.due_date), i.progress, i.progress_notes or None,
                i.get_status_display(),
            ])
    return header, rows
