"""Writing audit entries. Called by the services and selectors that do the sensitive thing, in
the same transaction, so a read or reveal that is not logged does not happen."""

from lapor.core import clock

from .models import AuditEntry


def audit_record(
    *, kind: str, actor, report=None, reason: str = "", position=None, subject_position=None, agency=None, **data
) -> AuditEntry:
    """`position` is the actor's position; `subject_position` and `agency` what the entry is about
    (the agency defaults to the subject position's, so that the agency's auditors find it)."""
    agency_id = agency.pk if agency is not None else getattr(subject_position, "agency_id", None)
    if getattr(actor, "client", None) is not None:  # an agency's API client: named, through no stored post
        data = {**data, "api_client": actor.client.pk}
        position = None
    return AuditEntry.objects.create(
        kind=kind,
        at=clock.now(),
        actor=actor.user if getattr(actor, "user_id", None) else None,
        actor_position=position,
        report=report,
        position=subject_position,
        agency_id=agency_id,
        reason=reason,
        data=data,
    )
