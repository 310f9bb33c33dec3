"""The demo's second factor: every demo official has an authenticator with a published demo key,
`manage.py demo_totp` prints its current code in demo mode only and never for another key, and a
demo official can sign in through the pages with the password and that code."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapor.accounts.models import Position, User
from lapor.demo.accounts import DEMO_CITIZEN, DEMO_PASSWORD
from lapor.demo.reports import load_demo
from lapor.demo.totp import demo_key

from ..web.conftest import Browser


def demo_code(username: str) -> str:
    out = io.StringIO()
    call_command("demo_totp", username, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines[0]) == 6 and lines[0].isdigit() and "valid for about" in lines[1]
    return lines[0]


def test_demo_officials_sign_in_with_the_demo_code(demo_registry, monkeypatch, settings):
    monkeypatch.setenv("LAPOR_DEMO", "1")
    out = io.StringIO()
    call_command("load_demo", "--reports", "20", stdout=out)
    assert "bin/demo-totp USERNAME" in out.getvalue()

    officials = User.objects.filter(positions__is_active=True).distinct()
    assert officials.count() > 10
    devices = {d.user.username: d for d in TOTPDevice.objects.select_related("user")}
    assert set(devices) == set(officials.values_list("username", flat=True))
    assert all(d.confirmed and d.key == demo_key(name) for name, d in devices.items())
    assert not TOTPDevice.objects.filter(user__username__startswith=DEMO_CITIZEN).exists()  # citizens are not asked
    # Loading again gives nobody a second device.
    load_demo(reports=20, seed=3)
    assert TOTPDevice.objects.count() == len(devices)

    # The whole sign-in, as a person using the demo would do it.
    b = Browser()
    b.get("/masuk/")
    b.submit("/masuk/", username="admin.nasional", password=DEMO_PASSWORD)
    assert b.page.request["PATH_INFO"] == "/masuk/dua-langkah/"
    b.submit("/masuk/dua-langkah/", code=demo_code("admin.nasional"))
    assert b.page.request["PATH_INFO"] == "/petugas/" and "Your queue" in b.html
    # Right after, the command gives the next code (each code is accepted once), which works too.
    b.submit("/keluar/")
    b.get("/masuk/")
    b.submit("/masuk/", username="admin.nasional", password=DEMO_PASSWORD)
    b.submit("/masuk/dua-langkah/", code=demo_code("admin.nasional"))
    assert b.page.request["PATH_INFO"] == "/petugas/"

    # The operator (Django admin) has one too.
    assert Position.objects.filter(holder__username="operator").exists() and "operator" in devices


def test_demo_totp_refuses_outside_demo_mode_and_for_keys_that_are_not_demo_keys(demo_registry, monkeypatch, settings):
    monkeypatch.setenv("LAPOR_DEMO", "1")
    load_demo(reports=20, seed=3)
    demo_code("penghubung.disdik.surabaya")

    monkeypatch.delenv("LAPOR_DEMO")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="demo mode is off"):
        call_command("demo_totp", "admin.nasional", stdout=io.StringIO())

    monkeypatch.setenv("LAPOR_DEMO", "1")
    # An account whose person set up their own app: its codes are theirs alone.
    device = TOTPDevice.objects.get(user__username="admin.nasional")
    TOTPDevice.objects.filter(pk=device.pk).update(key="00" * 20)
    with pytest.raises(CommandError, match="does not use the demo key"):
        call_command("demo_totp", "admin.nasional", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("demo_totp", DEMO_CITIZEN, stdout=io.StringIO())
    with pytest.raises(CommandError, match="No user"):
        call_command("demo_totp", "tidak-ada", stdout=io.StringIO())
