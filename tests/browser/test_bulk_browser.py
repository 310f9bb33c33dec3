"""An agency admin forwards several reports at once from the queue, in a real browser: ticks
their boxes (the boxes live in the table, outside the form, tied to it by form="bulk"), picks
the action and the unit, and sends. The unit's liaison officer then finds them in their queue."""

from __future__ import annotations

from playwright.sync_api import expect

from lapor.reports.models import Report

from .steps import official


def test_an_agency_admin_forwards_three_reports_at_once(world, submit, new_context):
    titles = ["Pungutan liar saat pendaftaran sekolah", "Seragam sekolah terlalu mahal", "Zonasi PPDB tidak adil", "Guru sering tidak hadir"]
    reports = [submit(title=t, target_agency_code="kota-35-78")[0] for t in titles]
    assert {r.status for r in reports} == {"at_agency"}
    chosen, left = reports[:3], reports[3]

    page = official(new_context(), world.city_admin)
    for r in reports:
        expect(page.get_by_role("link", name=r.formatted_tracking_number)).to_be_visible()
    for r in chosen:
        page.get_by_label(f"Select report {r.formatted_tracking_number}").check()
    bulk = page.get_by_role("group", name="Act on the selected reports")
    bulk.get_by_label("Action", exact=True).select_option(label="forward to a unit")
    bulk.get_by_label("Unit (for forwarding)").select_option(label="Dinas Pendidikan Kota Surabaya")
    bulk.get_by_label("Note").fill("Mohon ditangani bersama.")
    bulk.get_by_role("button", name="Apply to the selected reports").click()

    expect(page.get_by_role("status")).to_have_text("Forward to a unit: 3 reports.")
    for r in chosen:
        r.refresh_from_db()
        assert (r.status, r.unit.code) == ("forwarded", "kota-35-78-disdik")
        assert r.events.order_by("-seq").values_list("action", "note").first() == ("forward", "Mohon ditangani bersama.")
    assert Report.objects.get(pk=left.pk).status == "at_agency"
    # Back on the queue: what is left waits; the forwarded reports are no longer the admin's to move.
    left_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=left.formatted_tracking_number))
    expect(left_row.get_by_role("cell", name="Guru sering tidak hadir")).to_be_visible()
    expect(page.get_by_label(f"Select report {left.formatted_tracking_number}")).not_to_be_checked()

    # The education office's liaison officer has the three in their queue, and only those.
    officer = official(new_context(), world.education_officer)
    rows = officer.get_by_role("row").filter(has=officer.get_by_role("link"))
    expect(rows).to_have_count(3)
    for r in chosen:
        expect(officer.get_by_role("link", name=r.formatted_tracking_number)).to_be_visible()
