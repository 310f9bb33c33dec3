"""The accessibility check itself (tests/browser/axe.py): it sees a page that breaks WCAG, under
the app's own Content-Security-Policy, and it checks every document a test leaves."""

from __future__ import annotations

from lapor.core.middleware import SecurityHeadersMiddleware

BROKEN = (
    "<!doctype html><html><head><title>Probe</title></head><body><main>"
    "<img src='/static/none.png'><form><input name='q'></form></main></body></html>"
)


def test_the_check_reports_violations_under_the_strict_policy(new_context, axe):
    context = new_context()
    page = context.new_page()
    # A page with three faults, served with the policy every Lapor page has.
    page.route(
        "**/axe-probe/",
        lambda route: route.fulfill(
            status=200, body=BROKEN,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": SecurityHeadersMiddleware.POLICY},
        ),
    )
    page.goto("/axe-probe/")
    page.goto("/")  # leaving the probe waits for its check
    page.get_by_role("link", name="Track", exact=True).click()
    page.wait_for_url("**/lacak/")
    axe.finish([context])

    probe = [v for v in axe.violations if v.url.endswith("/axe-probe/")]
    assert {v.rule for v in probe} == {"html-has-lang", "image-alt", "label"}
    assert {n["target"] for v in probe for n in v.nodes} == {"html", "img", "input"}
    assert "label" in axe.report() and "/axe-probe/" in axe.report()
    # Each document was checked once, in order, and the real pages have no violation.
    assert [u.removeprefix(page.url.split("/lacak/")[0]) for u in axe.checked] == ["/axe-probe/", "/", "/lacak/"]
    assert [v for v in axe.violations if v not in probe] == []
    assert axe.errors == []
    axe.violations.clear()  # expected here: the test would otherwise fail at its end
