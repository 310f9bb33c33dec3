"""Dashboard tables and the open-report list as CSV and XLSX files: the page's rows and numbers,
with text that a spreadsheet would run as a formula defused (as the audit export does)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

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
