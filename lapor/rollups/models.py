"""The rollup tables (ADR 0019) and the queue of reports whose monitoring facts must be
re-derived. Their tables keep the names they were created with in `monev` (`monev_rollup`,
`monev_rollupdays`, `monev_pendingrefresh`): the models moved here, the rows did not move.
Written only by this package (`writing.py`, `refresh.py`) and by `reports.services` through it.
The hot spots' cells have a table of their own (`rollups_hotspot`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupKey(models.Model):
    """A rollup cell's key. `basis`: N = the national cohort (by submission day; `agency_id` holds a
    shard number 0-15 from the tracking number, so concurrent submissions update different rows),
    A = an agency's cohort (by the day it received the report, the agency and unit holding it),
    E = events of an agency on a day (receptions it decided, "not our authority" answers,
    officials' actions), O = overdue now (day fixed); H, the hot spots, is a `Cell` in memory
    and a `HotSpotCell` row when stored. `grain`: D = the day, M = the calendar month
    starting on `day`. Agency and unit are plain integers (0 = none) so the key has no NULL."""

    BASES = ("N", "A", "G", "E", "O", "H")  # G: an agency's cohort summed over its units (unit 0)
    basis = models.CharField(max_length=1)
    grain = models.CharField(max_length=1)
    day = models.DateField()
    agency_id = models.IntegerField()
    unit_id = models.IntegerField()
    priority = models.BooleanField()  # the report's category is a national priority (KSP)
    ombudsman = models.BooleanField()  # offered or transferred to the Ombudsman

    class Meta:
        abstract = True


class Rollup(RollupKey):
    COUNTERS = (
        "received", "completed", "in_process", "followed_up", "fu_measured", "fu_on_time", "reopened",
        "rated", "appealed", "rating_1", "rating_2", "rating_3", "rating_4", "rating_5",
        "omb_transferred", "omb_offered", "verified_decided", "verified_on_time", "re_dispositions",
        "overdue", "acted",
    )
    # db_default: a transition's UPSERT names only the counters it changes.
    received = models.IntegerField(default=0, db_default=0)
    completed = models.IntegerField(default=0, db_default=0)
    in_process = models.IntegerField(default=0, db_default=0)
    followed_up = models.IntegerField(default=0, db_default=0)
    fu_measured = models.IntegerField(default=0, db_default=0)
    fu_on_time = models.IntegerField(default=0, db_default=0)
    reopened = models.IntegerField(default=0, db_default=0)
    rated = models.IntegerField(default=0, db_default=0)
    appealed = models.IntegerField(default=0, db_default=0)
    rating_1 = models.IntegerField(default=0, db_default=0)
    rating_2 = models.IntegerField(default=0, db_default=0)
    rating_3 = models.IntegerField(default=0, db_default=0)
    rating_4 = models.IntegerField(default=0, db_default=0)
    rating_5 = models.IntegerField(default=0, db_default=0)
    omb_transferred = models.IntegerField(default=0, db_default=0)
    omb_offered = models.IntegerField(default=0, db_default=0)
    verified_decided = models.IntegerField(default=0, db_default=0)
    verified_on_time = models.IntegerField(default=0, db_default=0)
    re_dispositions = models.IntegerField(default=0, db_default=0)
    overdue = models.IntegerField(default=0, db_default=0)
    acted = models.IntegerField(default=0, db_default=0)

    # The cell's key is its primary key: no surrogate id and no second index (ADR 0019; 0.9 GB
    # across the two tables at ten million reports). The transitions' UPSERTs conflict on it.
    pk = models.CompositePrimaryKey("basis", "grain", "agency_id", "day", "unit_id", "priority", "ombudsman")

    class Meta:
        db_table = "monev_rollup"
        # national rows (sharded) and activity are read by day across agencies
        indexes = [models.Index(fields=["basis", "grain", "day"], name="monev_rollup_day")]


class RollupDays(RollupKey):
    """How many reports of a cell took `days` working days to their first follow-up (F) or to
    completion (C): the histogram the medians and 90th percentiles are read from."""

    metric = models.CharField(max_length=1)
    days = models.IntegerField()
    n = models.IntegerField(default=0)

    pk = models.CompositePrimaryKey("basis", "grain", "agency_id", "day", "unit_id", "priority", "ombudsman", "metric", "days")

    class Meta:
        db_table = "monev_rollupdays"


class HotSpotCell(models.Model):
    """The hot spots' cells (ADR 0031): reports by WIB day of submission (or the month starting on
    `day`), top-level category and area (lapor/rollups/areas.py). In memory they are `Cell`s of
    basis H like every other (`agency_id` the category, `unit_id` the area, counter
    `received`); stored in a narrow table of their own, since the wide rows of `Rollup` cost
    about 180 bytes for one counter (1.2 GB at ten million reports, against 0.5 GB here). The
    primary key, day first after the grain, is what the hot spots read a period by."""

    grain = models.CharField(max_length=1)
    day = models.DateField()
    category_id = models.IntegerField()
    area = models.IntegerField()
    n = models.IntegerField(default=0)

    pk = models.CompositePrimaryKey("grain", "day", "category_id", "area")

    class Meta:
        db_table = "rollups_hotspot"


class PendingRefresh(models.Model):
    """Reports whose monitoring facts must be re-derived, recorded in the transaction of the
    change that calls for it and worked off by the background job `refresh.refresh_pending`
    (Celery beat, or `manage.py run_worker`): a category that became or stopped being a national
    priority, a holiday added, moved or removed (stored working-day durations that span it)."""

    class Kind(models.TextChoices):
        CATEGORY = "category", _("category priority")
        HOLIDAY = "holiday", _("holiday")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    category = models.ForeignKey("agencies.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "monev_pendingrefresh"
        ordering = ["pk"]
        verbose_name = _("pending monitoring refresh")
        verbose_name_plural = _("pending monitoring refreshes")
