"""Officials hear what waits for their positions (lapor/notices/officers.py, ADR 0035), through a
real SMTP server on loopback: a report entering a position's queue, overdue, escalated; a digest
of the queue every morning, once; to whoever holds the position at the time; never the report's
text, its reporter or an official's note; not for the position's own act; off when the position
says so."""

from __future__ import annotations

from datetime import datetime, timedelta

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position
from lapor.core import clock
from lapor.core.clock import WIB
from lapor.notices import officers
from lapor.notices.jobs import run_feed
from lapor.notify.outbox import deliver_pending
from lapor.reports.services import report_act
from lapor.reports.sweep import sla_sweep

from ..conftest import _user
from ..notify.peers import smtp_server  # noqa: F401 (fixture)

PRIVATE = ["Siti Aminah", "siti@example.test", "Catatan internal", "Kewenangan Pemkot"]


def with_addresses(world):
    for user in (world.national_admin, world.city_admin, world.education_officer):
        user.email = f"{user.username}@instansi.go.id"
        user.save()


def told(smtp_server):  # noqa: F811
    run_feed()
    deliver_pending()
    mails = [(mail.recipients[0].split("@")[0], mail.subject) for mail in smtp_server.mails]
    smtp_server.mails.clear()
    return mails


def act(report, user, action, **payload):
    actor = user if isinstance(user, Actor) else Actor.for_user(user)
    return report_act(tracking_number=report.tracking_number, action=action, actor=actor, payload=payload)


def test_each_position_hears_when_a_report_enters_its_queue(world, submit, smtp_server):  # noqa: F811
    with_addresses(world)
    report, secret = submit(contact_name="Siti Aminah", contact_email="siti@example.test")
    number = report.formatted_tracking_number
    desk_mail = [m for m in told(smtp_server) if m[0] == "desk"]
    assert desk_mail == [("desk", f"Baru di antrean Anda: laporan {number}")]  # in the site's language
    report = act(report, world.national_admin, "dispose", agency="kota-35-78", note="Kewenangan Pemkot")
    assert [m[0] for m in told(smtp_server) if m[0] != "siti"] == ["cityadmin"]  # not the desk: its own act
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik", note="Catatan internal")
    assert [m[0] for m in told(smtp_server) if m[0] != "siti"] == ["disdik"]
    report = act(report, world.education_officer, "respond", note="Sedang kami periksa.")
    report = act(report, world.education_officer, "follow_up", note="Sudah selesai.")
    assert [m[0] for m in told(smtp_server) if m[0] != "siti"] == []  # the unit's own acts; then the reporter's turn
    act(report, Actor(reporter_secret=secret), "reply", note="Belum selesai.")
    assert [m[0] for m in told(smtp_server) if m[0] != "siti"] == ["disdik"]  # back in the unit's queue


def test_a_message_holds_no_report_text_and_links_to_the_report(world, submit, smtp_server, settings):  # noqa: F811
    with_addresses(world)
    report, _ = submit(contact_name="Siti Aminah", contact_email="siti@example.test", is_anonymous=True)
    run_feed()
    deliver_pending()
    (mail,) = [m for m in smtp_server.mails if m.recipients == ["desk@instansi.go.id"]]
    assert f"/petugas/laporan/{report.tracking_number}/" in mail.body
    assert report.formatted_tracking_number in mail.body
    for private in [report.title, report.description[:40], *PRIVATE]:
        assert private not in mail.body and private not in mail.subject


def test_the_holder_at_the_time_hears_and_a_position_may_say_no(world, submit, smtp_server):  # noqa: F811
    with_addresses(world)
    desk = Position.objects.get(holder=world.national_admin)
    successor = _user("desk2", email="desk2@instansi.go.id")
    desk.holder = successor  # handed over
    desk.save()
    submit()
    assert [m[0] for m in told(smtp_server)] == ["desk2"]
    Position.objects.filter(pk=desk.pk).update(queue_messages=False)
    submit()
    assert told(smtp_server) == []


def test_overdue_and_escalated_reach_the_positions_concerned(world, submit, smtp_server):  # noqa: F811
    with_addresses(world)
    report, _ = submit()
    report = act(report, world.national_admin, "dispose", agency="kota-35-78")
    report = act(report, world.city_admin, "forward", unit="kota-35-78-disdik")
    told(smtp_server)
    number = report.formatted_tracking_number
    clock.freeze(report.stage_due_at + timedelta(hours=1))  # the unit's response is late
    sla_sweep()
    report.refresh_from_db()
    assert report.is_overdue and report.escalation_level == 1
    assert sorted(told(smtp_server)) == [
        ("cityadmin", f"Laporan {number} dieskalasi kepada Anda"),  # the agency admin has it by escalation
        ("disdik", f"Laporan {number} melewati tenggat"),  # its handler
    ]
    clock.freeze(report.escalate_at + timedelta(hours=1))  # still late: up to the national desk
    sla_sweep()
    report.refresh_from_db()
    assert report.escalation_level == 2
    assert told(smtp_server) == [("desk", f"Laporan {number} dieskalasi kepada Anda")]


def test_the_morning_digest_once_a_day_for_a_queue_that_holds_something(world, submit, smtp_server, settings):  # noqa: F811
    with_addresses(world)
    settings.LAPOR_DIGEST_HOUR = 7
    report, _ = submit()
    act(report, world.national_admin, "dispose", agency="kota-35-78")
    submit()
    day = clock.now().astimezone(WIB).date() + timedelta(days=1)
    early = datetime(day.year, day.month, day.day, 6, 59, tzinfo=WIB)
    assert officers.send_digests(early) == 0  # not before the hour
    morning = early + timedelta(minutes=2)
    assert officers.send_digests(morning) == 2  # the desk (one report) and the city's admin (one); not the unit (none)
    assert officers.send_digests(morning + timedelta(hours=3)) == 0  # once a day
    deliver_pending()
    by_holder = {mail.recipients[0].split("@")[0]: mail for mail in smtp_server.mails}
    assert set(by_holder) == {"desk", "cityadmin"}
    assert report.formatted_tracking_number in by_holder["cityadmin"].body
    assert report.title not in by_holder["cityadmin"].body
    Position.objects.filter(holder=world.national_admin).update(daily_digest=False)
    assert officers.send_digests(morning + timedelta(days=1)) == 1  # the next day: the city only
