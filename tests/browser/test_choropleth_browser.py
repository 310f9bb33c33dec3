"""The choropleth map (templates/monev/_map.html) in a real browser, in Indonesian, under the
strict Content-Security-Policy: the map draws (every province has an area on screen), each area
is a link reached with the keyboard and shows its focus, following one opens the province's map
of regencies and cities, and axe-core finds no WCAG 2.1 A/AA violation on either page (the
`new_context` fixture checks every page it shows).

The pages are served by a view that exists only here (this module is the URL configuration of
its tests: its own route, then the project's, so the site's menu still resolves)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from playwright.sync_api import expect

from lapor.monev import maps

PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% block title %}{{ map.title }}{% endblock %}{% block content %}
<h1>{{ map.title }}</h1>
{% include "monev/_map.html" with map=map map_id="peta" table_id="t-peta" table_caption=map.title %}
{% include "monev/_map_table.html" with map=map table_id="t-peta" header="Laporan" %}
{% endblock %}"""
)


def map_page(request, view: str):
    """Indonesia, or one province, with made-up values spread over every shade and a gap."""
    if view == "nasional":
        codes = maps.province_codes()
        values: dict[str, Decimal | int | None] = {c: Decimal(n * 7 % 38) + Decimal("0.5") for n, c in enumerate(codes)}
        values["94"] = None
        drawn = maps.province_map(values, link=lambda code: f"/uji-peta/{code}/", label="Tingkat penyelesaian", unit="%")
    else:
        codes = maps.regency_codes(view)
        values = {c: n * 3 for n, c in enumerate(codes)}
        values[codes[0]] = None
        drawn = maps.regency_map(view, values, label="Laporan diterima")
    return HttpResponse(PAGE.render({"map": drawn}, request))


urlpatterns = [path("uji-peta/<str:view>/", map_page), path("", include("config.urls"))]


@pytest.mark.urls(__name__)
def test_the_map_draws_links_by_keyboard_and_passes_axe(new_context):
    page = new_context(english=False).new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto("/uji-peta/nasional/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tingkat penyelesaian per provinsi")
    areas = page.locator("figure.choropleth a.map-link")
    expect(areas).to_have_count(38)
    # Drawn: every province has a box on screen (a localised "64,7" in the geometry draws nothing).
    boxes = [areas.nth(n).bounding_box() for n in range(38)]
    assert all(box and box["width"] > 0 and box["height"] > 0 for box in boxes)
    svg = page.locator("figure.choropleth svg").bounding_box()
    assert 2.5 < svg["width"] / svg["height"] < 2.9  # not squashed by the page's CSS
    # The link's name is its title, with the value as people read it.
    east_java = page.get_by_role("link", name="Jawa Timur: ", exact=False).first
    expect(east_java).to_have_attribute("href", "/uji-peta/35/")
    # The keyboard reaches the areas; the focused one is outlined and opens its province.
    east_java.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/uji-peta/35/"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    stroke = page.evaluate("getComputedStyle(document.activeElement.querySelector('path')).strokeWidth")
    assert outline == "solid" and stroke == "3px"
    page.keyboard.press("Enter")
    page.wait_for_url("**/uji-peta/35/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan diterima per kabupaten/kota, Jawa Timur")
    expect(page.locator("figure.choropleth svg[role=img] path.map-area")).to_have_count(38)
    expect(page.locator("figure.choropleth path.map-nodata")).to_have_count(1)
    expect(page.get_by_role("cell", name="3", exact=True)).to_be_visible()
    page.goto("/uji-peta/nasional/")  # leaving the province's page waits for its axe check
