"""What each action does to a report besides changing its status.

One function per action. Each validates its payload and data-dependent guards (raising
InvalidInput or IllegalTransition with a message for the user), updates the report's fields,
and returns the note and structured data to store on the event. They run inside the
transaction and row lock taken by services.report_act; they never write other tables,
except reading the agency registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from lapor.agencies.models import Agency
from lapor.agencies.selectors import may_be_named_competent, may_receive, receives_forwards
from lapor.core import workdays
from lapor.core.errors import IllegalTransition, InvalidInput

from . import deadlines
from .states import OMBUDSMAN_NEXT_OUTCOMES, Action, ArchiveReason, OmbudsmanOutcome, RejectReason, Status
from .intake import DESCRIPTION_MAX, DESCRIPTION_MIN
from .models import Report
from .tokens import normalise_tracking_number

MAX_TRANSFERS = 3  # after three "not our authority", the desk's disposition is final
MAX_INTERIM_REPLIES = 2
MAX_INTERIM_WORKING_DAYS = 60  # the longest complexity tier seen in practice
POOR_RATING = 2  # a rating at or below this opens an appeal
MAX_NOTE = 5000
MIN_OMBUDSMAN_NOTE = 10  # the reporter reads it: a word or two would tell them nothing


@dataclass
class Context:
    now: datetime
    role: str
    payload: dict


@dataclass
class Effect:
    note: str = ""
    data: dict = field(default_factory=dict)


def _text(ctx: Context, name: str) -> str:
    """A free-text field of the payload: NUL characters removed (PostgreSQL refuses them)."""
    value = ctx.payload.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(_("The field “%(field)s” must be text.") % {"field": name}, field=name)
    return value.replace("\x00", "").strip()


def _note(ctx: Context, *, required: bool, label: str | None = None) -> str:
    text = _text(ctx, "note")
    if required and not text:
        raise InvalidInput(label or _("Please write a note."), field="note")
    if len(text) > MAX_NOTE:
        raise InvalidInput(_("The note is too long (at most %(n)d characters).") % {"n": MAX_NOTE}, field="note")
    return text


def _agency(code, *, field_name: str, label: str) -> Agency:
    if not code:
        raise InvalidInput(_("Please choose %(what)s.") % {"what": label}, field=field_name)
    agency = Agency.objects.filter(code=str(code), is_active=True).select_related("parent").first()
    if agency is None:
        raise InvalidInput(_("There is no active agency with the code “%(code)s”.") % {"code": code}, field=field_name)
    return agency


def dispose(report, ctx: Context) -> Effect:
    agency = _agency(ctx.payload.get("agency"), field_name="agency", label=_("an agency"))
    if not may_receive(agency):
        raise InvalidInput(_("Reports are disposed to an agency, not to a unit or the national desk."), field="agency")
    if report.status == Status.AT_AGENCY and report.agency_id == agency.pk:
        raise InvalidInput(_("The report is already at this agency."), field="agency")
    report.agency = agency
    report.received_at = ctx.now
    report.unit = None
    report.suggested_agency = None
    deadlines.start_stage(report, "agency_verification", ctx.now)
    return Effect(_note(ctx, required=False), {"agency": agency.code})


def request_info(report, ctx: Context) -> Effect:
    note = _note(ctx, required=True, label=_("Please tell the reporter what information is missing."))
    deadlines.pause(report, ctx.now)
    return Effect(note, {"days_left": report.paused_days_left})


def supplement(report, ctx: Context) -> Effect:
    note = _note(ctx, required=True, label=_("Please add the missing information."))
    description = _text(ctx, "description")
    if description:
        if not DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX:
            raise InvalidInput(
                _("The description must be %(min)d to %(max)d characters.") % {"min": DESCRIPTION_MIN, "max": DESCRIPTION_MAX},
                field="description",
            )
        report.description = description
    deadlines.resume(report, ctx.now)
    return Effect(note, {"description_changed": bool(description)})


def reject(report, ctx: Context) -> Effect:
    reason = ctx.payload.get("reason") or ""
    if reason not in RejectReason.values:
        raise InvalidInput(_("Please choose a reason for rejection."), field="reason")
    report.reject_reason = reason
    report.closed_at = ctx.now
    deadlines.stop_clock(report)
    return Effect(_note(ctx, required=False), {"reason": reason})


def forward(report, ctx: Context) -> Effect:
    unit = _agency(ctx.payload.get("unit"), field_name="unit", label=_("a unit"))
    if not unit.is_within(report.agency):
        raise InvalidInput(_("“%(unit)s” is not part of %(agency)s.") % {"unit": unit, "agency": report.agency}, field="unit")
    if not receives_forwards(unit):
        raise InvalidInput(
            _("“%(unit)s” has no liaison officer yet; assign one or choose another unit.") % {"unit": unit}, field="unit"
        )
    report.unit = unit
    deadlines.start_stage(report, "follow_up", ctx.now)
    return Effect(_note(ctx, required=False), {"unit": unit.code})


def not_our_authority(report, ctx: Context) -> Effect:
    if report.transfer_count >= MAX_TRANSFERS:
        raise IllegalTransition(
            _("This report has already been transferred %(n)d times; the national desk's disposition is final and your agency must follow it up.")
            % {"n": report.transfer_count},
            code="transfer_cap",
        )
    suggested = _agency(ctx.payload.get("suggested_agency"), field_name="suggested_agency", label=_("the agency that is competent"))
    if not may_be_named_competent(suggested, report.agency_id):
        raise InvalidInput(_("Please name another agency that is competent."), field="suggested_agency")
    note = _note(ctx, required=True, label=_("Please explain why this is not your agency's authority."))
    from_agency = report.agency
    report.transfer_count += 1
    report.suggested_agency = suggested
    report.agency = None
    report.received_at = None  # back at the desk: it leaves this agency's cohort
    report.unit = None
    deadlines.start_stage(report, "desk_verification", ctx.now)
    return Effect(note, {"from_agency": from_agency.code, "suggested_agency": suggested.code, "transfers": report.transfer_count})


def archive(report, ctx: Context) -> Effect:
    reason = ctx.payload.get("reason") or ""
    if reason not in ArchiveReason.values:
        raise InvalidInput(_("Please choose a reason for archiving."), field="reason")
    data = {"reason": reason}
    if reason == ArchiveReason.DUPLICATE:
        number = normalise_tracking_number(ctx.payload.get("duplicate_of") or "")
        original = Report.objects.filter(tracking_number=number).first() if number else None
        if original is None or original.pk == report.pk:
            raise InvalidInput(_("Please give the tracking number of the original report."), field="duplicate_of")
        report.duplicate_of = original
        data["duplicate_of"] = original.tracking_number
    report.archive_reason = reason
    report.closed_at = ctx.now
    deadlines.stop_clock(report)
    return Effect(_note(ctx, required=False), data)


def respond(report, ctx: Context) -> Effect:
    note = _note(ctx, required=True, label=_("Please write the initial response."))
    report.first_response_at = report.first_response_at or ctx.now
    return Effect(note)


def follow_up(report, ctx: Context) -> Effect:
    note = _note(ctx, required=True, label=_("Please write the follow-up."))
    report.first_response_at = report.first_response_at or ctx.now
    report.followed_up_at = ctx.now
    deadlines.start_stage(report, "reporter_reply", ctx.now)
    return Effect(note)


def interim_reply(report, ctx: Context) -> Effect:
    if report.interim_count >= MAX_INTERIM_REPLIES:
        raise IllegalTransition(
            _("The due date has already been extended %(n)d times; please post the follow-up.") % {"n": report.interim_count},
            code="interim_cap",
        )
    note = _note(ctx, required=True, label=_("Please explain to the reporter why more time is needed."))
    due_date = ctx.payload.get("due_date")
    if isinstance(due_date, str):
        try:
            due_date = date.fromisoformat(due_date)
        except ValueError:
            due_date = None
    if not isinstance(due_date, date):
        raise InvalidInput(_("Please give the new due date (YYYY-MM-DD)."), field="due_date")
    holder = report.unit or report.agency
    tz = holder.timezone if holder else workdays.DEFAULT_TZ
    cal = workdays.calendar()
    today = ctx.now.astimezone(ZoneInfo(tz)).date()
    current_due = report.stage_due_at.astimezone(ZoneInfo(tz)).date() if report.stage_due_at else today
    latest = cal.add_working_days(today, MAX_INTERIM_WORKING_DAYS)
    if due_date <= current_due:
        raise InvalidInput(_("The new due date must be after the current one (%(d)s).") % {"d": current_due.isoformat()}, field="due_date")
    if due_date > latest:
        raise InvalidInput(
            _("The new due date may be at most %(n)d working days away (%(d)s).") % {"n": MAX_INTERIM_WORKING_DAYS, "d": latest.isoformat()},
            field="due_date",
        )
    if not cal.is_working_day(due_date):
        raise InvalidInput(_("The new due date must be a working day."), field="due_date")
    report.interim_count += 1
    report.first_response_at = report.first_response_at or ctx.now
    report.stage = "follow_up"
    report.stage_due_at = workdays.end_of_day(due_date, tz)
    report.is_overdue = False
    report.escalation_level = 0
    report.escalate_at = None
    return Effect(note, {"due_date": due_date.isoformat()})


def reply(report, ctx: Context) -> Effect:
    note = _note(ctx, required=True, label=_("Please write your reply."))
    report.reopen_count += 1
    report.followed_up_at = None
    deadlines.start_stage(report, "follow_up", ctx.now)
    return Effect(note)


def rate(report, ctx: Context) -> Effect:
    if report.rating is not None:
        raise IllegalTransition(_("This report has already been rated."), code="already_rated")
    try:
        rating = int(ctx.payload.get("rating"))
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise InvalidInput(_("The rating must be a whole number from 1 to 5."), field="rating")
    comment = _text(ctx, "comment")
    if len(comment) > MAX_NOTE:
        raise InvalidInput(_("The comment is too long (at most %(n)d characters).") % {"n": MAX_NOTE}, field="comment")
    report.rating = rating
    report.rating_comment = comment
    if report.closed_at is None:
        report.closed_at = ctx.now
    deadlines.stop_clock(report)
    return Effect(comment, {"rating": rating})


def appeal(report, ctx: Context) -> Effect:
    if report.rating is None or report.rating > POOR_RATING:
        raise IllegalTransition(_("An appeal is possible only after a rating of 1 or 2."), code="appeal_not_open")
    if report.appeal_count >= 1:
        raise IllegalTransition(_("This report has already been appealed once."), code="appeal_used")
    note = _note(ctx, required=True, label=_("Please explain why the follow-up is not satisfactory."))
    poor_rating = report.rating
    report.appeal_count += 1
    report.closed_at = None
    # The poor rating stays on the appeal's event; the outcome of the appeal is rated afresh.
    report.rating = None
    report.rating_comment = ""
    deadlines.start_stage(report, "agency_verification", ctx.now)
    return Effect(note, {"rating": poor_rating})


def dismiss_appeal(report, ctx: Context) -> Effect:
    note = _note(ctx, required=True, label=_("Please explain to the reporter why the appeal is dismissed."))
    report.closed_at = ctx.now
    deadlines.stop_clock(report)
    return Effect(note)


def auto_close(report, ctx: Context) -> Effect:
    report.closed_at = ctx.now
    deadlines.stop_clock(report)
    # No stored note: the timeline words the event from its action, in the reader's language.
    return Effect("")


def mark_overdue(report, ctx: Context) -> Effect:
    report.is_overdue = True
    report.escalation_level = 1
    report.escalate_at = deadlines.escalation_time(report, ctx.now)
    return Effect("", {"stage": report.stage, "due": report.stage_due_at.isoformat() if report.stage_due_at else None})


def escalate(report, ctx: Context) -> Effect:
    report.escalation_level = 2
    report.escalate_at = None
    return Effect("", {"stage": report.stage})


def offer_ombudsman(report, ctx: Context) -> Effect:
    report.ombudsman_offered_at = ctx.now
    return Effect("")


def ombudsman_consent(report, ctx: Context) -> Effect:
    if report.ombudsman_offered_at is None:
        raise IllegalTransition(_("The Ombudsman transfer has not been offered for this report."), code="ombudsman_not_offered")
    report.closed_at = ctx.now
    deadlines.stop_clock(report)
    return Effect(_note(ctx, required=False))


def ombudsman_decline(report, ctx: Context) -> Effect:
    if report.ombudsman_offered_at is None:
        raise IllegalTransition(_("The Ombudsman transfer has not been offered for this report."), code="ombudsman_not_offered")
    if report.ombudsman_declined_at is not None:
        raise IllegalTransition(_("You have already declined the Ombudsman transfer."), code="ombudsman_declined")
    report.ombudsman_declined_at = ctx.now
    return Effect(_note(ctx, required=False))


def ombudsman_outcome(report, ctx: Context) -> Effect:
    outcome = str(ctx.payload.get("outcome") or "")
    if outcome not in OmbudsmanOutcome.values:
        raise InvalidInput(_("Please choose the Ombudsman's outcome."), field="outcome")
    following = next_ombudsman_outcomes(report)
    if not following:
        raise IllegalTransition(
            _("The Ombudsman has already concluded this report (%(outcome)s).")
            % {"outcome": OmbudsmanOutcome(report.ombudsman_outcome).label},
            code="ombudsman_concluded",
        )
    if outcome not in following:
        raise IllegalTransition(
            _("The outcome “%(outcome)s” is already recorded; the next one may be: %(next)s.")
            % {"outcome": OmbudsmanOutcome(outcome).label, "next": ", ".join(str(OmbudsmanOutcome(o).label) for o in following)},
            code="ombudsman_outcome_order",
        )
    note = _note(ctx, required=True, label=_("Please write a note for the reporter."))
    if len(note) < MIN_OMBUDSMAN_NOTE:
        raise InvalidInput(_("The note must be at least %(n)d characters.") % {"n": MIN_OMBUDSMAN_NOTE}, field="note")
    report.ombudsman_outcome = outcome
    return Effect(note, {"outcome": outcome})


EFFECTS = {
    Action.DISPOSE: dispose,
    Action.REQUEST_INFO: request_info,
    Action.SUPPLEMENT: supplement,
    Action.REJECT: reject,
    Action.FORWARD: forward,
    Action.NOT_OUR_AUTHORITY: not_our_authority,
    Action.ARCHIVE: archive,
    Action.RESPOND: respond,
    Action.FOLLOW_UP: follow_up,
    Action.INTERIM_REPLY: interim_reply,
    Action.REPLY: reply,
    Action.RATE: rate,
    Action.APPEAL: appeal,
    Action.DISMISS_APPEAL: dismiss_appeal,
    Action.AUTO_CLOSE: auto_close,
    Action.MARK_OVERDUE: mark_overdue,
    Action.ESCALATE: escalate,
    Action.OFFER_OMBUDSMAN: offer_ombudsman,
    Action.OMBUDSMAN_CONSENT: ombudsman_consent,
    Action.OMBUDSMAN_DECLINE: ombudsman_decline,
    Action.OMBUDSMAN_OUTCOME: ombudsman_outcome,
}


def guard_open(report, action: str) -> bool:
    """Whether the action's data guard lets it through now (so pages offer only what will work).
    The effect functions above remain the authority; this mirrors their refusals."""
    if action == Action.NOT_OUR_AUTHORITY:
        return report.transfer_count < MAX_TRANSFERS
    if action == Action.INTERIM_REPLY:
        return report.interim_count < MAX_INTERIM_REPLIES
    if action == Action.RATE:
        return report.rating is None
    if action == Action.APPEAL:
        return report.rating is not None and report.rating <= POOR_RATING and report.appeal_count < 1
    if action == Action.OMBUDSMAN_CONSENT:
        return report.ombudsman_offered_at is not None
    if action == Action.OMBUDSMAN_DECLINE:
        return report.ombudsman_offered_at is not None and report.ombudsman_declined_at is None
    if action == Action.OMBUDSMAN_OUTCOME:
        return bool(next_ombudsman_outcomes(report))
    return True


def next_ombudsman_outcomes(report) -> tuple:
    """The outcomes the Ombudsman may record next on this report (none once it is concluded)."""
    return OMBUDSMAN_NEXT_OUTCOMES.get(report.ombudsman_outcome, ())
