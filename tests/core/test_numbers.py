"""The one definition of how a number is written (lapor/core/numbers.py, ADR 0022): for people,
localised and grouped in the active language; for programs, never localised."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import number_format

from lapor.core.numbers import human_number, human_percent, human_size, machine_number


@pytest.mark.parametrize("language, big, fraction", [("id", "1.234.567", "91,25"), ("en", "1,234,567", "91.25")])
def test_human_numbers_follow_the_language(language, big, fraction):
    with translation.override(language):
        assert human_number(1234567) == big and human_number(Decimal("91.25")) == fraction
        assert human_percent(Decimal("91.25")) == f"{fraction} %"
        assert human_number(None) == human_percent(None) == "—"
        assert human_number(0) == "0" and human_number(Decimal("91.20")) == fraction[:-1] + "0"  # the engine's decimals kept
        assert human_number(Decimal("91.256"), decimal_pos=1) == fraction[:-1]


@pytest.mark.parametrize("language, mb", [("id", "1,5 MB"), ("en", "1.5 MB")])
def test_human_sizes_follow_the_language(language, mb):
    """Limits as people read them: whole MB without decimals, otherwise one; whole KB, at least 1."""
    with translation.override(language):
        assert human_size(10 * 1024 * 1024) == "10 MB" and human_size(1536 * 1024) == mb
        assert human_size(1024 * 1024 + 1) == "1 MB" and human_size(50 * 1024) == "50 KB" and human_size(10) == "1 KB"
        assert human_size(1023 * 1024) == ("1.023 KB" if language == "id" else "1,023 KB")


VALUES = [0, 7, 999, 1000, 1234, -1234567, 10**12, Decimal("0.0"), Decimal("91.2"), Decimal("1234.50"), Decimal("-0.5"),
          Decimal("1E+3"), Decimal("123456.789"), 12.5, 1234.25, 1e-7]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_fast_path_equals_djangos_number_format(language):
    """human_number writes the common case itself (it is called for thousands of table cells):
    always what Django's number_format writes, grouped."""
    with translation.override(language):
        for value in VALUES:
            assert human_number(value) == number_format(value, force_grouping=True), value


def test_machine_numbers_ignore_the_language():
    values = (64.7, 200.0, Decimal("91.20"), 1234567, 1e-7, -0.0, None)
    expected = ["64.7", "200", "91.2", "1234567", "0.0000001", "0", "0"]
    for language in ("id", "en"):
        with translation.override(language):
            assert [machine_number(v) for v in values] == expected
    with pytest.raises(TypeError):
        machine_number("64,7")


def test_the_template_filters():
    template = Template("{% load numbers %}{{ n|number }} · {{ p|percent }} · {{ x|machine }} · {{ none|percent }}")
    context = Context({"n": 1234, "p": Decimal("91.2"), "x": 64.7, "none": None})
    with translation.override("id"):
        assert template.render(context) == "1.234 · 91,2 % · 64.7 · —"
    with translation.override("en"):
        assert template.render(context) == "1,234 · 91.2 % · 64.7 · —"
