"""What a report shows to whoever holds its tracking number, defined once for the track page
(`/lacak/<nomor>/`, lapor/web/views.track) and the API's `GET /track/{tracking_number}`
(lapor/api/serialize.track_dict), and the title and excerpt of a row of the public feed.

- Never the reporter's identity (name, contact, account), anonymous or not: none of it is here.
- A confidential report shows no title, no description and no notes to anyone who may not read
  its content (policy.can_read_content; the public never may).
- Personal data typed into the text (NIK, phone numbers, e-mail addresses) is redacted for
  everyone but the reporter, on top of what `timeline_for` already hides (internal notes).

Reads only; the feed's choice of reports is lapor.reports.public (ADR 0013)."""

from __future__ import annotations

from dataclasses import dataclass

from lapor.accounts.actors import Actor
from lapor.core.redact import redact

from . import policy
from .actors import is_reporter_of
from .models import Report, ReportEvent
from .selectors import handler_of, timeline_for

EXCERPT_CHARS = 280  # of the description, in a feed row


@dataclass
class TrackView:
    """A report as one viewer (by default the public) may see it by its tracking number."""

    report: Report  # its status, due time, region, category, rating: public facts
    is_reporter: bool  # the reporter reads their own text as written
    show_content: bool  # False: confidential, and not this viewer's to read
    title: str | None  # None when the content is not shown
    description: str | None
    handled_by: str  # who acts next, in words for the citizen (selectors.handler_of)
    handling_agency: object | None  # the agency or unit acting next, if any
    timeline: list[ReportEvent]  # notes as this viewer may read them, redacted unless the reporter's


def public_text(text: str) -> str:
    """Free text as the public reads it."""
    return redact(text)


def track_view(report: Report, actor: Actor | None = None) -> TrackView:
    """The report as `actor` sees it on its tracking page: the public's view (`actor` None: no one
    signed in, no reporter secret), or the reporter's own (their text unredacted)."""
    actor = actor if actor is not None else Actor()
    is_reporter = is_reporter_of(actor, report)
    shown = (lambda text: text) if is_reporter else public_text
    content = policy.can_read_content(actor, report)
    role, agency = handler_of(report)
    timeline = timeline_for(actor, report)
    if not is_reporter:
        for event in timeline:
            event.note = public_text(event.note)
    return TrackView(
        report=report,
        is_reporter=is_reporter,
        show_content=content,
        title=shown(report.title) if content else None,
        description=shown(report.description) if content else None,
        handled_by=role,
        handling_agency=agency,
        timeline=timeline,
    )


def feed_text(report: Report) -> tuple[str, str]:
    """A public feed row's title and excerpt (the feed shows public reports only, never
    confidential ones: lapor.reports.public)."""
    return public_text(report.title), public_text(report.description[:EXCERPT_CHARS])
