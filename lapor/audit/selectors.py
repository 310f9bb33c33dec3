"""Reading the audit trail: who may, what each viewer may see of it, and the rows shown on the
audit page and in its CSV export (one presentation, so that the page and the export apply the
same privacy rules).

- The national desk reads every entry and every report's transitions.
- An APIP auditor and an agency admin read the entries concerning their agency tree: entries on
  reports their positions' view scope covers (policy.py), and entries about positions, decrees
  and records of their agency and its units; and the transitions of reports in that scope.
- Nobody else reads the audit trail (operators have the read-only Django admin).

Entries never hold a revealed identity (privacy.py writes only who, why and where). A reason is
free text about a report, so it is shown only to whoever may read that report's content and
internal notes; transition notes follow the timeline's rules; a reporter's own actions are shown
as "reporter", never with the account, so an anonymous reporter stays anonymous here too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lapor.accounts.models import Role
from lapor.accounts.page_access import Page, allows
from lapor.agencies.selectors import agency_and_units
from lapor.reports import policy
from lapor.reports.models import Report, ReportEvent
from lapor.reports.states import Action, ActorRole, Status
from lapor.reports.tokens import normalise_tracking_number

from .models import AuditEntry


def may_read_audit(actor) -> bool:
    return allows(actor, Page.AUDIT)


def _tree(actor) -> set[int]:
    roots = {p.agency_id for p in actor.positions if p.role in (Role.AGENCY_ADMIN, Role.AUDITOR)}
    return agency_and_units(roots) if roots else set()


def _reports_in_scope(actor) -> QuerySet[Report] | None:
    """Reports the actor's positions let them view. (Not `reports_visible_to`: an official's own
    reports as a citizen are not theirs to audit.)"""
    condition = policy.grants(actor, policy.Permission.VIEW).q()
    return Report.objects.filter(condition).values("pk") if condition is not None else None


def audit_entries_visible_to(actor) -> QuerySet[AuditEntry]:
    if not may_read_audit(actor):
        return AuditEntry.objects.none()
    if actor.has_role(Role.NATIONAL_ADMIN):
        return AuditEntry.objects.all()
    tree = _tree(actor)
    condition = Q(agency_id__in=tree) | Q(position__agency_id__in=tree)
    reports = _reports_in_scope(actor)
    if reports is not None:
        condition |= Q(report_id__in=reports)
    return AuditEntry.objects.filter(condition)


def transitions_visible_to(actor) -> QuerySet[ReportEvent]:
    if not may_read_audit(actor):
        return ReportEvent.objects.none()
    if actor.has_role(Role.NATIONAL_ADMIN):
        return ReportEvent.objects.all()
    reports = _reports_in_scope(actor)
    return ReportEvent.objects.filter(report_id__in=reports) if reports is not None else ReportEvent.objects.none()


# --- filters --------------------------------------------------------------------------------------
@dataclass
class AuditFilters:
    """The page's filters, parsed from the query string; unusable values are dropped with a message."""

    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    actor: str = ""
    tracking_number: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, params, kinds) -> "AuditFilters":
        found = cls()
        kind = (params.get("kind") or "").strip()
        if kind in kinds:
            found.kind = kind
        elif kind:
            found.errors.append(_("Unknown kind; showing every kind."))
        for name, label in (("date_from", _("from")), ("date_to", _("until"))):
            raw = (params.get(name) or "").strip()
            if raw:
                try:
                    setattr(found, name, date.fromisoformat(raw))
                except ValueError:
                    found.errors.append(_("The date “%(field)s” is not a date (YYYY-MM-DD); it is ignored.") % {"field": label})
        found.actor = (params.get("actor") or "").strip()[:150]
        raw = (params.get("tracking_number") or "").strip()
        found.tracking_number = normalise_tracking_number(raw) if raw else ""
        return found

    def apply(self, queryset, *, kind_field: str, time_field: str):
        zone = timezone.get_current_timezone()  # dates are days in Jakarta time, like the pages
        if self.kind:
            queryset = queryset.filter(**{kind_field: self.kind})
        if self.date_from:
            queryset = queryset.filter(**{f"{time_field}__gte": datetime.combine(self.date_from, time.min, zone)})
        if self.date_to:
            queryset = queryset.filter(**{f"{time_field}__lt": datetime.combine(self.date_to + timedelta(days=1), time.min, zone)})
        if self.actor:
            queryset = queryset.filter(actor__username__iexact=self.actor)
            if queryset.model is ReportEvent:
                # Only officials are searched by name: asking for a citizen's username must not
                # reveal which reports they made (an anonymous reporter's included).
                queryset = queryset.exclude(actor_role=ActorRole.REPORTER)
        if self.tracking_number:
            queryset = queryset.filter(report__tracking_number=self.tracking_number)
        return queryset

    def as_params(self) -> dict:
        return {
            "kind": self.kind,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "actor": self.actor,
            "tracking_number": self.tracking_number,
        }


