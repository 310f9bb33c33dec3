"""The agency's periodic monitoring report as a PDF (issue #5; docs/indicators.md, "Dashboards"):
the micro dashboard's own tables (the same figures as the page) and its monthly trend as charts.
Aggregates only: no report's text, no reporter. Drawn with reportlab, pure Python, with the
built-in Helvetica (Indonesian is written in Latin letters)."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table as PdfTable, TableStyle

from .dashboards import Table, headline_display

CHART_WIDTH, CHART_HEIGHT = 170 * mm, 60 * mm


class _NumberedCanvas(canvas.Canvas):
    """Writes "Page n of total" on every page once the total is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 8)
            self.drawRightString(A4[0] - 15 * mm, 10 * mm, _("Page %(n)s of %(total)s") % {"n": self._pageNumber, "total": total})
            super().showPage()
        super().save()


def _cell(text, style) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def _table(header: list[str], rows: list[list[str]], widths, styles, numeric_from: int = 1) -> PdfTable:
    head, body, body_right = styles["head"], styles["cell"], styles["num"]
    data = [[_cell(h, head) for h in header]]
    data += [[_cell(v, body_right if i >= numeric_from else body) for i, v in enumerate(row)] for row in rows]
    table = PdfTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _number(value) -> float | None:
    """A chart's value; None (a rate with nothing to count, "—") draws no bar and no point."""
    return float(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else None


def _chart(title: str, labels: list[str], values: list, *, label_format: str, colour: str, maximum=None) -> Drawing:
    """A bar chart of one value per month, each bar labelled with its number (as the page's charts)."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    drawing.add(String(0, CHART_HEIGHT - 10, title, fontName="Helvetica-Bold", fontSize=9))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 25
    chart.width, chart.height = CHART_WIDTH - 40, CHART_HEIGHT - 45
    numbers = [_number(v) for v in values]
    chart.data = [numbers or [None]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    if len(labels) > 8:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    top = max([n for n in numbers if n is not None] + [1.0])
    if maximum is None:  # counts: whole-number ticks
        maximum = math.ceil(top * 1.15)
        chart.valueAxis.valueStep = max(1, math.ceil(maximum / 6))
        maximum = math.ceil(maximum / chart.valueAxis.valueStep) * chart.valueAxis.valueStep
    chart.valueAxis.valueMax = maximum
    chart.bars[0].fillColor = colors.HexColor(colour)
    chart.barLabelFormat = label_format
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.nudge = "Helvetica", 7, 6
    drawing.add(chart)
    return drawing


def agency_report(*, title: str, period_text: str, generated: str, headline: Table, units: Table, trend: Table) -> bytes:
    """The PDF's bytes: a title block, the indicators, the units table and the trend charts."""
    sheet = getSampleStyleSheet()
    base = sheet["BodyText"]
    styles = {
        "head": base.clone("head", fontName="Helvetica-Bold", fontSize=7, leading=8.5),
        "cell": base.clone("cell", fontName="Helvetica", fontSize=7.5, leading=9),
        "num": base.clone("num", fontName="Helvetica", fontSize=7.5, leading=9, alignment=2),
    }
    h1 = sheet["Title"].clone("h1", fontName="Helvetica-Bold", fontSize=15, leading=19, alignment=0)
    h2 = sheet["Heading2"].clone("h2", fontName="Helvetica-Bold", fontSize=11, leading=14)
    small = base.clone("small", fontName="Helvetica", fontSize=9, leading=12)

    story = [
        Paragraph(escape(title), h1),
        Paragraph(escape(period_text), small),
        Paragraph(escape(generated), small),
        Spacer(1, 4 * mm),
        Paragraph(escape(headline.caption), h2),
        _table([c.header for c in headline.columns], [list(pair) for pair in headline_display(headline)],
               [120 * mm, 50 * mm], styles),
        Spacer(1, 4 * mm),
    ]
    labels = [row.cells[0] for row in trend.rows]
    story.append(KeepTogether([
        Paragraph(escape(trend.caption), h2),
        _chart(_("Reports received per month"), labels, [row.cells[1] for row in trend.rows],
               label_format="%d", colour="#1f5f8b"),
        Spacer(1, 2 * mm),
        _chart(_("Follow-up rate per month (%%)") % {}, labels, [row.cells[2] for row in trend.rows],
               label_format="%.1f", colour="#2e7d4f", maximum=100),
    ]))
    story.append(_table([c.header for c in trend.columns], [cells for _row, cells in trend.display()],
                        [50 * mm, 40 * mm, 40 * mm], styles))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(escape(units.caption), h2))
    first = 42 * mm
    rest = (180 * mm - first) / (len(units.columns) - 1)
    story.append(_table([c.header for c in units.columns], [cells for _row, cells in units.display()],
                        [first] + [rest] * (len(units.columns) - 1), styles))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, title=title, author="LAPOR!", subject=period_text)
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
