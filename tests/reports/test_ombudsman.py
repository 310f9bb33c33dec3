"""The Ombudsman's outcome on a transferred report and its working list (ADR 0023), through the
services and selectors: the guards of the action, who may take it, what the reporter and the
public read of its note, the queue and the list, and the monitoring rollups left exact."""

from dataclasses import asdict
from datetime import date, timedelta

import pytest
from django.db import transaction

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from lapor.monev import indicators, recount, rollups
from lapor.monev.scopes import Period, Scope
from lapor.reports import ombudsman as cases
from lapor.reports.models import Report, ReportEvent
from lapor.reports.selectors import available_actions, handler_of, report_queue, timeline_for
from lapor.reports.services import apply_action, get_report_for_update, report_act
from lapor.reports.states import Status

from ..conftest import make_ombudsman, transfer_to_ombudsman

NOTE = "Laporan diterima dan sedang kami periksa."


def offer(report) -> None:
    """The sweep's 60-day offer, applied to this report only."""
    with transaction.atomic():
        apply_action(get_report_for_update(report.tracking_number), "offer_ombudsman", Actor.system_actor(), {}, clock.now())


def outcome(report, user, value, note=NOTE):
    return report_act(tracking_number=report.tracking_number, action="ombudsman_outcome", actor=Actor.for_user(user),
                      payload={"outcome": value, "note": note})


@pytest.fixture
def transferred(world, submit):
    report, secret = submit(target_agency_code="kota-35-78")
    return transfer_to_ombudsman(report, secret), secret


def test_outcomes_are_recorded_in_order_and_the_report_stays_transferred(world, ombudsman, transferred):
    report, _ = transferred
    assert available_actions(Actor.for_user(ombudsman), report) == ["ombudsman_outcome"]
    closed_at = report.closed_at
    report = outcome(report, ombudsman, "accepted")
    assert (report.status, report.ombudsman_outcome, report.closed_at, report.stage_due_at) == (Status.OMBUDSMAN, "accepted", closed_at, None)
    event = report.events.order_by("-seq").first()
    assert (event.action, event.from_status, event.to_status, event.actor_role) == ("ombudsman_outcome", "ombudsman", "ombudsman", "ombudsman")
    assert (event.note, event.note_public, event.data, event.actor_agency.code) == (NOTE, True, {"outcome": "accepted"}, "ombudsman")
    # accepted -> accepted again is refused; accepted -> resolved is the next step
    with pytest.raises(IllegalTransition) as refused:
        outcome(report, ombudsman, "accepted")
    assert refused.value.code == "ombudsman_outcome_order"
    report = outcome(report, ombudsman, "resolved", "Instansi telah mengembalikan pungutan; pemeriksaan selesai.")
    assert report.ombudsman_outcome == "resolved"
    assert list(report.events.filter(action="ombudsman_outcome").values_list("data", flat=True)) == [{"outcome": "accepted"}, {"outcome": "resolved"}]
    # resolved concludes the case: nothing more, and nothing offered
    assert available_actions(Actor.for_user(ombudsman), report) == []
    for value in ("closed", "accepted"):
        with pytest.raises(IllegalTransition) as refused:
            outcome(report, ombudsman, value)
        assert refused.value.code == "ombudsman_concluded"
    assert Report.objects.get(pk=report.pk).version == report.version


