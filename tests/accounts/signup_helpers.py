"""Shared by the sign-up and password-reset tests: the CSRF-enforcing Browser, the real SMTP and
SMS peers, and small readers for what they received."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from lapor.accounts.models import User, VerificationCode
from lapor.notify.models import Message
from tests.notify.peers import personal_data_in_logs, sms_gateway, smtp_server  # noqa: F401  (fixtures)
from tests.web.conftest import Browser

PASSWORD = "Gunung-Bromo-2026"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache: no test sees another's hits."""
    cache.clear()
    yield
    cache.clear()


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, "no code in the message"
    return match.group(1)


def last_mail_code(smtp_server) -> str:  # noqa: F811
    return code_in(smtp_server.mails[-1].body)


def last_sms_code(sms_gateway) -> str:  # noqa: F811
    return code_in(sms_gateway.texts[-1])


def counts() -> dict:
    return {
        "users": User.objects.count(),
        "active": User.objects.filter(is_active=True).count(),
        "codes": VerificationCode.objects.count(),
        "messages": Message.objects.count(),
    }


def page_text(browser) -> str:
    return browser.html


def path(browser) -> str:
    return browser.page.request["PATH_INFO"]


def signed_in_user_id(browser):
    return browser.http.session.get("_auth_user_id")


def citizen(username="warga1", email="", phone="", password=PASSWORD, **extra) -> User:
    return User.objects.create_user(username=username, email=email, phone=phone, password=password, full_name="Siti Rahayu", **extra)


def sign_in_form(browser, identifier, password=PASSWORD):
    browser.get("/masuk/")
    return browser.submit("/masuk/", username=identifier, password=password, next="/")


__all__ = [
    "PASSWORD", "Browser", "code_in", "counts", "last_mail_code", "last_sms_code", "page_text", "path",
    "personal_data_in_logs", "signed_in_user_id", "citizen", "sign_in_form", "sms_gateway", "smtp_server", "_empty_cache",
]
