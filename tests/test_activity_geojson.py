"""/api/activity.geojson: published activity of every kind, the incident filters plus kind=."""

import datetime as dt
import json

import pytest

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.workflow import SYSTEM

URL = "/api/activity.geojson"
REQUIRED = {"kind", "title", "date", "date_precision", "province", "place", "country", "url"}


def features(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)["features"]


@pytest.fixture
def every_kind(sample_data, make_place):
    """One published record of each non-attack kind the sample data lacks, plus a draft (synthetic)."""
    place = make_place(name="Test town (synthetic)")
    common = {"date": dt.date(2020, 3, 4), "place": place, "status": IncidentStatus.PUBLISHED, "is_synthetic": True}
    Activity.objects.create(
        acting_user=SYSTEM,
        kind="designation",
        title="Designation (synthetic)",
        authority="eu",
        designated_name="X",
        **common,
    )
    Activity.objects.create(acting_user=SYSTEM, kind="arrest", title="Arrest (synthetic)", people_held=2, **common)
    Activity.objects.create(acting_user=SYSTEM, kind="legal_case", title="Case (synthetic)", stage="trial", **common)
    Activity.objects.create(
        acting_user=SYSTEM, kind="pledge", title="Pledge (synthetic)", pledge_type="allegiance", **common
    )
    Activity.objects.create(
        acting_user=SYSTEM, kind="leadership", title="Leader (synthetic)", leadership_event="killed", **common
    )
    Activity.objects.create(
        kind="arrest", title="Draft arrest (synthetic)", **{**common, "status": IncidentStatus.DRAFT}
    )


