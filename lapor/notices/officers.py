"""Telling officials what waits for their positions: a subscriber of the event feed, and a digest
every morning (ADR 0035).

- When an event puts a report in a position's queue (the desk's new report, a disposition to an
  agency, a forward to a unit, the reporter's reply or supplement, an appeal, a "not our
  authority" back to the desk, a transfer to the Ombudsman), the position's holder is e-mailed,
  unless the report has moved on since (that move has its own message); when the sweep marks it
  overdue, its handler hears so and an agency admin who has it by that escalation hears it is
  escalated to them; when the sweep escalates it to the national desk, the desk hears so. Not
  for a position's own act.
- Every morning from LAPOR_DIGEST_HOUR (WIB), each position with a holder gets one digest of its
  queue: how many reports wait, how many are overdue, how many are due by the end of the next
  working day, and the most urgent of them. Once a day (`DigestSent`).

A message goes to whoever holds the position when it is sent (a hand-over moves them), to the
holder's e-mail, if the position wants it (`Position.queue_messages`, `Position.daily_digest`).
What a message never holds: the report's text, its reporter, an official's note — only its
tracking number, category, place and deadlines, and the link to the report's page, where the
access rules apply. Written in the site's language (officials use the Indonesian site)."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from lapor.accounts.actors import Actor
from lapor.accounts.models import Position, Role
from lapor.core import clock
from lapor.core.clock import WIB
from lapor.notify.channels import available
from lapor.notify.outbox import queue_message
from lapor.reports.feed import Published, consume
from lapor.reports.models import Report, ReportEvent
from lapor.reports.selectors import QueueFilter, handler_of, queue_counts, report_queue, waiting_positions
from lapor.reports.states import Action, Status

from .models import DigestSent

SUBSCRIBER = "officer-notices"
BATCH = 500
DIGEST_ITEMS = 10
# The statuses in which a report waits for a position to act (lapor.reports.selectors).
QUEUE_STATUSES = frozenset({Status.SUBMITTED, Status.RETURNED, Status.AT_AGENCY, Status.APPEALED,
                            Status.FORWARDED, Status.IN_PROCESS, Status.OMBUDSMAN})


def notify(limit: int = BATCH) -> int:
    """Queue the messages of the events published since the last run; returns events read. (An
    upgraded installation's cursor starts at the feed's end: notices migration 0002.)"""
    return consume(SUBSCRIBER, _queue_all, limit)


def _queue_all(entries: list[Published]) -> None:
    if not available("email"):
        return
    for item in entries:
        for position, kind in _told(item.event, item.report):
            subject, body = _message(kind, item.report, position)
            queue_message(channel="email", recipient=position.holder.email, subject=subject, body=body)


# The role whose own work a report waits for, by selectors.handler_of's answer; the others its
# queue holds (an agency admin for a unit's overdue report, the desk) have it by escalation.
HANDLING_ROLE = {"national_desk": Role.NATIONAL_ADMIN, "agency_admin": Role.AGENCY_ADMIN,
                 "unit": Role.LIAISON_OFFICER, "ombudsman": Role.OMBUDSMAN}


def _told(event: ReportEvent, report: Report) -> list[tuple[Position, str]]:
    """Who hears of this event, and what: the positions the report now waits for (held, wanting
    these messages, with an e-mail address), never the one that acted.
    - marked overdue (still overdue now): its handler hears "overdue", an agency admin who has it
      by escalation hears "escalated to you";
    - escalated to the desk (still so now): the desk hears "escalated to you";
    - moved into a queue by another (and not moved on since): "new in your queue"."""
    action = str(event.action)
    if action == Action.MARK_OVERDUE:
        if not report.is_overdue:
            return []  # answered since
        handling = HANDLING_ROLE.get(handler_of(report)[0])
        pairs = [(p, "overdue" if p.role == handling else "escalated") for p in waiting_positions(report)]
    elif action == Action.ESCALATE:
        if report.escalation_level < 2 or not report.is_overdue:
            return []
        pairs = [(p, "escalated") for p in waiting_positions(report) if p.role == Role.NATIONAL_ADMIN]
    elif event.to_status in QUEUE_STATUSES and event.from_status != event.to_status and report.version == event.seq:
        pairs = [(p, "queue") for p in waiting_positions(report)]
    else:
        return []
    return [(p, kind) for p, kind in pairs
            if p.pk != event.actor_position_id and p.queue_messages and p.holder is not None and p.holder.email]


def _day(moment) -> str:
    return formats.date_format(moment.astimezone(WIB), "j F Y")


def _about(report: Report) -> str:
    """What a report is, for an official who will open it: its number, category and place."""
    parts = [report.formatted_tracking_number]
    if report.category_id:
        parts.append(report.category.name)
    if report.region_id:
        parts.append(report.region.name)
    return " · ".join(parts)


def _message(kind: str, report: Report, position: Position) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        number = report.formatted_tracking_number
        link = settings.LAPOR_SITE_URL + reverse("web:officer_report", args=[report.tracking_number])
        due = _day(report.stage_due_at) if report.stage_due_at else ""
        queue = position.title
        if kind == "escalated":
            subject = _("Report %(number)s escalated to you") % {"number": number}
            first = _("Report %(number)s is overdue and was escalated to %(queue)s.") % {"number": number, "queue": queue}
        elif kind == "overdue":
            subject = _("Report %(number)s is overdue") % {"number": number}
            first = _("Report %(number)s in the queue of %(queue)s is overdue.") % {"number": number, "queue": queue}
        else:
            subject = _("New in your queue: report %(number)s") % {"number": number}
            first = _("Report %(number)s is in the queue of %(queue)s.") % {"number": number, "queue": queue}
        lines = [first, _about(report)]
        if due:
            lines.append(_("Due by %(due)s.") % {"due": due})
        lines.append(_("Open it: %(link)s") % {"link": link})
        lines.append(_("You get these messages as the holder of this position; change them on %(link)s")
                     % {"link": settings.LAPOR_SITE_URL + reverse("accounts:notice_settings")})
        return subject, "\n\n".join(lines) + "\n"


# --- the morning digest ---------------------------------------------------------------------
def send_digests(now: datetime | None = None) -> int:
    """Queue today's digest of every position that wants one and has not had it, once the
    morning's hour has come (WIB); returns how many were queued. Safe to run often and from
    several processes: each position's digest is claimed by a unique row in its transaction."""
    now = now or clock.now()
    local = now.astimezone(WIB)
    if local.time() < time(settings.LAPOR_DIGEST_HOUR) or not available("email"):
        return 0
    day = local.date()
    sent = 0
    positions = (Position.objects.filter(is_active=True, daily_digest=True, holder__isnull=False)
                 .exclude(holder__email="").exclude(digests__day=day).select_related("holder", "agency").order_by("pk"))
    for position in positions:
        try:
            with transaction.atomic():
                DigestSent.objects.create(position=position, day=day, sent_at=now)
                message = digest_for(position, now)
                if message is not None:
                    queue_message(channel="email", recipient=position.holder.email, subject=message[0], body=message[1])
                    sent += 1
        except IntegrityError:
            continue  # another process sent it a moment ago
    return sent


