"""The language switch in the page header: Indonesian by default, English on request, back to
Indonesian; the text and <html lang> follow, and the choice holds from page to page."""

from __future__ import annotations

from playwright.sync_api import expect


def test_the_language_switch_goes_to_english_and_back(new_context):
    # A browser that asks for neither language (French) gets the default, Indonesian.
    context = new_context(english=False, locale="fr-FR")
    page = context.new_page()
    page.goto("/laporan/")
    html, h1 = page.locator("html"), page.get_by_role("heading", level=1)
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(html).to_have_attribute("lang", "id")
    expect(h1).to_have_text("Laporan publik")
    expect(menu.get_by_role("link", name="Lacak", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Tampilkan")).to_be_visible()

    page.get_by_label("Bahasa", exact=True).select_option("en")
    page.get_by_role("button", name="Ganti", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    assert page.url.endswith("/laporan/")  # the same page, now in English
    expect(h1).to_have_text("Public reports")
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Lacak", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Show")).to_be_visible()
    expect(page.get_by_label("Language", exact=True)).to_have_value("en")

    # The choice is remembered on the next page.
    menu.get_by_role("link", name="Track", exact=True).click()
    expect(page.get_by_role("button", name="Track", exact=True)).to_be_visible()
    expect(html).to_have_attribute("lang", "en")
    assert {c["name"]: c["value"] for c in context.cookies()}.get("django_language") == "en"

    page.get_by_label("Language", exact=True).select_option("id")
    page.get_by_role("button", name="Change", exact=True).click()
    expect(html).to_have_attribute("lang", "id")
    assert page.url.endswith("/lacak/")
    expect(page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Lacak", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Lacak", exact=True)).to_be_visible()
    expect(page.get_by_label("Bahasa", exact=True)).to_have_value("id")
