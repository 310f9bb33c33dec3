"""Reference data: regions, the agency registry, the category taxonomy and SLA policies.

Loaded idempotently by `manage.py load_reference` from the fixtures in lapor/agencies/reference/.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative region per Kemendagri (province > regency/city > district > village).
    The primary key is the Kemendagri code, e.g. 35.78.01.1001."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        REGENCY = "regency", _("regency/city")
        DISTRICT = "district", _("district")
        VILLAGE = "village", _("village")

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # kabupaten / kota for regencies, desa / kelurahan for villages; empty otherwise.
    kind = models.CharField(_("kind"), max_length=12, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def province_code(self) -> str:
        return self.code[:2]


class Agency(models.Model):
    """A body that receives reports (instansi), or a unit inside one (unit kerja / OPD).

    Units have `parent` set to their agency. `coordinator` is the supervisor at the meso level:
    the coordinating ministry for a ministry, the province for a regency or city."""

    class Kind(models.TextChoices):
        NATIONAL_DESK = "national_desk", _("national desk")
        PRESIDENTIAL_STAFF = "ksp", _("Presidential Staff Office")
        OMBUDSMAN = "ombudsman", _("Ombudsman")
        COORDINATING_MINISTRY = "coordinating_ministry", _("coordinating ministry")
        MINISTRY = "ministry", _("ministry")
        AGENCY = "agency", _("non-ministerial agency")
        PUBLIC_BODY = "public_body", _("public legal entity")
        PROVINCE = "province", _("provincial government")
        REGENCY = "regency", _("regency government")
        CITY = "city", _("city government")
        UNIT = "unit", _("unit")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="units", verbose_name=_("parent agency")
    )
    coordinator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="coordinated", verbose_name=_("coordinator")
    )
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("region"))
    # IANA zone used for this agency's deadlines: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT).
    timezone = models.CharField(_("time zone"), max_length=40, default="Asia/Jakarta")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.short_name or self.name

    @property
    def top_agency(self) -> "Agency":
        """The agency a unit belongs to (itself when it is not a unit)."""
        agency = self
        while agency.parent_id is not None:
            agency = agency.parent
        return agency

    def is_within(self, other: "Agency") -> bool:
        """True when self is `other` or one of its (nested) units."""
        node = self
        while node is not None:
            if node.pk == other.pk:
                return True
            node = node.parent
        return False


class Category(models.Model):
    """A category of the national taxonomy (2025). Top-level categories have no parent.

    `is_priority` marks national-priority-programme categories supervised by KSP; campaigns
    (e.g. free school meals) may be time-boxed with active_from/active_until."""

    code = models.SlugField(_("code"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_priority = models.BooleanField(_("national priority programme"), default=False)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(_("active until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def is_active_on(self, day) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or day <= self.active_until
        )


class SlaPolicy(models.Model):
    """How long a stage may take. The most specific row wins: agency + category, then agency,
    then category, then the default (both empty). Durations are data because the regulation
    changes (2018, 2020, 2025)."""

    class Stage(models.TextChoices):
        DESK_VERIFICATION = "desk_verification", _("verification by the national desk")
        AGENCY_VERIFICATION = "agency_verification", _("verification by the agency")
        FOLLOW_UP = "follow_up", _("follow-up by the unit")
        REPORTER_REPLY = "reporter_reply", _("reporter's reply before automatic closure")
        ESCALATION = "escalation", _("overdue time before escalation to the national desk")
        OMBUDSMAN = "ombudsman", _("days unresolved before the Ombudsman is offered the case")

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        CALENDAR_DAYS = "calendar_days", _("calendar days")

    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("agency"))
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("category"))
    duration = models.PositiveIntegerField(_("duration"))
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices, default=Unit.WORKING_DAYS)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        # One row per scope; NULLs are spelled out because NULLS NOT DISTINCT is PostgreSQL-only.
        constraints = [
            models.UniqueConstraint(
                fields=["stage"], condition=Q(agency__isnull=True, category__isnull=True), name="sla_unique_default"
            ),
            models.UniqueConstraint(
                fields=["stage", "agency"], condition=Q(category__isnull=True), name="sla_unique_agency"
            ),
            models.UniqueConstraint(
                fields=["stage", "category"], condition=Q(agency__isnull=True), name="sla_unique_category"
            ),
            models.UniqueConstraint(fields=["stage", "agency", "category"], name="sla_unique_agency_category"),
        ]

    def __str__(self):
        return f"{self.stage}: {self.duration} {self.unit}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from lapor.agencies.sla import reset_policies  # here: sla imports this module

        reset_policies()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        from lapor.agencies.sla import reset_policies  # here: sla imports this module

        reset_policies()
        return result


class AgencyDecree(models.Model):
    """A decree (Surat Keputusan, SK) in which an agency names the people who manage its
    complaints. Having one in force is part of the connectivity indicator (*keterhubungan*).
    The PDF is served only through a permission-checked view; a decree is revoked, never deleted."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="decrees", verbose_name=_("agency"))
    number = models.CharField(_("decree number"), max_length=100)
    date = models.DateField(_("decree date"))
    title = models.CharField(_("subject"), max_length=300)
    file = models.FileField(_("file"), upload_to="decrees/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("revoked by")
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("decree (SK)")
        verbose_name_plural = _("decrees (SK)")
        constraints = [
            # A decree number identifies one decree of an agency, revoked or not.
            models.UniqueConstraint(fields=["agency", "number"], name="decree_unique_number_per_agency"),
        ]

    def __str__(self):
        return f"SK {self.number} ({self.agency})"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None
