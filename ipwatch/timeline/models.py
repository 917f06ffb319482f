"""The published-attack rollup: counts and figure sums per (period piece, date precision, province,
kind), kept exact by database triggers in the same transaction as every write to the
incidents table (see ipwatch.timeline.rollup and docs/architecture.md)."""

from django.db import models

from .rollup import RollupQuerySet

NO_PROVINCE = 0  # province_id of incidents without a province (NULL would defeat the unique key)


class PublishedRollup(models.Model):
    # The first day of the "piece" holding the incident's stored date: the part of its ISO week that
    # lies in its month (see rollup.piece_start). Weeks, months and years are unions of pieces.
    date = models.DateField()
    date_precision = models.CharField(max_length=5)
    province_id = models.IntegerField(help_text="0 when the incident has no province")
    kind = models.CharField(max_length=20, default="attack")
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
