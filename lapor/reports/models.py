"""The report, its immutable events, attachments and submission idempotency records."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lapor.core.codes import CodeField
from lapor.notify.models import PhoneChannel
from lapor.rollups.facts import FactsField

from .eventdata import EventDataField
from .states import (
    ACTION_CODES,
    ACTIVE,
    ACTOR_ROLE_CODES,
    STATUS_CODES,
    Action,
    ActorRole,
    ArchiveReason,
    Channel,
    OmbudsmanOutcome,
    RejectReason,
    ReportType,
    Status,
)


class Report(models.Model):
    """A complaint, aspiration or information request (laporan) and where it stands.

    Only `services` write to it, and only `services.report_act` changes `status`."""

    # Identity
    # Unique through a constraint (Meta), not `unique=True`: on PostgreSQL that would add a second,
    # pattern-matching index that exact lookups never use.
    tracking_number = models.CharField(_("tracking number"), max_length=10)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    # Contact given by a reporter without an account (all optional).
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    # How a guest's phone gets the messages about the report (their choice on the form).
    phone_channel = models.CharField(_("messages to the phone"), max_length=8, default=PhoneChannel.SMS,
                                     choices=PhoneChannel.choices)
    # The language the reporter filed in: what the messages about the report are written in.
    language = models.CharField(_("language"), max_length=8, default="id", db_default="id")
    # The reporter stopped the messages about this report (the link in each of them).
    notices_stopped_at = models.DateTimeField(_("messages stopped"), null=True, blank=True)

    # Content
    type = models.CharField(_("type"), max_length=16, choices=ReportType.choices, default=ReportType.COMPLAINT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    event_date = models.DateField(_("date of the event"), null=True, blank=True)
    # One index (report_region, below) serves both the equality and the prefix look-ups.
    region = models.ForeignKey("agencies.Region", on_delete=models.PROTECT, verbose_name=_("location"), db_index=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    category = models.ForeignKey(
        "agencies.Category", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("category")
    )
    target_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("target agency"),
        db_index=False,
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_confidential = models.BooleanField(_("confidential"), default=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)

    # Where it stands
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    # No single-column indexes on agency, unit and reporter: the (agency, ...), (unit, status)
    # and (reporter, submitted_at) indexes below lead with them (at ten million reports each
    # redundant index costs about 70 MB).
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="reports",
        verbose_name=_("agency"), db_index=False,
    )
    unit = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="unit_reports",
        verbose_name=_("unit"), db_index=False,
    )
    # When the current agency received the report: its disposition by the desk, or its submission
    # naming the agency. Cleared while the report is back at the desk; the cohort of an agency's
    # monitoring figures (docs/indicators.md, "Received by an agency").
    received_at = models.DateTimeField(_("received by the agency"), null=True, blank=True)
    # The agency named by the last "not our authority".
    suggested_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The stage whose clock runs, and when it runs out (null while paused or finished).
    stage = models.CharField(_("stage"), max_length=24, blank=True)
    stage_due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Working days left on the desk's clock when it was paused for more information.
    paused_days_left = models.PositiveSmallIntegerField(null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    escalation_level = models.PositiveSmallIntegerField(default=0)  # 0 none, 1 agency admin, 2 national desk
    escalate_at = models.DateTimeField(null=True, blank=True)
    ombudsman_due_at = models.DateTimeField(null=True, blank=True)

    # Counters and outcomes
    transfer_count = models.PositiveSmallIntegerField(default=0)  # "not our authority" so far
    reopen_count = models.PositiveSmallIntegerField(default=0)  # reporter replies after follow-up
    interim_count = models.PositiveSmallIntegerField(default=0)
    appeal_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    reject_reason = models.CharField(max_length=24, choices=RejectReason.choices, blank=True)
    archive_reason = models.CharField(max_length=24, choices=ArchiveReason.choices, blank=True)
    # The Ombudsman's latest outcome on a transferred report (its list filters on it); each outcome
    # recorded is also an event (ADR 0023).
    ombudsman_outcome = models.CharField(_("Ombudsman's outcome"), max_length=16, choices=OmbudsmanOutcome.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    # Milestones
    submitted_at = models.DateTimeField(_("submitted"))
    first_response_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    ombudsman_offered_at = models.DateTimeField(null=True, blank=True)
    ombudsman_declined_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    # Incremented by every event: clients may send it back to detect a concurrent change.
    version = models.PositiveIntegerField(default=0)
    # Citizens who said "me too" (+1) on the public page; kept here so the feed needs no count.
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    # What this report contributes to the monitoring rollups (lapor/rollups): kept on
    # the row so that a transition moves its rollup cells without reading anything else; a dict
    # in Python, a compact array in the database (lapor/rollups/facts.py).
    monitoring_facts = FactsField(default=dict, blank=True, editable=False)
    # What the public feed's search reads (lapor.reports.public, ADR 0013): NULL until the report
    # is public; then its title and description with personal data redacted (lapor.core.redact),
    # so that searching for a phone number or NIK cannot reveal which report contains one — or ""
    # when redacting changed nothing, and the search reads the title and description themselves
    # (most reports: the text is not stored twice). Kept in step with the description by the
    # services. PostgreSQL: a partial GIN index on that text; SQLite: an FTS5 table kept by
    # triggers (migration 0013).
    search_text = models.TextField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["status", "stage_due_at"], name="report_status_due"),
            models.Index(fields=["agency", "status"], name="report_agency_status"),
            models.Index(fields=["agency", "received_at"], name="report_agency_received"),
            models.Index(fields=["unit", "status"], name="report_unit_status"),
            # Two in three reports come from guests: index only the signed-in citizens' ones.
            models.Index(fields=["reporter", "submitted_at"], name="report_reporter", condition=Q(reporter__isnull=False)),
            models.Index(fields=["submitted_at"], name="report_submitted"),
            # PostgreSQL: pattern ops serve `=` and `LIKE '35.78.%'` (a province's or regency's
            # reports) alike; Django's default would be two indexes (0.3 GB each at ten million reports).
            models.Index(fields=["region"], name="report_region", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["escalate_at"], name="report_escalate_at", condition=Q(escalation_level=1)
            ),
            models.Index(
                # What the sweep's Ombudsman offer looks for (sweep.py): reports still handled, not yet offered.
                fields=["ombudsman_due_at"],
                name="report_ombudsman_due",
                condition=Q(ombudsman_offered_at__isnull=True, status__in=sorted(ACTIVE)),
            ),
            # The Ombudsman's list: transferred reports, newest transfer first (`closed_at` is the
            # moment of the transfer for them). Few reports are transferred: a small index.
            models.Index(fields=["closed_at"], name="report_ombudsman_transferred", condition=Q(status=Status.OMBUDSMAN)),
            # Most reports have none of these: index only the ones that do (deleting an agency or
            # finding a report's duplicates reads them).
            models.Index(fields=["target_agency"], name="report_target_agency", condition=Q(target_agency__isnull=False)),
            models.Index(
                fields=["suggested_agency"], name="report_suggested_agency", condition=Q(suggested_agency__isnull=False)
            ),
            models.Index(fields=["duplicate_of"], name="report_duplicate_of", condition=Q(duplicate_of__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_number"], name="report_tracking_number"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="report_rating_1_5"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="report_status_known"),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def formatted_tracking_number(self) -> str:
        return f"{self.tracking_number[:5]}-{self.tracking_number[5:]}"


class ReportEvent(models.Model):
    """One step in a report's life: who (person, position, agency), what, from, to, when, note.

    Append-only: the reporter's timeline and the auditors' trail are the same rows."""

    # No index of its own: the unique (report, seq) index serves every look-up by report (one
    # index less on the largest table: ~140 MB per million reports, bench/README.md).
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()  # 1, 2, 3 ... per report; unique, so a duplicate write fails
    # Words in Python, 2-byte codes in the database (lapor.core.codes, ADR 0021).
    action = CodeField(choices=Action.choices, codes=ACTION_CODES)
    from_status = CodeField(blank=True, default="", codes=STATUS_CODES)  # empty for the submission
    to_status = CodeField(codes=STATUS_CODES)
    # The actor's index stays: deleting an unfinished sign-up checks (PROTECT) that it has no events.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_role = CodeField(choices=ActorRole.choices, codes=ACTOR_ROLE_CODES)
    # No index for the position (positions end, they are not deleted) nor the agency (reference
    # data, deactivated, never deleted): 0.9 GB at ten million reports. The follow-ups an agency
    # gave in a period (quality reviews) have a partial index of their own.
    actor_position = models.ForeignKey(
        "accounts.Position", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    note = models.TextField(blank=True)
    note_public = models.BooleanField(default=False)
    data = EventDataField(default=dict, blank=True)  # a dict; compact JSON text in the database (ADR 0021)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "seq"]
        constraints = [models.UniqueConstraint(fields=["report", "seq"], name="event_report_seq")]
        indexes = [
            models.Index(fields=["created_at"], name="event_created"),
            models.Index(fields=["actor_agency", "created_at"], name="event_follow_up_agency", condition=Q(action=Action.FOLLOW_UP)),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("report events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("report events are immutable")


class Attachment(models.Model):
    """A photo or PDF attached to a report (by the reporter) or to an event (by an officer)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(ReportEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()


class IdempotencyRecord(models.Model):
    """The first result of a submission made with an Idempotency-Key, returned on retries."""

    scope = models.CharField(max_length=64)  # "user:<id>" or "anon"
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    response = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key")]


class ReportSupport(models.Model):
    """A signed-in citizen's "me too" (+1) on a public report: once per person and report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="support_once_per_user")]


class ResponseTemplate(models.Model):
    """A reusable text for answering reports, kept by an agency (units use their agency's).
    Officers start from it and adapt it to the report; it is never sent unedited by itself."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="response_templates", verbose_name=_("agency"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [models.UniqueConstraint(fields=["agency", "title"], name="response_template_title_per_agency")]
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")

    def __str__(self):
        return self.title


class SavedQueueView(models.Model):
    """An officer's named filter of their queue (the query string of /petugas/)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queue_views")
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_per_user")]


class FeedEntry(models.Model):
    """An event of a report published to the outside (ADR 0032): the writer adds one with every
    event, in the event's transaction, with no `position`; the publisher (`feed.publish`, one
    at a time) then gives committed entries their place in one global order. Everything that
    tells the outside — notifications, webhooks, the events API — reads by position, so none
    misses an event whose transaction committed after a later one's.

    The event is named by (report, seq), known before its INSERT: the entry's statement leads
    the event's in the same round trip, as the rollups' do."""

    id = models.BigAutoField(primary_key=True)
    # No index: reports are not deleted, and entries are read by position or as unpublished.
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+", db_index=False)
    seq = models.PositiveIntegerField()
    position = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["position"], name="feed_position", condition=Q(position__isnull=False)),
        ]
        indexes = [models.Index(fields=["id"], name="feed_unpublished", condition=Q(position__isnull=True))]


class FeedCursor(models.Model):
    """How far one subscriber of the feed has read (its last position handled), moved in the same
    transaction as what it did with the entries: nothing is handled twice or skipped."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
