"""/api/reports.csv, /api/incidents.xlsx, /api/datapackage.json and /about/codebook/."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from ipwatch.core import choices, codebook
from ipwatch.core.choices import IncidentStatus, SourceKind
from ipwatch.core.models import Incident

pytestmark = pytest.mark.django_db

REPORT_HEADER = (
    "incident_id,incident_ref,date,date_precision,province,place,country,latitude,longitude,source,"
    "source_kind,is_claim,killed,wounded,killed_or_wounded,kidnapped,published_on,title,url"
    ",source_reliability,information_credibility"  # the grading, after the exact contract columns
)


def rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_reports_csv_columns_and_sample_rows(client, sample_data):
    response = client.get("/api/reports.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == REPORT_HEADER
    reports = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(reports) == 7
    sebha = Incident.objects.get(place__name="Sebha")
    amaq = next(r for r in reports if r["source"] == "Amaq News Agency")
    assert amaq["incident_ref"] == f"IPW-{sebha.pk:06d}" and amaq["incident_id"] == str(sebha.pk)
    assert (amaq["is_claim"], amaq["killed_or_wounded"], amaq["killed"], amaq["url"]) == ("1", "16", "", "")
    assert amaq["source_kind"] == "group_media" and amaq["published_on"] == ""
    assert amaq["source_reliability"] == "F"  # the group's media, graded F by default
    lwj = next(r for r in reports if r["source"] == "FDD's Long War Journal" and r["incident_id"] == str(sebha.pk))
    assert lwj["published_on"] == "2019-05"  # known to the month only, never written as a day
    assert lwj["url"] == "https://www.longwarjournal.org/"


def test_reports_csv_filters_guards_and_never_links_group_media(client, make_incident, make_source):
    group = make_source(name="Group outlet", kind=SourceKind.GROUP_MEDIA)
    make_incident(
        summary="x (synthetic)",
        reports=[{"source": group, "is_claim": True, "title": "=HYPERLINK(1)", "url": "https://group.example/"}],
    )
    make_incident(status=IncidentStatus.DRAFT, reports=[{"source": group, "title": "hidden"}])
    (row,) = rows(client.get("/api/reports.csv"))
    assert row["title"] == "'=HYPERLINK(1)" and row["url"] == ""
    assert rows(client.get("/api/reports.csv?type=kidnapping")) == []
    bad = client.get("/api/reports.csv?since=yesterday")
    assert bad.status_code == 400 and "since" in bad.json()["errors"]


def test_incidents_xlsx_has_incidents_reports_and_codebook(client, sample_data):
    response = client.get("/api/incidents.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["incidents", "reports", "codebook"]
    incidents = list(workbook["incidents"].values)
    assert incidents[0][:2] == ("id", "incident_ref") and len(incidents) == 4
    assert all(str(row[1]).startswith("IPW-") for row in incidents[1:])
    reports = list(workbook["reports"].values)
    assert ",".join(reports[0]) == REPORT_HEADER and len(reports) == 8
    book = list(workbook["codebook"].values)
    assert book[0] == ("file", "column", "type", "description", "values")
    described = {(row[0], row[1]) for row in book[1:]}
    assert ("reports.csv", "killed_or_wounded") in described and ("incidents.csv", "claim_status") in described


def test_codebook_page_is_generated_from_the_choices(client, db):
    html = client.get("/about/codebook/").content.decode()
    for _, vocabulary in codebook.VOCABULARIES:
        for value, label in vocabulary.choices:
            assert label in html, (vocabulary, value)
    for dataset in codebook.datasets():
        for column in dataset["columns"]:
            assert f'id="{dataset["name"]}-{column.name}"' in html
            assert column.description
    assert "IPW-000123" in html
    assert choices.IncidentType.SUICIDE_ATTACK.label in html


def test_datapackage_validates_with_frictionless(client, sample_data, tmp_path):
    from frictionless import validate

    response = client.get("/api/datapackage.json")
    package = response.json()
    assert package["data_as_of"] == "2019-05-04"
    assert [resource["name"] for resource in package["resources"]] == ["incidents", "reports"]
    # No network in tests: the resources' URLs are fetched through the test client into files.
    for resource in package["resources"]:
        path = resource["path"].removeprefix("http://testserver")
        (tmp_path / f"{resource['name']}.csv").write_bytes(b"".join(client.get(path).streaming_content))
        resource["path"] = f"{resource['name']}.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    fields = [field["name"] for field in package["resources"][1]["schema"]["fields"]]
    assert ",".join(fields) == REPORT_HEADER
