"""Two-factor sign-in, end to end through the pages (a CSRF-enforcing client that posts the forms
it finds): officials enrol an authenticator app, sign in with its codes or a backup code, wrong
codes are refused and throttled, and nothing but the second-step pages opens before the code.

Codes are computed from the key the page shows, as a phone would (django-otp checks them against
real time, not the suite's frozen clock)."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from datetime import timedelta

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapor.accounts.actors import Actor
from lapor.accounts.models import User
from lapor.accounts.twofactor import reset_two_factor
from lapor.audit.models import AuditEntry
from lapor.core.errors import NotAllowed

from ..conftest import authenticator, sign_in, totp_code
from ..web.conftest import Browser, _empty_cache  # noqa: F401  (_empty_cache: a fixture)

VERIFY = "/masuk/dua-langkah/"
ENROL = "/masuk/dua-langkah/daftar/"
SETTINGS = "/masuk/dua-langkah/pengaturan/"


def path(browser: Browser) -> str:
    return browser.page.request["PATH_INFO"]


def password_step(browser: Browser, user, next_url: str | None = None):
    browser.get("/masuk/", **({"next": next_url} if next_url else {}))
    return browser.submit("/masuk/", username=user.username, password="pass-" + user.username)


def key_on_page(html: str) -> bytes:
    """The key the enrolment page shows for typing into an app (base32, in groups of four)."""
    text = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    return b32decode(text + "=" * (-len(text) % 8))


def code_from(key: bytes, user) -> str:
    """What the phone shows now; right after a sign-in in the same 30 s the next step's code,
    because each code is accepted once (the server allows one step of clock difference)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    step = int(time.time()) // 30 + (device.drift if device else 0)
    if device is not None:
        step = max(step, device.last_t + 1)
    return f"{hotp(key, step):06d}"


def wrong_code(key: bytes) -> str:
    """Six digits that are none of the codes accepted around now."""
    now = int(time.time()) // 30
    valid = {hotp(key, t) for t in range(now - 3, now + 4)}
    return next(f"{n:06d}" for n in range(100000, 999999) if n not in valid)


def let_throttle_pass(device) -> None:
    """Stand in for waiting out the throttle delay: move the last failure far enough back."""
    earlier = device.throttling_failure_timestamp - timedelta(hours=1)
    type(device).objects.filter(pk=device.pk).update(throttling_failure_timestamp=earlier)


def enrol(browser: Browser, user) -> tuple[bytes, list[str]]:
    """Password, then the enrolment page: read the key, confirm with its code. Returns the key
    and the backup codes shown once."""
    page = password_step(browser, user)
    assert path(browser) == ENROL, page.redirect_chain
    key = key_on_page(browser.html)
    browser.submit(ENROL, code=code_from(key, user))
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", browser.html)
    return key, codes


def sign_out(browser: Browser) -> None:
    browser.submit("/keluar/")
    assert "_auth_user_id" not in browser.http.session


def verified(browser: Browser) -> bool:
    return DEVICE_ID_SESSION_KEY in browser.http.session


# --- enrolment, then signing in with the app ---------------------------------------------------------
def test_an_official_enrols_then_signs_in_with_password_and_code(world):
    officer = world.education_officer
    b = Browser()
    page = password_step(b, officer)
    # No app yet: the second step is the enrolment page, and the way on is kept (to where the
    # official's work is: lapor/web/landing.py).
    assert [url for url, _ in page.redirect_chain][-1] == ENROL + "?next=%2Fruang-kerja%2F"
    assert "Set up two-step sign-in" in b.html and not verified(b)
    key = key_on_page(b.html)
    pending = TOTPDevice.objects.get(user=officer)
    assert (pending.confirmed, pending.bin_key) == (False, key)
    assert "issuer=Lapor" in pending.config_url and "secret=" in pending.config_url
    # The QR code is an SVG image served by this site (the CSP allows img-src 'self'), never cached.
    assert '<img class="qr" src="/masuk/dua-langkah/daftar/kode-qr.svg"' in b.html
    qr = b.http.get("/masuk/dua-langkah/daftar/kode-qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(b"<svg")
    assert "no-store" in qr["Cache-Control"]
    # Nothing inline for the strict CSP to block; the code field is made for one-time codes.
    assert "<script>" not in b.html and " style=" not in b.html and "<style" not in b.html
    assert 'autocomplete="one-time-code"' in b.html and 'inputmode="numeric"' in b.html and '<label for="id_code">' in b.html
    # A reload shows the same key: what was scanned stays valid until confirmed.
    b.get(ENROL)
    assert key_on_page(b.html) == key

    b.submit(ENROL, code=code_from(key, officer))
    assert "Your backup codes" in b.html and "Two-step sign-in is set up." in b.html
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", b.html)
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=officer).count()
    assert "no-store" in b.page["Cache-Control"]
    assert verified(b) and TOTPDevice.objects.get(user=officer).confirmed
    b.get("/petugas/")
    assert path(b) == "/petugas/" and "Your queue" in b.html

    sign_out(b)
    page = password_step(b, officer)
    assert [url for url, _ in page.redirect_chain][-1] == VERIFY + "?next=%2Fruang-kerja%2F" and not verified(b)
    b.submit(VERIFY, code=code_from(key, officer))
    assert path(b) == "/petugas/" and "Your queue" in b.html and verified(b)


