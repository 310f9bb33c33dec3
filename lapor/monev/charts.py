"""Server-rendered bar charts (SVG): geometry only, drawn by templates/monev/_chart.html with
presentation attributes and classes (no inline style or script: the CSP forbids both). Every
chart stands next to a data table holding the same numbers.

Geometry (x, y, width, height, …) is a machine number: the templates draw it inside
`{% localize off %}`, or Indonesian pages would write "64,7" and no bar would draw. The value
written on or next to a bar is a human number, formatted here by the one definition
(lapor/core/numbers.py, ADR 0022)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lapor.core.numbers import human_number

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 600, 200, 16, 28, 8
MAX_TICKS = 12


@dataclass
class Bar:
    label: str
    value: str  # as people read it, in the active language ("—" for no value)
    x: float
    y: float
    width: float
    height: float
    text_x: float
    value_y: float  # where the value is written: above the bar (horizontal: the row's baseline)
    end_x: float = 0  # horizontal bars: where the bar ends (the value is written after it)
    tick: str = ""  # the label written under the bar (every bar's up to MAX_TICKS bars, then every n-th)


def bars(points: list[tuple[str, int | Decimal | None]], maximum: float | None = None) -> dict:
    """Bars for (label, value) pairs, scaled to `maximum` (default: the largest value)."""
    numbers = [float(v) for _, v in points if v is not None]
    top = maximum or max(numbers, default=0) or 1
    slot = (WIDTH - LEFT) / max(len(points), 1)
    usable = HEIGHT - TOP - BOTTOM
    step = -(-len(points) // MAX_TICKS) or 1
    out = []
    for n, (label, value) in enumerate(points):
        height = usable * float(value) / top if value is not None else 0
        x = LEFT + n * slot + slot * 0.15
        y = TOP + usable - height
        out.append(Bar(label, human_number(value), round(x, 1), round(y, 1), round(slot * 0.7, 1),
                       round(height, 1), round(x + slot * 0.35, 1), round(max(y - 3, 12), 1),
                       tick=label if n % step == 0 else ""))
    return {"bars": out, "width": WIDTH, "height": HEIGHT, "baseline": HEIGHT - BOTTOM, "label_y": HEIGHT - 10}


ROW, LABEL_WIDTH, BAR_LEFT, BAR_RIGHT = 24, 8, 290, 560


def hbars(points: list[tuple[str, int | Decimal | None]]) -> dict:
    """Horizontal bars, one row per (label, value): for named rows (units) whose labels are long."""
    numbers = [float(v) for _, v in points if v is not None]
    top = max(numbers, default=0) or 1
    out = []
    for n, (label, value) in enumerate(points):
        width = (BAR_RIGHT - BAR_LEFT) * float(value) / top if value is not None else 0
        y = 4 + n * ROW
        out.append(Bar(label, human_number(value), BAR_LEFT, y, round(width, 1), ROW - 8,
                       LABEL_WIDTH, y + ROW - 12, round(BAR_LEFT + width + 4, 1)))
    return {"bars": out, "width": WIDTH, "height": 8 + len(points) * ROW}
