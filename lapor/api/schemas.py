"""Request and response shapes of the REST API (they drive validation and the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from lapor.notify.models import PhoneChannel
from lapor.reports.states import ArchiveReason, Channel, OmbudsmanOutcome, RejectReason, ReportType


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the client's language.")
    code: str = Field(description="Stable machine-readable code, e.g. illegal_transition.")
    field: str | None = Field(None, description="The input field at fault, if any.")


class ReportIn(Schema):
    type: ReportType = ReportType.COMPLAINT
    title: str = Field(description="10–200 characters.")
    description: str = Field(description="What happened, where and when; 30–10,000 characters.")
    event_date: date | None = None
    region_code: str = Field(description="Kemendagri code, province down to village, e.g. 35.78.01.1001.")
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    category_code: str | None = None
    target_agency_code: str | None = Field(None, description="If set, the report goes straight to this agency.")
    is_anonymous: bool = False
    is_confidential: bool = False
    channel: Channel = Channel.API
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    phone_channel: PhoneChannel = Field(
        PhoneChannel.SMS, description="How `contact_phone` gets the messages about the report: `sms` or `whatsapp`."
    )


class ReportCreatedOut(Schema):
    tracking_number: str
    status: str
    due_at: datetime | None
    reporter_secret: str | None = Field(
        None, description="Only for reporters without an account: send it as X-Reporter-Secret to reply, supplement and rate."
    )
    track_url: str


class EventOut(Schema):
    seq: int
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor_role: str
    agency: str | None
    note: str
    data: dict
    at: datetime


class TrackOut(Schema):
    """The public view: no reporter identity, no internal notes; no content if confidential."""

    tracking_number: str
    type: str
    status: str
    status_label: str
    handled_by: str
    handling_agency: str | None
    due_at: datetime | None
    is_overdue: bool
    submitted_at: datetime
    title: str | None
    description: str | None
    category: str | None
    region: str
    rating: int | None
    ombudsman_offered: bool
    timeline: list[EventOut]


class ReportOut(Schema):
    tracking_number: str
    type: str
    title: str | None = Field(description="Null when the report is confidential and the caller may not read it.")
    status: str
    status_label: str
    stage: str
    due_at: datetime | None
    is_overdue: bool
    escalation_level: int
    agency: str | None
    unit: str | None
    category: str | None
    region_code: str
    submitted_at: datetime
    version: int


class ReportDetailOut(ReportOut):
    description: str | None
    event_date: date | None
    address: str | None
    latitude: float | None
    longitude: float | None
    is_anonymous: bool
    is_confidential: bool
    channel: str
    reporter_name: str | None = Field(description="Null when the report is anonymous or the caller may not see identities.")
    transfer_count: int
    suggested_agency: str | None
    rating: int | None
    rating_comment: str | None
    ombudsman_outcome: str | None = Field(
        None, description="The Ombudsman's latest outcome on a transferred report: accepted, resolved or closed."
    )
    attachments: list[dict]
    actions: list[str] = Field(description="Actions the caller may take now.")
    events: list[EventOut]


class ReportPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ReportOut]


# --- one input shape per lifecycle action ------------------------------------------------------
class ActionIn(Schema):
    note: str = ""
    expected_version: int | None = Field(None, description="If given, the action fails with 409 when the report has moved on.")


class DisposeIn(ActionIn):
    agency: str = Field(description="Code of the agency to dispose to.")


class RejectIn(ActionIn):
    reason: RejectReason


class ForwardIn(ActionIn):
    unit: str = Field(description="Code of the unit (or the agency itself).")


class NotOurAuthorityIn(ActionIn):
    suggested_agency: str = Field(description="Code of the agency that is competent.")


class ArchiveIn(ActionIn):
    reason: ArchiveReason
    duplicate_of: str | None = Field(None, description="Tracking number of the original, when reason is duplicate.")


class InterimReplyIn(ActionIn):
    due_date: date


class SupplementIn(ActionIn):
    description: str | None = Field(None, description="A corrected full description (optional).")


class RateIn(ActionIn):
    rating: int = Field(ge=1, le=5)
    comment: str = ""


class OmbudsmanOutcomeIn(ActionIn):
    outcome: OmbudsmanOutcome = Field(
        description="accepted (for examination), then resolved or closed; resolved and closed conclude the case."
    )
    note: str = Field(description="What the reporter reads on the timeline; at least 10 characters.")


class RevealIn(Schema):
    reason: str = Field(description="Why the identity is needed to verify the report (at least 10 characters); audited.")


class RevealOut(Schema):
    name: str | None
    email: str | None
    phone: str | None
    account: str | None
