"""manage.py run_scheduled_syncs: queues sync_acled / sync_ucdp jobs at IPWATCH_SYNC_INTERVAL, never a
second one while one is queued or running; settings fail fast; a scheduled sync runs through the real
worker against the fake ACLED API."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ipwatch.core.models import Incident
from ipwatch.jobs.models import Job, JobState
from ipwatch.sync.management.commands import run_scheduled_syncs as command_module
from ipwatch.sync.schedule import schedule
from tests.test_settings import run_check
from tests.test_sync_acled import fake  # noqa: F401 - the fake ACLED API fixture

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def scheduled(settings):
    settings.IPWATCH_SYNC_SCHEDULE = ["acled", "ucdp"]
    settings.IPWATCH_SYNC_INTERVAL = 3600
    settings.ACLED_EMAIL, settings.ACLED_PASSWORD = "analyst@example.org", "not-a-real-password"
    return settings


def run(*args) -> str:
    out = io.StringIO()
    call_command("run_scheduled_syncs", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_queues_each_scheduled_source_once(scheduled):
    output = run()
    acled, ucdp = Job.objects.order_by("kind")
    assert (acled.kind, ucdp.kind) == ("sync_acled", "sync_ucdp")
    assert acled.title == "ACLED sync (scheduled)" and acled.state == JobState.QUEUED
    assert f"ACLED: queued job #{acled.pk} (never synced)" in output
    assert f"UCDP GED: queued job #{ucdp.pk} (never synced)" in output

    again = run()  # a minute later, nothing has run them yet
    assert Job.objects.count() == 2
    assert f"ACLED: not queued — job #{acled.pk} is still queued" in again


@pytest.mark.django_db
def test_a_running_sync_blocks_the_next_until_it_finishes_and_the_interval_passes(scheduled):
    job = schedule("acled", HOUR).job
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now())
    assert "is still running" in schedule("acled", HOUR).reason
    Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, finished_at=timezone.now())
    later = schedule("acled", HOUR, now=timezone.now() + 30 * dt.timedelta(minutes=1))
    assert later.job is None and "next due" in later.reason
    due = schedule("acled", HOUR, now=timezone.now() + HOUR)
    assert due.job is not None and Job.objects.count() == 2


@pytest.mark.django_db
def test_a_sync_whose_worker_died_does_not_block_forever(scheduled):
    job = schedule("ucdp", HOUR).job
    long_ago = timezone.now() - 3 * HOUR
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=long_ago, created_at=long_ago)
    assert Job.objects.get(pk=job.pk).stalled  # silent for hours: the admin says its worker may have died
    assert schedule("ucdp", HOUR).job is not None


@pytest.mark.django_db
def test_a_foreground_sync_counts_as_the_last_sync(scheduled):
    from ipwatch.sync.models import SyncState

    SyncState.objects.create(source="ucdp", last_run_at=timezone.now() - dt.timedelta(minutes=10))
    assert schedule("ucdp", HOUR).job is None


@pytest.mark.django_db
def test_loop_checks_again_after_the_pause(scheduled, monkeypatch):
    pauses = []

    class Stop(Exception):
        pass

    def sleep(seconds):
        pauses.append(seconds)
        if len(pauses) == 2:
            raise Stop

    monkeypatch.setattr(command_module.time, "sleep", sleep)
    with pytest.raises(Stop):
        run("--loop", "--check-every", "5")
    assert pauses == [5, 5] and Job.objects.count() == 2  # three checks, one job per source


@pytest.mark.django_db
def test_nothing_scheduled_or_missing_credentials_is_an_error(settings):
    settings.IPWATCH_SYNC_SCHEDULE = []
    with pytest.raises(CommandError, match="IPWATCH_SYNC_SCHEDULE is empty"):
        run()
    settings.IPWATCH_SYNC_SCHEDULE = ["acled"]
    settings.ACLED_EMAIL = ""
    with pytest.raises(CommandError, match="acled is scheduled but its credentials are not set"):
        run()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IPWATCH_SYNC_INTERVAL": "often"}, "IPWATCH_SYNC_INTERVAL must be a duration such as 30m, 6h or 1d"),
        ({"IPWATCH_SYNC_INTERVAL": "10s"}, "at least 300 seconds"),
        ({"IPWATCH_SYNC_SCHEDULE": "acled,gtd"}, "IPWATCH_SYNC_SCHEDULE lists gtd"),
    ],
)
def test_bad_settings_fail_fast(env, message):
    result = run_check(DEBUG="1", **env)
    assert result.returncode != 0 and message in result.stderr


# Transactional: the worker commits as in production (see test_jobs.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_scheduled_sync_runs_through_the_real_worker(fake, sample_data, settings):  # noqa: F811
    settings.IPWATCH_SYNC_SCHEDULE = ["acled"]
    settings.IPWATCH_SYNC_INTERVAL = 3600
    run()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job = Job.objects.get()
    assert job.state == JobState.SUCCEEDED, job.errors
    assert Incident.objects.filter(external_source="acled").count() == 6
    assert "not queued" in run()  # synced just now


@pytest.mark.django_db
def test_quiet_for_cron(scheduled):
    out = io.StringIO()
    call_command("run_scheduled_syncs", verbosity=0, stdout=out)
    assert out.getvalue() == "" and Job.objects.count() == 2
