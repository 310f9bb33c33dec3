"""Writers for agencies' decrees (SK). Reference data itself is written by loader.py and by
operators in the Django admin (audited there, see lapor/audit/adminlog.py)."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import date

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lapor.accounts.models import Role
from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record
from lapor.core import clock
from lapor.core.errors import InvalidInput, NotAllowed, TooLarge
from lapor.core.numbers import human_size

from .models import Agency, AgencyDecree
from .selectors import decree_recording_agencies


def _recording_position(actor, agency_id: int):
    for position in actor.positions:
        if position.role == Role.AGENCY_ADMIN and position.agency_id == agency_id:
            return position
    return next(iter(actor.positions_with(Role.NATIONAL_ADMIN)), None)


def check_decree_file(upload) -> tuple[str, bytes]:
    """A decree is a PDF: decided by its content (magic bytes), with a .pdf name, within the size
    limit. Returns (original name, content)."""
    if upload is None:
        raise InvalidInput(_("Attach the decree as a PDF file."), field="file")
    name = os.path.basename(getattr(upload, "name", "") or "").replace("\x00", "").strip()[:150] or "sk.pdf"
    limit = settings.LAPOR_MAX_DECREE_BYTES
    too_large = _("“%(name)s” is too large: a decree may be at most %(size)s.") % {"name": name, "size": human_size(limit)}
    if (getattr(upload, "size", None) or 0) > limit:
        raise TooLarge(too_large, field="file")
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(too_large, field="file")
    if not raw:
        raise InvalidInput(_("“%(name)s” is empty.") % {"name": name}, field="file")
    kind = filetype.guess(raw)
    if kind is None or kind.mime != "application/pdf" or not raw.startswith(b"%PDF-"):
        raise InvalidInput(_("“%(name)s” is not a PDF document: a decree must be uploaded as PDF.") % {"name": name}, field="file")
    if os.path.splitext(name)[1].lower() != ".pdf":
        raise InvalidInput(_("“%(name)s” is a PDF document but its name does not end in .pdf.") % {"name": name}, field="file")
    return name, raw


def _clean_fields(number: str, decree_date: str, title: str) -> tuple[str, date, str]:
    number = " ".join((number or "").split())
    if not number:
        raise InvalidInput(_("Give the decree's number, e.g. “188.45/123/436.1.2/2026”."), field="number")
    if len(number) > 100:
        raise InvalidInput(_("The number is too long: at most 100 characters."), field="number")
    try:
        day = date.fromisoformat((decree_date or "").strip())
    except ValueError:
        raise InvalidInput(_("Give the decree's date (YYYY-MM-DD)."), field="date")
    today = timezone.localtime(clock.now()).date()
    if day > today:
        raise InvalidInput(_("The decree's date cannot be in the future."), field="date")
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(_("Give the decree's subject, e.g. “Pengelola Pengaduan Pelayanan Publik”."), field="title")
    if len(title) > 300:
        raise InvalidInput(_("The subject is too long: at most 300 characters."), field="title")
    return number, day, title


def decree_record(*, actor, agency_code: str, number: str, decree_date: str, title: str, upload) -> AgencyDecree:
    """Record a decree of an agency (its agency admin, or the national desk). The file is written
    to storage inside the transaction; a rollback after that leaves an orphan file, as with
    report attachments (docs/architecture.md, rule 6)."""
    recordable = decree_recording_agencies(actor)
    if not recordable.exists():
        raise NotAllowed(_("You may record decrees only for your own agency."))
    code = (agency_code or "").strip()
    agency = Agency.objects.filter(code=code).first() if code else None
    if agency is None:
        raise InvalidInput(_("Choose the agency the decree belongs to."), field="agency")
    if agency.kind == Agency.Kind.UNIT:
        raise InvalidInput(_("A decree belongs to an agency, not to one of its units."), field="agency")
    if not recordable.filter(pk=agency.pk).exists():
        raise NotAllowed(_("You may record decrees only for your own agency."))
    number, day, title = _clean_fields(number, decree_date, title)
    name, raw = check_decree_file(upload)
    with transaction.atomic():
        if AgencyDecree.objects.filter(agency=agency, number__iexact=number).exists():
            raise InvalidInput(_("A decree with this number is already recorded for %(agency)s.") % {"agency": agency}, field="number")
        decree = AgencyDecree(
            agency=agency,
            number=number,
            date=day,
            title=title,
            original_name=name,
            size=len(raw),
            sha256=hashlib.sha256(raw).hexdigest(),
            recorded_by=actor.user,
            recorded_at=clock.now(),
        )
        # A random stored name: the uploader's file name never becomes a path on the server.
        decree.file.save(f"{secrets.token_hex(16)}.pdf", ContentFile(raw), save=False)
        try:
            decree.save()
        except IntegrityError:  # the same number recorded at the same moment by someone else
            raise InvalidInput(_("A decree with this number is already recorded for %(agency)s.") % {"agency": agency}, field="number")
        audit_record(
            kind=AuditEntry.Kind.DECREE_RECORDED,
            actor=actor,
            position=_recording_position(actor, agency.pk),
            agency=agency,
            decree=decree.pk,
            number=number,
            date=day.isoformat(),
            sha256=decree.sha256,
        )
    return decree


def decree_revoke(*, actor, decree_id: int) -> AgencyDecree:
    """Mark a decree as no longer in force (replaced or withdrawn); the record and file stay."""
    with transaction.atomic():
        decree = AgencyDecree.objects.select_for_update().filter(pk=decree_id).first()
        if decree is None or not decree_recording_agencies(actor).filter(pk=decree.agency_id).exists():
            raise NotAllowed(_("You may revoke decrees only of your own agency."))
        if decree.revoked_at is not None:
            raise InvalidInput(_("This decree is already revoked."), field="decree")
        decree.revoked_at = clock.now()
        decree.revoked_by = actor.user
        decree.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            kind=AuditEntry.Kind.DECREE_REVOKED,
            actor=actor,
            position=_recording_position(actor, decree.agency_id),
            agency=decree.agency,
            decree=decree.pk,
            number=decree.number,
        )
    return decree
