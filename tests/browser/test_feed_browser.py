"""The public feed in a real browser: a visitor searches and filters the public reports, opens
one, and, once signed in as a citizen, supports it (+1). Unverified and confidential reports
never show, and the phone number typed into a report is hidden."""

from __future__ import annotations

from playwright.sync_api import expect

from lapor.accounts.actors import Actor
from lapor.reports.models import ReportSupport
from lapor.reports.services import report_act

from .steps import sign_in

PHONE = "0812-3456-7890"


def test_a_visitor_searches_the_feed_and_a_citizen_supports_a_report(world, submit, new_context):
    desk = Actor.for_user(world.national_admin)

    def accepted(**fields):
        report, _ = submit(**fields)
        report_act(tracking_number=report.tracking_number, action="dispose", actor=desk, payload={"agency": "kota-35-78"})
        return report

    road = accepted(title="Jalan berlubang di depan pasar", description=f"Lubang besar sedalam 30 cm di depan pasar, hubungi saya di {PHONE}.")
    accepted(title="Sampah menumpuk di terminal", description="Sampah di terminal tidak diangkut selama lima hari dan berbau sekali.")
    submit(title="Jembatan retak belum diverifikasi", description="Jembatan di kelurahan retak, laporan ini belum diverifikasi oleh admin.")
    accepted(title="Pungutan rahasia di sekolah", description="Isi laporan ini rahasia dan tidak boleh tampil di daftar publik.", is_confidential=True)

    page = new_context().new_page()
    page.goto("/")
    page.get_by_role("link", name="Public reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public reports")
    titles = page.locator("ol.feed h2")
    expect(titles).to_have_text(["Sampah menumpuk di terminal", "Jalan berlubang di depan pasar"])  # newest first
    expect(page.get_by_text("[TELEPON]", exact=False)).to_be_visible()
    assert PHONE not in page.content()

    # Full-text search, then a search that finds nothing, then the filters.
    page.evaluate("window.sameDocument = true")  # survives htmx swaps, not a page load
    search = page.get_by_role("search")
    search.get_by_label("Search").fill("berlubang pasar")
    search.get_by_role("button", name="Show").click()
    expect(titles).to_have_text(["Jalan berlubang di depan pasar"])
    assert page.evaluate("window.sameDocument === true"), "htmx should have replaced only the results"
    assert "q=berlubang%20pasar" in page.url  # the address follows, so the filter can be shared
    expect(page.get_by_label("Search")).to_have_value("berlubang pasar")
    page.get_by_label("Search").fill("jembatan")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No public report matches.")).to_be_visible()
    page.get_by_label("Search").fill("")
    page.get_by_label("Province").select_option(label="Papua")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No public report matches.")).to_be_visible()
    page.get_by_label("Province").select_option(label="Jawa Timur")
    page.get_by_label("Agency", exact=True).fill("Surabaya")
    page.get_by_label("Status").select_option("at_agency")
    page.get_by_role("button", name="Show").click()
    expect(titles).to_have_count(2)
    expect(page.get_by_text("0 supporters")).to_have_count(2)

    # Open the report; supporting it needs an account.
    page.get_by_role("link", name="Jalan berlubang di depan pasar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Report {road.formatted_tracking_number}")
    expect(page.get_by_text("0 people support this report.")).to_be_visible()
    page.get_by_role("button", name="I have the same problem (+1)").click()
    expect(page.get_by_role("status")).to_have_text("Sign in to support a report.")
    assert ReportSupport.objects.count() == 0

    # The citizen signs in and comes back to the report.
    sign_in(page, world.citizen, next_url=f"/lacak/{road.tracking_number}/")
    page.get_by_role("button", name="I have the same problem (+1)").click()
    expect(page.get_by_role("status")).to_have_text("Thank you: your support has been counted.")
    expect(page.get_by_text("1 person supports this report.")).to_be_visible()
    expect(page.get_by_text("You support this report.")).to_be_visible()
    expect(page.get_by_role("button", name="I have the same problem (+1)")).to_have_count(0)
    road.refresh_from_db()
    assert road.support_count == 1
    assert list(ReportSupport.objects.values_list("report__tracking_number", "user__username")) == [(road.tracking_number, "warga")]

    # The feed counts it and tells the citizen.
    page.get_by_role("link", name="Public reports").click()
    entry = page.locator("ol.feed > li").filter(has=page.get_by_role("link", name="Jalan berlubang di depan pasar"))
    expect(entry).to_contain_text("1 supporter · you support this")