@pytest.mark.django_db
class TestActivityGeoJSON:
    def test_every_kind_with_required_properties(self, client, every_kind):
        found = features(client)
        assert {f["properties"]["kind"] for f in found} == set(ActivityKind.slugs())
        for feature in found:
            assert set(feature["properties"]) >= REQUIRED
            assert feature["geometry"]["type"] == "Point"
        assert "Draft arrest (synthetic)" not in json.dumps(found)
        ids = [f["id"] for f in found]
        assert len(ids) == len(set(ids))

    def test_attack_features_match_incidents_api(self, client, sample_data):
        attacks = features(client, "?kind=attack")
        incidents = json.loads(client.get("/api/incidents.geojson").content)["features"]
        assert sorted(f["properties"]["id"] for f in attacks) == sorted(f["id"] for f in incidents)
        sebha = next(f for f in attacks if f["properties"]["place"] == "Sebha")
        assert sebha["properties"]["title"] == "Raid / armed assault at Sebha"
        assert sebha["properties"]["url"].endswith(f"/incidents/{sebha['properties']['id']}/")

    def test_kind_filter_comma_separated(self, client, sample_data):
        found = features(client, "?kind=media_release,territory")
        assert {f["properties"]["kind"] for f in found} == {"media_release", "territory"}
        sirte = next(f for f in found if f["properties"]["kind"] == "territory")
        assert sirte["properties"]["date"] is None
        assert sirte["properties"]["end_date"] == "2016-01-01"
        assert sirte["properties"]["period_display"] == "until 2016"
        assert sirte["properties"]["url"].endswith(f"/activity/{sirte['properties']['id']}/")

    @pytest.mark.parametrize("value", ["bogus", "attack,bogus", "ATTACK", "<script>"])
    def test_unknown_kind_is_400_naming_kind(self, client, value):
        response = client.get(URL, {"kind": value})
        assert response.status_code == 400
        assert "kind" in response.json()["errors"]

    @pytest.mark.parametrize(
        "query, param",
        [("province=nowhere", "province"), ("since=2019-13-01", "since"), ("bbox=1,2", "bbox"), ("type=x", "type")],
    )
    def test_incident_filters_validated(self, client, query, param):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 400
        assert param in response.json()["errors"]

    def test_incident_filters_apply(self, client, sample_data):
        fezzan = features(client, "?province=fezzan")
        assert {f["properties"]["province"] for f in fezzan} == {"fezzan"}
        assert {f["properties"]["kind"] for f in fezzan} == {"attack", "media_release"}
        assert all(f["properties"]["country"] == "LY" for f in features(client, "?country=LY"))
        assert features(client, "?country=EG") == []
        in_box = features(client, "?bbox=14,26,15,28")  # Sebha only
        assert {f["properties"]["place"] for f in in_box} == {"Sebha"}
        text = features(client, "?kind=media_release&q=photo")
        assert [f["properties"]["title"] for f in text] == ["Photo set from inside the Jabril Baba camp, Sebha"]

    def test_territory_dates_overlap(self, client, sample_data):
        kinds = lambda q: {f["properties"]["kind"] for f in features(client, q)}  # noqa: E731
        assert "territory" in kinds("?since=2016-06-01&until=2016-12-31")
        assert "territory" in kinds("?until=2010-01-01")  # start unknown: may have been held then
        assert "territory" not in kinds("?since=2017-01-01")

    def test_type_and_claimed_narrow_attacks_only(self, client, sample_data):
        found = features(client, "?type=bombing")
        assert "attack" not in {f["properties"]["kind"] for f in found}
        assert "media_release" in {f["properties"]["kind"] for f in found}

    def test_id_with_kind(self, client, sample_data):
        sirte = Activity.objects.get(kind="territory")
        found = features(client, f"?kind=territory&id={sirte.pk}")
        assert [f["id"] for f in found] == [f"territory-{sirte.pk}"]

    def test_unpublished_and_internal_never_shown(self, client, sample_data):
        Activity.objects.filter(kind="territory").update(internal_notes="zqsecret")
        Activity.objects.filter(kind="leadership").update(status=IncidentStatus.REVIEW, acting_user=SYSTEM)
        body = client.get(URL).content.decode()
        assert "zqsecret" not in body and "appears on camera" not in body

    def test_etag_changes_when_published(self, client, sample_data, reviewer):
        first = client.get(URL)
        assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        release = Activity.objects.get(issue_number=177)
        release.status = IncidentStatus.REVIEW
        release.save(acting_user=reviewer)
        assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200

    def test_escapes_html(self, client, sample_data):
        Activity.objects.filter(kind="territory").update(title="</script><b>x</b> & y")
        body = client.get(URL).content.decode()
        assert "</script>" not in body and "\\u003c/script\\u003e" in body

    def test_query_count_does_not_grow(
        self, client, every_kind, make_place, make_activity, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8) as few:
            client.get(URL)
        for _ in range(20):
            make_activity(place=make_place())
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(URL)

    def test_incidents_geojson_contract_unchanged(self, client, sample_data):
        feature = json.loads(client.get("/api/incidents.geojson").content)["features"][0]
        assert isinstance(feature["id"], int) and "kind" not in feature["properties"]


@pytest.mark.django_db
def test_data_as_of_and_refs_as_in_the_incidents_geojson(client, sample_data):
    collection = client.get(URL).json()
    incidents = client.get("/api/incidents.geojson").json()
    assert collection["data_as_of"] == incidents["data_as_of"] == "2019-05-04"
    by_id = {feature["id"]: feature["properties"] for feature in collection["features"]}
    assert incidents["features"], "the sample data's published attacks are on the map"
    for feature in incidents["features"]:
        assert by_id[f"attack-{feature['id']}"]["ref"] == feature["properties"]["ref"]
    sirte = Activity.objects.get(kind="territory")
    assert by_id[f"territory-{sirte.pk}"]["ref"] == f"IPW-A-{sirte.pk:06d}"


@pytest.mark.django_db
def test_data_as_of_is_null_without_published_records(client, db):
    assert client.get(URL).json() == {
        "type": "FeatureCollection",
        "data_as_of": None,
        "without_coordinates": 0,
        "features": [],
    }
