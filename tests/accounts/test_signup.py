"""Citizen sign-up through the pages, with the codes read from what the real SMTP server and SMS
gateway received; and signing in with the e-mail address or the phone number."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from lapor.accounts import verification
from lapor.accounts.models import User, VerificationCode
from lapor.core import clock
from lapor.notify.models import Message
from tests.conftest import MONDAY_9AM
from tests.web.conftest import forms_on

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

# Real commits, so that messages go out after commit as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def sign_up(browser, **values):
    browser.get("/daftar/")
    fields = {"full_name": "Budi Santoso", "email": "", "phone": "", "password1": PASSWORD, "password2": PASSWORD, **values}
    return browser.submit("/daftar/", **fields)


def errors_on(browser) -> list[str]:
    return re.findall(r'<p class="field-error" id="e-[\w]+">([^<]*)</p>', browser.html)


def test_sign_up_by_email_end_to_end(smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    b = Browser()
    b.get("/")
    assert 'href="/daftar/"' in b.html  # the menu offers sign-up
    page = sign_up(b, email="  Budi.Santoso@Contoh.ID ")
    assert path(b) == "/daftar/verifikasi/" and page.status_code == 200
    assert "bu•••@contoh.id" in b.html and "budi.santoso@contoh.id" not in b.html
    [mail] = smtp_server.mails
    assert mail.recipients == ["budi.santoso@contoh.id"] and mail.subject == "Your Lapor sign-up code"
    code = last_mail_code(smtp_server)
    user = User.objects.get(email="budi.santoso@contoh.id")
    assert not user.is_active and user.full_name == "Budi Santoso" and user.check_password(PASSWORD)
    assert VerificationCode.objects.get(user=user).code_hash != code

    b.get("/daftar/verifikasi/")
    b.submit("/daftar/verifikasi/", code_email=code)
    assert path(b) == "/" and "Your account is ready" in b.html
    assert signed_in_user_id(b) == str(user.pk)
    user.refresh_from_db()
    assert user.is_active
    # The code is stored nowhere in plain text: the hash only, and the message body was emptied.
    assert Message.objects.get().body == "" and Message.objects.get().status == "sent"
    assert not VerificationCode.objects.filter(code_hash__contains=code).exists()
    assert personal_data_in_logs(caplog, "budi.santoso@contoh.id", code) == []


def test_an_unverified_account_cannot_sign_in(smtp_server):
    sign_up(Browser(), email="budi@contoh.id")
    b = Browser()
    sign_in_form(b, "budi@contoh.id")
    assert path(b) == "/masuk/" and "The username or password is not correct." in b.html
    assert signed_in_user_id(b) is None


def test_sign_up_by_phone_end_to_end(sms_gateway, caplog):
    caplog.set_level(logging.DEBUG)
    b = Browser()
    sign_up(b, phone="0812-3456-7890")
    assert path(b) == "/daftar/verifikasi/"
    [request] = sms_gateway.received
    assert request["json"]["to"] == "+6281234567890" and request["path"] == "/v1/sms/send"
    code = last_sms_code(sms_gateway)
    b.submit("/daftar/verifikasi/", code_sms=code)
    assert path(b) == "/"
    user = User.objects.get(phone="+6281234567890")
    assert user.is_active and signed_in_user_id(b) == str(user.pk) and user.email == ""
    assert personal_data_in_logs(caplog, "81234567890", code) == []


def test_sign_up_with_both_needs_both_codes(smtp_server, sms_gateway):
    b = Browser()
    sign_up(b, email="budi@contoh.id", phone="+62 812 3456 7890")
    email_code, sms_code = last_mail_code(smtp_server), last_sms_code(sms_gateway)
    b.submit("/daftar/verifikasi/", code_email=email_code, code_sms="000000" if sms_code != "000000" else "111111")
    assert path(b) == "/daftar/verifikasi/" and errors_on(b) == ["The code is not correct."]
    assert signed_in_user_id(b) is None
    b.submit("/daftar/verifikasi/", code_email=email_code, code_sms=sms_code)
    assert path(b) == "/"
    user = User.objects.get()
    assert (user.email, user.phone, user.is_active) == ("budi@contoh.id", "+6281234567890", True)


@pytest.mark.parametrize("typed", ["081234567890", "6281234567890", "+62 812-3456-7890", "(0812) 3456.7890"])
def test_phone_numbers_are_normalised_to_e164(sms_gateway, typed):
    sign_up(Browser(), phone=typed)
    assert User.objects.get().phone == "+6281234567890"
    assert sms_gateway.received[0]["json"]["to"] == "+6281234567890"


def test_wrong_and_expired_codes_are_refused(smtp_server):
    b = Browser()
    sign_up(b, email="budi@contoh.id")
    code = last_mail_code(smtp_server)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page = b.submit("/daftar/verifikasi/", code_email=wrong)
    assert page.status_code == 422 and errors_on(b) == ["The code is not correct."]
    b.submit("/daftar/verifikasi/", code_email="12345")
    assert errors_on(b) == ["The code has 6 digits."]
    b.submit("/daftar/verifikasi/", code_email="")
    assert errors_on(b) == ["Enter the 6-digit code."]
    clock.freeze(MONDAY_9AM + timedelta(minutes=15))
    b.submit("/daftar/verifikasi/", code_email=code)
    assert errors_on(b) == ["This code has expired. Ask for a new one."]
    assert not User.objects.get().is_active and signed_in_user_id(b) is None
    # A new code works; the expired one stays dead.
    b.submit("/daftar/verifikasi/kirim-ulang/")
    assert "We have sent new codes." in b.html and len(smtp_server.mails) == 2
    b.submit("/daftar/verifikasi/", code_email=code)
    assert errors_on(b) == ["The code is not correct."]
    b.submit("/daftar/verifikasi/", code_email=last_mail_code(smtp_server))
    assert path(b) == "/" and User.objects.get().is_active


def test_a_code_works_once(smtp_server):
    b = Browser()
    sign_up(b, email="budi@contoh.id")
    code = last_mail_code(smtp_server)
    b.submit("/daftar/verifikasi/", code_email=code)
    assert path(b) == "/"
    user = User.objects.get()
    with pytest.raises(verification.CodeRejected) as refused:
        verification.check_code(purpose="sign_up", user=user, destination="budi@contoh.id", code=code)
    assert refused.value.reason == "used" and refused.value.message == "This code has already been used."
    # The verification page is closed once the sign-up is done.
    b.get("/daftar/verifikasi/")
    assert path(b) == "/"  # signed in: /daftar/ sends them home


def test_five_wrong_codes_lock_the_code(smtp_server):
    b = Browser()
    sign_up(b, email="budi@contoh.id")
    code = last_mail_code(smtp_server)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    for _ in range(5):
        b.submit("/daftar/verifikasi/", code_email=wrong)
        assert errors_on(b) == ["The code is not correct."]
    b.submit("/daftar/verifikasi/", code_email=code)
    assert errors_on(b) == ["Too many wrong codes. Ask for a new one."]
    assert not User.objects.get().is_active


def test_the_same_address_already_registered_gets_a_notice_and_the_page_does_not_tell(smtp_server):
    owner = citizen(email="budi@contoh.id")
    before = counts()

    fresh = Browser()
    sign_up(fresh, email="ani@contoh.id")
    duplicate = Browser()
    sign_up(duplicate, full_name="Orang Lain", email="BUDI@contoh.id", password1="Lain-Sandi-2026", password2="Lain-Sandi-2026")

    # The two pages are the same but for the masked address and the CSRF token.
    def normalised(html):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html.replace("an•••@contoh.id", "ADDRESS").replace("bu•••@contoh.id", "ADDRESS")

    assert path(duplicate) == path(fresh) == "/daftar/verifikasi/"
    assert normalised(duplicate.html) == normalised(fresh.html)
    # The owner got a notice, no code; no second account; the owner's password is untouched.
    notice = [m for m in smtp_server.mails if m.recipients == ["budi@contoh.id"]]
    assert [m.subject for m in notice] == ["Sign-up on Lapor: you already have an account"]
    assert "/masuk/lupa-sandi/" in notice[0].body and not re.search(r"\b\d{6}\b", notice[0].body)
    assert User.objects.filter(email__iexact="budi@contoh.id").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and owner.full_name == "Siti Rahayu"
    assert counts()["users"] == before["users"] + 1  # only the fresh sign-up
    # Any code is refused the way a wrong one is; after five, "too many" as for a real code.
    for _ in range(5):
        duplicate.submit("/daftar/verifikasi/", code_email="123456")
        assert errors_on(duplicate) == ["The code is not correct."]
    duplicate.submit("/daftar/verifikasi/", code_email="123456")
    assert errors_on(duplicate) == ["Too many wrong codes. Ask for a new one."]
    clock.freeze(MONDAY_9AM + timedelta(minutes=15))
    duplicate.submit("/daftar/verifikasi/", code_email="123456")
    assert errors_on(duplicate) == ["This code has expired. Ask for a new one."]
    # Asking again sends the owner another notice, as a new code would be sent.
    duplicate.submit("/daftar/verifikasi/kirim-ulang/")
    assert "We have sent new codes." in duplicate.html
    assert len([m for m in smtp_server.mails if m.recipients == ["budi@contoh.id"]]) == 2


def test_a_taken_phone_with_a_new_email_cannot_finish(smtp_server, sms_gateway):
    citizen(phone="+6281234567890")
    b = Browser()
    sign_up(b, email="baru@contoh.id", phone="081234567890")
    assert "already has an account" in sms_gateway.texts[-1]
    b.submit("/daftar/verifikasi/", code_email=last_mail_code(smtp_server), code_sms="654321")
    assert errors_on(b) == ["The code is not correct."]
    assert User.objects.filter(phone="+6281234567890").count() == 1
    assert not User.objects.filter(email="baru@contoh.id", is_active=True).exists()


def test_an_unfinished_sign_up_can_be_started_again(smtp_server):
    first = Browser()
    sign_up(first, email="budi@contoh.id")
    first_code = last_mail_code(smtp_server)
    second = Browser()
    sign_up(second, full_name="Budi S.", email="budi@contoh.id", password1="Baru-Sandi-2026", password2="Baru-Sandi-2026")
    assert User.objects.count() == 1 and len(smtp_server.mails) == 2
    second_code = last_mail_code(smtp_server)
    # The first session's sign-up was taken over: its page says so and sends it back to the form.
    first.submit("/daftar/verifikasi/", code_email=second_code)
    assert path(first) == "/daftar/" and "a newer sign-up was made with the same address" in first.html
    # The first code died with it; the second works in the second session.
    second.submit("/daftar/verifikasi/", code_email=first_code)
    assert "The code is not correct." in second.html or first_code == second_code
    second.submit("/daftar/verifikasi/", code_email=second_code)
    user = User.objects.get()
    assert path(second) == "/" and user.is_active and user.full_name == "Budi S." and user.check_password("Baru-Sandi-2026")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"email": "budi@"}, "email", "Enter a valid e-mail address, for example nama@contoh.id."),
        ({"email": "budi@contoh"}, "email", "Enter a valid e-mail address, for example nama@contoh.id."),
        ({"phone": "12345"}, "phone", "Enter an Indonesian mobile number starting with 08, 62 or +62, for example 0812 3456 7890."),
        ({"phone": "+1 415 555 0100"}, "phone", "Enter an Indonesian mobile number starting with 08, 62 or +62, for example 0812 3456 7890."),
        ({"phone": "021 555 1234"}, "phone", "Enter an Indonesian mobile number starting with 08, 62 or +62, for example 0812 3456 7890."),
        ({}, "email", "Give an e-mail address or a mobile number (or both)."),
        ({"email": "budi@contoh.id", "full_name": "  "}, "full_name", "Enter your full name."),
        ({"email": "budi@contoh.id", "password2": "Gunung-Semeru-2026"}, "password2", "The two passwords are not the same."),
        ({"email": "budi@contoh.id", "password1": "", "password2": ""}, "password1", "Enter a password."),
        ({"email": "budi@contoh.id", "password1": "password", "password2": "password"}, "password1", "This password is too common."),
        ({"email": "budi@contoh.id", "password1": "73910482", "password2": "73910482"}, "password1", "This password is entirely numeric."),
        ({"email": "budi@contoh.id", "password1": "Kor7", "password2": "Kor7"}, "password1", "This password is too short. It must contain at least 8 characters."),
        ({"email": "budi.santoso@contoh.id", "password1": "budisantoso", "password2": "budisantoso"}, "password1", "The password is too similar to the"),
    ],
)
def test_bad_input_is_refused_precisely_and_writes_nothing(smtp_server, sms_gateway, values, field, message):
    before = counts()
    b = Browser()
    page = sign_up(b, **values)
    assert page.status_code == 422 and path(b) == "/daftar/"
    errors = re.findall(rf'<p class="field-error" id="e-{field}">([^<]*)</p>', b.html)
    assert errors and message in errors[0].replace("&#x27;", "'"), b.html
    assert counts() == before and smtp_server.mails == [] and sms_gateway.received == []
    # What was typed is still there (the passwords are not echoed back).
    for name in ("email", "phone"):
        if values.get(name):
            assert f'value="{values[name]}"' in b.html
    assert PASSWORD not in b.html


def test_phone_sign_up_is_unavailable_without_a_gateway(smtp_server, settings):
    settings.LAPOR_SMS_GATEWAY_URL = ""
    b = Browser()
    b.get("/daftar/")
    assert "Sign-up by phone is not available on this server (no SMS gateway is configured)." in b.html
    assert 'name="phone"' not in b.html
    before = counts()
    page = b.submit("/daftar/", full_name="Budi", phone="081234567890", password1=PASSWORD, password2=PASSWORD)
    assert page.status_code == 422 and counts() == before
    assert "Codes by SMS are not available on this server (no SMS gateway is configured). Use an e-mail address." in b.html
    # E-mail still works.
    sign_up(b, email="budi@contoh.id")
    assert path(b) == "/daftar/verifikasi/"


def test_sign_up_is_unavailable_when_nothing_can_be_sent(settings):
    settings.LAPOR_SMS_GATEWAY_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    b = Browser()
    b.get("/daftar/")
    assert "Sign-up is not available on this server right now" in b.html
    assert not [f for f in forms_on(b.html) if f["action"] == "/daftar/"]


def test_sign_ups_are_rate_limited_per_address(smtp_server, settings):
    settings.LAPOR_SIGNUPS_PER_HOUR = 2
    b = Browser()
    sign_up(b, email="a@contoh.id")
    sign_up(b, email="b@contoh.id")
    before = counts()
    page = sign_up(b, email="c@contoh.id")
    assert page.status_code == 429 and "Too many requests from your address" in b.html
    assert counts() == before and len(smtp_server.mails) == 2
    other = Browser()
    other.http.defaults["REMOTE_ADDR"] = "10.1.2.3"
    sign_up(other, email="c@contoh.id")
    assert path(other) == "/daftar/verifikasi/"


def test_resending_is_rate_limited(smtp_server, settings):
    settings.LAPOR_CODE_RESENDS_PER_HOUR = 2
    b = Browser()
    sign_up(b, email="budi@contoh.id")
    for _ in range(2):
        b.submit("/daftar/verifikasi/kirim-ulang/")
        assert "We have sent new codes." in b.html
    page = b.submit("/daftar/verifikasi/kirim-ulang/")
    assert page.status_code == 429 and "Too many requests from your address" in b.html
    assert len(smtp_server.mails) == 3


def test_messages_to_one_address_are_limited_whoever_asks(smtp_server, settings):
    settings.LAPOR_MESSAGES_PER_DESTINATION_PER_HOUR = 2
    for n in range(2):
        b = Browser()
        b.http.defaults["REMOTE_ADDR"] = f"10.0.0.{n}"
        sign_up(b, email="budi@contoh.id")
    b = Browser()
    b.http.defaults["REMOTE_ADDR"] = "10.0.0.9"
    page = sign_up(b, email="budi@contoh.id")
    assert page.status_code == 429 and "Too many messages have been sent to this address." in b.html
    assert len(smtp_server.mails) == 2


def test_the_verification_page_needs_a_sign_up_first():
    b = Browser()
    b.get("/daftar/verifikasi/")
    assert path(b) == "/daftar/" and "Sign up first" in b.html


# --- signing in with the e-mail address or the phone number ------------------------------------


def test_sign_in_with_username_email_or_phone(caplog):
    caplog.set_level(logging.DEBUG)
    user = citizen(email="siti@contoh.id", phone="+6281298765432")
    for identifier in ("warga1", "siti@contoh.id", "SITI@Contoh.id", "081298765432", "+62 812-9876-5432"):
        b = Browser()
        sign_in_form(b, identifier)
        assert signed_in_user_id(b) == str(user.pk), identifier
    b = Browser()
    sign_in_form(b, "siti@contoh.id", password="salah-sandi")
    assert signed_in_user_id(b) is None and "The username or password is not correct." in b.html
    assert personal_data_in_logs(caplog, "siti@contoh.id", "81298765432") == []


def test_an_address_shared_by_two_active_accounts_signs_nobody_in():
    citizen(username="satu", email="bersama@contoh.id")
    citizen(username="dua", email="bersama@contoh.id")
    b = Browser()
    sign_in_form(b, "bersama@contoh.id")
    assert signed_in_user_id(b) is None
    sign_in_form(b, "satu")
    assert signed_in_user_id(b) is not None


def test_lockout_counts_sign_ins_by_email_too():
    citizen(email="siti@contoh.id")
    b = Browser()
    for _ in range(4):
        sign_in_form(b, "siti@contoh.id", password="salah")
    page = sign_in_form(b, "siti@contoh.id", password="salah")
    assert page.status_code == 429
    page = sign_in_form(b, "siti@contoh.id")  # the right password, still locked
    assert page.status_code == 429 and signed_in_user_id(b) is None