def test_a_wrong_code_is_refused_and_the_session_stays_unverified(world):
    officer = world.city_admin
    device = authenticator(officer)
    b = Browser()
    password_step(b, officer)
    assert path(b) == VERIFY
    b.submit(VERIFY, code=wrong_code(device.bin_key))
    assert path(b) == VERIFY and "That code is not correct." in b.html and not verified(b)
    assert 'role="alert"' in b.html and 'aria-invalid="true"' in b.html
    # The officer pages stay closed.
    response = b.http.get("/petugas/")
    assert (response.status_code, response["Location"]) == (302, VERIFY + "?next=%2Fpetugas%2F")
    # A code that was already used does not work again either.
    let_throttle_pass(TOTPDevice.objects.get(pk=device.pk))
    good = totp_code(device)
    b.submit(VERIFY, code=good)
    assert path(b) == "/petugas/" and verified(b)
    sign_out(b)
    password_step(b, officer)
    b.submit(VERIFY, code=good)
    assert path(b) == VERIFY and "That code is not correct." in b.html and not verified(b)


def test_repeated_wrong_codes_are_throttled(world):
    officer = world.health_officer
    device = authenticator(officer)
    b = Browser()
    password_step(b, officer)
    for attempt in range(3):
        b.submit(VERIFY, code=wrong_code(device.bin_key))
        assert "That code is not correct." in b.html
        device.refresh_from_db()
        assert device.throttling_failure_count == attempt + 1
        if attempt < 2:
            let_throttle_pass(device)
    # Three failures: the next check waits 4 s. Even the right code is not looked at meanwhile,
    # and attempts during the wait are not counted.
    b.submit(VERIFY, code=totp_code(device))
    assert re.search(r"Too many wrong codes\. Wait [1-4] seconds?, then try again\.", b.html), b.html
    assert path(b) == VERIFY and not verified(b)
    device.refresh_from_db()
    assert device.throttling_failure_count == 3
    # Once the delay has passed, the right code is accepted and the count starts again.
    let_throttle_pass(device)
    b.submit(VERIFY, code=totp_code(device))
    assert path(b) == "/petugas/" and verified(b)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_backup_code_works_once(world):
    officer = world.ministry_officer
    b = Browser()
    _key, codes = enrol(b, officer)
    code = codes[3]
    sign_out(b)

    password_step(b, officer)
    b.submit(VERIFY, backup_code=code.upper()[:4] + "-" + code[4:].upper())  # as people type it
    assert path(b) == "/petugas/" and verified(b)
    assert "You used a backup code. 9 backup codes are left." in b.html
    sign_out(b)

    password_step(b, officer)
    b.submit(VERIFY, backup_code=code)
    assert path(b) == VERIFY and "That code is not correct." in b.html and not verified(b)
    assert StaticToken.objects.filter(device__user=officer).count() == 9


