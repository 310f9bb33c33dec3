"""The charts test of the survey results (ADR 0022): every chart drawn in Indonesian is an SVG a
browser can draw — geometry as plain numbers, a bar with a share has an area — and the shares
written on it and in its table are Indonesian ("33,3 %"), while the files keep machine numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import translation

from ..monev.svgcheck import check_page
from .test_results import answer


@pytest.fixture(autouse=True)
def _language_back():
    """A request leaves its language active in the thread: put the previous one back."""
    before = translation.get_language()
    yield
    translation.activate(before)


@pytest.fixture
def thirds(world, survey):
    """Three responses: shares of a third (33.3 %, 66.7 %), so every bar has decimals."""
    answer(survey, 1, q1="5", q2="Web", q4="2")
    answer(survey, 2, q1="4", q2="Web")
    answer(survey, 3, q1="4", q2="WhatsApp")
    return survey


def test_every_chart_of_the_results_draws_in_indonesian(thirds):
    html = Client(headers={"Accept-Language": "id"}).get(f"/survei/{thirds.pk}/hasil/").content.decode()
    assert '<html lang="id"' in html
    # Questions 1, 2 and 4 (the written one has no chart).
    bars = check_page(html, "/survei/", 3)
    assert [b.value_text for b in bars if b.value] == ["66,7 %", "33,3 %", "66,7 %", "33,3 %", "100,0 %"]
    assert [b.width for b in bars if b.value] == [146.74, 73.26, 146.74, 73.26, 220]
    assert "<td>66,7 %</td>" in html and "<strong>4,33</strong>" in html  # the table and the mean, for people


def test_the_results_file_has_machine_numbers(thirds):
    client = Client(headers={"Accept-Language": "id"})
    text = client.get(f"/survei/{thirds.pk}/hasil/ringkasan.csv").content.decode("utf-8").lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "66.7" in cells and "33.3" in cells and "4.33" in cells
    assert not any(c in ("66,7", "33,3", "4,33") for c in cells)
