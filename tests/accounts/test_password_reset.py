"""Password reset through the pages: the same answer whether or not an account uses the address
(and nothing sent when none does), codes used once, expiry and attempt limits, every other
session ended; and an official's invitation to set a first password."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.db import transaction

from lapor.accounts.models import User, VerificationCode
from lapor.accounts.verification import send_password_code
from lapor.core import clock
from lapor.notify.models import Message
from tests.conftest import MONDAY_9AM

from .signup_helpers import (  # noqa: F401  (fixtures)
    PASSWORD,
    Browser,
    _empty_cache,
    citizen,
    counts,
    last_mail_code,
    last_sms_code,
    path,
    personal_data_in_logs,
    sign_in_form,
    signed_in_user_id,
    sms_gateway,
    smtp_server,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Danau-Toba-2027"
GENERIC = "The code is not correct, has expired or has already been used. Check it, or ask for a new code."


def ask_for_code(browser, identifier):
    browser.get("/masuk/")
    assert 'href="/masuk/lupa-sandi/"' in browser.html  # "Forgot your password?" on the sign-in page
    browser.get("/masuk/lupa-sandi/")
    return browser.submit("/masuk/lupa-sandi/", identifier=identifier)


def set_password(browser, code, password=NEW_PASSWORD, **values):
    return browser.submit("/masuk/lupa-sandi/atur/", code=code, password1=password, password2=password, **values)


def errors_on(browser) -> list[str]:
    return [e.replace("&#x27;", "'") for e in re.findall(r'<p class="field-error" id="e-[\w]+">([^<]*)</p>', browser.html)]


def without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_reset_by_email_ends_every_other_session(smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    user = citizen(email="siti@contoh.id")
    phone_session, laptop_session = Browser(), Browser()
    for b in (phone_session, laptop_session):
        sign_in_form(b, "siti@contoh.id")
        assert signed_in_user_id(b) == str(user.pk)

    b = Browser()
    ask_for_code(b, "Siti@Contoh.id")
    assert path(b) == "/masuk/lupa-sandi/atur/"
    assert "If an account uses this address, we have sent a code to it." in b.html
    [mail] = smtp_server.mails
    assert mail.recipients == ["siti@contoh.id"] and mail.subject == "Your Lapor password reset code"
    code = last_mail_code(smtp_server)
    # The address typed on the first page is filled in on the second.
    set_password(b, code)
    assert path(b) == "/masuk/" and "Your password has been changed. Sign in with the new password." in b.html
    assert signed_in_user_id(b) is None  # not signed in by the reset (officials still need their second step)

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    for old in (phone_session, laptop_session):
        old.get("/")
        assert signed_in_user_id(old) is None  # signed out by the new password
    sign_in_form(b, "siti@contoh.id", password=NEW_PASSWORD)
    assert signed_in_user_id(b) == str(user.pk)
    assert Message.objects.get().body == ""  # the code is not kept once sent
    assert personal_data_in_logs(caplog, "siti@contoh.id", code) == []


def test_reset_by_phone(sms_gateway):
    user = citizen(phone="+6281234567890")
    b = Browser()
    ask_for_code(b, "0812 3456 7890")
    [request] = sms_gateway.received
    assert request["json"]["to"] == "+6281234567890" and "password reset code" in request["json"]["text"]
    set_password(b, last_sms_code(sms_gateway))
    user.refresh_from_db()
    assert path(b) == "/masuk/" and user.check_password(NEW_PASSWORD)


def test_same_answer_and_nothing_sent_for_an_unknown_address(smtp_server):
    citizen(email="siti@contoh.id")
    known, unknown = Browser(), Browser()
    ask_for_code(known, "siti@contoh.id")
    before = counts()
    ask_for_code(unknown, "tidak.ada@contoh.id")
    assert path(known) == path(unknown) == "/masuk/lupa-sandi/atur/"
    assert known.page.status_code == unknown.page.status_code == 200
    known_page = without_token(known.html).replace("siti@contoh.id", "ADDRESS")
    unknown_page = without_token(unknown.html).replace("tidak.ada@contoh.id", "ADDRESS")
    assert known_page == unknown_page
    assert counts() == before and len(smtp_server.mails) == 1  # nothing written or sent for the unknown one
    # A code for an unknown address gets the same refusal as a wrong code for a known one.
    set_password(unknown, "123456")
    set_password(known, f"{(int(last_mail_code(smtp_server)) + 1) % 1_000_000:06d}")
    assert errors_on(unknown) == errors_on(known) == [GENERIC]


def test_inactive_and_unfinished_accounts_get_no_code(smtp_server):
    citizen(username="keluar", email="keluar@contoh.id", is_active=False)
    b = Browser()
    b.get("/daftar/")
    b.submit("/daftar/", full_name="Budi", email="budi@contoh.id", password1=PASSWORD, password2=PASSWORD)
    assert len(smtp_server.mails) == 1  # the sign-up code
    for identifier in ("keluar@contoh.id", "budi@contoh.id"):
        ask_for_code(Browser(), identifier)
    assert len(smtp_server.mails) == 1


def test_a_code_is_used_once(smtp_server):
    user = citizen(email="siti@contoh.id")
    b = Browser()
    ask_for_code(b, "siti@contoh.id")
    code = last_mail_code(smtp_server)
    set_password(b, code)
    b.get("/masuk/lupa-sandi/atur/")
    page = set_password(b, code, password="Lain-Lagi-2028", identifier="siti@contoh.id")
    assert page.status_code == 422 and errors_on(b) == [GENERIC]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_code_is_refused(smtp_server):
    user = citizen(email="siti@contoh.id")
    b = Browser()
    ask_for_code(b, "siti@contoh.id")
    clock.freeze(MONDAY_9AM + timedelta(minutes=15))
    set_password(b, last_mail_code(smtp_server))
    assert errors_on(b) == [GENERIC]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_five_wrong_codes_lock_it(smtp_server):
    user = citizen(email="siti@contoh.id")
    b = Browser()
    ask_for_code(b, "siti@contoh.id")
    code = last_mail_code(smtp_server)
    wrong = f"{(int(code) + 3) % 1_000_000:06d}"
    for _ in range(5):
        set_password(b, wrong)
        assert errors_on(b) == [GENERIC]
    set_password(b, code)
    assert errors_on(b) == [GENERIC]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # A new code works again, and only the newest one.
    b.get("/masuk/lupa-sandi/")
    b.submit("/masuk/lupa-sandi/", identifier="siti@contoh.id")
    set_password(b, code)
    assert errors_on(b) == [GENERIC]
    set_password(b, last_mail_code(smtp_server))
    user.refresh_from_db()
    assert path(b) == "/masuk/" and user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"identifier": "siti@"}, "identifier", "Enter a valid e-mail address, for example nama@contoh.id."),
        ({"identifier": "12345"}, "identifier", "Enter an Indonesian mobile number starting with 08, 62 or +62"),
        ({"code": "12 34"}, "code", "The code has 6 digits."),
        ({"password2": "Tidak-Sama-2027"}, "password2", "The two passwords are not the same."),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "This password is too common."),
        ({"password1": "sitirahayu", "password2": "sitirahayu"}, "password1", "The password is too similar to the"),
    ],
)
def test_bad_input_on_the_new_password_form(smtp_server, values, field, message):
    user = citizen(email="siti@contoh.id")
    b = Browser()
    ask_for_code(b, "siti@contoh.id")
    code = last_mail_code(smtp_server)
    data = {"identifier": "siti@contoh.id", "code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **values}
    page = b.submit("/masuk/lupa-sandi/atur/", **data)
    assert page.status_code == 422
    errors = re.findall(rf'<p class="field-error" id="e-{field}">([^<]*)</p>', b.html)
    assert errors and message in errors[0].replace("&#x27;", "'"), b.html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert VerificationCode.objects.get().used_at is None  # the code still works after the fix
    set_password(b, code, identifier="siti@contoh.id")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_bad_input_on_the_request_form_writes_nothing(smtp_server):
    b = Browser()
    b.get("/masuk/lupa-sandi/")
    before = counts()
    page = b.submit("/masuk/lupa-sandi/", identifier="")
    assert page.status_code == 422 and errors_on(b) == ["Enter your e-mail address or mobile number."]
    b.submit("/masuk/lupa-sandi/", identifier="0812")
    assert errors_on(b)[0].startswith("Enter an Indonesian mobile number") and 'value="0812"' in b.html
    assert counts() == before and smtp_server.mails == []


def test_reset_by_phone_is_unavailable_without_a_gateway(smtp_server, settings):
    settings.LAPOR_SMS_GATEWAY_URL = ""
    citizen(phone="+6281234567890")
    b = Browser()
    b.get("/masuk/lupa-sandi/")
    assert "Codes by SMS are not available on this server" in b.html
    before = counts()
    page = b.submit("/masuk/lupa-sandi/", identifier="081234567890")
    assert page.status_code == 422 and counts() == before
    assert errors_on(b) == ["Codes by SMS are not available on this server (no SMS gateway is configured). Use an e-mail address."]


def test_reset_requests_are_rate_limited_per_address(smtp_server, settings):
    settings.LAPOR_PASSWORD_RESETS_PER_HOUR = 2
    citizen(email="siti@contoh.id")
    b = Browser()
    ask_for_code(b, "siti@contoh.id")
    ask_for_code(b, "lain@contoh.id")
    page = ask_for_code(b, "siti@contoh.id")
    assert page.status_code == 429 and "Too many requests from your address" in b.html
    assert len(smtp_server.mails) == 1


def test_the_destination_limit_does_not_tell_whether_an_account_exists(smtp_server, settings):
    settings.LAPOR_MESSAGES_PER_DESTINATION_PER_HOUR = 1
    citizen(email="siti@contoh.id")
    answers = []
    for identifier in ("siti@contoh.id", "tidak.ada@contoh.id"):
        for n in range(2):
            b = Browser()
            b.http.defaults["REMOTE_ADDR"] = f"10.9.{n}.{len(answers)}"
            answers.append(ask_for_code(b, identifier).status_code)
    assert answers == [200, 429, 200, 429] and len(smtp_server.mails) == 1


def test_a_signed_in_person_resetting_keeps_this_session_only(smtp_server):
    user = citizen(email="siti@contoh.id")
    here, elsewhere = Browser(), Browser()
    sign_in_form(here, "siti@contoh.id")
    sign_in_form(elsewhere, "siti@contoh.id")
    ask_for_code(here, "siti@contoh.id")
    set_password(here, last_mail_code(smtp_server))
    assert path(here) == "/" and "Your other sessions have been signed out." in here.html
    here.get("/")
    elsewhere.get("/")
    assert signed_in_user_id(here) == str(user.pk) and signed_in_user_id(elsewhere) is None


def test_an_invited_official_sets_a_first_password(smtp_server):
    official = User.objects.create_user(username="pejabat.disdik", email="Pejabat@Disdik.go.id", full_name="Rina Wulandari")
    official.set_unusable_password()
    official.save()
    with transaction.atomic():
        send_password_code(official, channel="email", invitation=True)
    [mail] = smtp_server.mails
    assert mail.recipients == ["pejabat@disdik.go.id"]
    assert mail.subject == "An account on Lapor has been created for you"
    assert "pejabat.disdik" in mail.body and "Rina Wulandari" in mail.body and "/masuk/lupa-sandi/atur/" in mail.body
    assert "72 hours" in mail.body
    # An invitation lasts longer than a reset code.
    clock.freeze(MONDAY_9AM + timedelta(hours=24))
    b = Browser()
    b.get("/masuk/lupa-sandi/atur/")
    set_password(b, last_mail_code(smtp_server), identifier="pejabat@disdik.go.id")
    official.refresh_from_db()
    assert path(b) == "/masuk/" and official.check_password(NEW_PASSWORD)
