"""manage.py export_incidents --format csv|geojson [filters] > file; the GeoJSON checked with GDAL's ogrinfo."""

import csv
import io
import json
import subprocess

import pytest
from django.core.management import CommandError, call_command

from ipwatch.core.choices import IncidentStatus
from tests.processes import require


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_incidents", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_csv_published_only_by_default_and_filters(sample_data, make_incident):
    make_incident(status=IncidentStatus.DRAFT, summary="Draft (synthetic)")
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv"))))
    assert sorted(row["external_id"] for row in rows) == ["E1", "E2", "E3"]
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv", "--province", "fezzan"))))
    assert [row["external_id"] for row in rows] == ["E1"]
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv", "--status", "all"))))
    assert len(rows) == 4


@pytest.mark.django_db
def test_bad_filter_is_a_command_error_naming_the_option(sample_data):
    with pytest.raises(CommandError, match="--since"):
        export("--format", "csv", "--since", "last week")


@pytest.mark.django_db
def test_geojson_points_with_attributes_and_arabic(sample_data, make_incident):
    make_incident(place=None, summary="No place (synthetic)")
    collection = json.loads(export("--format", "geojson"))
    assert collection["type"] == "FeatureCollection"
    by_id = {f["properties"]["external_id"]: f for f in collection["features"]}
    sebha = by_id["E1"]
    assert sebha["geometry"] == {"type": "Point", "coordinates": [14.4283, 27.0377]}
    assert sebha["properties"]["place_ar"] == "سبها"
    assert sebha["properties"]["date"] == "2019-05-04" and sebha["properties"]["date_precision"] == "day"
    assert "internal_notes" not in sebha["properties"]
    placeless = next(f for f in collection["features"] if f["properties"]["summary"].startswith("No place"))
    assert placeless["geometry"] is None


def run_ogrinfo(ogrinfo: str, mode: str, path) -> str:
    command = [ogrinfo, "-ro", "-al", mode, str(path)]  # our own file and a fixed binary
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout  # noqa: S603


@pytest.mark.django_db
def test_geojson_opens_in_gdal_as_a_point_layer(sample_data, tmp_path):
    ogrinfo = require("ogrinfo")  # Debian gdal-bin
    path = tmp_path / "incidents.geojson"
    path.write_text(export("--format", "geojson"), encoding="utf-8")
    info = run_ogrinfo(ogrinfo, "-so", path)
    assert "Geometry: Point" in info
    assert "Feature Count: 3" in info
    for attribute in ("date: Date", "date_precision: String", "province: String", "place_ar: String", "killed_best"):
        assert attribute in info
    # And the values, Arabic included, come through GDAL intact.
    features = run_ogrinfo(ogrinfo, "-q", path)
    assert "place_ar (String) = سبها" in features
    assert "POINT (14.4283 27.0377)" in features
