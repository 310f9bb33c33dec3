"""Report statuses, actions and the kinds of actor. Each value has a one-line meaning."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for verification by the national desk")
    NEEDS_INFO = "needs_info", _("waiting for more information from the reporter (clock paused)")
    RETURNED = "returned", _("returned to the national desk by an agency for re-disposition")
    AT_AGENCY = "at_agency", _("disposed to an agency, waiting for its verification")
    FORWARDED = "forwarded", _("forwarded to a unit, waiting for its initial response")
    IN_PROCESS = "in_process", _("being followed up by the unit")
    FOLLOWED_UP = "followed_up", _("followed up, waiting for the reporter's reply or rating")
    APPEALED = "appealed", _("appealed by the reporter after a poor rating")
    CLOSED = "closed", _("completed")
    REJECTED = "rejected", _("rejected by the national desk")
    ARCHIVED = "archived", _("archived (duplicate or not actionable)")
    OMBUDSMAN = "ombudsman", _("transferred to the Ombudsman")


# No move leaves these. The one action from any of them is the Ombudsman's outcome on a transferred
# report, which records and stays (ADR 0023): the case has left the platform's handling.
TERMINAL = frozenset({Status.REJECTED, Status.ARCHIVED, Status.OMBUDSMAN})
# Still being handled: the sweep watches deadlines and the 60-day Ombudsman offer on these.
ACTIVE = frozenset(
    {
        Status.SUBMITTED,
        Status.NEEDS_INFO,
        Status.RETURNED,
        Status.AT_AGENCY,
        Status.FORWARDED,
        Status.IN_PROCESS,
        Status.FOLLOWED_UP,
        Status.APPEALED,
    }
)


class Action(models.TextChoices):
    SUBMIT = "submit", _("submit")
    DISPOSE = "dispose", _("verify and dispose to an agency")
    REQUEST_INFO = "request_info", _("ask the reporter for more information")
    SUPPLEMENT = "supplement", _("supplement the report")
    REJECT = "reject", _("reject")
    FORWARD = "forward", _("forward to a unit")
    NOT_OUR_AUTHORITY = "not_our_authority", _("not our authority")
    ARCHIVE = "archive", _("archive")
    RESPOND = "respond", _("initial response")
    FOLLOW_UP = "follow_up", _("follow-up")
    INTERIM_REPLY = "interim_reply", _("interim reply with a new due date")
    REPLY = "reply", _("reporter's reply")
    RATE = "rate", _("rate the outcome")
    APPEAL = "appeal", _("appeal after a poor rating")
    DISMISS_APPEAL = "dismiss_appeal", _("dismiss the appeal")
    AUTO_CLOSE = "auto_close", _("closed automatically")
    MARK_OVERDUE = "mark_overdue", _("marked overdue")
    ESCALATE = "escalate", _("escalated to the national desk")
    OFFER_OMBUDSMAN = "offer_ombudsman", _("Ombudsman transfer offered")
    OMBUDSMAN_CONSENT = "ombudsman_consent", _("reporter consented to the Ombudsman transfer")
    OMBUDSMAN_DECLINE = "ombudsman_decline", _("reporter declined the Ombudsman transfer")
    OMBUDSMAN_OUTCOME = "ombudsman_outcome", _("the Ombudsman recorded its outcome")


# How the indicators (docs/indicators.md) class statuses and actions — one definition for the
# reference engine (monev/indicators.py) and the rollups (lapor/rollups).
# [follow-up rate]: the unit has answered and the report is not finished.
IN_PROCESS = (Status.IN_PROCESS, Status.FOLLOWED_UP, Status.APPEALED)
# [verified within 3 HK]: the desk's decisions on a submitted report, and an agency's on a reception.
DESK_DECISIONS = (Action.DISPOSE, Action.REJECT, Action.ARCHIVE)
AGENCY_DECISIONS = (Action.FORWARD, Action.NOT_OUR_AUTHORITY)


class ActorRole(models.TextChoices):
    """Who performs an action on a report. `system` is the SLA sweep."""

    REPORTER = "reporter", _("reporter")
    NATIONAL_ADMIN = "national_admin", _("national admin")
    AGENCY_ADMIN = "agency_admin", _("agency admin")
    LIAISON_OFFICER = "liaison_officer", _("liaison officer")
    SYSTEM = "system", _("system")
    OMBUDSMAN = "ombudsman", _("Ombudsman")


class OmbudsmanOutcome(models.TextChoices):
    """What the Ombudsman made of a transferred report (ADR 0023)."""

    ACCEPTED = "accepted", _("accepted for examination")
    RESOLVED = "resolved", _("resolved by the Ombudsman")
    CLOSED = "closed", _("closed by the Ombudsman")


# Which outcome may follow which: a case accepted for examination is later resolved or closed, and
# those two conclude it. "" is no outcome yet. Each outcome recorded is an event of its own.
OMBUDSMAN_NEXT_OUTCOMES = {
    "": (OmbudsmanOutcome.ACCEPTED, OmbudsmanOutcome.RESOLVED, OmbudsmanOutcome.CLOSED),
    OmbudsmanOutcome.ACCEPTED: (OmbudsmanOutcome.RESOLVED, OmbudsmanOutcome.CLOSED),
    OmbudsmanOutcome.RESOLVED: (),
    OmbudsmanOutcome.CLOSED: (),
}
# A transferred report the Ombudsman is still examining (its queue; "next: the Ombudsman").
OMBUDSMAN_EXAMINING = tuple(outcome for outcome, following in OMBUDSMAN_NEXT_OUTCOMES.items() if following)


class ReportType(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    ASPIRATION = "aspiration", _("aspiration")
    INFORMATION = "information", _("information request")


class Channel(models.TextChoices):
    WEB = "web", _("web")
    MOBILE = "mobile", _("mobile app")
    SMS = "sms", _("SMS 1708")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("e-mail")
    INTEGRATION = "integration", _("integrated agency application")
    COUNTER = "counter", _("counter intake by an officer")
    API = "api", _("API")


class RejectReason(models.TextChoices):
    INCOMPLETE = "incomplete", _("incomplete even after a request for more information")
    NOT_PUBLIC_SERVICE = "not_public_service", _("not about a public service")
    ABUSIVE = "abusive", _("abusive or defamatory content")
    SPAM = "spam", _("spam or a test message")
    IN_COURT = "in_court", _("already under legal proceedings")


class ArchiveReason(models.TextChoices):
    DUPLICATE = "duplicate", _("duplicate of another report")
    NOT_ACTIONABLE = "not_actionable", _("not actionable")
    RESOLVED_ELSEWHERE = "resolved_elsewhere", _("already resolved through another channel")


# The event log's codes (lapor.core.codes.CodeField, ADR 0021): the word at position i is stored
# as i. Append-only — a code is never changed or reused (tests/reports/test_event_codes.py pins them).
STATUS_CODES = (
    "", "submitted", "needs_info", "returned", "at_agency", "forwarded", "in_process", "followed_up",
    "appealed", "closed", "rejected", "archived", "ombudsman",
)
ACTION_CODES = (
    "", "submit", "dispose", "request_info", "supplement", "reject", "forward", "not_our_authority",
    "archive", "respond", "follow_up", "interim_reply", "reply", "rate", "appeal", "dismiss_appeal",
    "auto_close", "mark_overdue", "escalate", "offer_ombudsman", "ombudsman_consent", "ombudsman_decline",
    "ombudsman_outcome",
)
ACTOR_ROLE_CODES = ("", "reporter", "national_admin", "agency_admin", "liaison_officer", "system", "ombudsman")
