"""Telling reporters what happened to their report: a subscriber of the event feed (ADR 0032).

For each event a reporter should hear about — the receipt of their submission, the desk's
verification and the agency it went to, a request for more information, the agency's initial
response and its follow-up, an interim reply, a rejection or archiving, the report closed, the
Ombudsman offer — one message per channel the reporter left (an account's e-mail and phone, or
the contact a guest gave), in the language they filed in, and for an account one notification
in its list on the site (`Notification`, the in-app channel: kept even after the reporter
stopped the messages, since nothing is sent). Each says what happened, what comes
next and by when, and links to the tracking page and to stopping these messages. Nothing the
reporter did themselves is echoed back; a guest who left no contact hears nothing.

What a message never holds: the report's text, an official's name or note, anything about the
reporter beyond their own tracking number. A message goes only to the reporter's own address,
so an anonymous report's identity is not revealed by it (only officials are kept from it). The
guest's receipt carries their secret code, like the confirmation page: that message is marked
sensitive, and its text is emptied once it is sent (lapor.notify.outbox)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from lapor.core.clock import WIB
from lapor.notify.channels import available
from lapor.notify.models import PhoneChannel
from lapor.notify.outbox import queue_message
from lapor.reports.feed import Published, consume
from lapor.reports.models import Report, ReportEvent
from lapor.reports.states import Action, ArchiveReason, RejectReason
from lapor.reports.tokens import reporter_secret_for

from .models import Notification

SUBSCRIBER = "reporter-notices"
BATCH = 500
SMS_LIMIT = 160  # one segment
_STOP_SALT = "lapor.notices.stop"


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str  # the e-mail's text
    sms: str  # at most one segment
    text: str = ""  # the in-app notification's: what happened, what next, by when (no links)
    # One line: a WhatsApp template's parameter may hold no line break (the Cloud API refuses it).
    whatsapp: str = ""
    sensitive: bool = False


def notify(limit: int = BATCH) -> int:
    """Queue the messages of the events published since the last run; returns events read."""
    return consume(SUBSCRIBER, _queue_all, limit)


def _queue_all(entries: list[Published]) -> None:
    listed = []
    for item in entries:
        report = item.report
        contacts = [] if report.notices_stopped_at is not None else contacts_of(report)
        if not contacts and not report.reporter_id:
            continue
        notice = notice_for(item.event, report)
        if notice is None:
            continue
        if report.reporter_id:
            listed.append(Notification(user_id=report.reporter_id, report=report, seq=item.event.seq,
                                       subject=notice.subject, text=notice.text, created_at=item.event.created_at))
        for channel, address in contacts:
            text = {"sms": notice.sms, "whatsapp": notice.whatsapp}.get(channel, notice.body)
            queue_message(channel=channel, recipient=address, subject=notice.subject, body=text,
                          sensitive=notice.sensitive)
    # In the cursor's transaction like the messages; a conflict is an event already listed.
    Notification.objects.bulk_create(listed, ignore_conflicts=True)


def contacts_of(report: Report) -> list[tuple[str, str]]:
    """Where the reporter hears from us, as they chose: an account's e-mail (unless turned off)
    and its phone by SMS, WhatsApp or not at all; a guest's e-mail and phone (by the channel
    chosen on the form). Only channels this installation can send on."""
    if report.reporter_id:
        user = report.reporter
        email = user.email if user.notify_email else ""
        phone, by = user.phone, user.phone_channel
    else:
        email, phone, by = report.contact_email, report.contact_phone, report.phone_channel
    out = []
    if email and available("email"):
        out.append(("email", email))
    if phone and by in PhoneChannel.values and available(by):
        out.append((by, phone))
    return out


def stop_token(report: Report) -> str:
    return signing.dumps(report.tracking_number, salt=_STOP_SALT, compress=True)


def tracking_number_of_stop_token(token: str) -> str | None:
    """The report a stop link is for, or None for a link that is not ours (no expiry: a link in
    an old message still works)."""
    try:
        return signing.loads(token, salt=_STOP_SALT)
    except signing.BadSignature:
        return None


def _day(moment) -> str:
    return formats.date_format(moment.astimezone(WIB), "j F Y")


def notice_for(event: ReportEvent, report: Report) -> Notice | None:
    """The message for this event of this report, in the reporter's language; None when the
    reporter need not hear of it."""
    with translation.override(report.language or settings.LANGUAGE_CODE):
        return _compose(event, report)


def _compose(event: ReportEvent, report: Report) -> Notice | None:
    action = str(event.action)
    number = report.formatted_tracking_number
    track = settings.LAPOR_SITE_URL + reverse("web:track", args=[report.tracking_number])
    stop = settings.LAPOR_SITE_URL + reverse("web:notices_stop", args=[report.tracking_number, stop_token(report)])
    # "By when" only while this event is the report's latest: a later one has its own message.
    due = _day(report.stage_due_at) if report.version == event.seq and report.stage_due_at else ""
    agency = report.agency.name if report.agency_id else ""
    guest = not report.reporter_id
    if action == Action.SUBMIT:
        subject = _("Report %(number)s received") % {"number": number}
        lines = [_("We received your report %(number)s.") % {"number": number}]
        lines.append(_("It is verified by %(due)s, then sent to the agency that handles it.") % {"due": due} if due
                     else _("It is verified, then sent to the agency that handles it."))
        sms = _("Report %(number)s received. Follow it: %(link)s") % {"number": number, "link": track}
        if guest:
            secret = reporter_secret_for(report.tracking_number)
            lines.append(_("To reply or rate it later, open the link below and give your secret code: %(code)s") % {"code": secret})
            sms = _("Report %(number)s received. Code %(code)s. %(link)s") % {"number": number, "code": secret, "link": track}
        return _notice(subject, lines, sms, track, stop, sensitive=guest)
    if action == Action.DISPOSE:
        subject = _("Report %(number)s verified") % {"number": number}
        lines = [_("Your report %(number)s was verified and sent to %(agency)s.") % {"number": number, "agency": agency}]
        if due:
            lines.append(_("The agency takes it up by %(due)s.") % {"due": due})
        sms = [_("Report %(number)s sent to %(agency)s.") % {"number": number, "agency": agency},
               _("Report %(number)s verified and sent to the agency.") % {"number": number}]
    elif action == Action.REQUEST_INFO:
        subject = _("Report %(number)s needs more information") % {"number": number}
        lines = [_("Your report %(number)s needs more information before it can be verified.") % {"number": number},
                 _("Add it on the tracking page.") if not due else
                 _("Add it on the tracking page by %(due)s.") % {"due": due}]
        sms = _("Report %(number)s needs more information.") % {"number": number}
    elif action in (Action.RESPOND, Action.INTERIM_REPLY):
        subject = _("Report %(number)s is being handled") % {"number": number}
        lines = [_("%(agency)s answered your report %(number)s and is handling it.") % {"number": number, "agency": agency}]
        if due:
            lines.append(_("Its follow-up is due by %(due)s.") % {"due": due})
        sms = [_("%(agency)s answered report %(number)s.") % {"number": number, "agency": agency},
               _("Report %(number)s is being handled.") % {"number": number}]
    elif action == Action.FOLLOW_UP:
        subject = _("Report %(number)s followed up") % {"number": number}
        lines = [_("%(agency)s followed up your report %(number)s.") % {"number": number, "agency": agency},
                 _("Read the answer on the tracking page; reply if it is not settled, or rate it.")]
        if due:
            lines.append(_("Without a reply it is closed on %(due)s.") % {"due": due})
        sms = _("Report %(number)s followed up. Reply or rate it.") % {"number": number}
    elif action == Action.REJECT:
        reason = RejectReason(report.reject_reason).label if report.reject_reason else ""
        subject = _("Report %(number)s not continued") % {"number": number}
        lines = [_("Your report %(number)s was not continued: %(reason)s.") % {"number": number, "reason": reason}]
        sms = [_("Report %(number)s not continued: %(reason)s.") % {"number": number, "reason": reason},
               _("Report %(number)s not continued.") % {"number": number}]
    elif action == Action.ARCHIVE:
        reason = ArchiveReason(report.archive_reason).label if report.archive_reason else ""
        subject = _("Report %(number)s archived") % {"number": number}
        lines = [_("Your report %(number)s was archived: %(reason)s.") % {"number": number, "reason": reason}]
        sms = [_("Report %(number)s archived: %(reason)s.") % {"number": number, "reason": reason},
               _("Report %(number)s archived.") % {"number": number}]
    elif action in (Action.AUTO_CLOSE, Action.DISMISS_APPEAL):
        subject = _("Report %(number)s closed") % {"number": number}
        lines = [_("Your report %(number)s is closed.") % {"number": number}]
        sms = _("Report %(number)s closed.") % {"number": number}
    elif action == Action.OFFER_OMBUDSMAN:
        subject = _("Report %(number)s: you may take it to the Ombudsman") % {"number": number}
        lines = [_("Your report %(number)s was not settled in time. You may have it transferred to the Ombudsman.") % {"number": number}]
        if due:
            lines.append(_("Decide on the tracking page by %(due)s.") % {"due": due})
        sms = _("Report %(number)s: you may take it to the Ombudsman.") % {"number": number}
    else:
        return None  # the reporter's own acts, and internal moves (forward, overdue, escalation)
    return _notice(subject, lines, sms, track, stop)


def _notice(subject: str, lines: list[str], sms, track: str, stop: str, *, sensitive: bool = False) -> Notice:
    links = [_("Follow your report: %(link)s") % {"link": track},
             _("To stop these messages about this report: %(link)s") % {"link": stop}]
    return Notice(subject=subject, body="\n\n".join([*lines, *links]) + "\n", sms=one_segment(sms, track),
                  text="\n\n".join(lines), whatsapp=" ".join([*lines, *links]), sensitive=sensitive)


def one_segment(texts, link: str) -> str:
    """The most telling of `texts` (a text or a list, most telling first) that fits one SMS
    segment with the tracking link (or already holding it), else without it."""
    texts = [texts] if isinstance(texts, str) else texts
    for text in texts:
        with_link = text if link in text else f"{text} {link}"
        if len(with_link) <= SMS_LIMIT:
            return with_link
    for text in texts:
        if len(text) <= SMS_LIMIT:
            return text
    return texts[-1][: SMS_LIMIT - 1] + "…"
