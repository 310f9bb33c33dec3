"""A small browser for the pages: a CSRF-enforcing test client that fills in and posts the forms
found on the last page (hidden fields such as the CSRF token, the version and the reporter's code
come from the page itself)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from lapor.accounts.twofactor import needs_second_factor
from lapor.web.landing import landing_url

from ..api.conftest import _empty_cache, media_root, unchanged  # noqa: F401  (shared fixtures)
from ..conftest import authenticator, totp_code


class _Forms(HTMLParser):
    """Collect each <form>: its action, method and the default values of its fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"][a["name"]] = a.get("value", "on")
            elif kind != "file":
                self._form["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"][a["name"]] = None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._form["fields"][self._select] is None or "selected" in a:
                self._form["fields"][self._select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data


def forms_on(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    def __init__(self):
        # English, so that messages can be asserted as written in the code.
        self.http = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
        self.page = None

    @property
    def html(self) -> str:
        return self.page.content.decode()

    def get(self, url, **params):
        self.page = self.http.get(url, params, follow=True)
        return self.page

    def form(self, action: str) -> dict:
        found = [f for f in forms_on(self.html) if f["action"] == action]
        assert found, f"no form posting to {action} on {self.page.request['PATH_INFO']}"
        return found[0]

    def submit(self, action: str, files: dict | None = None, **values):
        """Post the form whose action is `action`, with the page's defaults overridden by `values`."""
        form = self.form(action)
        data = {k: v for k, v in form["fields"].items() if v is not None}
        data.update(values)
        data.update(files or {})
        self.page = self.http.post(action, data, follow=True)
        return self.page

    def enter_code(self, tracking_number: str, secret: str):
        """Open the track page and give the reporter's code in its form (the code is kept in the
        session, never put in a URL)."""
        self.get(f"/lacak/{tracking_number}/")
        if not [f for f in forms_on(self.html) if f["action"] == f"/lacak/{tracking_number}/"]:
            return self.page  # this session already gave the code (e.g. it submitted the report)
        return self.submit(f"/lacak/{tracking_number}/", kode=secret)

    def login(self, user):
        """Sign in through the pages: the password, then (officials) the code from their
        authenticator app, which is given one first if they have none."""
        device = authenticator(user) if needs_second_factor(user) else None
        self.get("/masuk/")
        page = self.submit("/masuk/", username=user.username, password="pass-" + user.username)
        if device is not None:
            assert page.request["PATH_INFO"] == "/masuk/dua-langkah/", "password refused, or no second step"
            page = self.submit("/masuk/dua-langkah/", code=totp_code(device))
        assert page.request["PATH_INFO"] == landing_url(user), "login failed, or not on the person's own page"
        return page


@pytest.fixture
def browser(world) -> Browser:
    return Browser()


@pytest.fixture
def officer_browser(world):
    """A browser signed in as `user`."""

    def _login(user) -> Browser:
        b = Browser()
        b.login(user)
        return b

    return _login
