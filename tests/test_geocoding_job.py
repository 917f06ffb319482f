"""Batch geocoding as a background job: `geocode --pending --background [--wait]` and the Place admin's
"in the background" action; progress, unresolved places and a link to what it geocoded in the job
admin; the online service only through a fake geopy geocoder (no network)."""

import io

import pytest
from django.core.management import CommandError, call_command

from ipwatch.core.choices import GeocoderKind
from ipwatch.jobs.models import Job, JobKind, JobState
from tests.jobs_helpers import run_queued_jobs

CHANGELIST = "/admin/core/place/"


@pytest.fixture(autouse=True)
def job_dirs(settings, tmp_path):
    settings.IPWATCH_JOBS_DIR = tmp_path / "jobs"


@pytest.fixture
def fake_online(monkeypatch, settings):
    """geopy's Nominatim replaced by a fake answering one name; online geocoding allowed."""
    from geopy.location import Location
    from geopy.point import Point

    from ipwatch.geocoding import online

    asked = []

    class FakeNominatim:
        def geocode(self, query, **kwargs):
            asked.append(query)
            if query != "Jabril Baba camp":
                return []
            raw = {"osm_type": "way", "osm_id": 7, "name": "Jabril Baba", "address": {"country_code": "ly"}}
            return [Location("Jabril Baba, Sabha, Libya", Point(27.05, 14.4), raw)]

    fake = online.OnlineGeocoder("nominatim", geocoder=FakeNominatim(), min_delay_seconds=0)
    monkeypatch.setattr(online, "get_online_geocoder", lambda: fake)
    settings.IPWATCH_GEOCODE_ONLINE = True
    return asked


def queue(*args) -> str:
    out = io.StringIO()
    call_command("geocode", "--pending", "--background", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_pending_geocoding_runs_as_a_job(make_place, fake_online, editor_client):
    sebha = make_place(name="Sebha", country="LY", latitude=None, longitude=None)
    camp = make_place(name="Jabril Baba camp", country="LY", latitude=None, longitude=None)
    nowhere = make_place(name="Xyzzyville", country="LY", latitude=None, longitude=None)
    make_place(name="Placed", country="LY", latitude=30.0, longitude=15.0)
    output = queue()
    job = Job.objects.get()
    assert f"Queued job #{job.pk}" in output and job.kind == JobKind.GEOCODE
    sebha.refresh_from_db()
    assert sebha.latitude is None  # nothing happens until a worker runs it

    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert job.summary.startswith("Geocoded 2 of 3 places without coordinates; 1 not geocoded")
    assert job.errors == [f"#{nowhere.pk} Xyzzyville (LY): " + job.errors[0].split(": ", 1)[1]]
    assert sorted(job.written_ids) == sorted([sebha.pk, camp.pk])
    sebha.refresh_from_db()
    camp.refresh_from_db()
    assert sebha.geocoder == GeocoderKind.GAZETTEER and sebha.gazetteer_id == "geonames:2212775"
    assert (camp.latitude, camp.longitude, camp.geocoder) == (27.05, 14.4, GeocoderKind.ONLINE)
    assert "Jabril Baba camp" in fake_online

    page = editor_client.get(f"/admin/jobs/job/{job.pk}/change/").content.decode()
    assert "3 / 3 (100%)" in page and "Xyzzyville (LY)" in page
    link = f"{CHANGELIST}?id__in=" + "%2C".join(map(str, job.written_ids))
    assert link in page and "the 2 places it geocoded" in page


@pytest.mark.django_db
def test_a_second_run_takes_up_only_the_places_still_pending(make_place):
    make_place(name="Sebha", country="LY", latitude=None, longitude=None)
    queue()
    run_queued_jobs()
    queue()
    [again] = run_queued_jobs()
    assert (again.rows_done, again.rows_total) == (0, 0)
    assert again.summary == "Geocoded 0 of 0 places without coordinates"


@pytest.mark.django_db
def test_wait_follows_the_job(make_place, monkeypatch):
    """--wait polls until a worker has run it (here: the job run as the wait starts)."""
    from ipwatch.jobs import follow as follow_module

    make_place(name="Sebha", country="LY", latitude=None, longitude=None)
    real_follow = follow_module.follow

    def run_then_follow(job, *args, **kwargs):
        run_queued_jobs()
        return real_follow(job, *args, **kwargs)

    monkeypatch.setattr(follow_module, "follow", run_then_follow)
    output = queue("--wait", "-v", "0")
    assert "finished: Geocoded 1 of 1 places" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Sebha", "--background"], "--background goes with --pending"),
        (["--pending", "--wait"], "--wait goes with --background"),
    ],
)
def test_bad_arguments(args, message, db):
    with pytest.raises(CommandError, match=message):
        call_command("geocode", *args, stdout=io.StringIO())


@pytest.mark.django_db
def test_the_admin_action_queues_the_selected_places(editor_client, make_place):
    sebha = make_place(name="Sebha", country="LY", latitude=None, longitude=None)
    placed = make_place(name="Sirte", country="LY", latitude=31.0, longitude=16.0)
    response = editor_client.post(
        CHANGELIST, {"action": "geocode_selected_in_background", "_selected_action": [sebha.pk, placed.pk]}
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/jobs/job/{job.pk}/change/"
    assert job.params["place_ids"] == [sebha.pk]  # the one without coordinates
    assert job.created_by.username == "editor"
    run_queued_jobs()
    sebha.refresh_from_db()
    assert sebha.latitude is not None


@pytest.mark.django_db
def test_the_admin_action_with_nothing_to_geocode(editor_client, make_place):
    placed = make_place(name="Sirte", country="LY", latitude=31.0, longitude=16.0)
    response = editor_client.post(
        CHANGELIST, {"action": "geocode_selected_in_background", "_selected_action": [placed.pk]}, follow=True
    )
    assert "already has coordinates: nothing to geocode" in response.content.decode()
    assert not Job.objects.exists()


# Transactional: the worker commits as in production (see test_jobs.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_worker_runs_a_geocoding_job(make_place):
    sebha = make_place(name="Sebha", country="LY", latitude=None, longitude=None)
    queue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job = Job.objects.get()
    assert job.state == JobState.SUCCEEDED, job.errors
    sebha.refresh_from_db()
    assert sebha.gazetteer_id == "geonames:2212775"
