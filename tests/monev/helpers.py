"""Shared by the dashboard and export tests: the supervisors the scenario lacks, signed-in
clients, and a reader of the pages' tables."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from django.test import Client

from lapor.accounts.models import Position, Role, User
from lapor.agencies.models import Agency

from ..conftest import sign_in


@dataclass
class Supervisors:
    auditor: User  # APIP of Kota Surabaya
    province: User  # coordinator at the Province of East Java, which coordinates Kota Surabaya
    kemenko: User  # coordinator at Kemenko PMK, which coordinates Kemenkes
    ksp: User
    ombudsman: User


def supervisors(w) -> Supervisors:
    """Positions for every supervising role (the scenario's province government and Kemenko PMK
    must exist: scenario.build makes them)."""
    province = Agency.objects.get(code="prov-35")
    Agency.objects.filter(pk=w.city.pk).update(coordinator=province)
    ksp = Agency.objects.get_or_create(code="ksp", defaults={"name": "Kantor Staf Presiden", "kind": "ksp"})[0]
    ombudsman = Agency.objects.get(code="ombudsman")

    def person(name, role, agency):
        user = User.objects.create_user(username=name, password="pass-" + name, full_name=name.title())
        Position.objects.create(role=role, agency=agency, title=f"{role} {agency.code}", holder=user)
        return user

    return Supervisors(
        auditor=person("apip", Role.AUDITOR, w.city),
        province=person("pemprov", Role.COORDINATOR, province),
        kemenko=person("kemenko", Role.COORDINATOR, Agency.objects.get(code="kemenko-pmk")),
        ksp=person("ksp", Role.KSP, ksp),
        ombudsman=person("ori", Role.OMBUDSMAN, ombudsman),
    )


def client_for(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        sign_in(client, user)
    return client


class _Tables(HTMLParser):
    """Every <table>: its caption and its rows of cell texts (th and td)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = None
        self._in_caption = False
        self._row = None
        self._cell = None
        self._rows = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption.strip()] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def tables_on(html: str) -> dict[str, list[list[str]]]:
    """caption -> rows (the header row first)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def headline_on(html: str) -> dict[str, str]:
    """The indicators' <dl>: term -> value."""
    import re

    block = html[html.index('<dl class="figures" id="headline">'): html.index("</dl>", html.index('id="headline"'))]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block))


def shown(value, pct: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value} %" if pct else str(value)
