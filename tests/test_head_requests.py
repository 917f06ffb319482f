"""HEAD answers like GET, without a body, on the public APIs (it was 405 on two of them)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/api/timeline.json", "application/json"),
        ("/api/incidents.csv", "text/csv; charset=utf-8"),
        ("/api/incidents.geojson", "application/geo+json"),
        ("/api/incidents.map.json", "application/json"),
    ],
)
def test_head_answers_like_get(client, sample_data, url, content_type):
    get = client.get(url)
    head = client.head(url)
    assert (get.status_code, head.status_code) == (200, 200)
    assert head["Content-Type"].startswith(content_type) and get["Content-Type"] == head["Content-Type"]
    assert head.content == b""


@pytest.mark.parametrize("url", ["/api/timeline.json?since=nonsense", "/api/incidents.csv?since=nonsense"])
def test_head_with_a_bad_filter_is_400(client, url):
    assert client.head(url).status_code == 400


def test_other_methods_are_still_refused(client):
    assert client.post("/api/timeline.json").status_code == 405
    assert client.post("/api/incidents.csv").status_code == 405
