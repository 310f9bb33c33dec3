"""The only writers of reports and their events: submission, every lifecycle action, support,
and the monitoring facts re-derived after a change of reference data.

`report_submit` creates a report with its first event; `report_act` applies one action from
the transition table under a row lock. Both validate everything (including attachments)
before the first write, and write inside one transaction: a failure leaves nothing behind.
Every write of a report with its event goes through `_write` (ADR 0030), which runs the steps
that must commit with it, in order: the monitoring facts and rollup delta (`lapor.rollups`),
the search text (`public.index_for_search`), the report row, the event row with its entry in the
event feed (`feed`, ADR 0032: what notifications, webhooks and the events API read).
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from lapor.accounts.actors import Actor
from lapor.core import clock, inserts
from lapor.core.errors import Conflict, DomainError, IllegalTransition, InvalidInput, NotAllowed, NotFound, raise_all
from lapor.rollups import recording as rollups
from lapor.rollups.writing import leading

from . import feed, public, workflow
from .actors import roles_on
from .attachments import CheckedFile, check_uploads, check_uploads_each
from .effects import EFFECTS
from .intake import clean_submission
from .models import Attachment, IdempotencyRecord, Report, ReportEvent, ReportSupport
from .selectors import can_view
from .states import Action, ActorRole
from .tokens import new_tracking_number, normalise_tracking_number, reporter_secret_for
from .transition import submission, transition


@dataclass
class Submitted:
    report: Report
    # Given only to reporters without an account; None for signed-in reporters.
    reporter_secret: str | None
    # True when this answers a retry with an Idempotency-Key already used.
    replayed: bool = False


def report_submit(*, data: dict, actor: Actor, files=(), idempotency_key: str | None = None) -> Submitted:
    clean, checked = validate_submission(data, files)
    # Whose keys these are: a user's, an API client's, or every guest's.
    scope = f"user:{actor.user_id}" if actor.user_id else f"client:{actor.client.pk}" if actor.client else "anon"
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
                    inserts.insert(
                        IdempotencyRecord(
                            scope=scope,
                            key=idempotency_key,
                            request_hash=request_hash,
                            report=report,
                            response={"tracking_number": report.tracking_number},
                            created_at=report.submitted_at,
                        )
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
        phone_channel=clean.phone_channel,
        language=_language(),
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
    report.tracking_number = new_tracking_number()
    # Where it starts (the agency the reporter chose, else the desk) and its first event.
    event = submission(report, clean.target_agency, actor.user if actor.user_id else None, now)
    _write(report, event, created=True, reindex=True)
    _store_attachments(report, event, checked, now, stored)
    return report


def _language() -> str:
    """The language the request is answered in (the reporter's choice, else the site's)."""
    active = translation.get_language() or ""
    known = {code for code, _name in settings.LANGUAGES}
    return active if active in known else (active.split("-")[0] if active.split("-")[0] in known else settings.LANGUAGE_CODE)


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
    if action in workflow.SYSTEM_ONLY:
        raise NotAllowed(_("This action is taken by the system only."))
    if action not in EFFECTS:
        raise IllegalTransition(_("Unknown action “%(action)s”.") % {"action": str(action)[:40]}, code="unknown_action")
    checked = check_uploads(files)
    with _files_removed_on_error() as stored, transaction.atomic():
        report = get_report_for_update(tracking_number)
        event = apply_action(report, action, actor, payload or {}, clock.now(), expected_version=expected_version)
        _store_attachments(report, event, checked, event.created_at, stored)
    return report


def apply_action(report: Report, action: str, actor: Actor, payload: dict, now, *, expected_version: int | None = None) -> ReportEvent:
    """Apply an action to a report already locked by the caller, and append its event.

    Checks, in order: the actor may know the report exists (404), the move is in the table
    (409), the actor plays a role the move allows (403), the report has not moved on since
    the actor read it (409), then the action's own guards and input (409/422)."""
    roles = roles_on(actor, report)
    if not roles and actor.user_id is not None and not can_view(actor, report):
        raise NotFound(_("There is no report with the tracking number “%(n)s”.") % {"n": report.tracking_number})
    rule = workflow.rule_for(report.status, action)  # the table before the role: 409 before 403
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
    text_before = (report.title, report.description)
    # The move itself (table, effect, stage end, status, version, event): lapor/reports/transition.py.
    event = transition(report, action, role, roles[role], actor.user if actor.user_id else None, payload, now)
    # public now, or its text changed: searched as it reads now
    reindex = report.search_text is None or (report.title, report.description) != text_before
    _write(report, event, created=False, reindex=reindex)
    return event


