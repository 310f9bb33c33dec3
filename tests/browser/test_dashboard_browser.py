"""The national dashboard as the national admin opens it every morning, in a real browser on a
1366×768 screen in Indonesian (ADR 0026): the headline figures and a trend chart within the first
two screens, the map's indicator changed with the form, and a province on the map followed to
its own dashboard. axe-core checks every page on the way (the `new_context` fixture)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from lapor.monev.indicators import compute
from lapor.monev.scopes import Period, Scope

from ..conftest import authenticator, totp_code
from ..monev import scenario

SCREEN = {"width": 1366, "height": 768}
MONTH = "dari=2026-11-01&sampai=2026-11-30"  # the scenario's reports


# A point of an area's own shape on screen (what a person clicks), found on a grid over its box.
LAND = """link => {
  const area = link.querySelector("path"), box = area.getBoundingClientRect();
  for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++) {
    const x = box.left + box.width * i / 24, y = box.top + box.height * j / 24;
    if (document.elementFromPoint(x, y) === area) return [x, y];
  }
  return null;
}"""


def indonesian(text: str) -> str:
    with translation.override("id"):
        return gettext(text)


def sign_in_in_indonesian(page: Page, user, next_url: str) -> None:
    """The sign-in pages as an Indonesian browser shows them: password, then the code (the
    national admin must use two-step sign-in: their authenticator app exists before)."""
    device = authenticator(user)
    page.goto(f"/masuk/?next={next_url.replace('&', '%26')}")
    page.get_by_label(indonesian("Username")).fill(user.username)
    page.get_by_label(indonesian("Password")).fill("pass-" + user.username)
    page.get_by_role("button", name=indonesian("Sign in")).click()
    page.get_by_label(indonesian("Code from your authenticator app")).fill(totp_code(device))
    page.get_by_role("button", name=indonesian("Verify")).click()
    page.wait_for_url("**/monev/nasional/**")


def test_the_national_admin_reads_the_dashboard_and_follows_the_map(world, new_context):
    scenario.build(world)
    page = new_context(english=False).new_page()
    page.set_viewport_size(SCREEN)
    sign_in_in_indonesian(page, world.national_admin, f"/monev/nasional/?{MONTH}")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text(indonesian("Indonesia"))

    # The headline figures and a trend chart are within the first two screens.
    two_screens = 2 * SCREEN["height"]
    headline = page.locator("#headline")
    expect(headline).to_be_visible()
    expect(headline.get_by_text(indonesian("Reports received"), exact=True)).to_be_visible()
    chart = page.locator("figure.chart svg").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["height"] > 0 and box["y"] + box["height"] <= two_screens, box

    # The map, shaded by the follow-up rate at first, then by reports received.
    shade = page.get_by_label(indonesian("Shade the map by"))
    expect(shade).to_have_value("follow_up_rate")
    shade.select_option("received")
    page.get_by_role("button", name=indonesian("Show on the map")).click()
    page.wait_for_url("**peta=received**")
    received_title = indonesian("%(label)s by province") % {"label": indonesian("Reports received")}
    expect(page.locator("figure.choropleth svg > title")).to_have_text(received_title)
    expect(page.get_by_label(indonesian("Shade the map by"))).to_have_value("received")
    # Jawa Timur's area says what its row in the province table says.
    east_java = page.locator('figure.choropleth a.map-link[href^="/monev/provinsi/35/"]')
    received = str(compute(Scope.province("35"), Period.days("2026-11-01", "2026-11-30")).received)
    expect(east_java.locator("title")).to_have_text(f"Jawa Timur: {received}")
    row = page.locator("#t-provinsi").locator("xpath=..").locator("tr", has=page.locator("th", has_text="Jawa Timur"))
    expect(row.locator("td").first).to_have_text(received)

    # Clicking the province on the map opens its dashboard, with the same period. (The link's
    # box centre may fall in the sea between Java and Madura: click a point of the province.)
    east_java.scroll_into_view_if_needed()
    point = east_java.evaluate(LAND)
    assert point, "no point of the province is on screen"
    page.mouse.click(*point)
    page.wait_for_url(f"**/monev/provinsi/35/?{MONTH}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jawa Timur")
    expect(page.locator("figure.choropleth a.map-link[href^='/monev/instansi/kota-35-78/']")).to_have_count(1)