# --- what is shown --------------------------------------------------------------------------------
@dataclass
class EntryRow:
    at: datetime
    kind: str
    kind_label: str
    actor: str
    actor_position: str
    tracking_number: str
    report_visible: bool
    subject: str
    agency: str
    details: list[str]
    reason: str


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "—"
    return str(value)


def _details(entry: AuditEntry) -> list[str]:
    data = entry.data or {}
    if entry.kind == AuditEntry.Kind.POSITION_CHANGE:
        return [_("from %(old)s to %(new)s") % {"old": _show(data.get("from_user")), "new": _show(data.get("to_user"))}]
    if entry.kind == AuditEntry.Kind.ADMIN_CHANGE:
        action = {"add": _("added"), "change": _("changed"), "delete": _("deleted")}.get(data.get("action"), _show(data.get("action")))
        lines = [f"{data.get('model', '')} #{_show(data.get('object_pk'))} “{data.get('object_repr', '')}”: {action}"]
        for name, change in sorted((data.get("changes") or {}).items()):
            if change.get("changed"):
                lines.append(_("%(field)s: changed (value not recorded)") % {"field": name})
            else:
                lines.append(f"{name}: {_show(change.get('before'))} → {_show(change.get('after'))}")
        return lines
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):  # the reference loader's per-table counts
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"{key}: {_show(value)}")
    return lines


def entry_rows(actor, entries) -> list[EntryRow]:
    """Rows for the page and the export. `entries` should come from audit_entries_visible_to."""
    rows = []
    for entry in entries:
        report = entry.report
        reason = entry.reason
        if report is not None and reason:
            readable = policy.can_read_content(actor, report) and policy.allows(actor, policy.Permission.READ_INTERNAL_NOTES, report)
            if not readable:
                reason = _("(hidden: you may not read this report's content)")
            else:
                reason = policy.readable_text(actor, report, reason)
        rows.append(
            EntryRow(
                at=entry.at,
                kind=entry.kind,
                kind_label=entry.get_kind_display(),
                actor=entry.actor.username if entry.actor else _("system"),
                actor_position=entry.actor_position.title if entry.actor_position else "",
                tracking_number=report.tracking_number if report else "",
                report_visible=report is not None and policy.allows(actor, policy.Permission.VIEW, report),
                subject=str(entry.position) if entry.position else "",
                agency=str(entry.agency) if entry.agency else "",
                details=_details(entry),
                reason=reason,
            )
        )
    return rows


def entries_for_listing(queryset):
    return queryset.select_related("actor", "actor_position", "report__category", "position__agency", "agency").order_by("-at", "-pk")


@dataclass
class TransitionRow:
    at: datetime
    tracking_number: str
    action: str
    from_status: str
    to_status: str
    actor: str
    actor_position: str
    agency: str
    note: str


def transition_rows(actor, events) -> list[TransitionRow]:
    rows = []
    for event in events:
        report = event.report
        content = policy.can_read_content(actor, report)
        internal = content and policy.allows(actor, policy.Permission.READ_INTERNAL_NOTES, report)
        # The timeline's rules (selectors.timeline_for): personal data typed into a note is
        # redacted for whoever may not see the reporter.
        note = policy.readable_text(actor, report, event.note) if content and (event.note_public or internal) else ""
        if event.actor_role == ActorRole.REPORTER:
            who = _("reporter")
        elif event.actor_role == ActorRole.SYSTEM or event.actor is None:
            who = _("system")
        else:
            who = event.actor.username
        rows.append(
            TransitionRow(
                at=event.created_at,
                tracking_number=report.tracking_number,
                action=Action(event.action).label if event.action in Action.values else event.action,
                from_status=Status(event.from_status).label if event.from_status in Status.values else "",
                to_status=Status(event.to_status).label if event.to_status in Status.values else event.to_status,
                actor=who,
                actor_position=event.actor_position.title if event.actor_position and event.actor_role != ActorRole.REPORTER else "",
                agency=str(event.actor_agency) if event.actor_agency else "",
                note=note,
            )
        )
    return rows


def events_for_listing(queryset):
    return queryset.select_related("report__category", "actor", "actor_position", "actor_agency").order_by("-created_at", "-pk")
