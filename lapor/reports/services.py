"""The only writers of reports: submission and every lifecycle action.

`report_submit` creates a report with its first event; `report_act` applies one action from
the transition table under a row lock. Both validate everything (including attachments)
before the first write, and write inside one transaction: a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lapor.core import clock
from lapor.core.errors import Conflict, DomainError, IllegalTransition, InvalidInput, NotAllowed, NotFound, raise_all
from lapor.monev import rollups

from . import deadlines, public, workflow
from .actors import Actor
from .attachments import CheckedFile, check_uploads, check_uploads_each
from .effects import EFFECTS, Context
from .intake import clean_submission
from .models import Attachment, IdempotencyRecord, Report, ReportEvent
from .selectors import can_view
from .states import Action, ActorRole, Status
from .tokens import new_tracking_number, normalise_tracking_number, reporter_secret_for


@dataclass
class Submitted:
    report: Report
    # Given only to reporters without an account; None for signed-in reporters.
    reporter_secret: str | None
    # True when this answers a retry with an Idempotency-Key already used.
    replayed: bool = False


def report_submit(*, data: dict, actor: Actor, files=(), idempotency_key: str | None = None) -> Submitted:
    clean, checked = validate_submission(data, files)
    scope = f"user:{actor.user_id}" if actor.user_id else "anon"
    request_hash = None
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()
        if not 8 <= len(idempotency_key) <= 200:
            raise InvalidInput(_("The Idempotency-Key must be 8 to 200 characters."), field="Idempotency-Key")
        fingerprint = clean.fingerprint() | {"files": [f.sha256 for f in checked]}
        request_hash = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()
    # Optimistic: insert first. A retry with a used key, or a tracking-number collision (50 random
    # bits: rare), violates a unique constraint, rolls the whole transaction back, and is handled
    # below. This saves the look-up of the key on every first attempt (measured: ~25 % of the CPU
    # of a submission).
    for attempt in range(3):
        try:
            with _files_removed_on_error() as stored, transaction.atomic():
                report = _create(clean, actor, checked, stored)
                if idempotency_key is not None:
                    IdempotencyRecord.objects.create(
                        scope=scope,
                        key=idempotency_key,
                        request_hash=request_hash,
                        report=report,
                        response={"tracking_number": report.tracking_number},
                        created_at=report.submitted_at,
                    )
            return Submitted(report, None if actor.user_id else reporter_secret_for(report.tracking_number))
        except IntegrityError:
            if idempotency_key is not None:
                replay = _replay(scope, idempotency_key, request_hash, actor)
                if replay is not None:
                    return replay
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def validate_submission(data: dict, files=()) -> tuple:
    """The clean values and checked files of a submission, or its first problem raised carrying
    every problem of the fields and the files (`.all`). Writes nothing."""
    problems: list[DomainError] = []
    clean = None
    try:
        clean = clean_submission(data)
    except InvalidInput as error:
        problems.extend(error.all)
    checked, file_problems = check_uploads_each(files)
    problems.extend(file_problems)
    if problems:
        raise_all(problems)
    return clean, checked


def _replay(scope: str, key: str, request_hash: str, actor: Actor) -> Submitted | None:
    record = IdempotencyRecord.objects.filter(scope=scope, key=key).select_related("report").first()
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise Conflict(
            _("This Idempotency-Key was already used for a different report. Use a new key for a new report."),
            code="idempotency_mismatch",
        )
    report = record.report
    return Submitted(report, None if actor.user_id else reporter_secret_for(report.tracking_number), replayed=True)


def _create(clean, actor: Actor, checked: list[CheckedFile], stored: list[str]) -> Report:
    now = clock.now()
    report = Report(
        reporter=actor.user if actor.user_id else None,
        contact_name=clean.contact_name,
        contact_email=clean.contact_email,
        contact_phone=clean.contact_phone,
        type=clean.type,
        title=clean.title,
        description=clean.description,
        event_date=clean.event_date,
        region_id=clean.region_code,
        address=clean.address,
        latitude=clean.latitude,
        longitude=clean.longitude,
        category_id=clean.category.id if clean.category else None,
        target_agency=clean.target_agency,
        is_anonymous=clean.is_anonymous,
        is_confidential=clean.is_confidential,
        channel=clean.channel,
        submitted_at=now,
        updated_at=now,
        version=1,
    )
    if clean.target_agency is not None:
        # The reporter chose the agency: it goes straight to that agency's admin.
        report.status = Status.AT_AGENCY
        report.agency = clean.target_agency
        report.received_at = now
        deadlines.start_stage(report, "agency_verification", now)
    else:
        report.status = Status.SUBMITTED
        deadlines.start_stage(report, "desk_verification", now)
    deadlines.start_ombudsman_clock(report, now)
    report.tracking_number = new_tracking_number()
    event = ReportEvent(
        seq=1,
        action=Action.SUBMIT,
        from_status="",
        to_status=report.status,
        actor=actor.user if actor.user_id else None,
        actor_role=ActorRole.REPORTER,
        note_public=True,
        data={"channel": report.channel, "target_agency": clean.target_agency.code if clean.target_agency else None},
        created_at=now,
    )
    rollup_statements = rollups.record(report, event)
    public.index_for_search(report)
    report.save(force_insert=True)
    event.report = report
    rollups.save_event(event, rollup_statements)
    _store_attachments(report, event, checked, now, stored)
    return report


@contextmanager
def _files_removed_on_error():
    """Files are written to storage inside the transaction; if the transaction does not commit,
    remove them again so that a refused or failed request leaves nothing behind."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _store_attachments(report, event, checked: list[CheckedFile], now, stored: list[str]) -> None:
    for item in checked:
        attachment = Attachment.objects.create(
            report=report,
            event=event,
            file=item.as_django_file(),
            original_name=item.name,
            content_type=item.content_type,
            size=len(item.content),
            sha256=item.sha256,
            created_at=now,
        )
        stored.append(attachment.file.name)


