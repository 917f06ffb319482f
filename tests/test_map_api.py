"""/api/incidents.geojson: shape, filters, errors, privacy, escaping, caching, gzip, query counts."""

import gzip
import json
import subprocess

import pytest
from django.db.models import F

from ipwatch.core.choices import IncidentStatus, LocationPrecision, SourceKind
from ipwatch.core.models import Incident, Report
from ipwatch.core.workflow import SYSTEM
from ipwatch.maps.geojson import PROPERTY_NAMES
from tests.filter_helpers import INVALID_FILTERS
from tests.processes import require

API = "/api/incidents.geojson"
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
SCRIPT_PAYLOAD = "</script><script>alert(1)</script>"


def get_collection(client, query=""):
    response = client.get(API + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def feature_ids(collection):
    return sorted(feature["properties"]["id"] for feature in collection["features"])


@pytest.mark.django_db
class TestShape:
    def test_rfc7946_feature_collection_of_sample_data(self, client, sample_data):
        response = client.get(API)
        assert response["Content-Type"] == "application/geo+json"
        collection = json.loads(response.content)
        assert collection["type"] == "FeatureCollection"
        assert collection["without_coordinates"] == 0
        assert len(collection["features"]) == 3
        sebha = next(f for f in collection["features"] if f["properties"]["place"] == "Sebha")
        assert sebha["type"] == "Feature"
        assert sebha["geometry"] == {"type": "Point", "coordinates": [14.4283, 27.0377]}  # [lon, lat]
        props = sebha["properties"]
        assert tuple(props) == PROPERTY_NAMES
        assert props["date"] == "2019-05-04"
        assert props["date_precision"] == "day"
        assert props["date_display"] == "4 May 2019"
        assert props["country"] == "LY"
        assert props["province"] == "fezzan"
        assert props["province_name"] == "Fezzan"
        assert props["incident_type"] == "raid"
        assert props["claim_status"] == "claimed"
        assert props["location_precision"] == "near"
        assert props["killed"] == 1
        assert props["wounded"] is None
        # The claim's one combined figure, next to the independent figure above.
        assert props["claimed_killed_or_wounded"] == 16
        assert props["claimed_killed"] is None
        assert props["synthetic"] is False
        incident = Incident.objects.get(pk=props["id"])
        assert props["url"] == "http://testserver" + incident.get_absolute_url()
        assert sebha["id"] == props["id"]

    def test_month_precision_date_is_shown_at_its_precision(self, client, sample_data):
        collection = get_collection(client, "until=2018-12-31")
        (feature,) = collection["features"]
        assert feature["properties"]["date"] == "2018-10-01"
        assert feature["properties"]["date_precision"] == "month"
        assert feature["properties"]["date_display"] == "Oct 2018"

    def test_coordinates_rounded_to_five_decimals(self, client, make_incident, make_place):
        make_incident(place=make_place(latitude=27.123456789, longitude=-14.987654321))
        (feature,) = get_collection(client)["features"]
        assert feature["geometry"]["coordinates"] == [-14.98765, 27.12346]

    def test_claimed_figures_take_the_highest_claim_and_ignore_independent_reports(
        self, client, make_incident, make_source
    ):
        amaq = make_source(kind=SourceKind.GROUP_MEDIA)
        reuters = make_source()
        make_incident(
            killed_best=3,
            wounded_best=5,
            reports=[
                {"source": amaq, "is_claim": True, "killed": 10, "wounded": 20},
                {"source": amaq, "is_claim": True, "killed": 12},
                {"source": reuters, "is_claim": False, "killed": 99, "killed_or_wounded": 99},
            ],
        )
        props = get_collection(client)["features"][0]["properties"]
        assert (props["killed"], props["wounded"]) == (3, 5)
        claimed = (props["claimed_killed"], props["claimed_wounded"], props["claimed_killed_or_wounded"])
        assert claimed == (12, 20, None)

    def test_synthetic_incidents_are_labelled(self, client, make_incident):
        make_incident(is_synthetic=True)
        assert get_collection(client)["features"][0]["properties"]["synthetic"] is True

    def test_empty_collection(self, client, db):
        assert get_collection(client) == {
            "type": "FeatureCollection",
            "data_as_of": None,
            "without_coordinates": 0,
            "features": [],
        }


@pytest.mark.django_db
class TestPrivacy:
    def test_only_published_incidents_even_for_staff(self, client, editor_client, make_incident):
        published = make_incident()
        for status in (IncidentStatus.DRAFT, IncidentStatus.REVIEW, IncidentStatus.RETRACTED):
            make_incident(status=status)
        assert feature_ids(get_collection(client)) == [published.pk]
        assert feature_ids(get_collection(editor_client)) == [published.pk]

    def test_internal_notes_and_editor_names_never_appear(self, client, make_incident, editor):
        make_incident(internal_notes="secret-internal-note", created_by=editor, updated_by=editor)
        body = client.get(API).content.decode()
        assert "secret-internal-note" not in body
        assert "editor" not in body

    def test_incidents_without_coordinates_are_left_out_and_counted(self, client, make_incident, make_place):
        located = make_incident()
        make_incident(place=None)
        make_incident(place=make_place(latitude=None, longitude=None))
        make_incident(place=None, status=IncidentStatus.DRAFT)  # not published: not counted either
        collection = get_collection(client)
        assert feature_ids(collection) == [located.pk]
        assert collection["without_coordinates"] == 2


@pytest.mark.django_db
class TestFilters:
    def test_each_filter(self, client, sample_data):
        def places(query):
            return sorted(f["properties"]["place"] for f in get_collection(client, query)["features"])

        assert places("province=fezzan") == ["Sebha"]
        assert places("province=fezzan&province=barqa") == ["Sebha"]
        assert places("country=LY&since=2019-01-01") == ["Al-Fuqaha", "Sebha"]
        assert places("until=2019-04-30") == ["Al-Fuqaha", "Al-Fuqaha"]
        assert places("type=raid&claimed=yes") == ["Al-Fuqaha", "Sebha"]
        assert places("claimed=no") == ["Al-Fuqaha"]
        assert places("q=beheaded") == ["Sebha"]
        assert places("bbox=14,26,15,28") == ["Sebha"]
        assert places("bbox=16,27,17,28") == ["Al-Fuqaha", "Al-Fuqaha"]
        assert places("country=IQ") == []

    def test_filters_apply_to_the_without_coordinates_count(self, client, make_incident, make_province):
        fezzan = make_province(slug="fez")
        make_incident(place=None, province=fezzan)
        make_incident(place=None)
        assert get_collection(client, "province=fez")["without_coordinates"] == 1

    def test_id_selects_incidents_but_never_unpublished_ones(self, client, make_incident):
        first, second, _ = make_incident(), make_incident(), make_incident()
        draft = make_incident(status=IncidentStatus.DRAFT)
        assert feature_ids(get_collection(client, f"id={first.pk},{second.pk},{draft.pk}")) == [first.pk, second.pk]

    def test_properties_narrows_the_properties(self, client, sample_data):
        collection = get_collection(client, "properties=province,killed,synthetic,url&province=fezzan")
        (feature,) = collection["features"]
        assert list(feature["properties"]) == ["province", "killed", "url", "synthetic"]  # canonical order
        assert feature["geometry"]["coordinates"] == [14.4283, 27.0377]
        assert isinstance(feature["id"], int)
        assert get_collection(client, "properties=")["features"][0]["properties"] == {}

    def test_map_properties_are_a_valid_selection(self, client, sample_data):
        from ipwatch.maps.geojson import MAP_PROPERTIES

        collection = get_collection(client, "properties=" + ",".join(MAP_PROPERTIES))
        assert set(collection["features"][0]["properties"]) == set(MAP_PROPERTIES)

    @pytest.mark.parametrize(
        ("query", "param"),
        [
            ("properties=province,summary", "properties"),
            ("properties=internal_notes", "properties"),
            ("id=12,abc", "id"),
            ("id=99999999999999999999", "id"),
            ("id=0", "id"),
            ("id=" + "9" * 5000, "id"),
            ("id=²", "id"),
            ("id=" + ",".join(str(n) for n in range(1, 502)), "id"),
            *INVALID_FILTERS,
        ],
    )
    def test_invalid_value_is_a_400_json_error_naming_the_parameter(self, client, sample_data, query, param):
        response = client.get(f"{API}?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert list(body["errors"]) == [param]
        assert param in body["error"]


@pytest.mark.django_db
class TestEscaping:
    def test_markup_in_stored_text_is_escaped_in_the_json(self, client, make_incident, make_place, make_province):
        source_payload = f"Source {SCRIPT_PAYLOAD}"
        incident = make_incident(
            place=make_place(name=f"{IMG_PAYLOAD} {SCRIPT_PAYLOAD}"),
            province=make_province(name=f"Province {IMG_PAYLOAD}"),
            summary=f"Summary {IMG_PAYLOAD} {SCRIPT_PAYLOAD} & more",
        )
        Report.objects.create(
            incident=incident,
            source=Report._meta.get_field("source").related_model.objects.create(
                name=source_payload, slug="payload-source", kind=SourceKind.OTHER
            ),
            is_claim=True,
            killed=1,
        )
        raw = client.get(API).content.decode()
        # No markup character survives as such; the values are intact once parsed.
        for character in "<>&":
            assert character not in raw
        assert "\\u003cimg src=x onerror=alert(1)\\u003e" in raw
        assert "\\u003c/script\\u003e" in raw
        props = json.loads(raw)["features"][0]["properties"]
        assert props["place"] == f"{IMG_PAYLOAD} {SCRIPT_PAYLOAD}"
        assert props["province_name"] == f"Province {IMG_PAYLOAD}"


@pytest.mark.django_db
class TestCaching:
    def test_etag_and_revalidation_headers(self, client, sample_data):
        response = client.get(API)
        assert response["ETag"].startswith('W/"')
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"public", "no-cache", "max-age=0"} <= cache_control
        assert "Accept-Encoding" in response["Vary"]

    def test_conditional_get_returns_304_until_something_changes(self, client, sample_data):
        etag = client.get(API)["ETag"]
        not_modified = client.get(API, HTTP_IF_NONE_MATCH=etag)
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
        assert client.get(f"{API}?province=fezzan", HTTP_IF_NONE_MATCH=etag).status_code == 200

    def test_drafts_do_not_change_the_etag(self, client, make_incident):
        published = make_incident()
        etag = client.get(API)["ETag"]
        make_incident(status=IncidentStatus.DRAFT, place=published.place, province=published.province)
        assert client.get(API, HTTP_IF_NONE_MATCH=etag).status_code == 304

    def test_a_published_change_shows_on_the_next_request(self, client, make_incident, reviewer):
        published = make_incident()
        etag = client.get(API)["ETag"]
        incident = make_incident(status=IncidentStatus.REVIEW, place=published.place, province=published.province)
        assert client.get(API, HTTP_IF_NONE_MATCH=etag).status_code == 304

        incident.transition(IncidentStatus.PUBLISHED, reviewer)
        response = client.get(API, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert incident.pk in feature_ids(json.loads(response.content))

        etag = response["ETag"]
        incident.transition(IncidentStatus.RETRACTED, reviewer)
        response = client.get(API, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert incident.pk not in feature_ids(json.loads(response.content))

    def test_edits_to_places_provinces_and_claims_change_the_etag(self, client, make_incident, make_source):
        incident = make_incident()
        etags = [client.get(API)["ETag"]]

        incident.place.name = "Renamed place"
        incident.place.save()
        etags.append(client.get(API)["ETag"])

        incident.province.name = "Renamed province"
        incident.province.save()
        etags.append(client.get(API)["ETag"])

        Report.objects.bulk_create([Report(incident=incident, source=make_source(), is_claim=True, killed=7)])
        etags.append(client.get(API)["ETag"])
        assert len(set(etags)) == 4
        assert get_collection(client)["features"][0]["properties"]["claimed_killed"] == 7

    def test_bulk_updates_that_skip_save_still_change_the_etag(self, client, make_incident):
        # Uncompressed requests skip the public cache (which needs invalidate_public_cache() after
        # bulk writes): the ETag alone must notice.
        incident = make_incident()
        etag = client.get(API)["ETag"]
        Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.RETRACTED, acting_user=SYSTEM)
        assert client.get(API, HTTP_IF_NONE_MATCH=etag).status_code == 200
        Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.PUBLISHED, acting_user=SYSTEM)
        etag = client.get(API)["ETag"]
        type(incident.place).objects.filter(pk=incident.place_id).update(latitude=F("latitude") + 1)
        assert client.get(API, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.django_db
class TestSharedCache:
    """Browsers (gzip) are answered from the public cache; any saved change reaches them at once."""

    def test_cached_for_gzip_clients_and_revalidated_with_the_etag(self, client, make_incident):
        make_incident()
        first = client.get(API, HTTP_ACCEPT_ENCODING="gzip")
        assert first["X-Public-Cache"] == "miss"
        again = client.get(API, HTTP_ACCEPT_ENCODING="gzip")
        assert again["X-Public-Cache"] == "hit"
        assert again.content == first.content
        revalidated = client.get(API, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
        assert revalidated.status_code == 304

    def test_a_publication_shows_on_the_next_request(self, client, make_incident, reviewer):
        published = make_incident()
        etag = client.get(API, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
        incident = make_incident(status=IncidentStatus.REVIEW, place=published.place, province=published.province)
        incident.transition(IncidentStatus.PUBLISHED, reviewer)
        response = client.get(API, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert incident.pk in feature_ids(json.loads(gzip.decompress(response.content)))

    def test_uncompressed_bodies_are_not_cached(self, client, make_incident):
        make_incident()
        client.get(API)
        assert "X-Public-Cache" not in client.get(API)

    def test_logged_in_users_get_the_same_published_data_uncached(self, analyst_client, make_incident):
        make_incident()
        make_incident(status=IncidentStatus.REVIEW)
        response = analyst_client.get(API, HTTP_ACCEPT_ENCODING="gzip")
        assert "X-Public-Cache" not in response
        assert len(json.loads(gzip.decompress(response.content))["features"]) == 1


@pytest.mark.django_db
class TestGzip:
    def test_gzip_when_the_client_accepts_it(self, client, make_incident):
        for _ in range(5):
            make_incident()
        plain = client.get(API)
        compressed = client.get(API, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert "Content-Encoding" not in plain
        assert compressed["Content-Encoding"] == "gzip"
        assert gzip.decompress(compressed.content) == plain.content
        assert len(compressed.content) < len(plain.content)


@pytest.mark.django_db
class TestQueryCount:
    @pytest.mark.parametrize("count", [3, 30])
    def test_queries_do_not_grow_with_incidents(
        self, client, make_incident, make_province, make_source, count, django_assert_num_queries
    ):
        province = make_province(slug="counted")
        source = make_source(kind=SourceKind.GROUP_MEDIA)
        for n in range(count):
            fields = {"province": province, "reports": [{"source": source, "is_claim": True, "killed": n}]}
            if n % 7 == 0:
                fields["place"] = None
            make_incident(**fields)

        # stats (counts + ETag markers), data as of, reference-data version, rows (with the claimed figures)
        with django_assert_num_queries(4):
            response = client.get(API)
        assert len(json.loads(response.content)["features"]) == count - len(range(0, count, 7))
        # + the province slugs' validation
        with django_assert_num_queries(5):
            assert len(get_collection(client, "province=counted&since=2000-01-01")["features"]) > 0
        # a revalidation that finds nothing new stops after the ETag
        with django_assert_num_queries(3):
            assert client.get(API, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.django_db
def test_location_precision_is_exported(client, make_incident, make_place):
    make_incident(place=make_place(location_precision=LocationPrecision.DISTRICT))
    assert get_collection(client)["features"][0]["properties"]["location_precision"] == "district"


@pytest.mark.django_db
def test_the_geojson_opens_in_gdal_as_a_point_layer(client, sample_data, tmp_path):
    ogrinfo = require("ogrinfo")  # Debian gdal-bin
    path = tmp_path / "incidents.geojson"
    path.write_bytes(client.get(API).content)
    command = [ogrinfo, "-ro", "-al", "-q", str(path)]  # our own file and a fixed binary
    info = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout  # noqa: S603
    assert info.count("POINT (") == 3
    assert "POINT (14.4283 27.0377)" in info
    assert "province_name (String) = Fezzan" in info
