"""/api/activity.csv: what the filters select, published only, group media never linked."""

import csv
import io

import pytest

from ipwatch.activity.csvformat import COMMON_COLUMNS
from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.workflow import SYSTEM

URL = "/api/activity.csv"


def rows(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
class TestActivityCSV:
    def test_header_starts_with_id_and_the_common_columns(self, client, sample_data):
        header = b"".join(client.get(URL).streaming_content).decode().splitlines()[0].split(",")
        assert header[1 : 1 + len(COMMON_COLUMNS)] == COMMON_COLUMNS

    def test_every_kind_one_row_per_report(self, client, sample_data):
        found = rows(client)
        assert {row["kind"] for row in found} == {"attack", "media_release", "leadership", "territory"}
        statement = [row for row in found if row["title"].startswith("Amaq single-page")]
        assert {row["source"] for row in statement} == {"amaq", "long-war-journal"}
        assert statement[0]["claimed_incidents"]

    def test_filters(self, client, sample_data):
        assert {row["kind"] for row in rows(client, kind="territory")} == {"territory"}
        assert {row["province"] for row in rows(client, province="fezzan")} == {"fezzan"}
        assert client.get(URL, {"kind": "nope"}).status_code == 400

    def test_unpublished_never_exported(self, client, sample_data):
        Activity.objects.filter(kind="territory").update(
            status=IncidentStatus.DRAFT, internal_notes="zqsecret", acting_user=SYSTEM
        )
        body = b"".join(client.get(URL).streaming_content).decode()
        assert "Sirte held" not in body and "zqsecret" not in body

    def test_formula_cells_guarded(self, client, sample_data):
        Activity.objects.filter(kind="territory").update(title="=HYPERLINK(1)")
        assert any(row["title"] == "'=HYPERLINK(1)" for row in rows(client))


@pytest.mark.django_db
def test_stable_identifier_in_every_row(client, sample_data):
    from ipwatch.core.models import Incident

    found = rows(client)
    sebha = Incident.objects.get(place__name="Sebha")
    assert {row["ref"] for row in found if row["id"] == str(sebha.pk) and row["kind"] == "attack"} == {
        f"IPW-{sebha.pk:06d}"
    }
    sirte = Activity.objects.get(kind="territory")
    assert {row["ref"] for row in found if row["kind"] == "territory"} == {f"IPW-A-{sirte.pk:06d}"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", [URL, "/api/incidents.csv", "/api/reports.csv"])
def test_every_csv_export_says_its_data_as_of(client, sample_data, url):
    assert client.get(url)["Data-As-Of"] == client.get("/api/timeline.json").json()["data_as_of"] == "2019-05-04"


@pytest.mark.django_db
def test_no_data_as_of_header_when_nothing_is_published(client, db):
    assert "Data-As-Of" not in client.get(URL)
