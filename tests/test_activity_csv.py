"""/api/activity.csv: what the filters select, published only, group media never linked."""

import csv
import io

import pytest

from ipwatch.activity.csvformat import COMMON_COLUMNS
from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus

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
        Activity.objects.filter(kind="territory").update(status=IncidentStatus.DRAFT, internal_notes="zqsecret")
        body = b"".join(client.get(URL).streaming_content).decode()
        assert "Sirte held" not in body and "zqsecret" not in body

    def test_formula_cells_guarded(self, client, sample_data):
        Activity.objects.filter(kind="territory").update(title="=HYPERLINK(1)")
        assert any(row["title"] == "'=HYPERLINK(1)" for row in rows(client))
