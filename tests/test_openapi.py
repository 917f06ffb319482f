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
        ("/api/activity.geojson", ""),
        ("/api/activity.geojson", "kind=media_release,territory&q=Sabha"),
        ("/api/activity.geojson", "kind=attack&kind=leadership&since=2019-01-01"),
        ("/api/timeline.json", "kind=attack,media_release,territory&group=kind"),
        ("/api/timeline.json", "kind=territory&granularity=year&group=type"),
    ],
)
def test_real_responses_match_the_schemas(client, sample_data, document, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    check(document, path, response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/incidents.geojson?since=x",
        "/api/timeline.json?granularity=day",
        "/api/reports.csv?bbox=1",
        "/api/activity.geojson?kind=bogus",
        "/api/activity.csv?kind=attack,nope",
        "/api/timeline.json?kind=nope",
    ],
)
def test_errors_match_the_error_schema(client, db, document, url):
    response = client.get(url)
    assert response.status_code == 400
    check(document, url.split("?")[0], response, "400")


def test_human_page_lists_every_endpoint(client, db, document):
    html = client.get("/api/").content.decode()
    assert document["paths"]
    for path in document["paths"]:
        assert f"GET {path}" in html
    assert 'href="/api/openapi.json"' in html


def test_activity_schemas_are_specific(document):
    """The activity answers are described field by field, with the kind slugs as an exact enum."""
    from ipwatch.activity.choices import ActivityKind
    from ipwatch.activity.geojson import PROPERTY_NAMES

    feature = document["components"]["schemas"]["ActivityFeature"]
    properties = feature["properties"]["properties"]
    assert properties["required"] == list(PROPERTY_NAMES)
    assert properties["properties"]["kind"]["enum"] == ActivityKind.slugs()
    assert {"kind", "title", "date", "date_precision", "province", "place", "country", "url"} <= set(
        properties["required"]
    )
    for path in ("/api/activity.geojson", "/api/activity.csv"):
        (kind,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "kind"]
        assert kind["schema"]["items"]["enum"] == ActivityKind.slugs()
        assert (kind["style"], kind["explode"]) == ("form", False)  # comma-separated
        assert "400" in document["paths"][path]["get"]["responses"]


@pytest.mark.parametrize("path", ["/api/activity.csv", "/api/incidents.csv", "/api/reports.csv"])
def test_csv_columns_and_header_as_described(client, sample_data, document, path):
    response = client.get(path)
    ok = document["paths"][path]["get"]["responses"]["200"]
    described = ok["content"]["text/csv"]["schema"]["description"].split("columns: ")[1].split(", ")
    header = b"".join(response.streaming_content).decode().splitlines()[0].split(",")
    assert header == described
    assert "Data-As-Of" in ok["headers"]
    jsonschema.validate(response["Data-As-Of"], ok["headers"]["Data-As-Of"]["schema"])