def _write(report: Report, event: ReportEvent, *, created: bool, reindex: bool) -> None:
    """Write a report with its new event, and every step that must commit with them. Inside the
    caller's transaction, the report locked (or new)."""
    rollup_sql = rollups.record(report, event)  # sets report.monitoring_facts: saved with the row
    if reindex:
        public.index_for_search(report)
    if created:
        inserts.insert(report)  # the statement built once, not compiled per call (ADR 0033)
    else:
        report.save()
    event.report = report
    published = [feed.entry_sql(report.pk, event.seq)] if feed.enabled() else []  # for the outside (ADR 0032)
    _insert_event(event, rollup_sql + published)


def _insert_event(event: ReportEvent, led: list[str]) -> None:
    """Insert the event, led by parameter-free statements that must commit with it (the rollup
    delta, the feed entry). PostgreSQL: in one round trip, as data-modifying WITHs leading the
    event's INSERT (a transition then costs no more round trips than without rollups: at 300
    submissions a second each one counts). Other databases: the statements, then the event."""
    if event.pk is not None:
        raise RuntimeError("report events are immutable")
    sql, params = inserts.insert_sql(event)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = leading(led) + sql if led else sql
        else:
            for statement in led:
                cursor.execute(statement)
        cursor.execute(sql, params)
        inserts.inserted(event, cursor)


def refresh_monitoring_facts(report_ids) -> int:
    """Re-derive the monitoring facts of these reports from their stored events and state and
    move their rollup cells (after a change outside their lifecycle: a category's priority, the
    holiday calendar, a data repair). In chunks of their own transactions, each chunk's rows
    locked. Returns how many reports changed."""
    changed = 0
    ids = list(report_ids)
    for start in range(0, len(ids), 500):
        with transaction.atomic():
            reports = list(Report.objects.select_for_update().filter(pk__in=ids[start : start + 500]).order_by("pk"))
            events_of: dict[int, list] = {report.pk: [] for report in reports}
            chunk_events = (ReportEvent.objects.filter(report_id__in=list(events_of))
                            .only("report_id", "action", "data", "created_at").order_by("report_id", "seq"))
            for event in chunk_events:  # one query per chunk, not one per report
                events_of[event.report_id].append(event)
            for report in reports:
                if rollups.refreshed(report, events_of[report.pk]):
                    Report.objects.filter(pk=report.pk).update(monitoring_facts=report.monitoring_facts)
                    changed += 1
    return changed


def store_monitoring_facts(reports) -> None:
    """Save these reports' recomputed monitoring facts (a rebuild of the rollups, inside its
    transaction)."""
    Report.objects.bulk_update(reports, ["monitoring_facts"], batch_size=500)


def report_stop_notices(*, tracking_number: str) -> Report:
    """Stop the messages about a report (the link in each of them, ADR 0032). Not a lifecycle
    step: no event. Stopping twice keeps the first moment."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(tracking_number=normalise_tracking_number(tracking_number)).first()
        if report is None:
            raise NotFound(_("There is no report with the tracking number “%(n)s”.") % {"n": tracking_number[:12]})
        if report.notices_stopped_at is None:
            report.notices_stopped_at = clock.now()
            Report.objects.filter(pk=report.pk).update(notices_stopped_at=report.notices_stopped_at)
    return report


def report_support(*, tracking_number: str, actor: Actor) -> Report:
    """Count a signed-in citizen's +1 on a public report, once per person."""
    if actor.user_id is None:
        raise InvalidInput(_("Sign in to support a report."), field="user")
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(tracking_number=tracking_number).first()
        if report is None or not public.is_public(report):
            raise NotFound(_("There is no public report with this tracking number."))
        if report.reporter_id == actor.user_id:
            raise Conflict(_("You cannot support your own report."))
        try:
            with transaction.atomic():
                ReportSupport.objects.create(report=report, user_id=actor.user_id, created_at=clock.now())
        except IntegrityError:
            raise Conflict(_("You already support this report.")) from None
        Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
    report.refresh_from_db(fields=["support_count"])
    return report
