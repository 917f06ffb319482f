"""/api/incidents.map.json: the map page's compact data — same incidents as the GeoJSON API, only
published ones, coordinates never finer than the location precision, errors, caching, query count."""

import datetime as dt
import gzip
import json

import pytest

from ipwatch.core.choices import IncidentStatus, LocationPrecision

API = "/api/incidents.map.json"
GEOJSON = "/api/incidents.geojson"


def decode(body: dict) -> list[dict]:
    """The compact columns back into one dict per incident (what incident-map.js does)."""
    columns, legend, places = body["columns"], body["legend"], body["places"]
    rows, pk = [], 0
    for i, step in enumerate(columns["id"]):
        pk += step
        lon, lat, precision = places[columns["place"][i]]
        rows.append(
            {
                "id": pk,
                "coordinates": [lon, lat],
                "date": (dt.date(1970, 1, 1) + dt.timedelta(days=columns["day"][i])).isoformat(),
                "province": legend["province"][columns["province"][i]] or None,
                "location_precision": legend["location_precision"][precision],
                "size": columns["size"][i],
                "synthetic": bool(columns["synthetic"][i]),
            }
        )
    return rows


def get_map_data(client, query=""):
    response = client.get(API + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.django_db
class TestContent:
    def test_same_incidents_and_drawn_values_as_the_geojson_api(self, client, sample_data):
        body = get_map_data(client)
        assert body["format"] == "ipwatch-map/1"
        geojson = client.get(GEOJSON).json()
        expected = sorted(
            (
                feature["id"],
                feature["properties"]["date"],
                feature["properties"]["province"],
                feature["properties"]["location_precision"],
                None
                if feature["properties"]["killed"] is None and feature["properties"]["wounded"] is None
                else (feature["properties"]["killed"] or 0) + (feature["properties"]["wounded"] or 0),
                feature["properties"]["synthetic"],
            )
            for feature in geojson["features"]
        )
        rows = decode(body)
        assert (
            sorted(
                (r["id"], r["date"], r["province"], r["location_precision"], r["size"], r["synthetic"]) for r in rows
            )
            == expected
        )
        assert body["total"] == len(rows) == 3
        assert body["without_coordinates"] == geojson["without_coordinates"]
        sebha = next(row for row in rows if row["date"] == "2019-05-04")
        assert sebha["coordinates"] == [14.43, 27.04]  # a town: ~1 km, not the 5 decimals of the GeoJSON
        assert sebha["size"] == 1  # one killed, wounded unknown: the known figure, never a made-up 0

    def test_only_published_incidents(self, client, make_incident):
        shown = make_incident()
        for status in IncidentStatus:
            if status not in (IncidentStatus.PUBLISHED, IncidentStatus.MERGED):
                make_incident(status=status)
        assert [row["id"] for row in decode(get_map_data(client))] == [shown.pk]

    @pytest.mark.parametrize(
        ("precision", "expected"),
        [
            (LocationPrecision.EXACT, [14.1235, 27.9877]),
            (LocationPrecision.NEAR, [14.12, 27.99]),
            (LocationPrecision.DISTRICT, [14.1, 28.0]),
            (LocationPrecision.PROVINCE, [14.1, 28.0]),
            (LocationPrecision.COUNTRY, [14.1, 28.0]),
        ],
    )
    def test_coordinates_never_finer_than_the_location_precision(
        self, client, make_incident, make_place, precision, expected
    ):
        place = make_place(latitude=27.987654, longitude=14.123456, location_precision=precision)
        make_incident(place=place)
        (row,) = decode(get_map_data(client))
        assert row["coordinates"] == expected
        assert row["location_precision"] == precision

    def test_incidents_without_coordinates_are_counted_not_drawn(self, client, make_incident, make_place):
        make_incident(place=make_place(latitude=None, longitude=None))
        make_incident(place=None)
        drawn = make_incident()
        body = get_map_data(client)
        assert [row["id"] for row in decode(body)] == [drawn.pk]
        assert body["without_coordinates"] == 2

    def test_no_province_and_unknown_figures(self, client, make_incident):
        make_incident(province=None, killed_best=None, wounded_best=None)
        (row,) = decode(get_map_data(client))
        assert row["province"] is None
        assert row["size"] is None

    def test_filters_are_the_geojson_apis(self, client, sample_data):
        for query in ("province=fezzan", "since=2019-01-01", "q=Sabha", "type=raid&claimed=yes"):
            geojson = client.get(f"{GEOJSON}?{query}").json()
            rows = decode(get_map_data(client, query))
            assert sorted(row["id"] for row in rows) == sorted(f["id"] for f in geojson["features"]), query

    def test_stored_text_never_appears(self, client, make_incident, make_province):
        province = make_province(name="<script>alert(1)</script>")
        make_incident(province=province, summary="</script><img src=x onerror=alert(1)>")
        raw = client.get(API).content.decode()
        assert "<" not in raw and "script" not in raw


@pytest.mark.django_db
class TestProtocol:
    def test_invalid_filter_is_a_400_naming_it(self, client, db):
        response = client.get(f"{API}?since=yesterday")
        assert response.status_code == 400
        assert "since" in response.json()["errors"]

    def test_gzip_etag_and_not_modified(self, client, sample_data):
        response = client.get(API, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"
        assert json.loads(gzip.decompress(response.content))["total"] == 3
        etag = response["ETag"]
        assert client.get(API, HTTP_IF_NONE_MATCH=etag).status_code == 304

    def test_four_queries_rows_places_province_slugs_data_as_of(self, client, sample_data, django_assert_num_queries):
        with django_assert_num_queries(4):
            assert client.get(API).status_code == 200

    def test_map_page_preloads_and_configures_it(self, client, sample_data):
        html = client.get("/map/?province=fezzan&since=2019-01-01").content.decode()
        assert f'<link rel="preload" href="{API}?province=fezzan" as="fetch" crossorigin>' in html
