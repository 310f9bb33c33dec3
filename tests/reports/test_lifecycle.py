"""The lifecycle end to end through the services, with exact due times."""

from datetime import datetime, timedelta, timezone

import pytest

from lapor.accounts.actors import Actor
from lapor.core import clock
from lapor.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from lapor.reports.models import ReportEvent
from lapor.reports.services import report_act
from lapor.reports.states import Status
from lapor.reports.sweep import sla_sweep

from ..conftest import MONDAY_9AM

WIB = timezone(timedelta(hours=7))


def act(report, user, action, **payload):
    actor = Actor(system=True) if user == "system" else Actor.for_user(user) if not isinstance(user, Actor) else user
    return report_act(tracking_number=report.tracking_number, action=action, actor=actor, payload=payload)


def end_of(day: str, tz=WIB):
    return datetime.fromisoformat(day + "T23:59:59").replace(tzinfo=tz)


def test_full_path_from_submission_to_rating(world, submit):
    report, secret = submit()
    assert report.status == Status.SUBMITTED
    assert len(report.tracking_number) == 10 and secret
    assert report.stage_due_at == end_of("2026-11-26")  # Mon + 3 HK = Thu
    report = act(report, world.national_admin, "dispose", agency="kota-35-78", note="Kewenangan Pemkot")
    assert (report.status, report.agency, report.stage_due_at) == (Status.AT_AGENCY, world.city, end_of("2026-11-26"))
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    assert (report.status, report.unit) == (Status.FORWARDED, world.city_education)
    assert report.stage_due_at == end_of("2026-11-30")  # 5 HK from Monday = next Monday
    report = act(report, world.education_officer, "respond", note="Sedang kami periksa.")
    assert report.status == Status.IN_PROCESS
    report = act(report, world.education_officer, "follow_up", note="Uang dikembalikan; panitia diberi sanksi.")
    assert report.status == Status.FOLLOWED_UP
    assert report.stage_due_at == end_of("2026-12-07")  # 10 HK
    guest = Actor(reporter_secret=secret)
    report = act(report, guest, "reply", note="Uang belum kembali.")
    assert (report.status, report.reopen_count) == (Status.IN_PROCESS, 1)
    report = act(report, world.education_officer, "follow_up", note="Sudah dikembalikan hari ini.")
    report = act(report, guest, "rate", rating=5, comment="Terima kasih")
    assert (report.status, report.rating, report.stage_due_at) == (Status.CLOSED, 5, None)
    events = list(ReportEvent.objects.filter(report=report).order_by("seq"))
    assert [e.action for e in events] == ["submit", "dispose", "forward", "respond", "follow_up", "reply", "follow_up", "rate"]
    assert [e.seq for e in events] == list(range(1, 9))
    assert events[1].actor == world.national_admin and events[1].actor_position.title == "Admin Nasional"
    assert events[2].actor_agency == world.city
    assert report.version == 8


def test_request_info_pauses_and_resumes_the_clock(world, submit):
    report, secret = submit()
    clock.freeze(MONDAY_9AM + timedelta(days=1))  # Tuesday: 2 HK left (Wed, Thu)
    report = act(report, world.national_admin, "request_info", note="Sebutkan nama sekolah.")
    assert (report.status, report.stage_due_at, report.paused_days_left) == (Status.NEEDS_INFO, None, 2)
    clock.freeze(MONDAY_9AM + timedelta(days=14))  # two weeks later: the sweep must not touch it
    assert sla_sweep().total == 0
    report = act(report, Actor(reporter_secret=secret), "supplement", note="SDN Karang Pilang 1.")
    assert report.status == Status.SUBMITTED
    assert report.stage_due_at == end_of("2026-12-09")  # Mon 7 Dec + 2 HK
    with pytest.raises(InvalidInput):
        act(report, world.national_admin, "request_info", note="")


