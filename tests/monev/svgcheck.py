"""Reads the SVG charts out of a page and checks them the way a browser would draw them: every
geometry attribute a plain number (a dot, no grouping: "64,7" draws nothing), and a bar whose
value is not zero has an area. Used by the charts tests of /monev/ and /survei/ (ADR 0022)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"
# Attributes that hold one number (a length or coordinate) on the elements Lapor draws.
NUMERIC = {"x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy",
           "font-size", "stroke-width", "opacity", "fill-opacity", "stroke-opacity"}
MACHINE = re.compile(r"-?\d+(\.\d+)?")  # what SVG reads as a number here; float() would also take "1_0", "nan"
# A human number on an Indonesian page: "1.234", "91,2", "25,0 %", or "—" for no value.
INDONESIAN = re.compile(r"(—|-?\d{1,3}(\.\d{3})*(,\d+)?( %)?)")


@dataclass
class Bar:
    value_text: str  # as written next to the bar (its <title> after ": ", or the next <text>)
    width: float
    height: float

    @property
    def value(self) -> float | None:
        """The value read the Indonesian way ("1.234,5" is 1234.5)."""
        text = self.value_text.removesuffix(" %")
        if text == "—":
            return None
        return float(text.replace(".", "").replace(",", "."))


def svgs_of(html: str) -> list[ET.Element]:
    """Every <svg> of the page, parsed as XML (so a chart must also be well-formed)."""
    out = []
    for markup in re.findall(r"<svg\b.*?</svg>", html, re.S):
        if "xmlns=" not in markup[: markup.index(">")]:
            markup = markup.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
        out.append(ET.fromstring(markup))
    return out


def _tag(element) -> str:
    return element.tag.removeprefix(SVG)


def problems_of(svg: ET.Element, where: str) -> list[str]:
    """Every attribute that is not a plain number where SVG wants one, and a malformed viewBox."""
    problems = []
    for element in svg.iter():
        for name, value in element.attrib.items():
            if name == "viewBox":
                parts = value.split()
                if len(parts) != 4 or not all(MACHINE.fullmatch(p) for p in parts):
                    problems.append(f"{where}: <{_tag(element)} viewBox={value!r}>")
            elif name in NUMERIC:
                # The outer <svg> may be as wide as its box ("100%").
                number = value[:-1] if _tag(element) == "svg" and value.endswith("%") else value
                if not MACHINE.fullmatch(number):
                    problems.append(f"{where}: <{_tag(element)} {name}={value!r}>")
    return problems


def _length(value: str | None) -> float:
    """A length as a browser reads it: what is not a plain number draws nothing."""
    return float(value) if value and MACHINE.fullmatch(value) else 0.0


def bars_of(svg: ET.Element) -> list[Bar]:
    """Each <rect> with the value written for it: its <title> ("label: value") on /monev/, the
    <text> after it on /survei/."""
    bars = []
    for parent in svg.iter():
        children = list(parent)
        for n, element in enumerate(children):
            if _tag(element) != "rect":
                continue
            title = element.find(f"{SVG}title")
            if title is not None:
                text = (title.text or "").rsplit(": ", 1)[-1]
            else:
                following = next((c for c in children[n + 1:] if _tag(c) == "text"), None)
                text = "" if following is None else (following.text or "")
            if text.strip():  # a rect with no value written for it is decoration (a pattern's tile), not a bar
                bars.append(Bar(text.strip(), _length(element.get("width")), _length(element.get("height"))))
    return bars


def check_page(html: str, where: str, bar_charts: int) -> list[Bar]:
    """Asserts that every SVG of the page draws (see the module's docstring), that `bar_charts` of
    them are bar charts, and that each bar's value is written as Indonesian people read it;
    returns the bars."""
    svgs = svgs_of(html)
    drawing_bars = [svg for svg in svgs if bars_of(svg)]
    assert len(drawing_bars) == bar_charts, f"{where}: {len(drawing_bars)} bar charts, expected {bar_charts}"
    problems, bars = [], []
    for n, svg in enumerate(svgs):
        problems += problems_of(svg, f"{where} SVG {n + 1}")
        for bar in bars_of(svg):
            if not INDONESIAN.fullmatch(bar.value_text):
                problems.append(f"{where} SVG {n + 1}: value {bar.value_text!r} is not an Indonesian number")
            elif bar.value and not (bar.width > 0 and bar.height > 0):
                problems.append(f"{where} SVG {n + 1}: value {bar.value_text} drawn {bar.width} × {bar.height}")
            bars.append(bar)
    assert not problems, "\n".join(problems)
    return bars
