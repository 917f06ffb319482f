"""Where each sync stopped, so the next run asks only for what changed since."""

from django.db import models


class SyncSource(models.TextChoices):
    ACLED = "acled", "ACLED"
    UCDP = "ucdp", "UCDP GED"


class SyncState(models.Model):
    source = models.CharField(max_length=10, choices=SyncSource.choices, unique=True)
    # ACLED: the newest `timestamp` (Unix seconds, when ACLED last added or changed an event) already
    # read, and the newest `deleted_timestamp`. UCDP: the GED version and the latest date_start read.
    cursor = models.JSONField(default=dict, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_summary = models.TextField(blank=True)

    class Meta:
        verbose_name = "sync state"

    def __str__(self):
        return f"{self.get_source_display()} sync"
