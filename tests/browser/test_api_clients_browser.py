"""An agency admin on a laptop (1366 px) makes an API client for the agency's own complaint app:
opens the page from the positions-and-accounts page, names it, picks the unit and the scope, creates it, reads the key
shown once, then gives it a new key and revokes it. axe-core checks every page
(tests/browser/conftest.py)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from lapor.accounts.models import ApiClient

from .steps import official


def test_an_agency_admin_makes_gives_a_new_key_to_and_revokes_a_client(world, new_context):
    page = official(new_context(), world.city_admin)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("link", name="Positions and accounts").click()
    page.get_by_role("link", name="API clients").click()
    page.wait_for_url("**/petugas/klien-api/")
    expect(page.get_by_role("heading", name="API clients", level=1)).to_be_visible()
    expect(page.get_by_text("No API client yet.")).to_be_visible()

    page.get_by_label("Name (what the application is)").fill("Aplikasi Sapa Warga")
    page.get_by_label("Agency", exact=True).select_option(label="Dinas Pendidikan Kota Surabaya")
    page.get_by_label(re.compile("^reports:read")).check()
    page.get_by_role("button", name="Create the client and its key").click()
    key = page.locator("#new-key")
    expect(key).to_have_text(re.compile(r"^lpc_[a-z0-9]{8}_"))
    first = key.inner_text()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Aplikasi Sapa Warga"))
    expect(row.get_by_role("cell", name="reports:read")).to_be_visible()
    assert ApiClient.objects.get().agency.code == "kota-35-78-disdik"

    row.get_by_role("button", name="New key for Aplikasi Sapa Warga").click()
    expect(page.locator("#new-key")).not_to_have_text(first)
    page.reload()  # shown once: a reload neither shows the key again nor makes another
    expect(page.locator("#new-key")).to_have_count(0)
    assert ApiClient.objects.get().keys.count() == 2

    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Aplikasi Sapa Warga"))
    row.get_by_role("button", name="Revoke Aplikasi Sapa Warga").click()
    expect(page.get_by_role("status")).to_contain_text("revoked: none of its keys works any more")
    expect(page.get_by_role("button", name="Revoke Aplikasi Sapa Warga")).to_have_count(0)