def test_target_agency_goes_straight_to_the_agency(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")
    assert (report.status, report.agency) == (Status.AT_AGENCY, world.city)
    assert report.events.get().to_status == Status.AT_AGENCY


def test_not_our_authority_is_capped_at_three_transfers(world, submit):
    report, _ = submit()
    for n in range(3):
        report = act(report, world.national_admin, "dispose", agency="kota-35-78")
        report = act(report, world.city_admin, "not_our_authority", suggested_agency="kemenkes", note="Urusan Kemenkes.")
        assert (report.status, report.transfer_count, report.suggested_agency) == (Status.RETURNED, n + 1, world.ministry)
        assert report.agency is None
    report = act(report, world.national_admin, "dispose", agency="kota-35-78")
    with pytest.raises(IllegalTransition) as exc:
        act(report, world.city_admin, "not_our_authority", suggested_agency="kemenkes", note="Lagi.")
    assert exc.value.code == "transfer_cap"
    assert report.events.count() == 8


def test_not_our_authority_needs_another_agency_and_a_reason(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")
    with pytest.raises(InvalidInput):
        act(report, world.city_admin, "not_our_authority", suggested_agency="kota-35-78", note="x")
    with pytest.raises(InvalidInput):
        act(report, world.city_admin, "not_our_authority", suggested_agency="kemenkes", note="")
    assert report.events.count() == 1


def test_reject_with_reason_code_is_terminal(world, submit):
    report, secret = submit()
    report = act(report, world.national_admin, "reject", reason="spam", note="Pesan uji coba.")
    assert (report.status, report.reject_reason) == (Status.REJECTED, "spam")
    with pytest.raises(IllegalTransition):
        act(report, Actor(reporter_secret=secret), "supplement", note="...")


def test_archive_as_duplicate_names_the_original(world, submit):
    first, _ = submit()
    second, _ = submit(target_agency_code="kota-35-78")
    with pytest.raises(InvalidInput):
        act(second, world.city_admin, "archive", reason="duplicate", duplicate_of="XXXXXXXXXX")
    second = act(second, world.city_admin, "archive", reason="duplicate", duplicate_of=first.formatted_tracking_number)
    assert (second.status, second.duplicate_of) == (Status.ARCHIVED, first)


def test_interim_reply_sets_a_new_due_date_at_most_twice(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    report = act(report, world.education_officer, "interim_reply", note="Perlu pemeriksaan lapangan.", due_date="2026-12-10")
    assert (report.status, report.stage_due_at, report.interim_count) == (Status.IN_PROCESS, end_of("2026-12-10"), 1)
    with pytest.raises(InvalidInput):  # not after the current due date
        act(report, world.education_officer, "interim_reply", note="x", due_date="2026-12-09")
    with pytest.raises(InvalidInput):  # a Saturday
        act(report, world.education_officer, "interim_reply", note="x", due_date="2026-12-12")
    report = act(report, world.education_officer, "interim_reply", note="Menunggu anggaran.", due_date="2026-12-17")
    with pytest.raises(IllegalTransition):
        act(report, world.education_officer, "interim_reply", note="Lagi.", due_date="2026-12-18")


def test_poor_rating_opens_one_appeal(world, submit):
    report, secret = submit(target_agency_code="kota-35-78")
    reporter = Actor(reporter_secret=secret)
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    report = act(report, world.education_officer, "follow_up", note="Selesai.")
    report = act(report, reporter, "rate", rating=1, comment="Tidak ada perubahan.")
    report = act(report, reporter, "appeal", note="Pungutan masih terjadi.")
    assert (report.status, report.closed_at) == (Status.APPEALED, None)
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    report = act(report, world.education_officer, "follow_up", note="Kepala sekolah diganti.")
    report = act(report, reporter, "rate", rating=2)  # the appeal's outcome is rated afresh
    assert (report.status, report.rating) == (Status.CLOSED, 2)
    assert report.events.get(action="appeal").data == {"rating": 1}
    with pytest.raises(IllegalTransition) as exc:  # one appeal only
        act(report, reporter, "appeal", note="Masih belum puas.")
    assert exc.value.code == "appeal_used"
    with pytest.raises(IllegalTransition):  # already rated
        act(report, reporter, "rate", rating=4)


def test_good_rating_cannot_be_appealed(world, submit):
    report, secret = submit(target_agency_code="kota-35-78")
    reporter = Actor(reporter_secret=secret)
    act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    act(report, world.education_officer, "follow_up", note="Selesai.")
    act(report, reporter, "rate", rating=4)
    with pytest.raises(IllegalTransition) as exc:
        act(report, reporter, "appeal", note="Tetap.")
    assert exc.value.code == "appeal_not_open"


def test_roles_are_checked_against_the_report(world, submit):
    report, _ = submit(target_agency_code="kota-35-78")
    with pytest.raises(NotFound):  # another agency's admin does not learn the report exists
        act(report, world.ministry_admin, "forward", unit="kemenkes-yankes")
    with pytest.raises(NotAllowed):  # a desk officer sees it but this is the agency's step
        act(report, world.national_admin, "forward", unit="kota-35-78-disdik")
    with pytest.raises(InvalidInput):  # a unit of another agency
        act(report, world.city_admin, "forward", unit="kemenkes-yankes")
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    with pytest.raises(NotFound):  # the health office is not the handling unit
        act(report, world.health_officer, "follow_up", note="x")
    with pytest.raises(NotAllowed):
        act(report, Actor(reporter_secret="wrong"), "follow_up", note="x")
    assert report.events.count() == 2


def test_deadlines_use_the_agency_time_zone(world, submit):
    report, _ = submit(target_agency_code="kota-91-71")
    wit = timezone(timedelta(hours=9))
    assert report.stage_due_at == end_of("2026-11-26", wit)
    report = act(report, world.papua_admin, "forward", unit="kota-91-71-disdik")
    assert report.stage_due_at == end_of("2026-11-30", wit)


def test_offered_actions_follow_the_data_guards(world, submit):
    from lapor.reports.selectors import available_actions

    report, secret = submit(target_agency_code="kota-35-78")
    reporter = Actor(reporter_secret=secret)
    assert available_actions(reporter, report) == []  # no Ombudsman choice before the offer
    act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    report = act(report, world.education_officer, "follow_up", note="Selesai.")
    assert available_actions(reporter, report) == ["rate", "reply"]
    report = act(report, reporter, "rate", rating=5)
    assert available_actions(reporter, report) == []  # rated well: neither rate nor appeal
    other, secret2 = submit(target_agency_code="kota-35-78")
    act(other, world.city_admin, "forward", unit="kota-35-78-disdik")
    act(other, world.education_officer, "follow_up", note="Selesai.")
    other = act(other, Actor(reporter_secret=secret2), "rate", rating=1)
    assert available_actions(Actor(reporter_secret=secret2), other) == ["appeal"]
