"""Scheduled syncs: django-tasks has no scheduler, so `manage.py run_scheduled_syncs` — run by cron, a
systemd timer, or in a loop by the compose `scheduler` service — queues a sync job for each source in
IPWATCH_SYNC_SCHEDULE whose last sync is at least IPWATCH_SYNC_INTERVAL old. The queue stays
django-tasks'; this only decides when to add to it.

Never two at once: a source with a sync job still queued or running gets no second one (a running
job silent for longer than the admin's "probably dead" limit no longer counts: its worker died and
its transaction was rolled back). The check and the enqueue run in one transaction that first writes
the source's SyncState row, so two schedulers started together take turns (the row lock on
PostgreSQL, the write lock on SQLite) and the second sees the first one's job.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ipwatch.jobs.models import Job
from ipwatch.jobs.runners import enqueue

from .models import SyncSource, SyncState

MISSING_CREDENTIALS = {
    SyncSource.ACLED: lambda: not (settings.ACLED_EMAIL and settings.ACLED_PASSWORD),
}


@dataclass
class Decision:
    source: str
    job: Job | None
    reason: str

    def __str__(self):
        label = SyncSource(self.source).label
        if self.job is not None:
            return f"{label}: queued job #{self.job.pk} ({self.reason})"
        return f"{label}: not queued — {self.reason}"


def missing_credentials(sources) -> list[str]:
    return [source for source in sources if MISSING_CREDENTIALS.get(source, lambda: False)()]


def last_sync(source: str, state: SyncState) -> dt.datetime | None:
    """When a sync of this source last started: its newest job, or a foreground run's state."""
    newest = Job.objects.filter(kind=f"sync_{source}").order_by("-created_at").values_list("created_at", flat=True)
    times = [moment for moment in (newest.first(), state.last_run_at) if moment is not None]
    return max(times, default=None)


def schedule(source: str, interval: dt.timedelta, now: dt.datetime | None = None) -> Decision:
    """Queue one sync of `source` if it is due and none is queued or running."""
    now = now or timezone.now()
    SyncState.objects.get_or_create(source=source)
    with transaction.atomic():
        SyncState.objects.filter(source=source).update(cursor=F("cursor"))  # take turns (see above)
        state = SyncState.objects.get(source=source)
        for job in Job.objects.unfinished().filter(kind=f"sync_{source}"):
            if not job.stalled:
                return Decision(source, None, f"job #{job.pk} is still {job.get_state_display().lower()}")
        last = last_sync(source, state)
        if last is not None and now - last < interval:
            return Decision(source, None, f"last sync {last:%Y-%m-%d %H:%M} UTC, next due {last + interval:%H:%M} UTC")
        label = SyncSource(source).label
        job = enqueue(f"sync_{source}", f"{label} sync (scheduled)", {"since": None, "dry_run": False})
    return Decision(source, job, "never synced" if last is None else f"last sync {last:%Y-%m-%d %H:%M} UTC")
