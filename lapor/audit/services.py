"""Writing audit entries. Called by the services and selectors that do the sensitive thing, in
the same transaction, so a read or reveal that is not logged does not happen."""

from lapor.core import clock

from .models import AuditEntry


def audit_record(*, kind: str, actor, report=None, reason: str = "", position=None, subject_position=None, **data) -> AuditEntry:
    return AuditEntry.objects.create(
        kind=kind,
        at=clock.now(),
        actor=actor.user if getattr(actor, "user_id", None) else None,
        actor_position=position,
        report=report,
        position=subject_position,
        reason=reason,
        data=data,
    )
