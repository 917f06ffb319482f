"""A background job as editors see it: what it does, its state, its progress, its errors and what it wrote.

The queue itself is django-tasks' database backend (`django_tasks_db`); a Job row is enqueued with its
task in the same transaction, so a job exists exactly when its task does.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import progress

STALLED_AFTER = dt.timedelta(minutes=10)


class JobKind(models.TextChoices):
    IMPORT = "import", "Import a file"
    SYNC_ACLED = "sync_acled", "ACLED sync"
    SYNC_UCDP = "sync_ucdp", "UCDP sync"
    EXPORT = "export", "Export incidents"
    GEOCODE = "geocode", "Geocode places"


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (nothing written)"


class JobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=[JobState.QUEUED, JobState.RUNNING])


class Job(models.Model):
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True, help_text="Empty when not known in advance")
    summary = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    # What a finished job wrote: the ids of the incidents it created or updated (of the places it
    # geocoded, for a geocoding job).
    written_ids = models.JSONField(default=list, blank=True)
    # What a finished export wrote: the file (under IPWATCH_EXPORT_DIR), downloadable from the admin.
    output_file = models.CharField(max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Job #{self.pk}: {self.title}"

    def live_progress(self) -> tuple[int, int | None]:
        """(rows done, rows total): the worker's latest report while it runs, the stored figures after."""
        if self.state == JobState.RUNNING:
            reported = progress.read(self.pk)
            if reported is not None:
                return reported.done, reported.total
        return self.rows_done, self.rows_total

    def live_phase(self) -> progress.Progress | None:
        """The running job's current step (label and its own done / total), when it reports one."""
        if self.state != JobState.RUNNING:
            return None
        reported = progress.read(self.pk)
        return reported if reported is not None and reported.phase else None

    def last_heard(self) -> dt.datetime | None:
        if self.state != JobState.RUNNING:
            return None
        reported = progress.read(self.pk)
        if reported is None:
            return self.started_at
        return dt.datetime.fromtimestamp(reported.at, tz=dt.UTC)

    @property
    def stalled(self) -> bool:
        """Running but silent for a long time: the worker probably died (its transaction rolled back)."""
        heard = self.last_heard()
        return heard is not None and timezone.now() - heard > STALLED_AFTER
