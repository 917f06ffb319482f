"""Background jobs: `import_incidents --background`, the job's state/progress/errors/links in the admin,
and the real worker (`manage.py db_worker`) running a job on this test's database."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ipwatch.core.models import Incident
from ipwatch.jobs.models import Job, JobState
from tests.jobs_helpers import run_queued_jobs, snapshot

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def job_dirs(settings, tmp_path):
    settings.IPWATCH_IMPORT_DIR = tmp_path / "imports"
    settings.IPWATCH_JOBS_DIR = tmp_path / "jobs"


def background(name, fmt, *args):
    out = io.StringIO()
    call_command("import_incidents", str(DATA / name), "--format", fmt, "--background", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_background_import_gives_the_foreground_result(sample_data, tmp_path):
    output = background("acled_synthetic_sample.csv", "acled")
    job = Job.objects.get()
    assert f"Queued job #{job.pk}" in output
    assert job.state == JobState.QUEUED and not Incident.objects.filter(external_source="acled").exists()
    assert len(list((tmp_path / "imports").iterdir())) == 1  # the file waits where workers can read it

    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.errors
    assert job.summary.startswith("8 rows: 6 incidents were created")
    assert (job.rows_done, job.rows_total) == (8, 8)
    imported = Incident.objects.filter(external_source="acled")
    assert sorted(job.written_ids) == sorted(imported.values_list("id", flat=True))
    background_result = snapshot(imported)
    assert list((tmp_path / "imports").iterdir()) == []  # removed once imported

    imported.delete()
    call_command("import_incidents", str(DATA / "acled_synthetic_sample.csv"), "--format", "acled", verbosity=0)
    assert snapshot(Incident.objects.filter(external_source="acled")) == background_result


@pytest.mark.django_db
def test_a_failed_job_lists_its_errors_and_wrote_nothing(sample_data, admin_client):
    background("acled_synthetic_bad_rows.csv", "acled")
    [job] = run_queued_jobs()
    assert job.state == JobState.FAILED
    assert "nothing was imported" in job.summary
    assert any("row 3" in error for error in job.errors)
    assert not Incident.objects.filter(external_source="acled").exists()
    page = admin_client.get(f"/admin/jobs/job/{job.pk}/change/").content.decode()
    assert "Failed (nothing written)" in page and "row 3" in page


@pytest.mark.django_db
def test_the_admin_shows_progress_and_links_to_what_was_written(sample_data, editor_client):
    background("ucdp_synthetic_sample.csv", "ucdp")
    [job] = run_queued_jobs()
    listing = editor_client.get("/admin/jobs/job/").content.decode()
    assert "Import ucdp_synthetic_sample.csv (UCDP GED)" in listing and "Succeeded" in listing
    page = editor_client.get(f"/admin/jobs/job/{job.pk}/change/").content.decode()
    assert f"{job.rows_done:,} / {job.rows_total:,} (100%)" in page
    assert "the 3 incidents it created or updated" in page
    assert 'http-equiv="refresh"' not in page  # finished jobs do not reload
    link = "/admin/core/incident/?id__in=" + "%2C".join(map(str, job.written_ids))
    assert link in page
    changelist = editor_client.get(link)
    assert changelist.status_code == 200 and "3 incidents" in changelist.content.decode()


@pytest.mark.django_db
def test_wait_needs_background(sample_data):
    with pytest.raises(CommandError, match="--wait goes with --background"):
        call_command("import_incidents", str(DATA / "acled_synthetic_sample.csv"), "--format", "acled", "--wait")


# Transactional (the worker commits as in production); the serialized rollback restores what migrations
# created (groups, content types) for the transactional tests that follow, as the browser tests do.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_worker_runs_a_queued_import(sample_data):
    background("ucdp_synthetic_sample.csv", "ucdp", "--status", "draft")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job = Job.objects.get()
    assert job.state == JobState.SUCCEEDED, job.errors
    assert Incident.objects.filter(external_source="ucdp").count() == 3


@pytest.mark.django_db
def test_background_export_writes_the_file_the_admin_offers(sample_data, editor_client, settings, tmp_path):
    settings.IPWATCH_EXPORT_DIR = tmp_path / "exports"
    out = io.StringIO()
    call_command("export_incidents", "--format", "csv", "--province", "fezzan", "--background", stdout=out)
    assert "Queued job #" in out.getvalue()
    [job] = run_queued_jobs()
    assert job.state == JobState.SUCCEEDED, job.errors
    expected = io.StringIO()
    call_command("export_incidents", "--format", "csv", "--province", "fezzan", stdout=expected)
    assert Path(job.output_file).read_bytes().decode() == expected.getvalue()  # the foreground's bytes
    assert job.rows_done == job.rows_total == expected.getvalue().count("\r\n") - 1
    assert [p.name for p in (tmp_path / "exports").iterdir()] == [Path(job.output_file).name]  # no .part left
    page = editor_client.get(f"/admin/jobs/job/{job.pk}/change/").content.decode()
    assert f"/admin/jobs/job/{job.pk}/download/" in page
    download = editor_client.get(f"/admin/jobs/job/{job.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).decode() == expected.getvalue()
    with pytest.raises(CommandError, match="--since"):
        call_command("export_incidents", "--format", "csv", "--since", "someday", "--background")


@pytest.mark.django_db
def test_jobs_are_for_editors_only(sample_data, analyst_client, client):
    assert analyst_client.get("/admin/jobs/job/").status_code == 302  # not staff: sent to the admin login
    assert client.get("/admin/jobs/job/").status_code == 302


@pytest.mark.django_db
def test_an_import_reports_its_steps_after_the_rows(sample_data):
    from ipwatch.exchange.importer import COMMIT_PHASE, DUPLICATES_PHASE, SEARCH_PHASE, Importer
    from ipwatch.jobs.progress import Reporter

    steps = []

    class Recorder(Reporter):
        def flush(self):
            steps.append((self.phase_label, self.phase_done, self.phase_total))

    job = Job.objects.create(kind="import", title="steps")
    reporter = Recorder(job.pk, interval=0)
    importer = Importer("acled", progress=reporter.step, phase=reporter.phase)
    result = importer.run(str(DATA / "acled_synthetic_sample.csv"))
    assert result.ok and reporter.done == 8
    labels = [label for label, _, _ in steps]
    assert labels.index(DUPLICATES_PHASE) < labels.index(SEARCH_PHASE) < labels.index(COMMIT_PHASE)
    assert (SEARCH_PHASE, 0, 6) in steps  # its own total: the incidents written


@pytest.mark.django_db
def test_the_admin_shows_the_step_a_running_job_is_in(sample_data, editor_client):
    from ipwatch.jobs import progress

    job = Job.objects.create(kind="import", title="big import", state=JobState.RUNNING)
    progress.write(job.pk, 99_992, 100_000, "checking possible duplicates", 40_000, 90_007)
    page = editor_client.get(f"/admin/jobs/job/{job.pk}/change/").content.decode()
    assert "99,992 / 100,000 (99%) — now checking possible duplicates: 40,000 / 90,007 (44%)" in page
    assert 'http-equiv="refresh"' in page
