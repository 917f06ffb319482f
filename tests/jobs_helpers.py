"""Run queued jobs in the test's own process and transaction (what a worker does, minus its loop,
which closes connections between tasks and so cannot run inside a test transaction)."""

from ipwatch.jobs.models import Job, JobState
from ipwatch.jobs.tasks import run_job

# Fields an import owns, and the place's, to compare two imports of the same rows.
COMPARED = ("external_source", "external_id", "date", "date_precision", "incident_type", "target_type", "summary",
            "claim_status", "killed_low", "killed_best", "killed_high", "province__slug", "place__name",
            "place__country", "place__latitude", "place__longitude", "status", "internal_notes")  # fmt: skip


def run_queued_jobs() -> list[Job]:
    jobs = list(Job.objects.filter(state=JobState.QUEUED).order_by("id"))
    for job in jobs:
        run_job.call(job.pk)
        job.refresh_from_db()
    return jobs


def snapshot(queryset) -> list[tuple]:
    return sorted(queryset.values_list(*COMPARED))
