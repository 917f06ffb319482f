"""ipwatch.maps.geojson: the serialiser the API and `export_incidents --format geojson` share."""

import json

import pytest

from ipwatch.core.models import Incident
from ipwatch.maps import geojson


@pytest.mark.django_db
class TestFeatureCollection:
    def test_document_and_chunks_agree(self, sample_data, monkeypatch):
        monkeypatch.setattr(geojson, "CHUNK_FEATURES", 2)  # force several chunks
        queryset = Incident.objects.published()
        chunks = list(geojson.iter_feature_collection(queryset))
        assert len(chunks) > 3
        text = geojson.feature_collection_json(queryset)
        assert "".join(chunks) == text
        collection = json.loads(text)
        assert len(collection["features"]) == 3
        assert collection["without_coordinates"] == 0

    def test_relative_links_without_base_url_absolute_with_it(self, make_incident):
        incident = make_incident()
        queryset = Incident.objects.published()
        relative = json.loads(geojson.feature_collection_json(queryset))["features"][0]["properties"]["url"]
        absolute = json.loads(geojson.feature_collection_json(queryset, base_url="https://ipwatch.example"))
        assert relative == incident.get_absolute_url()
        assert absolute["features"][0]["properties"]["url"] == "https://ipwatch.example" + incident.get_absolute_url()

    def test_counts_incidents_without_coordinates_itself_when_not_told(self, make_incident):
        make_incident(place=None)
        collection = json.loads(geojson.feature_collection_json(Incident.objects.published()))
        assert collection == {
            "type": "FeatureCollection",
            "data_as_of": None,
            "without_coordinates": 1,
            "features": [],
        }

    def test_features_in_id_order(self, make_incident):
        import datetime as dt

        first = make_incident(date=dt.date(2020, 1, 2))
        second = make_incident(date=dt.date(2019, 1, 2))
        features = json.loads(geojson.feature_collection_json(Incident.objects.all()))["features"]
        assert [f["id"] for f in features] == [first.pk, second.pk]

    def test_places_shared_by_incidents_keep_their_own_coordinates(self, make_incident, make_place):
        here, there = make_place(latitude=10.123456, longitude=20.654321), make_place(latitude=-1.5, longitude=-2.25)
        for place in (here, there, here, there):
            make_incident(place=place)
        features = json.loads(geojson.feature_collection_json(Incident.objects.all()))["features"]
        assert [f["geometry"]["coordinates"] for f in features] == [[20.65432, 10.12346], [-2.25, -1.5]] * 2

    def test_one_query_whatever_the_size(self, make_incident, make_source, django_assert_num_queries):
        source = make_source()
        for n in range(12):
            make_incident(reports=[{"source": source, "is_claim": True, "killed": n}])
        with django_assert_num_queries(1):  # rows, with the claimed figures joined
            geojson.feature_collection_json(Incident.objects.published(), without_coordinates=0)

    def test_stats(self, make_incident):
        make_incident(place=None, is_synthetic=True)
        make_incident()
        stats = geojson.collection_stats(Incident.objects.published())
        assert (stats["total"], stats["without_coordinates"], stats["synthetic"]) == (2, 1, 1)