def test_closed_may_follow_no_outcome_directly(world, ombudsman, transferred):
    report = outcome(transferred[0], ombudsman, "closed", "Bukan maladministrasi; pemeriksaan ditutup.")
    assert (report.status, report.ombudsman_outcome) == (Status.OMBUDSMAN, "closed")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": "", "note": NOTE}, "outcome"),
        ({"outcome": "approved", "note": NOTE}, "outcome"),
        ({"outcome": "accepted", "note": ""}, "note"),
        ({"outcome": "accepted", "note": "   Terima.  "}, "note"),  # 6 characters once trimmed
        ({"outcome": "accepted", "note": "x" * 5001}, "note"),
        ({"outcome": "accepted", "note": 42}, "note"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(world, ombudsman, transferred, payload, field):
    report, _ = transferred
    with pytest.raises(InvalidInput) as refused:
        report_act(tracking_number=report.tracking_number, action="ombudsman_outcome", actor=Actor.for_user(ombudsman), payload=payload)
    assert refused.value.field == field
    after = Report.objects.get(pk=report.pk)
    assert (after.version, after.ombudsman_outcome, after.events.count()) == (report.version, "", report.events.count())


def test_only_the_ombudsman_records_and_only_on_a_transferred_report(world, ombudsman, submit):
    report, secret = submit(target_agency_code="kota-35-78")
    # Offered, not transferred: the Ombudsman may read it, but there is no outcome to record yet.
    offered, _ = submit(target_agency_code="kota-35-78")
    report = transfer_to_ombudsman(report, secret)
    offer(offered)
    with pytest.raises(IllegalTransition):
        outcome(offered, ombudsman, "accepted")
    for user in (world.national_admin, world.city_admin):
        with pytest.raises(NotAllowed):
            outcome(report, user, "accepted")
    for user in (world.ministry_admin, world.education_officer):  # officials who may not know the report learn nothing
        with pytest.raises(NotFound):
            outcome(report, user, "accepted")
    with pytest.raises(NotAllowed):  # the reporter neither
        report_act(tracking_number=report.tracking_number, action="ombudsman_outcome", actor=Actor(reporter_secret=secret),
                   payload={"outcome": "accepted", "note": NOTE})
    # A second Ombudsman official (another holder of an Ombudsman position) may record it too.
    colleague = make_ombudsman("ombudsman2")
    assert outcome(report, colleague, "accepted").ombudsman_outcome == "accepted"


def test_the_reporter_reads_the_note_and_the_public_reads_it_redacted(world, ombudsman, submit):
    report, secret = submit(target_agency_code="kota-35-78", is_anonymous=True)
    report = transfer_to_ombudsman(report, secret)
    note = "Mohon hubungi asisten kami di 081234567890 untuk klarifikasi."
    report = outcome(report, ombudsman, "accepted", note)
    as_reporter = [e.note for e in timeline_for(Actor(reporter_secret=secret), report) if e.action == "ombudsman_outcome"]
    assert as_reporter == [note]
    # Personal data typed into a note is redacted for whoever may not see an anonymous reporter's
    # identity: the Ombudsman itself, other officials, the public.
    for actor in (Actor(), Actor.for_user(ombudsman), Actor.for_user(world.national_admin)):
        shown = [e.note for e in timeline_for(actor, report) if e.action == "ombudsman_outcome"]
        assert shown == ["Mohon hubungi asisten kami di [TELEPON] untuk klarifikasi."]


def test_handler_and_queue_follow_the_outcome(world, ombudsman, transferred):
    report, _ = transferred
    actor = Actor.for_user(ombudsman)
    assert handler_of(report) == ("ombudsman", None)
    assert list(report_queue(actor)) == [report]
    report = outcome(report, ombudsman, "accepted")
    assert handler_of(report) == ("ombudsman", None) and list(report_queue(actor)) == [report]
    report = outcome(report, ombudsman, "closed", "Pemeriksaan ditutup: bukan maladministrasi.")
    assert handler_of(report) == ("nobody", None)
    assert list(report_queue(actor)) == []
    # Nobody else's queue changes: the Ombudsman's cases wait for no one else.
    assert report not in report_queue(Actor.for_user(world.national_admin))


def test_the_list_shows_the_transferred_reports_newest_transfer_first(world, ombudsman, submit):
    reports = []
    for n in range(3):
        report, secret = submit(target_agency_code="kota-35-78")
        clock.freeze(clock.now() + timedelta(hours=1))
        reports.append(transfer_to_ombudsman(report, secret))
    offered, _ = submit(target_agency_code="kota-35-78")
    declined, declined_secret = submit(target_agency_code="kota-35-78")
    plain, _ = submit(target_agency_code="kota-35-78")
    for r in (offered, declined):
        offer(r)
    report_act(tracking_number=declined.tracking_number, action="ombudsman_decline", actor=Actor(reporter_secret=declined_secret))
    outcome(reports[0], ombudsman, "accepted")
    outcome(reports[1], ombudsman, "resolved", "Selesai: instansi memperbaiki layanan.")
    actor = Actor.for_user(ombudsman)

    def numbers(**f):
        return [r.tracking_number for r in cases.ombudsman_cases(actor, cases.OmbudsmanFilter(**f))]

    assert numbers() == [r.tracking_number for r in reversed(reports)]
    assert numbers(outcome="none") == [reports[2].tracking_number]
    assert numbers(outcome="accepted") == [reports[0].tracking_number]
    assert numbers(outcome="resolved") == [reports[1].tracking_number]
    assert numbers(outcome="closed") == []
    assert numbers(list="offered") == [offered.tracking_number]  # the declined one waits for nobody
    assert plain.tracking_number not in numbers() + numbers(list="offered")
    assert cases.ombudsman_counts(actor) == {
        "transferred": 3, "offered": 1, "by_outcome": {"none": 1, "accepted": 1, "resolved": 1, "closed": 0},
    }
    assert cases.OmbudsmanFilter.parse("bogus", "maybe") == cases.OmbudsmanFilter()
    for user in (world.national_admin, world.city_admin, world.citizen):
        with pytest.raises(NotAllowed):
            cases.ombudsman_cases(Actor.for_user(user))
        with pytest.raises(NotAllowed):
            cases.ombudsman_counts(Actor.for_user(user))


def test_titles_follow_the_access_policy(world, ombudsman, submit):
    """Transferred: the Ombudsman reads confidential content (redacted when anonymous); offered:
    a confidential report's title stays closed."""
    secret_report, s1 = submit(target_agency_code="kota-35-78", is_confidential=True, title="Rahasia: pungutan di SDN 1, hubungi 081234567890")
    anonymous, s2 = submit(target_agency_code="kota-35-78", is_anonymous=True, title="Pungutan liar, hubungi saya di 081234567890")
    offered_secret, _ = submit(target_agency_code="kota-35-78", is_confidential=True, title="Rahasia yang belum dialihkan")
    transfer_to_ombudsman(secret_report, s1)
    transfer_to_ombudsman(anonymous, s2)
    offer(offered_secret)
    actor = Actor.for_user(ombudsman)
    rows = {r.tracking_number: r.shown_title for r in cases.readable_rows(actor, cases.ombudsman_cases(actor))}
    assert rows == {
        secret_report.tracking_number: "Rahasia: pungutan di SDN 1, hubungi 081234567890",
        anonymous.tracking_number: "Pungutan liar, hubungi saya di [TELEPON]",
    }
    offered_rows = cases.readable_rows(actor, cases.ombudsman_cases(actor, cases.OmbudsmanFilter(list="offered")))
    assert [(r.tracking_number, r.shown_title) for r in offered_rows] == [(offered_secret.tracking_number, None)]


def test_the_rollups_stay_exact(world, ombudsman, transferred):
    """The monitoring fold ignores the outcome (it counts transfers, not what the Ombudsman made of
    them); the Ombudsman's acting counts as activity of its own agency, which no handling scope has."""
    report, _ = transferred
    outcome(report, ombudsman, "accepted")
    outcome(report, ombudsman, "resolved", "Selesai: instansi memperbaiki layanan.")
    check = recount.verify()
    assert check.ok, check.differences
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    for scope in (Scope.national(), Scope.agency("kota-35-78")):
        want = asdict(indicators.compute(scope, period))
        got = asdict(rollups.compute(scope, period))
        assert got == want
        assert got["ombudsman_transferred"] == 1
    assert ReportEvent.objects.filter(action="ombudsman_outcome").count() == 2
