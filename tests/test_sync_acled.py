"""manage.py sync_acled [--since DATE] [--country CC ...] [--dry-run] [--background] against a local
fake of ACLED's API: OAuth login and refresh, paging, rate limits, deletions, malformed pages,
missing credentials, incremental runs, and the same incidents as a file import of the same rows."""

import pytest
from django.core.management import CommandError, call_command
from werkzeug import Response

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident
from ipwatch.jobs.models import Job, JobState
from ipwatch.sync.models import SyncState
from tests.fake_apis import DATA, FakeAcled, _json, csv_rows, sync_and_incidents
from tests.jobs_helpers import run_queued_jobs, snapshot

SAMPLE = "acled_synthetic_sample.csv"  # 8 rows: 6 IS events mapped to provinces, 1 other actor, 1 with none


@pytest.fixture
def fake(httpserver, settings, monkeypatch):
    # 8 rows → pages of 3, 3 and 2
    return FakeAcled(events=csv_rows(SAMPLE)).serve(httpserver, settings, monkeypatch, page_size=3)


sync, acled_incidents = sync_and_incidents("acled")


@pytest.mark.django_db
def test_pages_through_and_imports_is_events_only(fake, sample_data):
    output = sync()
    assert "ACLED: 3 page(s), 8 rows read. 8 rows: 6 incidents were created" in output
    assert "1 other actors" in output
    assert [args["page"] for path, args in fake.requests if path == "/api/acled/read"] == ["1", "2", "3"]
    assert all(args["limit"] == "3" and args["_format"] == "json" for _, args in fake.requests)
    assert fake.grants == ["password"]  # one login serves the whole run
    assert acled_incidents().count() == 6
    assert set(acled_incidents().values_list("status", flat=True)) == {"draft"}


@pytest.mark.django_db
def test_same_rows_through_sync_or_file_import_give_the_same_incidents(fake, sample_data):
    sync()
    synced = snapshot(acled_incidents())
    acled_incidents().delete()
    call_command("import_incidents", str(DATA / SAMPLE), "--format", "acled", verbosity=0)
    assert snapshot(acled_incidents()) == synced
    assert "6 unchanged" in sync("--since", "2000-01-01")  # and back through the API: nothing to change


@pytest.mark.django_db
def test_the_next_run_asks_only_for_what_changed(fake, sample_data):
    sync()
    state = SyncState.objects.get(source="acled")
    newest = max(int(row["timestamp"]) for row in fake.events)
    assert state.cursor["timestamp"] == newest
    fake.requests.clear()
    fake.events[0] = {**fake.events[0], "fatalities": "2", "timestamp": str(newest + 100)}
    output = sync()
    assert fake.requests[0][1]["timestamp"] == str(newest) and fake.requests[0][1]["timestamp_where"] == ">="
    assert "1 updated" in output
    changed = acled_incidents().get(external_id=fake.events[0]["event_id_cnty"])
    assert changed.killed_best == 2 and changed.history.count() == 2  # the change is in the history


@pytest.mark.django_db
def test_since_and_country_filters_are_sent(fake, sample_data):
    sync("--since", "2019-05-01", "--country", "LY", "iq")
    args = fake.requests[0][1]
    assert args["timestamp"] == "1556668800" and args["iso"] == "434|368"
    with pytest.raises(CommandError, match="not a date"):
        sync("--since", "May 2019")
    with pytest.raises(CommandError, match=r"--country XX: not an ISO 3166-1 alpha-2 country code"):
        sync("--country", "XX")


@pytest.mark.django_db
def test_an_expired_token_is_refreshed_and_the_run_carries_on(fake, sample_data):
    fake.token_uses = 2  # the access token dies after two requests
    sync()
    assert fake.grants == ["password", "refresh_token"]
    pages = [args["page"] for path, args in fake.requests if path == "/api/acled/read"]
    assert pages == ["1", "2", "3"]  # page 3 got a 401, then its answer with the refreshed token
    assert acled_incidents().count() == 6


@pytest.mark.django_db
def test_rate_limited_pages_are_retried_after_a_pause(fake, sample_data):
    fake.scripted[("/api/acled/read", 2)] = _json(
        {"status": 429, "message": "Too many requests"}, 429, {"Retry-After": "0"}
    )
    output = sync()
    pages = [args["page"] for path, args in fake.requests if path == "/api/acled/read"]
    assert pages == ["1", "2", "2", "3"]  # page 2 again after the pause, then on
    assert "Rate limited 1 time(s)" in output
    assert acled_incidents().count() == 6


