"""A signed-in citizen on a phone, in Indonesian, reads what happened to their report (the in-app
channel, ADR 0032): the menu counts the unread notifications, the list shows them newest first,
marked new this once, each linking to the report. axe-core checks every page
(tests/browser/conftest.py)."""

from __future__ import annotations

from django.utils import translation
from playwright.sync_api import expect

from lapor.accounts.actors import Actor
from lapor.notices.jobs import run_feed
from lapor.reports.services import report_act

PHONE = {"width": 390, "height": 844}


def test_a_citizen_reads_the_notifications_of_a_report_on_a_phone(world, submit, new_context):
    with translation.override("id"):  # filed on the Indonesian site: told in Indonesian
        report, _secret = submit(world.citizen)
    report_act(tracking_number=report.tracking_number, action="dispose", actor=Actor.for_user(world.national_admin),
               payload={"agency": "kota-35-78"})
    run_feed()
    number = report.formatted_tracking_number

    page = new_context(english=False).new_page()
    page.set_viewport_size(PHONE)
    page.goto("/masuk/?next=/laporan-saya/")
    page.get_by_label("Nama pengguna").fill(world.citizen.username)
    page.get_by_label("Kata sandi").fill("pass-" + world.citizen.username)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/laporan-saya/")

    menu_entry = page.get_by_role("link", name="Pemberitahuan 2 belum dibaca")
    expect(menu_entry).to_be_visible()
    menu_entry.click()
    expect(page.get_by_role("heading", name="Pemberitahuan", level=1)).to_be_visible()
    expect(page).to_have_title("Pemberitahuan · Lapor")
    expect(page.get_by_role("heading", name="Ke mana pesan dikirim", level=2)).to_have_count(1)
    items = page.locator("ol.notifications > li")
    expect(items).to_have_count(2)
    expect(items.nth(0).get_by_role("heading", level=2)).to_have_text(f"Laporan {number} diverifikasi baru")
    expect(items.nth(0)).to_contain_text("Pemerintah Kota Surabaya")
    expect(items.nth(1).get_by_role("heading", level=2)).to_have_text(f"Laporan {number} diterima baru")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # nothing wider than the phone
    expect(page.get_by_role("link", name="Pemberitahuan", exact=True)).to_be_visible()  # read now: no count

    items.nth(0).get_by_role("link", name=f"Laporan {number} diverifikasi").click()
    page.wait_for_url(f"**/lacak/{report.tracking_number}/")
    page.go_back()
    page.reload()
    expect(page.locator("ol.notifications .badge.new")).to_have_count(0)
