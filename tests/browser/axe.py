"""axe-core on every page a browser test visits (WCAG 2.0 and 2.1, levels A and AA).

How: `AxeWatch.watch(context)` adds axe-core and a small starter to every document of the
context (init scripts), and exposes one binding. When a top-level http(s) document has loaded,
the starter runs `axe.run` on it and hands the violations to Python through the binding. To
make sure no document is left before its check has finished, the context's requests are
routed through Python: a navigation of a page's main frame (a link, a form, `goto`, `reload`)
waits until the document it leaves has reported, then goes on. Documents still open when the
test ends are awaited in `finish`, and the test fails there (see tests/browser/conftest.py)
listing every violation: rule, impact, the elements' selectors and the page's address.

Why init scripts and a binding, under the strict Content-Security-Policy (`script-src 'self'`,
no inline script, no eval): scripts added with `add_init_script` are given to Chromium through
the DevTools protocol and are not subject to the page's CSP, so the pages are checked while
served with their real policy. `bypass_csp` would switch the policy off for the whole page and
could hide a page that only works without it (an inline script or style); it is not used.
(Evaluating axe from the route handler itself is not possible: Playwright's `evaluate` does not
answer while the page's navigation is held by a route.)

axe-core comes from `node_modules/` (package.json, installed by `make test` with `npm ci`)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Route

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BINDING = "__laporAxeReport"
WAIT_SECONDS = 20  # the longest a navigation waits for the previous document's check

_STARTER = """(() => {
  if (window.top !== window || !/^https?:$/.test(location.protocol)) return;
  const id = Date.now().toString(36) + Math.random().toString(36).slice(2);
  const send = (message) => window.%(binding)s(Object.assign({id, url: location.href}, message));
  send({event: "start"});
  const run = () => window.axe.run(document, {runOnly: {type: "tag", values: %(tags)s}, resultTypes: ["violations"]})
    .then(result => send({event: "done", violations: result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.map(String).join(" "), html: n.html.slice(0, 160)})),
      }))}))
    .catch(error => send({event: "done", error: String(error)}));
  if (document.readyState === "complete") run(); else window.addEventListener("load", run, {once: true});
})();""" % {"binding": BINDING, "tags": json.dumps(TAGS)}


def axe_source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS.relative_to(ROOT)} is missing: run `make test` (it runs `npm ci`)")
    return AXE_JS.read_text()


@dataclass
class Violation:
    url: str
    rule: str
    impact: str
    help: str
    nodes: list[dict]

    def __str__(self) -> str:
        targets = "\n".join(f"      {n['target']}   {n['html']}" for n in self.nodes)
        return f"  [{self.impact}] {self.rule}: {self.help}\n    on {self.url}\n{targets}"


@dataclass
class AxeWatch:
    source: str = field(default_factory=axe_source, repr=False)
    checked: list[str] = field(default_factory=list)  # the address of every document checked, in order
    violations: list[Violation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _current: dict = field(default_factory=dict)  # page -> (document id, url) of the document it shows
    _done: set = field(default_factory=set)  # ids of documents checked

    def watch(self, context: BrowserContext) -> None:
        context.expose_binding(BINDING, self._on_report)
        context.add_init_script(script=self.source)
        context.add_init_script(script=_STARTER)
        context.route("**/*", self._on_request)

    def _on_report(self, source: dict, message: dict) -> None:
        page, doc = source["page"], message["id"]
        if message["event"] == "start":
            self._current[page] = (doc, message["url"])
            return
        self._done.add(doc)
        self.checked.append(message["url"])
        if message.get("error"):
            self.errors.append(f"  {message['url']}: {message['error']}")
        for v in message.get("violations", []):
            self.violations.append(Violation(message["url"], v["id"], v["impact"] or "", v["help"], v["nodes"]))

    def _on_request(self, route: Route) -> None:
        request = route.request
        try:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self._wait_for(request.frame.page)
        finally:
            route.fallback()

    def _wait_for(self, page: Page) -> None:
        """Until the document `page` shows has reported its check (or WAIT_SECONDS passed)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while page in self._current and self._current[page][0] not in self._done:
            if time.monotonic() > deadline or page.is_closed():
                doc, url = self._current.pop(page)
                self.errors.append(f"  {url}: not checked (left or closed before axe finished)")
                return
            page.wait_for_timeout(20)  # lets Playwright deliver the binding's call meanwhile

    def finish(self, contexts: list[BrowserContext]) -> None:
        """Wait for the checks of the documents still open."""
        for context in contexts:
            for page in context.pages:
                self._wait_for(page)

    def report(self) -> str:
        lines = []
        if self.violations:
            lines.append(f"axe-core found {len(self.violations)} WCAG 2.1 A/AA violation(s):")
            lines.extend(str(v) for v in self.violations)
        if self.errors:
            lines.append("axe-core could not check these pages:")
            lines.extend(self.errors)
        return "\n".join(lines)