def get_report_for_update(tracking_number: str) -> Report:
    """Lock the report row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the IMMEDIATE
    transaction already holds the write lock). Must run inside transaction.atomic()."""
    number = normalise_tracking_number(tracking_number)
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("agency", "unit", "agency__parent", "unit__parent")
        .filter(tracking_number=number)
        .first()
    )
    if report is None:
        raise NotFound(_("There is no report with the tracking number “%(n)s”.") % {"n": number[:12]})
    return report


def report_act(
    *,
    tracking_number: str,
    action: str,
    actor: Actor,
    payload: dict | None = None,
    expected_version: int | None = None,
    files=(),
) -> Report:
    """Apply one lifecycle action. Raises IllegalTransition (409) when the action is not
    possible from the current status — including when another officer changed the report a
    moment earlier — NotAllowed (403), NotFound (404) or InvalidInput (422)."""
    if action in SYSTEM_ONLY:
        raise NotAllowed(_("This action is taken by the system only."))
    if action not in EFFECTS:
        raise IllegalTransition(_("Unknown action “%(action)s”.") % {"action": str(action)[:40]}, code="unknown_action")
    checked = check_uploads(files)
    with _files_removed_on_error() as stored, transaction.atomic():
        report = get_report_for_update(tracking_number)
        event = apply_action(report, action, actor, payload or {}, clock.now(), expected_version=expected_version)
        _store_attachments(report, event, checked, event.created_at, stored)
    return report


SYSTEM_ONLY = frozenset({Action.AUTO_CLOSE, Action.MARK_OVERDUE, Action.ESCALATE, Action.OFFER_OMBUDSMAN})


def apply_action(report: Report, action: str, actor: Actor, payload: dict, now, *, expected_version: int | None = None) -> ReportEvent:
    """Apply an action to a report already locked by the caller, and append its event.

    Checks, in order: the actor may know the report exists (404), the move is in the table
    (409), the actor plays a role the move allows (403), the report has not moved on since
    the actor read it (409), then the action's own guards and input (409/422)."""
    roles = actor.roles_on(report)
    if not roles and actor.user_id is not None and not can_view(actor, report):
        raise NotFound(_("There is no report with the tracking number “%(n)s”.") % {"n": report.tracking_number})
    rule = workflow.rule_for(report.status, action)
    usable = [role for role in rule.roles if role in roles]
    if not usable:
        if actor.user_id is None and not actor.system and ActorRole.REPORTER in rule.roles and not roles:
            # The tracking number is public; acting as the reporter needs the secret code.
            raise NotAllowed(_("Only the reporter may do this: sign in or give the report's secret code."))
        raise NotAllowed(_("You may not take the action “%(action)s” on this report.") % {"action": Action(action).label})
    if expected_version is not None and report.version != expected_version:
        raise Conflict(
            _("The report was changed by someone else (version %(now)d, you had %(had)d). Reload it and try again.")
            % {"now": report.version, "had": expected_version},
            code="version_conflict",
        )
    role = sorted(usable)[0]
    position = roles[role]
    from_status = report.status
    before_stage, before_due = report.stage, report.stage_due_at
    text_before = (report.title, report.description)
    effect = EFFECTS[action](report, Context(now=now, role=role, payload=payload))
    ended = deadlines.stage_end(before_stage, before_due, report, now)
    if ended:
        # Verified / followed up on time is computed from these (docs/indicators.md).
        effect.data = {**effect.data, **ended}
    report.status = rule.target or report.status
    report.version += 1
    report.updated_at = now
    event = ReportEvent(
        report=report,
        seq=report.version,
        action=action,
        from_status=from_status,
        to_status=report.status,
        actor=actor.user if actor.user_id else None,
        actor_role=role,
        actor_position=position,
        actor_agency=position.agency if position is not None else None,
        note=effect.note,
        note_public=rule.note_public,
        data=effect.data,
        created_at=now,
    )
    rollup_statements = rollups.record(report, event)  # the report row carries its new monitoring facts
    if report.search_text is None or (report.title, report.description) != text_before:
        public.index_for_search(report)  # public now, or its text changed: searched as it reads now
    report.save()
    rollups.save_event(event, rollup_statements)
    return event
