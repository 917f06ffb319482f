"""Follow a job from a terminal: a progress bar until it finishes; a failed job is a CommandError."""

import sys
import time

from django.core.management.base import CommandError
from tqdm import tqdm

from .models import Job, JobState


def follow(job: Job, stdout, stderr, *, quiet: bool = False, poll: float = 0.5, timeout: float | None = None) -> Job:
    started = time.monotonic()
    with tqdm(unit="row", disable=True if quiet else None, file=sys.stderr) as bar:
        while True:
            job.refresh_from_db()
            done, total = job.live_progress()
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)
            step = job.live_phase()
            if step is not None:
                total_text = f"/{step.phase_total:,}" if step.phase_total else ""
                bar.set_description(f"{step.phase} {step.phase_done:,}{total_text}", refresh=False)
            if job.state in (JobState.SUCCEEDED, JobState.FAILED):
                break
            if timeout is not None and time.monotonic() - started > timeout:
                raise CommandError(f"job #{job.pk} is still {job.state} after {timeout:.0f} s")
            time.sleep(poll)
    if job.state == JobState.FAILED:
        for error in job.errors:
            stderr.write(error)
        raise CommandError(f"job #{job.pk} failed: {job.summary}")
    stdout.write(f"Job #{job.pk} finished: {job.summary}")
    return job
