"""Attachments for citizens (ADR 0024): the permission-checked file and thumbnail views of the
track page, and the items the track page's timeline and the public feed show.

Who opens which file is decided once, in lapor.reports.attachment_access; here the request is
parsed and the file or its thumbnail (lapor.reports.thumbnails) is sent. A file the person may
not open answers 404, exactly like a file that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lapor.accounts.actors import Actor
from lapor.reports import attachment_access as access
from lapor.reports import policy, selectors, thumbnails
from lapor.reports.models import Attachment, Report

from .views import _remembered_secret

# Public files may be kept by shared caches for a while; others only by the person's browser.
# A report can stop being public (archived), so a shared copy is kept briefly.
PUBLIC_MAX_AGE = 600
PRIVATE_MAX_AGE = 3600


@dataclass
class FileItem:
    """One file as a page shows it: a thumbnail linking to the photo, or a document's name and size."""

    url: str
    name: str  # as this person may read it (personal data redacted unless they may see the reporter)
    size: int
    alt: str = ""  # photos: what the thumbnail shows and where its link leads
    thumbnail_url: str = ""
    width: int = 0
    height: int = 0


def _who(attachment: Attachment) -> str:
    if access.is_reporters_file(attachment):
        return _("the reporter")
    if attachment.event.actor_agency is not None:
        return str(attachment.event.actor_agency)
    return _("the officials")


def _item(actor, report: Report, attachment: Attachment, n: int, count: int) -> FileItem:
    number = report.tracking_number
    item = FileItem(
        url=reverse("web:track_attachment", args=[number, attachment.pk]),
        name=policy.readable_text(actor, report, attachment.original_name),
        size=attachment.size,
    )
    if not thumbnails.is_image(attachment):
        return item
    # A photo is named by who sent it, never by its file name (a camera's or a person's).
    words = {"n": n, "count": count, "who": _who(attachment)}
    size = thumbnails.thumbnail_size(attachment)
    if size is None:  # unreadable: a plain link
        item.name = _("Photo %(n)d of %(count)d from %(who)s") % words
        return item
    item.thumbnail_url = reverse("web:track_thumbnail", args=[number, attachment.pk])
    item.width, item.height = size
    item.alt = _("Photo %(n)d of %(count)d from %(who)s (opens the full photo)") % words
    return item


def attach_files(actor, report: Report, timeline: list) -> None:
    """Give each timeline event the files this person may open that came with it (`event.files`)."""
    visible = access.attachments_visible_to(actor, report)
    by_event: dict = {}
    first = timeline[0].pk if timeline else None
    for attachment in visible:
        by_event.setdefault(attachment.event_id or first, []).append(attachment)
    for event in timeline:
        files = by_event.get(event.pk, [])
        photos = sum(1 for a in files if thumbnails.is_image(a))
        items, n = [], 0
        for attachment in files:
            n += thumbnails.is_image(attachment)
            items.append(_item(actor, report, attachment, n, photos))
        event.files = items


def feed_photos(rows: list[Report]) -> None:
    """Give each public report of a feed page at most one photo everyone may open (`report.photo`)."""
    found = access.first_public_images(rows, thumbnails.IMAGE_TYPES)
    for report in rows:
        attachment = found.get(report.pk)
        report.photo = None
        size = thumbnails.thumbnail_size(attachment) if attachment is not None else None
        if size is not None:
            report.photo = FileItem(
                url=reverse("web:track_attachment", args=[report.tracking_number, attachment.pk]),
                name="",
                size=attachment.size,
                alt=_("Photo of report %(number)s from %(who)s (opens the full photo)")
                % {"number": report.formatted_tracking_number, "who": _who(attachment)},
                thumbnail_url=reverse("web:track_thumbnail", args=[report.tracking_number, attachment.pk]),
                width=size[0],
                height=size[1],
            )


def _open(request, tracking_number, attachment_id) -> tuple[Actor, Report, Attachment]:
    """The report and attachment if this person may open it; 404 otherwise (they learn nothing)."""
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None:
        raise Http404
    attachment = access.attachment_of(report, attachment_id)
    if attachment is None:
        raise Http404
    actor = Actor.for_user(request.user, reporter_secret=_remembered_secret(request, report.tracking_number))
    if not access.may_see(actor, report, attachment):
        raise Http404
    return actor, report, attachment


def _cache(response, report: Report, attachment: Attachment):
    if access.public_may_see(report, attachment):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=PRIVATE_MAX_AGE)
    return response


@require_safe
def track_attachment(request, tracking_number, attachment_id):
    """The file itself, inline, named as this person may read its name."""
    actor, report, attachment = _open(request, tracking_number, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404
    name = policy.readable_text(actor, report, attachment.original_name)
    response = FileResponse(handle, content_type=attachment.content_type, filename=name)
    return _cache(response, report, attachment)


@require_safe
def track_thumbnail(request, tracking_number, attachment_id):
    """A photo's thumbnail (documents have none: 404)."""
    _actor, report, attachment = _open(request, tracking_number, attachment_id)
    data = thumbnails.thumbnail_bytes(attachment)
    if data is None:
        raise Http404
    return _cache(HttpResponse(data, content_type=thumbnails.CONTENT_TYPE), report, attachment)
