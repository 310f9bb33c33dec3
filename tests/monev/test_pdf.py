"""The agency's periodic monitoring report as a PDF (?unduh=pdf on the micro dashboard): the page's
figures, the page's access rules, and aggregates only (never a report's text or a reporter)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from . import scenario
from .helpers import client_for, headline_on, tables_on
from .test_exports import ANONYMOUS, NIK

URL = "/monev/instansi/kota-35-78/"
Q = {"dari": "2026-11-23", "sampai": "2026-11-27"}


def pdf_text(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and '.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_the_pdf_holds_the_pages_figures(world, story):
    client = client_for(world.city_admin)
    page = client.get(URL, Q)
    html = page.content.decode()
    assert "unduh=pdf" in html and ">PDF</a>" in html
    headline = headline_on(html)
    reader, text = pdf_text(client.get(URL, {**Q, "unduh": "pdf"}))
    assert len(reader.pages) >= 1
    assert world.city.name in text
    assert "Monitoring report" in text and "2026" in text and "WIB" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert f"Reports received {headline['Reports received']}" in text
    rate = headline["Follow-up rate"]
    assert rate != "—" and f"Follow-up rate {rate}" in text
    # The units table: every unit with its received count and follow-up rate, as on the page.
    units = tables_on(html)[page.context["tables"][0].caption]
    assert len(units) > 1
    for row in units[1:]:
        assert row[0] in text and row[1] in text and row[4] in text
    # The charts' titles (the charts are drawn, not pictures).
    assert "Reports received per month" in text and "Follow-up rate per month (%)" in text


def test_the_pdf_follows_the_language(world, story):
    client = client_for(world.city_admin)
    _, text = pdf_text(client.get(URL, {**Q, "unduh": "pdf"}, headers={"Accept-Language": "id"}))
    assert "Laporan diterima per bulan" in text and "Persentase tindak lanjut per bulan (%)" in text
    assert "Halaman 1 dari" in text


def test_every_viewer_of_the_page_gets_the_pdf(world, story):
    p = story.people
    for user in (world.national_admin, world.city_admin, p.auditor, p.province):
        reader, text = pdf_text(client_for(user).get(URL, {**Q, "unduh": "pdf"}))
        assert world.city.name in text and len(reader.pages) >= 1


def test_roles_without_access_get_no_pdf(world, story):
    p = story.people
    for user in (world.ministry_admin, world.education_officer, p.ksp, p.kemenko, p.ombudsman, world.citizen):
        response = client_for(user).get(URL, {**Q, "unduh": "pdf"})
        assert response.status_code == 403
        assert not response.content.startswith(b"%PDF") and response["Content-Type"] != "application/pdf"
    anonymous = client_for(None).get(URL, {**Q, "unduh": "pdf"})
    assert anonymous.status_code == 302 and not anonymous.content.startswith(b"%PDF")


def test_only_the_agency_dashboard_has_a_pdf(world, story):
    client = client_for(world.national_admin)
    assert client.get("/monev/nasional/", {**Q, "unduh": "pdf"}).status_code == 404
    assert client.get("/monev/koordinator/kemenko-pmk/", {**Q, "unduh": "pdf"}).status_code == 404
    assert client.get("/monev/instansi/tidak-ada/", {**Q, "unduh": "pdf"}).status_code == 404


def test_the_pdf_is_aggregates_only(world):
    """An anonymous report with identity typed into its title, a confidential one: the PDF counts
    them but shows no report text and no reporter."""
    scenario.at("2026-11-20")
    anonymous = scenario.submit(None, target_agency_code="kota-35-78", is_anonymous=True, event_date="",
                                title=f"NIK saya {NIK} ditolak puskesmas", **ANONYMOUS)
    secret = scenario.submit(world.citizen, target_agency_code="kota-35-78", is_confidential=True, event_date="",
                             title="Rahasia kepala dinas meminta uang")
    scenario.at("2026-11-23")
    for user in (world.national_admin, world.city_admin):
        _, text = pdf_text(client_for(user).get(URL, {"dari": "2026-11-01", "sampai": "2026-11-23", "unduh": "pdf"}))
        assert "Reports received 2" in text
        for private in ("Kirana", "kirana.anonim", "081377770001", NIK, "ditolak puskesmas", "Rahasia kepala dinas",
                        anonymous.tracking_number, secret.tracking_number, world.citizen.full_name):
            assert private not in text, private