def digest_for(position: Position, now: datetime) -> tuple[str, str] | None:
    """The digest of one position's queue: None when nothing waits (no empty digest)."""
    actor = Actor(user=position.holder, positions=(position,))
    counts = queue_counts(actor)
    if not counts["total"]:
        return None
    urgent = list(report_queue(actor, QueueFilter(part="act"))[:DIGEST_ITEMS])
    with translation.override(settings.LANGUAGE_CODE):
        day = formats.date_format(now.astimezone(WIB), "j F Y")
        subject = _("Your queue on %(day)s: %(total)s reports, %(overdue)s overdue") % {
            "day": day, "total": formats.number_format(counts["total"], use_l10n=True),
            "overdue": formats.number_format(counts["overdue"], use_l10n=True)}
        lines = [
            _("The queue of %(queue)s this morning:") % {"queue": position.title},
            "\n".join([
                _("- waiting for you: %(n)s") % {"n": formats.number_format(counts["total"], use_l10n=True)},
                _("- overdue: %(n)s") % {"n": formats.number_format(counts["overdue"], use_l10n=True)},
                _("- due by the end of the next working day: %(n)s") % {"n": formats.number_format(counts["due_soon"], use_l10n=True)},
            ]),
            _("The most urgent:"),
            "\n".join(f"- {_about(r)}" + (f" — {_day(r.stage_due_at)}" if r.stage_due_at else "")
                      + (f" ({_('overdue')})" if r.is_overdue else "") for r in urgent),
            _("Your queue: %(link)s") % {"link": settings.LAPOR_SITE_URL + reverse("web:queue")},
            _("You get this digest as the holder of this position; change it on %(link)s")
            % {"link": settings.LAPOR_SITE_URL + reverse("accounts:notice_settings")},
        ]
        return subject, "\n\n".join(lines) + "\n"
