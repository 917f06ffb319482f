"""manage.py sync_ucdp [--version VERSION] [--since DATE] [--dry-run] against a local fake of UCDP's
GED API: the access token header, paging, rate limits, a malformed page, incremental runs, and the
same incidents as a file import of the same rows."""

import pytest
from django.core.management import CommandError, call_command
from werkzeug import Response

from ipwatch.sync.models import SyncState
from tests.fake_apis import DATA, FakeUcdp, _json, csv_rows, sync_and_incidents, ucdp_json_row
from tests.jobs_helpers import snapshot

SAMPLE = "ucdp_synthetic_sample.csv"  # 4 rows, 3 of them IS in a province


@pytest.fixture
def fake(httpserver, settings, monkeypatch):
    server = FakeUcdp(events=[ucdp_json_row(row) for row in csv_rows(SAMPLE)])
    return server.serve(httpserver, settings, monkeypatch, page_size=2)


sync, ucdp_incidents = sync_and_incidents("ucdp")


@pytest.mark.django_db
def test_pages_with_the_token_and_gives_the_file_import_result(fake, sample_data):
    output = sync()
    assert "UCDP: 2 page(s), 4 rows read. 4 rows: 3 incidents were created" in output
    assert [args["page"] for args in fake.requests] == ["0", "1"]
    assert all(args["pagesize"] == "2" for args in fake.requests)
    synced = snapshot(ucdp_incidents())
    ucdp_incidents().delete()
    call_command("import_incidents", str(DATA / SAMPLE), "--format", "ucdp", verbosity=0)
    assert snapshot(ucdp_incidents()) == synced


@pytest.mark.django_db
def test_version_since_and_the_next_run(fake, sample_data):
    fake.version = "26.0.8"
    with pytest.raises(CommandError, match=r"UCDP has no GED version '25\.1'"):
        sync()
    sync("--version", "26.0.8", "--since", "2019-03-01")
    assert fake.requests[0]["StartDate"] == "2019-03-01"
    latest = max(row["date_start"][:10] for row in fake.events)
    assert SyncState.objects.get(source="ucdp").cursor == {"version": "26.0.8", "latest_date": latest}
    fake.requests.clear()
    assert "3 unchanged" not in sync("--version", "26.0.8")
    assert fake.requests[0]["StartDate"] == latest  # incremental within the version


@pytest.mark.django_db
def test_missing_token_is_a_clear_failure(fake, sample_data, settings):
    settings.UCDP_TOKEN = ""
    with pytest.raises(CommandError, match=r"UCDP requires an access token .*set UCDP_TOKEN"):
        sync()
    settings.UCDP_TOKEN = "stale"
    with pytest.raises(CommandError, match=r"UCDP refused UCDP_TOKEN \(HTTP 401\)"):
        sync()
    assert not ucdp_incidents().exists()


@pytest.mark.django_db
def test_a_mirror_without_token_works(fake, sample_data, settings):
    fake.token = None
    settings.UCDP_TOKEN = ""
    sync()
    assert ucdp_incidents().count() == 3


@pytest.mark.django_db
def test_rate_limit_then_malformed_page(fake, sample_data):
    fake.scripted[1] = _json({"message": "slow down"}, 429, {"Retry-After": "0"})
    assert "Rate limited 1 time(s)" in sync()
    ucdp_incidents().delete()
    SyncState.objects.all().delete()
    fake.scripted[1] = Response('{"TotalCount": 4, "Result": [', content_type="application/json")
    with pytest.raises(CommandError, match="page 1: the answer is not JSON"):
        sync()
    fake.scripted[1] = _json({"TotalCount": 4, "Result": "none"})
    with pytest.raises(CommandError, match="not a GED page"):
        sync()
    assert not ucdp_incidents().exists() and not SyncState.objects.exists()
