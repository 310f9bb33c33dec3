"""How Lapor writes a number: the one definition (ADR 0022).

Two kinds of number, never mixed:

- a *human* number is read by a person on a page, a PDF or an SVG's value label: it is always
  localised in the active language — Indonesian "91,2 %" and "1.234", English "91.2 %" and
  "1,234" — with a thousands separator, and "—" for no value (`human_number`, `human_percent`;
  in templates the filters of `lapor/core/templatetags/numbers.py`);
- a *machine* number is read by a program: SVG geometry, `data-*` attributes, CSV, JSON, XLSX
  cells. It is never localised: a dot as the decimal mark, no grouping, no exponent
  (`machine_number`; the files keep their raw `int` and the engine's rounded `Decimal`, whose
  `str()` is already that).

Django localises every number a template prints, so a machine number in a template goes through
`machine_number` (the `machine` filter) or sits inside `{% localize off %}`."""

from __future__ import annotations

from decimal import Decimal

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language

NO_VALUE = "—"


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def human_number(value, decimal_pos: int | None = None) -> str:
    """A number for people in the active language, grouped by thousands ("—" for None). The
    value keeps its own decimals (the engine rounds each figure, docs/indicators.md) unless
    `decimal_pos` is given. Anything that is not a number is returned as text unchanged."""
    if value is None:
        return NO_VALUE
    if not _is_number(value):
        return str(value)
    decimal_sep, grouping, thousand_sep = _separators(get_language())
    if decimal_pos is None and grouping == 3 and not isinstance(value, float):
        # The common case (every language Lapor speaks groups by three), written by Python's own
        # format with the language's marks: half the time of formats.number_format, and the
        # national tables show thousands of cells. tests/core/test_numbers.py holds it equal to
        # Django's.
        if isinstance(value, Decimal):
            return f"{value:,f}".translate({ord(","): thousand_sep, ord("."): decimal_sep})
        return f"{value:,}".replace(",", thousand_sep)
    return numberformat.format(value, decimal_sep, decimal_pos, grouping, thousand_sep, force_grouping=True,
                               use_l10n=True)


def _separators(language: str | None) -> tuple[str, object, str]:
    """The language's decimal mark, grouping and thousands separator: Django's own formats
    (django/conf/locale/<language>/formats.py, FORMAT_MODULE_PATH), whatever
    USE_THOUSAND_SEPARATOR says (a human number is always grouped: "1.234", not "1234"). Not
    cached here: get_format caches them and forgets them when a test changes the settings."""
    names = ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    return tuple(get_format(name, language, use_l10n=True) for name in names)


def human_percent(value, decimal_pos: int | None = None) -> str:
    """A percentage for people: the number, a space and "%" ("91,2 %" in Indonesian, "91.2 %" in
    English, the SI and KBBI style), "—" for None (no reports to count)."""
    if value is None:
        return NO_VALUE
    return f"{human_number(value, decimal_pos)} %"


def human_size(n: int) -> str:
    """A size in bytes for people, the way limits are stated: "10 MB", "1,5 MB" ("1.5 MB" in
    English; one decimal at most, none when it is zero), "50 KB" (whole KB, at least 1)."""
    if n >= 1024 * 1024:
        tenths = Decimal(f"{n / (1024 * 1024):.1f}")
        return f"{human_number(int(tenths) if tenths == tenths.to_integral_value() else tenths)} MB"
    return f"{human_number(max(n // 1024, 1))} KB"


def machine_number(value) -> str:
    """A number for programs: a dot as the decimal mark, no grouping, no exponent, no trailing
    zeros ("64.7", "200", "0"); None is "0" (an SVG length that draws nothing)."""
    if value is None:
        return "0"
    if isinstance(value, bool) or not _is_number(value):
        raise TypeError(f"not a number: {value!r}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
