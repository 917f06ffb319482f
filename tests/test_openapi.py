"""/api/openapi.json (OpenAPI 3.1) and /api/: the document validates, covers every public data
endpoint, and real responses match its schemas."""

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.public_urls import public_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def schema_of(document, path: str, status: str = "200") -> dict:
    content = document["paths"][path]["get"]["responses"][status]["content"]
    (media,) = content.values()
    return {**media["schema"], "components": document["components"]}


def check(document, path, response, status="200"):
    jsonschema.validate(response.json(), schema_of(document, path, status), cls=jsonschema.Draft202012Validator)


def test_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_public_data_endpoint_is_described(document):
    data_routes = {
        "/" + route.route.replace("<slug:slug>", "{slug}")
        for route in public_routes()
        if route.route.startswith(("api/", "feeds/")) or route.route.endswith((".atom", ".json", ".csv"))
    }
    data_routes -= {"/api/"}  # the human page
    private = {"/incidents/export.csv"}  # analysts only
    assert data_routes - private <= set(document["paths"]), data_routes - set(document["paths"])


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/incidents.geojson", ""),
        ("/api/incidents.geojson", "q=Sabha&properties=id,ref,killed"),
        ("/api/incidents.map.json", ""),
        ("/api/timeline.json", ""),
        ("/api/timeline.json", "granularity=week&group=type"),
        ("/api/datapackage.json", ""),
    ],
)
def test_real_responses_match_the_schemas(client, sample_data, document, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    check(document, path, response)


@pytest.mark.parametrize(
    "url", ["/api/incidents.geojson?since=x", "/api/timeline.json?granularity=day", "/api/reports.csv?bbox=1"]
)
def test_errors_match_the_error_schema(client, db, document, url):
    response = client.get(url)
    assert response.status_code == 400
    check(document, url.split("?")[0], response, "400")


def test_human_page_lists_every_endpoint(client, db, document):
    html = client.get("/api/").content.decode()
    for path in document["paths"]:
        assert f"GET {path}" in html
    assert 'href="/api/openapi.json"' in html
