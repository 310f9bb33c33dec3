"""Turn reports and events into API dicts. Privacy rules are applied here once, for every endpoint."""

from lapor.reports import policy
from lapor.reports.public_view import track_view
from lapor.reports.selectors import timeline_for
from lapor.reports.states import Action, Status


def event_dict(event) -> dict:
    return {
        "seq": event.seq,
        "action": event.action,
        "action_label": str(Action(event.action).label),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor_role": event.actor_role,
        "agency": str(event.actor_agency) if event.actor_agency_id else None,
        "note": event.note,
        "data": event.data,
        "at": event.created_at,
    }


def track_dict(report) -> dict:
    """The public view by tracking number (lapor.reports.public_view, as on the track page): never
    the reporter's identity; no content and no notes when the report is confidential; personal
    data in free text redacted."""
    shown = track_view(report)
    return {
        "tracking_number": report.tracking_number,
        "type": report.type,
        "status": report.status,
        "status_label": str(Status(report.status).label),
        "handled_by": shown.handled_by,
        "handling_agency": str(shown.handling_agency) if shown.handling_agency else None,
        "due_at": report.stage_due_at,
        "is_overdue": report.is_overdue,
        "submitted_at": report.submitted_at,
        "title": shown.title,
        "description": shown.description,
        "category": str(report.category) if report.category_id else None,
        "region": report.region.name,
        "rating": report.rating,
        "ombudsman_offered": report.ombudsman_offered_at is not None,
        "timeline": [event_dict(e) for e in shown.timeline],
    }


def summary_dict(actor, report) -> dict:
    return {
        "tracking_number": report.tracking_number,
        "type": report.type,
        "title": policy.readable_text(actor, report, report.title) if policy.can_read_content(actor, report) else None,
        "status": report.status,
        "status_label": str(Status(report.status).label),
        "stage": report.stage,
        "due_at": report.stage_due_at,
        "is_overdue": report.is_overdue,
        "escalation_level": report.escalation_level,
        "agency": report.agency.code if report.agency_id else None,
        "unit": report.unit.code if report.unit_id else None,
        "category": report.category.code if report.category_id else None,
        "region_code": report.region_id,
        "submitted_at": report.submitted_at,
        "version": report.version,
    }


def reporter_name(actor, report) -> str | None:
    """Only to those the policy lets see the identity; never for an anonymous report."""
    if not policy.can_see_identity(actor, report):
        return None
    if report.reporter_id:
        return report.reporter.display_name()
    return report.contact_name or None


def detail_dict(actor, report, actions: list[str]) -> dict:
    content = policy.can_read_content(actor, report)
    data = summary_dict(actor, report)
    data.update(
        description=policy.readable_text(actor, report, report.description) if content else None,
        event_date=report.event_date,
        address=policy.readable_text(actor, report, report.address) if content else None,
        latitude=float(report.latitude) if content and report.latitude is not None else None,
        longitude=float(report.longitude) if content and report.longitude is not None else None,
        is_anonymous=report.is_anonymous,
        is_confidential=report.is_confidential,
        channel=report.channel,
        reporter_name=reporter_name(actor, report),
        transfer_count=report.transfer_count,
        suggested_agency=report.suggested_agency.code if report.suggested_agency_id else None,
        rating=report.rating,
        rating_comment=policy.readable_text(actor, report, report.rating_comment) if content else None,
        ombudsman_outcome=report.ombudsman_outcome or None,
        attachments=[
            {"name": a.original_name, "content_type": a.content_type, "size": a.size, "event_seq": a.event.seq if a.event_id else None}
            for a in report.attachments.select_related("event")
        ]
        if content
        else [],
        actions=actions,
        events=[event_dict(e) for e in timeline_for(actor, report)],
    )
    return data
