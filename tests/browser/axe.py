"""axe-core on every page a browser test visits (WCAG 2.0 and 2.1, levels A and AA).

How: `AxeWatch.watch(context)` adds axe-core and a small starter to every document of the
context (init scripts), and exposes one binding. When a top-level http(s) document has loaded,
the starter runs `axe.run` on it and hands the violations to Python through the binding. To
make sure no document is left before its check has finished, the context's requests are
routed through Python: a navigation of a page's main frame (a link, a form, `goto`, `reload`)
waits until the document it leaves has reported, then goes on. Documents still open when the
test ends are awaited in `finish`, and the test fails there (see tests/browser/conftest.py)
listing every violation: rule, impact, the elements' selectors and the page's address.

A document left by its own link or form before its load event (a test that clicks as soon as
the element shows) is not waited for: such a navigation stops the document's loading (its
pending scripts and styles are aborted) and its load event never fires, so its check can never
run. Waiting for it held the navigation for the whole WAIT_SECONDS every time (an action's POST
answered six seconds late). The starter reports such a departure (the Navigation API's
`navigate` event, cross-document, before `load`) and the navigation goes on at once; the
document counts as left unchecked (see `finish`). A `goto` or `reload` does not stop the
document's loading: it is still waited for.

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
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Route

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BINDING = "__laporAxeReport"
# The longest a navigation waits for the previous document's check: under Playwright's 10 s, so
# that a check that never ends cannot time the test's click out. Such a document is let go if
# another document at the same address was checked (see `finish`). (The "check that never ends"
# once seen in about one walk in ten was a document left by a click before its load event: that
# one is no longer waited for, see above.)
WAIT_SECONDS = 6

_STARTER = """(() => {
  if (window.top !== window || !/^https?:$/.test(location.protocol)) return;
  const id = Date.now().toString(36) + Math.random().toString(36).slice(2);
  const send = (message) => window.%(binding)s(Object.assign({id, url: location.href}, message));
  send({event: "start"});
  let loaded = false;
  // Left by its own link or form before its load event: that navigation stops this document's
  // loading, its load event never comes, and Python must not hold the navigation waiting for it.
  if (window.navigation) window.navigation.addEventListener("navigate", (event) => {
    if (!loaded && !event.destination.sameDocument) send({event: "left"});
  });
  const run = () => { loaded = true; send({event: "loaded"}); return window.axe.run(document, {runOnly: {type: "tag", values: %(tags)s}, resultTypes: ["violations"]})
    .then(result => send({event: "done", violations: result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.map(String).join(" "), html: n.html.slice(0, 160)})),
      }))}))
    .catch(error => send({event: "done", error: String(error)})); };
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
    unchecked: list[tuple[str, str]] = field(default_factory=list)  # (address, why) of documents left before their check ended
    _current: dict = field(default_factory=dict)  # page -> (document id, url) of the document it shows
    _done: set = field(default_factory=set)  # ids of documents checked
    _loaded: set = field(default_factory=set)  # ids of documents whose load event fired (their check started)
    _left: set = field(default_factory=set)  # ids of documents left by their own link or form before their load event
    _pending: dict = field(default_factory=dict)  # page -> requests sent and not yet finished or failed

    def watch(self, context: BrowserContext) -> None:
        context.expose_binding(BINDING, self._on_report)
        context.add_init_script(script=self.source)
        context.add_init_script(script=_STARTER)
        context.route("**/*", self._on_request)
        context.on("request", lambda r: self._pending.setdefault(r.frame.page, set()).add(r.url) if r.frame else None)
        context.on("requestfinished", self._request_ended)
        context.on("requestfailed", self._request_ended)

    def _request_ended(self, request) -> None:
        try:
            self._pending.get(request.frame.page, set()).discard(request.url)
        except Exception:  # a frame already gone
            pass

    def _on_report(self, source: dict, message: dict) -> None:
        page, doc = source["page"], message["id"]
        if message["event"] == "start":
            self._current[page] = (doc, message["url"])
            return
        if message["event"] == "loaded":
            self._loaded.add(doc)
            return
        if message["event"] == "left":
            self._left.add(doc)
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

    def _wait_for(self, page: Page, seconds: float = WAIT_SECONDS) -> None:
        """Until the document `page` shows has reported its check (or `seconds` passed, or it
        was left by its own link or form before its load event: it will never be checked)."""
        deadline = time.monotonic() + seconds
        while page in self._current and self._current[page][0] not in self._done:
            doc = self._current[page][0]
            left_unloaded = doc in self._left and doc not in self._loaded
            if left_unloaded or time.monotonic() > deadline or page.is_closed():
                doc, url = self._current.pop(page)
                if left_unloaded:
                    state = "a link or form left it before its load event, which stopped its loading"
                elif doc in self._loaded:
                    state = "its check started and did not finish"
                else:
                    state = "its load event never fired"
                pending = ", ".join(sorted(self._pending.get(page, ()))) or "none"
                self.unchecked.append((url, f"left or closed before axe finished; {state}; requests pending: {pending}"))
                return
            page.wait_for_timeout(20)  # lets Playwright deliver the binding's call meanwhile

    def finish(self, contexts: list[BrowserContext]) -> None:
        """Wait for the checks of the documents still open (nothing waits on them: up to 20 s),
        then judge the documents left unchecked: one whose address was checked in another
        document is let go (and named on stderr); any other fails the test."""
        for context in contexts:
            for page in context.pages:
                self._wait_for(page, seconds=20)
        checked = set(self.checked)
        for url, why in self.unchecked:
            if url in checked:
                print(f"axe: a document at {url} was left before its check ended ({why}); another one there was checked",
                      file=sys.stderr)
            else:
                self.errors.append(f"  {url}: not checked ({why})")

    def report(self) -> str:
        lines = []
        if self.violations:
            lines.append(f"axe-core found {len(self.violations)} WCAG 2.1 A/AA violation(s):")
            lines.extend(str(v) for v in self.violations)
        if self.errors:
            lines.append("axe-core could not check these pages:")
            lines.extend(self.errors)
        return "\n".join(lines)
