"""Steps the browser journeys share: signing in as a person would, with the second step for
officials (a code from their authenticator app, computed the way the phone would)."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from lapor.accounts.twofactor import needs_second_factor
from lapor.web.landing import landing_url

from ..conftest import authenticator, totp_code


def sign_in(page: Page, user, *, next_url: str | None = None) -> Page:
    """Sign `user` in on `page` (English pages): password, then the code for officials. Lands on
    `next_url`, or on the person's own page (their queue, dashboard or reports)."""
    device = authenticator(user) if needs_second_factor(user) else None
    page.goto("/masuk/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pass-" + user.username)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
        page.get_by_label("Code from your authenticator app").fill(totp_code(device))
        page.get_by_role("button", name="Verify").click()
    if next_url:
        page.wait_for_url(f"**{next_url}")
    else:  # where this person's work is (lapor/web/landing.py)
        page.wait_for_url(f"**{landing_url(user)}")
        if landing_url(user) == "/petugas/":
            expect(page.get_by_role("heading", name="Your queue")).to_be_visible()
    return page


def official(context: BrowserContext, user) -> Page:
    """A new page of `context` with `user` signed in, on their own page."""
    return sign_in(context.new_page(), user)
