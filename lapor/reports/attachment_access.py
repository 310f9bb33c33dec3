"""Who may open which attachment of a report (ADR 0024). One rule, used by the citizen's file
and thumbnail views, the track page, the public feed and the officers' download.

A file is either the reporter's (attached at submission or to a reporter's action) or an
official's (attached to an official's action). Who opens it:

- officials who may know the report and read its content (`selectors.can_view` and
  `policy.can_read_content`): every file, as the officers' download always allowed;
- the reporter (signed-in owner, or a guest holding the code): their own files, and officials'
  files attached to events whose note the reporter reads (`note_public`);
- everyone else, only while the report is public (`public.is_public`: accepted for handling and
  not confidential): officials' files attached to public events, and the reporter's files only
  when the reporter is not anonymous — a photo or document may show who took it."""

from __future__ import annotations

from django.db.models import QuerySet

from . import policy, public, selectors
from .actors import is_reporter_of
from .models import Attachment, Report
from .states import ActorRole


def is_reporters_file(attachment: Attachment) -> bool:
    """Attached by the reporter (every attachment hangs on the event of the action it came with)."""
    return attachment.event is None or attachment.event.actor_role == ActorRole.REPORTER


def _official_and_public(attachment: Attachment) -> bool:
    return not is_reporters_file(attachment) and attachment.event.note_public


def public_may_see(report: Report, attachment: Attachment) -> bool:
    """What anyone may open, signed in or not."""
    if not public.is_public(report):
        return False
    if is_reporters_file(attachment):
        # Photos only: they were re-encoded without metadata on upload, while a PDF keeps its
        # author and other properties (ADR 0007), which may name the reporter.
        return not report.is_anonymous and attachment.content_type.startswith("image/")
    return attachment.event.note_public


def officials_see_all(actor, report: Report) -> bool:
    """Officials who may know the report and read its content open every file (ADR 0007)."""
    return selectors.can_view(actor, report) and policy.can_read_content(actor, report)


def may_see(actor, report: Report, attachment: Attachment) -> bool:
    if officials_see_all(actor, report):
        return True
    if is_reporter_of(actor, report):
        return is_reporters_file(attachment) or _official_and_public(attachment)
    return public_may_see(report, attachment)


def _with_events(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("event", "event__actor_agency").order_by("created_at", "pk")


def attachment_of(report: Report, attachment_id) -> Attachment | None:
    """One attachment of this report (None for another report's id or a bad id)."""
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        return None
    return _with_events(report.attachments.filter(pk=pk)).first()


def attachments_visible_to(actor, report: Report) -> list[Attachment]:
    """The report's files this actor may open, oldest first."""
    rows = list(_with_events(report.attachments.all()))
    if officials_see_all(actor, report):
        return rows
    return [a for a in rows if may_see(actor, report, a)]


def first_public_images(reports: list[Report], image_types) -> dict[int, Attachment]:
    """For the public feed: per report, the first image everyone may open (one query)."""
    by_pk = {r.pk: r for r in reports}
    found: dict[int, Attachment] = {}
    if not by_pk:
        return found
    rows = _with_events(Attachment.objects.filter(report_id__in=list(by_pk), content_type__in=list(image_types)))
    for attachment in rows:
        report = by_pk[attachment.report_id]
        if attachment.report_id not in found and public_may_see(report, attachment):
            attachment.report = report
            found[attachment.report_id] = attachment
    return found