def test_backup_codes_can_be_made_anew_and_the_old_ones_stop_working(world):
    officer = world.papua_officer
    b = Browser()
    _key, old = enrol(b, officer)
    b.get(SETTINGS)
    assert "On." in b.html and '<dd id="backup-left">10</dd>' in b.html
    assert "cannot be turned off" in b.html and "/masuk/dua-langkah/nonaktifkan/" not in b.html
    b.submit("/masuk/dua-langkah/kode-cadangan/")
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", b.html)
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)) == set(new)
    # An official may not turn it off, even by posting the form directly.
    token = b.form("/keluar/")["fields"]["csrfmiddlewaretoken"]
    code = totp_code(TOTPDevice.objects.get(user=officer))
    response = b.http.post("/masuk/dua-langkah/nonaktifkan/", {"code": code, "csrfmiddlewaretoken": token}, follow=True)
    assert "Two-step sign-in is required for officials." in response.content.decode()
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()


def test_moving_to_a_new_phone_needs_a_verified_session(world):
    officer = world.papua_admin
    b = Browser()
    old_key, _codes = enrol(b, officer)
    old_device = TOTPDevice.objects.get(user=officer)
    sign_out(b)

    # With the password alone, the enrolment page sends the person to the code step instead.
    password_step(b, officer)
    response = b.http.get(ENROL)
    assert (response.status_code, response["Location"]) == (302, VERIFY + "?next=%2Fruang-kerja%2F")
    assert b.http.get("/masuk/dua-langkah/daftar/kode-qr.svg").status_code == 404
    assert b.http.post(ENROL, {"code": "000000"}).status_code == 403  # no CSRF token from a page
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    b.submit(VERIFY, code=code_from(old_key, officer))
    b.get(ENROL)
    assert "Move two-step sign-in to a new phone" in b.html
    new_key = key_on_page(b.html)
    assert new_key != old_key
    new_step = int(time.time()) // 30
    b.submit(ENROL, code=f"{hotp(new_key, new_step):06d}")
    assert "Your backup codes" in b.html and verified(b)
    assert list(TOTPDevice.objects.filter(user=officer).values_list("confirmed", flat=True)) == [True]
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()


# --- what an unverified session can reach ----------------------------------------------------------
def test_an_unverified_official_is_sent_to_the_second_step_from_every_page(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")
    officer = world.city_admin
    authenticator(officer)
    b = Browser()
    password_step(b, officer)
    assert path(b) == VERIFY
    for url in ("/petugas/", f"/petugas/laporan/{report.tracking_number}/", "/", "/lacak/",
                "/admin/", "/admin/reports/report/", SETTINGS):
        response = b.http.get(url)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY + "?next="), url
    # A form posted meanwhile does nothing and is not replayed afterwards.
    b.get(VERIFY)
    token = b.form(VERIFY)["fields"]["csrfmiddlewaretoken"]
    response = b.http.post(f"/petugas/laporan/{report.tracking_number}/aksi/forward/",
                           {"unit": "kota-35-78-disdik", "csrfmiddlewaretoken": token})
    assert (response.status_code, response["Location"]) == (302, VERIFY)
    report.refresh_from_db()
    assert report.status == "at_agency"

    # Open: the API (which never reads the session), the language switch, static files, sign-out.
    api = b.http.get("/api/v1/reports")
    assert api.status_code == 401 and api.json()["code"] == "unauthenticated"
    assert b.http.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}).status_code == 302
    assert b.http.get("/static/css/lapor.css").status_code in (200, 404)  # whitenoise or finders, never a redirect
    sign_out(b)


