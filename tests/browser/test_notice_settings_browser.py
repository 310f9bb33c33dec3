"""An agency admin, in English, chooses what they are e-mailed about their position's queue: they
untick the morning digest, save, are told it is saved, and the box is still unticked after a
reload. axe-core checks every page (tests/browser/conftest.py)."""

from __future__ import annotations

from playwright.sync_api import expect

from lapor.accounts.models import Position

from .steps import official

PAGE = "/petugas/pemberitahuan/"
DIGEST = "E-mail me a digest of this queue every morning"
QUEUE = "E-mail me when a report enters this queue, is overdue or is escalated to it"


def test_an_agency_admin_turns_off_the_morning_digest(world, new_context):
    position = Position.objects.get(holder=world.city_admin)
    page = official(new_context(), world.city_admin)

    page.get_by_role("link", name="E-mails about your queues").click()
    page.wait_for_url(f"**{PAGE}")
    expect(page.get_by_role("heading", name="E-mails about your queues", level=1)).to_be_visible()
    group = page.get_by_role("group", name="Admin Instansi Kota Surabaya — Pemerintah Kota Surabaya")
    expect(group.get_by_label(QUEUE)).to_be_checked()
    expect(group.get_by_label(DIGEST)).to_be_checked()
    expect(page.get_by_text("Your account has no e-mail address")).to_be_visible()

    group.get_by_label(DIGEST).uncheck()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{PAGE}")
    expect(page.get_by_text("Saved: you are e-mailed about your positions' queues as you chose.")).to_be_visible()

    page.reload()
    group = page.get_by_role("group", name="Admin Instansi Kota Surabaya — Pemerintah Kota Surabaya")
    expect(group.get_by_label(DIGEST)).not_to_be_checked()
    expect(group.get_by_label(QUEUE)).to_be_checked()
    expect(page.get_by_text("Saved: you are e-mailed")).to_have_count(0)  # told once
    position.refresh_from_db()
    assert (position.queue_messages, position.daily_digest) == (True, False)
