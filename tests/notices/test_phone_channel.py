"""A guest chooses how their phone gets the messages about their report: on the form (offered
when the installation sends both SMS and WhatsApp) and in the API (`phone_channel`)."""

from __future__ import annotations

from django.test import Client

from lapor.reports.models import Report

from ..conftest import GOOD_REPORT
from ..notify.peers import sms_gateway, whatsapp_api  # noqa: F401 (fixtures)
from ..web.conftest import Browser
from ..web.test_public_pages import FORM


def test_the_form_offers_whatsapp_when_it_can_be_sent_and_keeps_the_choice(world, sms_gateway, whatsapp_api):  # noqa: F811
    browser = Browser()
    browser.get("/lapor/")
    fields = browser.form("/lapor/")["fields"]
    assert "phone_channel" in fields
    page = browser.submit("/lapor/", **{**FORM, "contact_phone": "0812 3456 7890", "phone_channel": "whatsapp"})
    assert page.status_code == 200
    assert Report.objects.get().phone_channel == "whatsapp"


def test_without_a_choice_there_is_no_question(world, sms_gateway):  # noqa: F811
    page = Client().get("/lapor/").content.decode()
    assert 'name="phone_channel"' not in page  # SMS only: nothing to choose
    browser = Browser()
    browser.get("/lapor/")
    browser.submit("/lapor/", **{**FORM, "contact_phone": "0812 3456 7890"})
    assert Report.objects.get().phone_channel == "sms"


def test_the_api_takes_the_choice_and_refuses_anything_else(world):
    client = Client()
    created = client.post("/api/v1/reports", {**GOOD_REPORT, "contact_phone": "0812 3456 7890", "phone_channel": "whatsapp"},
                          content_type="application/json")
    assert created.status_code == 201
    assert Report.objects.get().phone_channel == "whatsapp"
    refused = client.post("/api/v1/reports", {**GOOD_REPORT, "phone_channel": "merpati"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "phone_channel"
    assert Report.objects.count() == 1