def test_the_admin_requires_the_second_factor_for_operators(world, settings):
    operator = User.objects.create_user(username="operator", password="pass-operator", is_staff=True, is_superuser=True)
    device = authenticator(operator)
    b = Browser()
    b.get("/admin/login/")
    b.submit("/admin/login/", username="operator", password="pass-operator")
    assert path(b) == VERIFY and "/admin/" in b.form(VERIFY)["fields"]["next"]
    b.submit(VERIFY, code=totp_code(device))
    assert path(b) == "/admin/" and b.page.status_code == 200 and "Site administration" in b.html

    # The admin site checks too, should the middleware ever be left out.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "lapor.accounts.twofactor.TwoFactorMiddleware"]
    unverified = Client()
    unverified.force_login(operator)
    response = unverified.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_citizen_is_not_asked_but_may_choose_it(world):
    citizen = world.citizen
    b = Browser()
    page = password_step(b, citizen)
    assert path(b) == "/laporan-saya/" and not any(VERIFY in url for url, _ in page.redirect_chain)  # their own reports
    assert not TOTPDevice.objects.filter(user=citizen).exists()
    b.get(SETTINGS)
    assert "Off." in b.html

    # Chosen: from then on, asked like an official; and able to turn it off again.
    b.get(ENROL)
    key = key_on_page(b.html)
    b.submit(ENROL, code=code_from(key, citizen))
    sign_out(b)
    password_step(b, citizen)
    assert path(b) == VERIFY
    b.submit(VERIFY, code=code_from(key, citizen))
    b.get(SETTINGS)
    b.submit("/masuk/dua-langkah/nonaktifkan/", code=code_from(key, citizen))
    assert "Two-step sign-in is off." in b.html
    assert not TOTPDevice.objects.filter(user=citizen).exists() and not StaticDevice.objects.filter(user=citizen).exists()
    sign_out(b)
    password_step(b, citizen)
    assert path(b) == "/laporan-saya/"


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/petugas/", "http://testserver.evil.example/"])
def test_next_goes_only_to_this_site(world, evil):
    officer = world.education_officer
    device = authenticator(officer)
    b = Browser()
    password_step(b, officer)
    b.get(VERIFY, next=evil)
    assert b.form(VERIFY)["fields"]["next"] == "/ruang-kerja/"  # the default: where the official's work is
    page = b.http.post(VERIFY, {**b.form(VERIFY)["fields"], "code": totp_code(device), "next": evil})
    assert (page.status_code, page["Location"]) == (302, "/ruang-kerja/")


def test_next_within_the_site_is_honoured(world):
    officer = world.city_admin
    device = authenticator(officer)
    b = Browser()
    password_step(b, officer, next_url="/petugas/?status=submitted")
    assert b.form(VERIFY)["fields"]["next"] == "/petugas/?status=submitted"
    b.submit(VERIFY, code=totp_code(device))
    assert b.page.request["PATH_INFO"] == "/petugas/" and b.page.request["QUERY_STRING"] == "status=submitted"


# --- reset by an administrator -------------------------------------------------------------------------
def test_reset_removes_the_devices_and_is_audited(world):
    officer = world.education_officer
    client = Client()
    sign_in(client, officer)
    from lapor.accounts.twofactor import replace_backup_codes

    replace_backup_codes(officer)
    assert client.get("/petugas/").status_code == 200

    removed = reset_two_factor(officer, actor=Actor.for_user(world.national_admin), reason="HP hilang")
    assert removed == 2
    assert not TOTPDevice.objects.filter(user=officer).exists() and not StaticDevice.objects.filter(user=officer).exists()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.TWO_FACTOR_RESET)
    assert (entry.actor, entry.reason, entry.data) == (world.national_admin, "HP hilang", {"user": "disdik", "devices": 2})
    assert entry.actor_position.holder == world.national_admin and entry.position.holder == officer
    # The session that the removed device verified is verified no more: set up a new app.
    response = client.get("/petugas/")
    assert (response.status_code, response["Location"]) == (302, ENROL + "?next=%2Fpetugas%2F")


def test_only_the_desk_and_the_officials_own_agency_admin_may_reset(world):
    for user in (world.education_officer, world.ministry_officer, world.city_admin):
        authenticator(user)
    # The city's agency admin resets its unit's liaison officer (a User as actor is accepted).
    assert reset_two_factor(world.education_officer, actor=world.city_admin) == 1
    # Not another agency's officer, not a fellow admin, not themselves; a citizen resets nobody.
    for subject, actor in [(world.ministry_officer, world.city_admin), (world.city_admin, world.city_admin),
                           (world.ministry_officer, world.education_officer), (world.ministry_officer, world.citizen)]:
        with pytest.raises(NotAllowed):
            reset_two_factor(subject, actor=Actor.for_user(actor))
    assert TOTPDevice.objects.filter(user__in=[world.ministry_officer, world.city_admin]).count() == 2
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.TWO_FACTOR_RESET).count() == 1


def test_sign_in_lockout_still_applies_before_the_second_step(world):
    """django-axes still counts failed passwords; a locked pair never reaches the code step."""
    client = Client()
    for _ in range(5):
        client.post("/masuk/", {"username": "disdik", "password": "salah"}, REMOTE_ADDR="10.0.0.9")
    response = client.post("/masuk/", {"username": "disdik", "password": "pass-disdik"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert client.get("/masuk/dua-langkah/").status_code == 302  # anonymous: to the password step
