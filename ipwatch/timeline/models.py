"""The published-attack rollup: counts and figure sums per (period piece, date precision, province,
kind), and per (week or month as the timeline places them, province, kind), kept exact by database
triggers in the same transaction as every write to the incidents table (see ipwatch.timeline.rollup
and docs/architecture.md)."""

from django.db import models

from .rollup import PeriodRollupQuerySet, RollupQuerySet

NO_PROVINCE = 0  # province_id of incidents without a province (NULL would defeat the unique key)


class Measures(models.Model):
    """What a rollup row sums over its published incidents."""

    records = models.IntegerField(default=0)
    synthetic = models.IntegerField(default=0)
    claimed = models.IntegerField(default=0, help_text="records claimed by the group")
    claimed_synthetic = models.IntegerField(default=0)
    # "Unknown is never zero": the sum of the known figures, and how many records had it unknown.
    killed_known = models.IntegerField(default=0)
    killed_unknown = models.IntegerField(default=0)
    wounded_known = models.IntegerField(default=0)
    wounded_unknown = models.IntegerField(default=0)
    kidnapped_known = models.IntegerField(default=0)
    kidnapped_unknown = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RollupCell(Measures):
    """A rollup row: the sums of one province's published records of one kind in one cell."""

    province_id = models.IntegerField(help_text="0 when the incident has no province")
    kind = models.CharField(max_length=20, default="attack")

    class Meta:
        abstract = True


class PublishedRollup(RollupCell):
    # The first day of the "piece" holding the incident's stored date: the part of its ISO week that
    # lies in its month (see rollup.piece_start). Weeks, months and years are unions of pieces.
    date = models.DateField()
    date_precision = models.CharField(max_length=5)

    objects = RollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["date", "date_precision", "province_id", "kind"],
                name="published_rollup_cell",
            )
        ]
        indexes = [models.Index(fields=["province_id", "date"], name="published_rollup_province")]

    def __str__(self):
        return f"{self.date} ({self.date_precision}) province {self.province_id}: {self.records} {self.kind}"


class PeriodRollup(RollupCell):
    """The same sums per timeline point: per week and per month as ``aggregation.place_in_period``
    places an incident (its period, or the "date uncertain" band of its month or year), so an
    answer without a date filter reads one row per point instead of adding up pieces."""

    granularity = models.CharField(max_length=5)  # "week" or "month" (rollup.PERIOD_GRANULARITIES)
    start = models.DateField()  # first day of the period, or of the band
    band = models.CharField(max_length=5, blank=True)  # "" for a period, "month"/"year" for a band

    objects = PeriodRollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["granularity", "start", "band", "province_id", "kind"],
                name="period_rollup_cell",
            )
        ]
        indexes = [models.Index(fields=["granularity", "province_id"], name="period_rollup_province")]

    def __str__(self):
        return f"{self.granularity} {self.start} {self.band} province {self.province_id}: {self.records} {self.kind}"
