"""Real-browser tests: Playwright's sync API drives Debian's Chromium (/usr/bin/chromium, which
`make test` installs with apt-get when it is missing; never `playwright install`) against
pytest-django's live server, which runs in this process (so the frozen clock holds there too).

Every page any browser test visits is checked with axe-core (tests/browser/axe.py): each context
made by `new_context` is watched, and the test fails on any WCAG 2.1 A/AA violation."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from ..api.conftest import _empty_cache, media_root  # noqa: F401  (shared fixtures)
from .axe import AxeWatch, axe_source

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the module; each actor gets a context of their own."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium package")
    # The sync API keeps an asyncio loop registered on this thread, so Django would take every ORM
    # call the test makes (fixtures, database assertions) for one made from async code. Nothing
    # here is async: allow it while the browser is up, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's script, read once (node_modules/, installed by `make test`)."""
    return axe_source()


@pytest.fixture
def axe(axe_script) -> AxeWatch:
    """The accessibility check of this test's pages (see `new_context`)."""
    return AxeWatch(source=axe_script)


@pytest.fixture
def new_context(chromium, live_server, axe):
    """`new_context(english=True)`: a fresh browser profile (cookies, session) for one actor,
    closed at the end of the test; `english=False` is a browser set to Indonesian, or to
    `locale` when given; `javascript=False` is a browser with JavaScript switched off, whose
    pages axe-core cannot check (it is JavaScript: check the same pages in another context).
    Every document the other contexts show is checked with axe-core; the test fails at the end
    if any had a violation."""
    contexts: list[BrowserContext] = []

    def _new(*, english: bool = True, locale: str | None = None, javascript: bool = True) -> BrowserContext:
        context = chromium.new_context(
            base_url=live_server.url,
            extra_http_headers={"Accept-Language": "en"} if english else {},
            locale="en-US" if english else (locale or "id-ID"),
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        if javascript:  # axe-core runs in the page: a page without JavaScript is checked elsewhere
            axe.watch(context)
        contexts.append(context)
        return context

    yield _new
    try:
        axe.finish(contexts)
    finally:
        for context in contexts:
            context.close()
    if axe.violations or axe.errors:
        pytest.fail(axe.report(), pytrace=False)
