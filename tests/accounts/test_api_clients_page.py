"""The API clients page (ADR 0036): an agency admin manages the clients of the agency and its units,
the national desk every agency's; a new key is shown once and never again; rotate and revoke;
whoever else is refused."""

from __future__ import annotations

import html
import re

from django.test import Client

from lapor.accounts.models import ApiClient, ApiClientKey
from lapor.audit.models import AuditEntry

from ..conftest import sign_in

PAGE = "/petugas/klien-api/"
KEY = re.compile(r"lpc_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")


def client_for(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    sign_in(client, user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_agency_admin_creates_rotates_and_revokes_a_client_of_the_agency(world):
    web = client_for(world.city_admin)
    empty = text(web.get(PAGE))
    assert "No API client yet." in empty and 'value="kota-35-78"' in empty and 'value="kota-35-78-disdik"' in empty
    assert 'value="kota-91-71"' not in empty  # not another agency's
    made = web.post(PAGE, {"do": "create", "name": "Aplikasi Sapa Warga", "agency": "kota-35-78", "scopes": ["reports:read"]},
                    follow=True)
    assert made.redirect_chain == [(PAGE, 302)] and made["Cache-Control"].startswith("max-age=0")
    (key,) = KEY.findall(text(made))
    client = ApiClient.objects.get()
    assert (client.agency.code, client.scopes) == ("kota-35-78", "reports:read")
    again = text(web.get(PAGE))
    assert key not in again and key[:12] in again  # the prefix only, from now on
    rotated = text(web.post(PAGE, {"do": "rotate", "client": str(client.pk)}, follow=True))
    (new_key,) = KEY.findall(rotated)
    assert new_key != key and ApiClientKey.objects.count() == 2
    assert not KEY.findall(text(web.get(PAGE)))  # shown once: not on the next view of the page
    revoked = web.post(PAGE, {"do": "revoke", "client": str(client.pk)}, follow=True)
    assert "revoked: none of its keys works any more" in text(revoked)
    assert "New key for Aplikasi Sapa Warga" not in text(revoked)
    assert list(AuditEntry.objects.filter(data__client=client.pk).order_by("pk").values_list("kind", flat=True)) == [
        "api_client_created", "api_client_rotated", "api_client_revoked"]


def test_bad_input_is_answered_on_the_page_and_writes_nothing(world):
    web = client_for(world.city_admin)
    for form, status, words in (
        ({"do": "create", "name": "", "agency": "kota-35-78", "scopes": ["reports:read"]}, 422, "1 to 100 characters"),
        ({"do": "create", "name": "X", "agency": "kota-35-78"}, 422, "Scopes are one or more of"),
        ({"do": "create", "name": "X", "agency": "kota-91-71", "scopes": ["reports:read"]}, 403, "national desk manage"),
        ({"do": "create", "name": "X", "agency": "tidak-ada", "scopes": ["reports:read"]}, 404, "no agency with the code"),
        ({"do": "rotate", "client": "99999999999999999999"}, 404, "no such API client"),
        ({"do": "revoke", "client": "abc"}, 404, "no such API client"),
    ):
        answer = web.post(PAGE, form)
        assert answer.status_code == status and words in text(answer), (form, answer.status_code)
    assert not ApiClient.objects.exists()


def test_the_desk_manages_every_agency_and_others_are_refused(world):
    desk = client_for(world.national_admin)
    assert 'id="f-agency" name="agency" required' in text(desk.get(PAGE))  # a code, not a list of 5,000 units
    made = desk.post(PAGE, {"do": "create", "name": "Jayapura", "agency": "kota-91-71", "scopes": ["reports:read", "reports:submit"]},
                     follow=True)
    assert made.status_code == 200 and KEY.search(text(made))
    city = client_for(world.city_admin)
    assert "Jayapura" not in text(city.get(PAGE))  # the city admin does not see another agency's
    other = ApiClient.objects.get()
    assert city.post(PAGE, {"do": "revoke", "client": str(other.pk)}).status_code == 404
    assert ApiClient.objects.get().revoked_at is None
    for user in (world.education_officer, world.citizen):
        assert client_for(user).get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302
