"""Category and target agency on the submission form: lists, search suggestions, and names typed
without JavaScript, resolved by the server; a name that matches nothing is explained and
nothing is written."""

from __future__ import annotations

import pytest

from lapor.agencies.models import Category
from lapor.reports.models import Report

from .test_public_pages import FORM


@pytest.fixture
def more_categories(world):
    top = world.category.parent
    Category.objects.create(code="pendidikan-guru", name="GURU", parent=top)
    other = Category.objects.create(code="infrastruktur", name="INFRASTRUKTUR")
    Category.objects.create(code="infrastruktur-guru", name="GURU", parent=other)  # the same name elsewhere
    return top


def _send(browser, **values):
    browser.get("/lapor/")
    return browser.submit("/lapor/", **{**FORM, **values})


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"category_group": "pendidikan"}, "pendidikan"),
        ({"category_group": "pendidikan", "category_code": "pendidikan-ppdb"}, "pendidikan-ppdb"),
        ({"category_search": "PPDB (PENDIDIKAN DAN KEBUDAYAAN)"}, "pendidikan-ppdb"),
        ({"category_search": "ppdb"}, "pendidikan-ppdb"),  # a unique name alone is enough
        ({"category_search": "GURU (INFRASTRUKTUR)"}, "infrastruktur-guru"),
        ({"category_search": "PPDB", "category_group": "infrastruktur"}, "infrastruktur"),  # the lists win
    ],
)
def test_the_most_precise_category_wins(browser, more_categories, values, expected):
    page = _send(browser, **values)
    assert page.status_code == 200, page.content.decode()[:500]
    assert Report.objects.get().category.code == expected


@pytest.mark.parametrize("search", ["GURU", "tidak ada", "PPDB (INFRASTRUKTUR)"])
def test_a_category_name_that_is_not_one_category_is_explained(browser, more_categories, unchanged, search):
    with unchanged():
        page = _send(browser, category_search=search)
    assert page.status_code == 422
    assert "No single category matches" in page.content.decode() and 'href="#f-category_search"' in page.content.decode()


def test_target_agency_by_name_goes_straight_to_it(browser, world):
    _send(browser, target_agency_name="pemerintah kota surabaya")
    report = Report.objects.get()
    assert report.status == "at_agency" and report.agency == world.city
    _send(browser, target_agency_name="Kemenkes")  # the short name
    assert Report.objects.order_by("-pk").first().agency == world.ministry


@pytest.mark.parametrize("name", ["Dinas Pendidikan Kota Surabaya", "Admin Nasional SP4N-LAPOR!", "Kementerian Entah"])
def test_a_unit_the_desk_or_an_unknown_agency_is_refused(browser, world, unchanged, name):
    with unchanged():
        page = _send(browser, target_agency_name=name)
    assert page.status_code == 422 and "There is no agency named" in page.content.decode()


def test_suggestions(browser, more_categories):
    html = browser.get("/kategori/", q="ppd").content.decode()
    assert '<option value="PPDB (PENDIDIKAN DAN KEBUDAYAAN)">' in html
    html = browser.get("/kategori/", q="guru").content.decode()
    assert "GURU (PENDIDIKAN DAN KEBUDAYAAN)" in html and "GURU (INFRASTRUKTUR)" in html
    assert "<option" not in browser.get("/kategori/", q="p").content.decode()  # too short
    html = browser.get("/kategori/", parent="pendidikan").content.decode()
    assert '<option value="pendidikan-ppdb">PPDB</option>' in html
    html = browser.get("/instansi/", q="surabaya").content.decode()
    assert "Pemerintah Kota Surabaya" in html and "Dinas" not in html
    page = browser.get("/lapor/")
    assert '<option value="pendidikan">PENDIDIKAN DAN KEBUDAYAAN</option>' in page.content.decode()
