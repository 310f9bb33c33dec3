"""Sensitive reads, each recorded in the audit log in the same transaction.

- The national desk may reveal an anonymous reporter's identity, only to verify a report, and
  only by giving a reason; the reveal is an audit entry, not a page everyone can open.
- Every time an official opens a confidential report's content, an audit entry records it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record
from lapor.core.errors import InvalidInput, NotAllowed, NotFound

from . import policy
from .actors import is_reporter_of
from .selectors import can_view, report_by_tracking_number

MIN_REASON = 10


def _position_for(actor, permission: str):
    for position in actor.positions:
        if (position.role, permission) in policy.POLICY:
            return position
    return None


def report_reveal_identity(*, tracking_number: str, actor, reason: str, channel: str) -> dict:
    report = report_by_tracking_number(tracking_number)
    if report is None or not can_view(actor, report):
        raise NotFound(_("There is no report with the tracking number “%(n)s”.") % {"n": str(tracking_number)[:12]})
    if not policy.allows(actor, policy.Permission.REVEAL_IDENTITY, report) or is_reporter_of(actor, report):
        raise NotAllowed(_("Only the national desk may reveal an anonymous reporter's identity."))
    if not report.is_anonymous:
        raise InvalidInput(_("This report is not anonymous: its reporter is shown to those allowed to see it."))
    reason = (reason or "").replace("\x00", "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput(
            _("Please give the reason for revealing the identity (at least %(n)d characters).") % {"n": MIN_REASON},
            field="reason",
        )
    with transaction.atomic():
        audit_record(
            kind=AuditEntry.Kind.IDENTITY_REVEAL,
            actor=actor,
            position=_position_for(actor, policy.Permission.REVEAL_IDENTITY),
            report=report,
            reason=reason,
            channel=channel,
        )
    reporter = report.reporter
    return {
        "name": (reporter.display_name() if reporter else report.contact_name) or None,
        "email": (reporter.email if reporter else report.contact_email) or None,
        "phone": (reporter.phone if reporter else report.contact_phone) or None,
        "account": reporter.username if reporter else None,
    }


def note_content_read(actor, report, *, channel: str) -> None:
    """Record that an official opened a confidential report's content (reporters reading their
    own report are not recorded)."""
    if not report.is_confidential or actor.system or is_reporter_of(actor, report):
        return
    if not policy.can_read_content(actor, report):
        return
    audit_record(
        kind=AuditEntry.Kind.CONFIDENTIAL_READ,
        actor=actor,
        position=_position_for(actor, policy.Permission.READ_CONFIDENTIAL),
        report=report,
        channel=channel,
    )