@pytest.mark.django_db
def test_deleted_events_are_retracted_or_noted(fake, sample_data, make_incident):
    published = make_incident(external_source="acled", external_id="OLD-1", status=IncidentStatus.PUBLISHED)
    draft = make_incident(external_source="acled", external_id="OLD-2", status=IncidentStatus.DRAFT)
    other = make_incident(external_source="ucdp", external_id="OLD-1", status=IncidentStatus.PUBLISHED)
    fake.deleted = [
        {"event_id_cnty": "OLD-1", "deleted_timestamp": "1700000000"},
        {"event_id_cnty": "OLD-2", "deleted_timestamp": "1700000100"},
        {"event_id_cnty": "NEVER-IMPORTED", "deleted_timestamp": "1700000200"},
    ]
    output = sync()
    assert "3 event(s) deleted by ACLED; 1 published incident(s) were retracted, 1 unpublished one(s) noted" in output
    for incident in (published, draft, other):
        incident.refresh_from_db()
    assert published.status == IncidentStatus.RETRACTED and "ACLED deleted this event" in published.internal_notes
    assert published.history.first().history_change_reason == "ACLED deletions endpoint: event OLD-1"
    assert draft.status == IncidentStatus.DRAFT and "ACLED deleted this event" in draft.internal_notes
    assert other.status == IncidentStatus.PUBLISHED  # another dataset's event of the same id
    assert SyncState.objects.get(source="acled").cursor["deleted_timestamp"] == 1700000200
    assert any(a.get("deleted_timestamp") == "1700000200" for _, a in fake.requests[-1:]) is False
    sync()
    assert fake.requests[-1][1]["deleted_timestamp"] == "1700000200"  # incremental too


@pytest.mark.django_db
def test_a_deletion_is_a_system_transition_whoever_queued_the_sync(fake, sample_data, make_incident, editor):
    """An editor (no publish permission) queues the sync: the retraction is still made, by the system,
    through the workflow's transition (history reason, no user), not as the editor."""
    published = make_incident(external_source="acled", external_id="OLD-1", status=IncidentStatus.PUBLISHED)
    fake.deleted = [{"event_id_cnty": "OLD-1", "deleted_timestamp": "1700000000"}]
    from ipwatch.sync.runner import sync as run_sync

    result = run_sync("acled", user=editor)
    assert result.retracted == 1
    published.refresh_from_db()
    assert published.status == IncidentStatus.RETRACTED
    entry = published.history.first()
    assert entry.history_user is None  # the system, not the editor who could not have retracted it
    assert entry.history_change_reason == "ACLED deletions endpoint: event OLD-1"
    assert not Incident.objects.published().filter(pk=published.pk).exists()


@pytest.mark.django_db
def test_a_malformed_page_fails_the_run_and_nothing_is_written(fake, sample_data):
    fake.scripted[("/api/acled/read", 3)] = _json({"status": 200, "success": True, "data": "oops"})
    with pytest.raises(CommandError, match="ACLED events, page 3: the answer's `data` is not a list"):
        sync()
    fake.scripted[("/api/acled/read", 2)] = Response("<html>Bad gateway</html>", content_type="text/html")
    with pytest.raises(CommandError, match="page 2: the answer is not JSON"):
        sync()
    assert not acled_incidents().exists() and not SyncState.objects.filter(cursor__has_key="timestamp").exists()


@pytest.mark.django_db
def test_a_bad_row_fails_the_whole_run(fake, sample_data):
    fake.events[1] = {**fake.events[1], "event_date": "31 Foo 2019"}
    with pytest.raises(CommandError, match=r"bad row.*row 3, column event_date"):
        sync()
    assert not acled_incidents().exists()


@pytest.mark.django_db
def test_missing_or_wrong_credentials_fail_with_a_clear_message(fake, sample_data, settings):
    settings.ACLED_PASSWORD = ""
    with pytest.raises(CommandError, match="set ACLED_EMAIL and ACLED_PASSWORD"):
        sync()
    settings.ACLED_PASSWORD = "wrong"
    with pytest.raises(CommandError, match=r"ACLED login: ACLED refused \(HTTP 400\)"):
        sync()
    assert fake.requests == [] and not acled_incidents().exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_keeps_the_cursor(fake, sample_data):
    assert "Dry run (nothing written): ACLED: 3 page(s), 8 rows read. 8 rows: 6 incidents would be created" in sync(
        "--dry-run"
    )
    assert not acled_incidents().exists() and not SyncState.objects.filter(cursor__has_key="timestamp").exists()


@pytest.mark.django_db
def test_background_sync_runs_as_a_job(fake, sample_data):
    assert "Queued job #" in sync("--background")
    [job] = run_queued_jobs()
    assert job.state == JobState.SUCCEEDED, job.errors
    assert (job.rows_done, job.rows_total) == (8, 8) and len(job.written_ids) == 6
    settings_failure = Job.objects.count()
    fake.scripted[("/api/acled/read", 1)] = _json({"status": 200, "success": True}, 200)
    sync("--background", "--since", "2000-01-01")
    [failed] = run_queued_jobs()
    assert Job.objects.count() == settings_failure + 1
    assert failed.state == JobState.FAILED and "`data` is not a list" in failed.summary
