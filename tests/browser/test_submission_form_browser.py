"""The submission form's enhancements in a real browser: search suggestions for the category and
the agency fill their <datalist>, the sub-category list follows the category, and chosen files
show as previews with the limits checked before sending. Without JavaScript the same form works
(tests/web/test_submit_choices.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from lapor.agencies.models import Category
from lapor.reports.models import Report


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_suggestions_lists_and_previews(world, new_context, settings):
    Category.objects.create(code="pendidikan-guru", name="GURU", parent=world.category.parent)
    settings.LAPOR_MAX_ATTACHMENT_BYTES = 2000
    page = new_context().new_page()
    page.goto("/lapor/")

    page.get_by_label("Search for a category").fill("ppd")
    expect(page.locator("#category-suggestions option")).to_have_count(1)
    assert page.locator("#category-suggestions option").get_attribute("value") == "PPDB (PENDIDIKAN DAN KEBUDAYAAN)"
    page.get_by_label("Agency to send it to (optional)").fill("Surabaya")
    expect(page.locator("#agency-suggestions option")).to_have_count(1)

    page.get_by_label("Category", exact=True).select_option(label="PENDIDIKAN DAN KEBUDAYAAN")
    expect(page.get_by_label("Sub-category").locator("option")).to_have_count(3)  # "choose" + 2

    big = b"%PDF-1.4\n" + b"0" * 3000
    page.get_by_label("Photos or documents").set_input_files(
        [
            {"name": "foto.png", "mimeType": "image/png", "buffer": _png()},
            {"name": "besar.pdf", "mimeType": "application/pdf", "buffer": big},
        ]
    )
    previews = page.locator("#attachment-preview li")
    expect(previews).to_have_count(2)
    expect(previews.nth(0).locator("img")).to_have_count(1)
    expect(previews.nth(0)).to_contain_text("foto.png")
    expect(previews.nth(1)).to_contain_text("besar.pdf")
    expect(previews.nth(1)).to_contain_text("too large")
    assert Report.objects.count() == 0
