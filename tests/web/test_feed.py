"""The public feed: only accepted, non-confidential reports; redacted text, also in search;
filters and search on both databases; support (+1) once per signed-in citizen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.reports import public
from lapor.reports.models import Report, ReportSupport
from lapor.reports.services import report_act
from tests.conftest import MONDAY_9AM, sign_in

PHONE = "0812-3456-7890"


def _dispose(world, report):
    return report_act(tracking_number=report.tracking_number, action="dispose", actor=Actor.for_user(world.national_admin), payload={"agency": "kota-35-78"})


@pytest.fixture
def feed_world(world, submit):
    accepted, _ = submit(title="Jalan berlubang di depan pasar", description=f"Lubang besar, hubungi saya di {PHONE} kapan saja.")
    _dispose(world, accepted)
    waiting, _ = submit(title="Laporan belum diverifikasi tentang jembatan")
    secret_one, _ = submit(title="Pungutan rahasia jembatan", is_confidential=True)
    _dispose(world, secret_one)
    rejected, _ = submit(title="Iklan jembatan murah")
    report_act(tracking_number=rejected.tracking_number, action="reject", actor=Actor.for_user(world.national_admin), payload={"reason": "spam", "note": "spam"})
    return {"accepted": accepted, "waiting": waiting, "confidential": secret_one, "rejected": rejected}


def _feed(client=None, **params):
    page = (client or Client(headers={"Accept-Language": "en"})).get("/laporan/", params)
    assert page.status_code == 200
    return page.content.decode()


def test_only_accepted_public_reports_appear_with_personal_data_hidden(feed_world):
    html = _feed()
    assert "Jalan berlubang di depan pasar" in html
    for hidden in ("belum diverifikasi", "Pungutan rahasia", "Iklan jembatan"):
        assert hidden not in html
    assert PHONE not in html and "[TELEPON]" in html


@pytest.mark.parametrize("query, found", [("berlubang", True), ("pasar jalan", True), ("jembatan", False), ("3456", False), (PHONE, False)])
def test_search_covers_only_the_redacted_public_text(feed_world, query, found):
    assert ("Jalan berlubang" in _feed(q=query)) is found


def test_only_public_reports_are_indexed_and_from_when_they_become_public(feed_world, submit):
    from lapor.reports.models import Report

    indexed = set(Report.objects.filter(search_text__isnull=False).values_list("pk", flat=True))
    assert indexed == {feed_world["accepted"].pk}  # disposed by the desk; not waiting, confidential or rejected
    named, _ = submit(title="Lampu jalan padam", target_agency_code="kota-35-78")  # public at once
    named.refresh_from_db()
    assert named.search_text == ""  # nothing to redact: the search reads the title and description
    assert "Lampu jalan padam" in _feed(q="lampu")


def test_the_stored_search_text_is_the_redacted_text_and_follows_the_description(feed_world, world):
    """A public report whose text has personal data keeps its redacted text; when its description
    changes, the search reads the new one (redacted), never the old one."""
    from lapor.reports.models import Report

    accepted = Report.objects.get(pk=feed_world["accepted"].pk)
    assert accepted.search_text and PHONE not in accepted.search_text and "[TELEPON]" in accepted.search_text
    Report.objects.filter(pk=accepted.pk).update(description="Trotoar rusak di depan pasar, hubungi 081234567890.")
    accepted.refresh_from_db()
    public.index_for_search(accepted)
    accepted.save()
    assert "Jalan berlubang" in _feed(q="berlubang")  # the title still matches
    assert "Jalan berlubang" in _feed(q="trotoar")
    assert "Jalan berlubang" not in _feed(q="081234567890")
    assert "Jalan berlubang" not in _feed(q="kapan")  # the old description ("... kapan saja") is no longer searched


@pytest.mark.parametrize("query", ['"', "a OR b", "NEAR(", "*", "jalan' --", "ﷺ", "x" * 500])
def test_search_input_is_never_an_error(feed_world, query):
    _feed(q=query)


def test_filters(world, feed_world):
    assert "Jalan berlubang" in _feed(kategori="pendidikan")  # the parent category covers its children
    assert "Jalan berlubang" in _feed(provinsi="35")
    assert "Jalan berlubang" not in _feed(provinsi="91")
    assert "Jalan berlubang" in _feed(instansi="Surabaya")
    assert "Jalan berlubang" not in _feed(instansi="Jayapura")
    assert "Jalan berlubang" in _feed(status="at_agency")
    assert "Jalan berlubang" not in _feed(status="closed")
    today = clock.now().date().isoformat()
    assert "Jalan berlubang" in _feed(dari=today, sampai=today)
    assert "Jalan berlubang" not in _feed(dari=(clock.now() + timedelta(days=2)).date().isoformat())


@pytest.mark.parametrize(
    "params, message",
    [
        ({"dari": "23-11-2026"}, "From must be a date like 2026-11-23."),
        ({"dari": "2026-11-24", "sampai": "2026-11-01"}, "The start date is after the end date."),
        ({"kategori": "tidak-ada"}, "There is no such category."),
        ({"status": "rejected"}, "There is no such status."),
        ({"provinsi": "35.78"}, "There is no such province."),
    ],
)
def test_bad_filters_are_explained(feed_world, params, message):
    html = _feed(**params)
    assert message in html and "Jalan berlubang" not in html


def test_pages_without_counting(world, submit):
    for i in range(21):
        clock.freeze(MONDAY_9AM + timedelta(minutes=i))
        report, _ = submit(title=f"Laporan nomor {i:02d} tentang drainase")
        _dispose(world, report)
    first = _feed()
    assert "Laporan nomor 20" in first and "Laporan nomor 00" not in first and "hal=2" in first
    second = _feed(hal="2")
    assert "Laporan nomor 00" in second and "hal=3" not in second
    assert "Laporan nomor" not in _feed(hal="9")
    _feed(hal="abc")


def test_support_once_per_signed_in_citizen(world, feed_world):
    report = feed_world["accepted"]
    guest = Client(headers={"Accept-Language": "en"})
    page = guest.post(f"/lacak/{report.tracking_number}/dukung/")
    assert page.status_code == 302 and page["Location"].startswith("/masuk/")
    assert ReportSupport.objects.count() == 0

    citizen = Client(headers={"Accept-Language": "en"})
    sign_in(citizen, world.outsider)
    page = citizen.post(f"/lacak/{report.tracking_number}/dukung/", follow=True)
    assert "your support has been counted" in page.content.decode()
    assert "1 person supports this report." in page.content.decode()
    page = citizen.post(f"/lacak/{report.tracking_number}/dukung/", follow=True)
    assert "You already support this report." in page.content.decode()
    assert Report.objects.get(pk=report.pk).support_count == 1 and ReportSupport.objects.count() == 1
    assert "you support this" in _feed(citizen)


def test_support_refused_for_own_hidden_or_unknown_reports(world, submit, feed_world):
    own, _ = submit(user=world.citizen, title="Lampu jalan mati")
    _dispose(world, own)
    citizen = Client(headers={"Accept-Language": "en"})
    sign_in(citizen, world.citizen)
    assert "You cannot support your own report." in citizen.post(f"/lacak/{own.tracking_number}/dukung/", follow=True).content.decode()
    for report in (feed_world["confidential"], feed_world["waiting"], feed_world["rejected"]):
        html = citizen.post(f"/lacak/{report.tracking_number}/dukung/", follow=True).content.decode()
        assert "There is no public report with this tracking number." in html
        assert "support this report" not in html  # no button or count on a page that is not public
    citizen.post("/lacak/ABCDE12345/dukung/", follow=True)
    assert ReportSupport.objects.count() == 0
    assert set(Report.objects.values_list("support_count", flat=True)) == {0}


def test_my_reports_lists_only_the_signed_in_reporters_own(world, submit):
    mine, _ = submit(user=world.citizen, title="Trotoar rusak di Jalan Darmo", is_anonymous=True)
    submit(user=world.outsider, title="Laporan orang lain")
    submit(title="Laporan tamu")
    client = Client(headers={"Accept-Language": "en"})
    assert client.get("/laporan-saya/")["Location"].startswith("/masuk/")
    sign_in(client, world.citizen)
    html = client.get("/laporan-saya/").content.decode()
    assert "Trotoar rusak di Jalan Darmo" in html and mine.formatted_tracking_number in html and "anonymous" in html
    assert "Laporan orang lain" not in html and "Laporan tamu" not in html
    assert "Next: the national desk verifies the report" in html


HTMX = {"HX-Request": "true"}


def test_htmx_gets_only_the_results_and_the_support_form(world, feed_world):
    client = Client(headers={"Accept-Language": "en"})
    page = client.get("/laporan/", {"q": "berlubang"}, headers={**HTMX, "HX-Target": "feed-results"})
    html = page.content.decode()
    assert "<html" not in html
    assert 'id="feed-results"' in html and "Jalan berlubang" in html
    assert "<html" in client.get("/laporan/", {"q": "berlubang"}).content.decode()  # without htmx: the page

    report = feed_world["accepted"]
    guest = client.post(f"/lacak/{report.tracking_number}/dukung/", headers=HTMX)
    assert guest["HX-Redirect"] == f"/masuk/?next=/lacak/{report.tracking_number}/"
    sign_in(client, world.outsider)
    page = client.post(f"/lacak/{report.tracking_number}/dukung/", headers=HTMX)
    html = page.content.decode()
    assert page.status_code == 200 and "<html" not in html and 'id="support"' in html
    assert "1 person supports this report." in html and "your support has been counted" in html
    html = client.post(f"/lacak/{report.tracking_number}/dukung/", headers=HTMX).content.decode()
    assert "You already support this report." in html and "1 person supports this report." in html


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_search_documents_into_the_reports_and_back(feed_world):
    """Migration 0013: a document equal to the title and description becomes "", a redacted one
    stays as it is; the search finds the same reports afterwards; backwards the documents return."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    accepted = feed_world["accepted"]
    plain = Report.objects.get(pk=feed_world["confidential"].pk)  # any report: the migration copies what the table holds
    # Forward to the latest migrations (not only 0013): the feed reads the reports with every field
    # of the model, and later migrations rebuild the table on SQLite (the search must survive it).
    before, latest = [("reports", "0012_one_region_index")], MigrationExecutor(connection).loader.graph.leaf_nodes()
    redacted = Report.objects.get(pk=accepted.pk).search_text
    try:
        MigrationExecutor(connection).migrate(before)
        with connection.cursor() as cursor:
            cursor.execute("SELECT report_id, text FROM reports_reportsearchdocument")
            assert dict(cursor.fetchall()) == {accepted.pk: redacted}
            cursor.execute(
                "INSERT INTO reports_reportsearchdocument (report_id, text) VALUES (%s, %s)", [plain.pk, f"{plain.title}\n{plain.description}"]
            )
        MigrationExecutor(connection).migrate(latest)
        texts = dict(Report.objects.filter(search_text__isnull=False).values_list("pk", "search_text"))
        assert texts == {accepted.pk: redacted, plain.pk: ""}
        assert "Jalan berlubang" in _feed(q="berlubang") and PHONE not in _feed(q="berlubang")
        MigrationExecutor(connection).migrate(before)
        with connection.cursor() as cursor:
            cursor.execute("SELECT report_id, text FROM reports_reportsearchdocument")
            assert dict(cursor.fetchall()) == {accepted.pk: redacted, plain.pk: f"{plain.title}\n{plain.description}"}
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
