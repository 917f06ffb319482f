"""Two app servers (gunicorn processes) on one PostgreSQL and one Redis cache (a real Debian
redis-server on a free port): publishing through one shows on the other's cached pages and APIs at
the very next request. PostgreSQL pass only: several app servers on one SQLite file is not a setup
we support; the test fails instead of skipping there only if redis-server is missing and CI=true."""

import pytest
import requests

from tests.processes import app_server, is_postgres, redis_server

SUMMARY = "SYNTHETIC two-server test incident (not real), in review until published on server A."
PLACE = "Synthetic two-server place"  # what the public incident list shows of it


def create_reviewer_and_incident(db) -> int:
    script = f"""
from django.contrib.auth.models import Group, User
from ipwatch.core.models import Incident, Place, Province
from ipwatch.core.workflow import SYSTEM
user = User.objects.create_user("reviewer2", password="pw-for-tests-only", is_staff=True)
user.groups.add(Group.objects.get(name="Reviewers"))
place = Place.objects.create(name={PLACE!r}, country="LY", latitude=27.1, longitude=14.5)
incident = Incident.objects.create(acting_user=SYSTEM, date="2019-05-04", incident_type="raid", status="review",
    summary={SUMMARY!r},
    place=place, province=Province.objects.get(slug="fezzan"), is_synthetic=True)
print(incident.pk)
"""
    return int(db.manage("shell", "-c", script).stdout.strip().splitlines()[-1])


def login(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/admin/login/", timeout=30)
    response = session.post(
        f"{base}/admin/login/?next=/admin/",
        data={
            "username": "reviewer2",
            "password": "pw-for-tests-only",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=30,
    )
    assert response.url.endswith("/admin/"), response.text[:500]
    return session


def test_publishing_on_one_server_shows_on_the_other_at_the_next_request(process_db, tmp_path):
    if not is_postgres():
        pytest.skip("several app servers share a PostgreSQL database: this runs in the PostgreSQL pass")
    db = process_db
    incident_id = create_reviewer_and_incident(db)
    with redis_server(tmp_path) as (cache_url, redis_client):
        env = {"CACHE_URL": cache_url, "PUBLIC_CACHE_TIMEOUT": "600"}
        with app_server(db, env, "server-a") as server_a, app_server(db, env, "server-b") as server_b:
            pages = ["/incidents/", "/api/incidents.geojson"]
            for page in pages:  # server B caches what the public sees: the incident is not published yet
                for expected in ("miss", "hit"):
                    response = requests.get(server_b + page, timeout=30)
                    assert response.status_code == 200 and response.headers["X-Public-Cache"] == expected
                    assert PLACE not in response.text and f'"id": {incident_id},' not in response.text
            assert redis_client.dbsize() > 0  # the cached responses live in Redis

            session = login(server_a)
            response = session.post(
                f"{server_a}/admin/core/incident/",
                data={"action": "publish", "_selected_action": str(incident_id),
                      "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                timeout=30,
            )  # fmt: skip
            assert response.status_code == 200, response.text[:500]
            assert db.query("SELECT status FROM core_incident WHERE id = ?", (incident_id,)) == [("published",)]

            listing = requests.get(server_b + "/incidents/", timeout=30)
            assert listing.headers["X-Public-Cache"] == "miss" and PLACE in listing.text
            api = requests.get(server_b + "/api/incidents.geojson", timeout=30).json()
            assert incident_id in [feature["id"] for feature in api["features"]]
            again = requests.get(server_b + "/incidents/", timeout=30)
            assert again.headers["X-Public-Cache"] == "hit" and PLACE in again.text
