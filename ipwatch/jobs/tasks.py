"""The one task the queue runs: a Job, whatever its kind (see runners.py)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from .runners import run

    return run(job_id)
