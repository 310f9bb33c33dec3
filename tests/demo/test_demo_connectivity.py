"""The demo gives a realistic picture of connectivity: most agencies record their decree (SK)
through the real service, with their officers in position, some have not yet — the demo's
agencies and the rest of the registry alike; every demo agency keeps response templates (ADR 0014)."""

from __future__ import annotations

from decimal import Decimal

from lapor.agencies.models import Agency, AgencyDecree
from lapor.audit.models import AuditEntry
from lapor.demo.connectivity import TEMPLATES
from lapor.demo.reports import load_demo
from lapor.monev import indicators
from lapor.monev.scopes import Period, Scope
from lapor.reports.models import ResponseTemplate

from ..conftest import MONDAY_9AM


def test_most_agencies_are_connected_after_the_demo_and_each_keeps_templates(demo_registry):
    result = load_demo(reports=20, seed=3, end=MONDAY_9AM)
    national = indicators.compute(Scope.national(), Period.days("2026-11-23"))
    assert Decimal("50") < national.connectivity_pct < Decimal("100"), (national.connected, national.agencies)
    linked = result.connectivity
    # Some demo agencies have not recorded their decree; the featured ones have.
    assert linked.unconnected and {"Pemerintah Kota Surabaya", "Kementerian Kesehatan"} <= set(linked.connected)
    assert national.connected == len(linked.connected) + linked.elsewhere_connected
    assert national.agencies == national.connected + len(linked.unconnected) + linked.elsewhere_unconnected

    # Decrees went through the service: a PDF per decree, its audit entry, recorded by the agency's admin.
    decrees = list(AgencyDecree.objects.select_related("agency", "recorded_by"))
    assert len(decrees) == linked.decrees == national.connected
    for decree in decrees:
        assert decree.recorded_by.username.startswith("admin.") and decree.date < MONDAY_9AM.date()
        assert decree.recorded_by.positions.filter(role="agency_admin", agency=decree.agency).exists()
        with decree.file.open("rb") as f:
            assert f.read(5) == b"%PDF-"
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.DECREE_RECORDED).count() == len(decrees)
    # Connected means decree and officers: every agency with a decree counts, and only those.
    connected = indicators.connected_agencies(set(Agency.objects.filter(parent__isnull=True).values_list("pk", flat=True)))
    assert connected == {d.agency_id for d in decrees}

    # Every demo agency (connected or not) keeps the templates.
    demo_agencies = Agency.objects.filter(name__in=result.connectivity.connected + result.connectivity.unconnected)
    for agency in demo_agencies:
        titles = set(ResponseTemplate.objects.filter(agency=agency, is_active=True).values_list("title", flat=True))
        assert titles == {title for title, _ in TEMPLATES}, agency
    assert result.connectivity.templates == len(TEMPLATES) * demo_agencies.count()

