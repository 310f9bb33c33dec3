"""The public view of a report (lapor/reports/public_view.py): one definition for the track page
and GET /api/v1/track/{tn}; the page and the API say the same things."""

from __future__ import annotations

from django.test import Client

from lapor.accounts.actors import Actor
from lapor.reports.public_view import feed_text, track_view

PERSONAL = "Hubungi saya di 081234567890 atau siti@example.id."


def test_the_public_reads_redacted_text_and_the_reporter_reads_it_as_written(submit):
    report, secret = submit(description="Pungutan liar di sekolah. " + PERSONAL)
    public = track_view(report)
    assert not public.is_reporter and public.show_content
    assert "081234567890" not in public.description and "siti@example.id" not in public.description
    own = track_view(report, Actor(reporter_secret=secret))
    assert own.is_reporter and own.description == report.description
    assert feed_text(report) == (public.title, public.description)  # a feed row: the same text (short: no cut)


def test_a_confidential_report_shows_no_text_and_no_notes(submit):
    report, secret = submit(is_confidential=True)
    public = track_view(report)
    assert (public.show_content, public.title, public.description) == (False, None, None)
    assert all(e.note == "" for e in public.timeline)
    assert track_view(report, Actor(reporter_secret=secret)).title == report.title


def test_the_api_and_the_page_show_the_same_view(submit):
    report, _secret = submit(description="Pungutan liar di sekolah. " + PERSONAL)
    shown = track_view(report)
    body = Client().get(f"/api/v1/track/{report.tracking_number}").json()
    assert (body["title"], body["description"], body["handled_by"]) == (shown.title, shown.description, shown.handled_by)
    assert [e["note"] for e in body["timeline"]] == [e.note for e in shown.timeline]
    page = Client().get(f"/lacak/{report.tracking_number}/").content.decode()
    assert "[TELEPON]" in page and "081234567890" not in page
