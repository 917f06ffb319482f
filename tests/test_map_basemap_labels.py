"""/api/basemap/labels.json (place and region names for the offline basemap) and the vendored
first-level boundaries."""

import gzip
import json
from pathlib import Path

import pytest

from ipwatch.maps.basemap_labels import MIN_POPULATION, arabic_name

URL = "/api/basemap/labels.json"
ADMIN1 = Path(__file__).resolve().parent.parent / "static" / "vendor" / "natural-earth-admin1"


@pytest.fixture(scope="module")
def labels(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get(URL)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_places_most_populous_first_with_arabic_names(labels):
    _, data = labels
    populations = [place[4] for place in data["places"]]
    assert populations == sorted(populations, reverse=True)
    assert min(populations) >= MIN_POPULATION
    sabha = next(place for place in data["places"] if place[0] == "Sabha")
    assert sabha[1] == "سبها"
    assert abs(sabha[2] - 27.04) < 0.05 and abs(sabha[3] - 14.43) < 0.05
    assert "GeoNames" in data["attribution"]


def test_regions_are_named_first_level_divisions(labels):
    _, data = labels
    libya = {region[0] for region in data["regions"] if region[3] == "LY"}
    assert {"Sabha", "Murzuq", "Surt", "Tripoli"} <= libya


def test_cached_by_etag_and_gzipped(client, labels):
    response, _ = labels
    assert "max-age=86400" in response["Cache-Control"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    zipped = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == response.content


def test_arabic_name_skips_district_forms():
    assert arabic_name(["Sabha", "شعبية سبها", "سبها"]) == "سبها"
    assert arabic_name(["Sabha", "Sebha"]) == ""


def test_vendored_boundaries_cover_the_fezzan():
    assert "Natural Earth" in (ADMIN1 / "SOURCE.txt").read_text()
    collection = json.loads((ADMIN1 / "admin1-lakes.json").read_text())
    kinds = {feature["properties"]["kind"]: feature["geometry"] for feature in collection["features"]}
    near_sebha = [
        line for line in kinds["admin1"]["coordinates"] if any(24 < lat < 30 and 11 < lon < 17 for lon, lat in line)
    ]
    assert len(near_sebha) >= 5
    assert kinds["lakes"]["coordinates"]  # Lake Chad and others
