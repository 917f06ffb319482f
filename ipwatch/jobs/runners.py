"""Enqueue and run jobs. Each kind's runner does its work inside one transaction (the importer's, the
sync's), so a job that fails — or whose worker dies — leaves nothing half-written. Geocoding is the
exception: each place is its own transaction, and the job is resumable (run_geocode)."""

import logging
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ipwatch.core.workflow import SYSTEM
from ipwatch.exchange.importer import Importer
from ipwatch.exchange.readers import estimate_rows

from . import progress
from .models import Job, JobKind, JobState

logger = logging.getLogger(__name__)
ERRORS_KEPT = 1000


@dataclass
class Outcome:
    ok: bool
    summary: str
    errors: list[str] = field(default_factory=list)
    written_ids: list[int] = field(default_factory=list)
    output_file: str = ""


def enqueue(kind: str, title: str, params: dict, user=None) -> Job:
    """Create the job and its queue entry in one transaction: both exist, or neither."""
    from .tasks import run_job

    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, title=title[:200], params=params, created_by=user if getattr(user, "pk", None) else None
        )
        result = run_job.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
    return job


def keep_upload(source: Path, directory: Path, filename: str) -> Path:
    """Copy a file where every worker can read it (IPWATCH_IMPORT_DIR: a shared volume in compose)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"job-{secrets.token_urlsafe(12)}{Path(filename).suffix.lower()}"
    shutil.copyfile(source, target)
    return target


def run_import(job: Job, reporter: progress.Reporter) -> Outcome:
    params = job.params
    path = Path(params["path"])
    if not path.is_file():
        return Outcome(False, "the file to import is gone", [f"file: {path} does not exist on this worker"])
    reporter.total = estimate_rows(path)
    importer = Importer(
        params["format"],
        status=params.get("status", "draft"),
        province_map=params.get("province_map") or None,
        user=job.created_by or SYSTEM,  # no user: queued from the command line
        progress=reporter.step,
        phase=reporter.phase,
    )
    result = importer.run(str(path), filename=params.get("filename", path.name), dry_run=params.get("dry_run", False))
    if not result.ok:
        rows = len({error.row for error in result.errors})
        return Outcome(
            False,
            f"{len(result.errors)} error(s) in {rows} row(s); nothing was imported",
            [str(e) for e in result.errors],
        )
    summary = result.summary()
    if result.possible_duplicates:  # listed for the editors, never merged automatically
        pairs = ", ".join(f"#{p.first} and #{p.second} ({p.score:.2f})" for p in result.possible_duplicates[:10])
        more = f" and {len(result.possible_duplicates) - 10} more" if len(result.possible_duplicates) > 10 else ""
        summary += f". Possible duplicates to check before publishing: {pairs}{more}"
    return Outcome(True, summary, written_ids=result.written_ids)


def run_sync(job: Job, reporter: progress.Reporter) -> Outcome:
    from ipwatch.sync.runner import SyncFailed, sync

    try:
        result = sync(job.kind.removeprefix("sync_"), progress=reporter, user=job.created_by, **job.params)
    except SyncFailed as exc:
        return Outcome(False, str(exc), [str(exc)])
    return Outcome(True, result.summary(), written_ids=result.written_ids)


def run_export(job: Job, reporter: progress.Reporter) -> Outcome:
    """Write the export to a file that appears only once complete (written aside, then renamed)."""
    from ipwatch.exchange.export import csv_lines, geojson_chunks, iterate
    from ipwatch.exchange.management.commands.export_incidents import select_incidents

    params = job.params
    incidents = select_incidents(params["status"], params)
    reporter.total = incidents.count()

    def counted():
        for incident in iterate(incidents):
            reporter.step()
            yield incident

    chunks = csv_lines(counted()) if params["format"] == "csv" else geojson_chunks(counted())
    directory = Path(settings.IPWATCH_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"ipwatch-export-{job.pk}-{secrets.token_urlsafe(8)}.{params['format']}"
    partial = target.with_name(target.name + ".part")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Outcome(True, f"{reporter.done:,} incidents written ({params['format']})", output_file=str(target))


def enqueue_geocoding(place_ids: list[int] | None = None, online: bool | None = None, user=None) -> Job:
    """Queue geocoding of the places without coordinates (of `place_ids`, or all of them)."""
    which = f"{len(place_ids):,} selected places" if place_ids is not None else "every place without coordinates"
    online_text = {True: "online allowed", False: "offline only", None: "online as configured"}[online]
    return enqueue(
        JobKind.GEOCODE, f"Geocode {which} ({online_text})", {"place_ids": place_ids, "online": online}, user
    )


def run_geocode(job: Job, reporter: progress.Reporter) -> Outcome:
    """Each place is written on its own (see geocode_places): a job that dies half-way keeps the places
    it finished, and running it again takes up the ones still without coordinates."""
    from ipwatch.geocoding.service import geocode_places, pending_places

    places = pending_places(job.params.get("place_ids"))
    reporter.total = places.count()
    reporter.flush()
    outcomes = geocode_places(places, online=job.params.get("online"), step=reporter.step)
    applied = [place.pk for place, outcome in outcomes if outcome.applied]
    errors = [f"#{place.pk} {place.name} ({place.country}): {outcome.reason}" for place, outcome in outcomes
              if not outcome.applied]  # fmt: skip
    summary = f"Geocoded {len(applied):,} of {len(outcomes):,} places without coordinates"
    if errors:
        summary += f"; {len(errors):,} not geocoded (listed below), still pending for a later run or by hand"
    return Outcome(True, summary, errors, written_ids=applied)


RUNNERS: dict[str, Callable[[Job, progress.Reporter], Outcome]] = {
    JobKind.IMPORT: run_import,
    JobKind.SYNC_ACLED: run_sync,
    JobKind.SYNC_UCDP: run_sync,
    JobKind.EXPORT: run_export,
    JobKind.GEOCODE: run_geocode,
}


def run(job_id: int) -> str:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.state != JobState.QUEUED:
        return job.state  # already run (a task delivered twice)
    job.state, job.started_at = JobState.RUNNING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    reporter = progress.Reporter(job.pk)
    reporter.flush()
    try:
        outcome = RUNNERS[job.kind](job, reporter)
    except Exception as exc:  # recorded on the job for the admin; the worker carries on
        logger.exception("job %s failed", job.pk)
        outcome = Outcome(False, "the job failed; nothing was written", [f"{exc.__class__.__name__}: {exc}"])
    job.rows_done = reporter.done
    job.rows_total = reporter.total if reporter.total is not None else reporter.done
    job.state = JobState.SUCCEEDED if outcome.ok else JobState.FAILED
    job.summary = outcome.summary
    job.errors = outcome.errors[:ERRORS_KEPT]
    job.written_ids = outcome.written_ids
    job.output_file = outcome.output_file
    job.finished_at = timezone.now()
    job.save()
    progress.clear(job.pk)
    if job.params.get("delete_file_after") and job.params.get("path"):
        Path(job.params["path"]).unlink(missing_ok=True)
    return job.state
