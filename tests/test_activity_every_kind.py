"""Each kind, one at a time, through the API, the timeline, the list and its detail page."""

import datetime as dt

import pytest

from ipwatch.activity.models import KIND_FIELDS, Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.workflow import SYSTEM

DETAILS = {
    "media_release": {"media_type": "audio", "language": "Arabic"},
    "designation": {"authority": "uk", "designated_name": "Designated (synthetic)", "reference": "REF-1"},
    "arrest": {"people_held": 4, "intended_target": "Target (synthetic)"},
    "legal_case": {"stage": "verdict", "court": "Court (synthetic)", "outcome": "Outcome (synthetic)"},
    "pledge": {"pledge_type": "province_renamed", "pledged_by": "Group (synthetic)"},
    "leadership": {"leadership_event": "captured", "person": "Person (synthetic)", "role": "Role (synthetic)"},
    "territory": {"end_date": dt.date(2021, 3, 1), "end_date_precision": "month"},
}


@pytest.fixture
def record(request, make_place, make_province):
    kind = request.param
    return Activity.objects.create(
        acting_user=SYSTEM,
        kind=kind,
        title=f"Only {kind} (synthetic)",
        summary="Synthetic record for tests.",
        date=dt.date(2020, 6, 15),
        place=make_place(),
        province=make_province(),
        status=IncidentStatus.PUBLISHED,
        is_synthetic=True,
        **DETAILS[kind],
    )


def test_details_cover_every_kind():
    assert set(DETAILS) == set(KIND_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize("record", list(DETAILS), indirect=True)
class TestEachKind:
    def test_geojson(self, client, record):
        features = client.get("/api/activity.geojson", {"kind": record.kind}).json()["features"]
        assert [f["properties"]["title"] for f in features] == [record.title]

    def test_timeline(self, client, record):
        payload = client.get("/api/timeline.json", {"kind": record.kind, "group": "kind"}).json()
        assert payload["total"] == 1
        if record.kind == "territory":
            assert payload["spans"][0]["display"] == "15 Jun 2020 – Mar 2021"
        else:
            assert payload["series"][0]["key"] == record.kind

    def test_list_and_detail(self, client, record):
        assert record.title in client.get("/activity/", {"kind": record.kind}).content.decode()
        content = client.get(record.get_absolute_url()).content.decode()
        assert record.title in content and "SYNTHETIC" in content
        for value in DETAILS[record.kind].values():
            if isinstance(value, str) and "(synthetic)" in value:
                assert value in content

    def test_csv(self, client, record):
        body = b"".join(client.get("/api/activity.csv", {"kind": record.kind}).streaming_content).decode()
        assert record.title in body
