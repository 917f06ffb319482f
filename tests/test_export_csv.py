"""GET /api/incidents.csv: the ipwatch CSV, filtered like the map, published only (for everyone)."""

import csv
import io

import pytest

from ipwatch.core.choices import IncidentStatus
from ipwatch.exchange.formats.ipwatch import COLUMNS

URL = "/api/incidents.csv"


def read_csv(response) -> list[dict]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body, newline="")))


@pytest.mark.django_db
def test_header_iso_dates_precision_and_arabic(client, sample_data):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ipwatch-incidents.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == COLUMNS
    by_id = {row["external_id"]: row for row in rows}
    sebha = by_id["E1"]
    assert (sebha["date"], sebha["date_precision"], sebha["province"]) == ("2019-05-04", "day", "fezzan")
    assert (sebha["place"], sebha["place_ar"], sebha["latitude"]) == ("Sebha", "سبها", "27.0377")
    october = by_id["E2"]  # known only to the month
    assert (october["date"], october["date_precision"]) == ("2018-10-01", "month")
    assert october["place_ar"] == "الفقهاء" and october["kidnapped"] == "8"
    assert by_id["E3"]["campaign"] == "revenge-for-syria-2019"
    assert sebha["url"] == f"http://testserver/incidents/{sebha['id']}/"


@pytest.mark.django_db
def test_anonymous_users_get_published_incidents_only_and_never_internal_notes(client, make_incident):
    published = make_incident(summary="Published one (synthetic)", internal_notes="SECRET editor note")
    for status in (IncidentStatus.DRAFT, IncidentStatus.REVIEW, IncidentStatus.RETRACTED):
        make_incident(status=status, summary=f"{status} one (synthetic)")
    response = client.get(URL)
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["id"] for row in rows] == [str(published.pk)]
    assert "SECRET" not in body and "internal_notes" not in body


@pytest.mark.django_db
def test_analysts_get_published_incidents_only_too(analyst_client, make_incident):
    # The CSV has no status column: an incident in review exported here would re-import elsewhere
    # (with --status published) as published. Analysts have /incidents/export.csv for those.
    published = make_incident(status=IncidentStatus.PUBLISHED)
    review = make_incident(status=IncidentStatus.REVIEW)
    make_incident(status=IncidentStatus.DRAFT)
    ids = [row["id"] for row in read_csv(analyst_client.get(URL))]
    assert str(review.pk) not in ids
    assert ids == [str(published.pk)]


@pytest.mark.django_db
def test_same_filters_as_the_map(client, sample_data):
    rows = read_csv(client.get(URL, {"province": "fezzan", "since": "2019-01-01"}))
    assert [row["external_id"] for row in rows] == ["E1"]
    assert [r["external_id"] for r in read_csv(client.get(URL, {"until": "2018-12-31"}))] == ["E2"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "param"),
    [({"since": "yesterday"}, "since"), ({"bbox": "1,2,3"}, "bbox"), ({"country": "Libya"}, "country")],
)
def test_bad_filters_are_a_400_naming_the_parameter(client, params, param):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert param in response.json()["errors"]


@pytest.mark.django_db
def test_formula_injection_guard_on_text_but_numbers_stay_numbers(client, make_incident, make_place):
    place = make_place(name='=HYPERLINK("http://x")', latitude=-12.5, longitude=-75.25, admin1="@admin")
    make_incident(place=place, summary="+cmd|' /C calc'!A0 (synthetic)", killed_best=3)
    row = read_csv(client.get(URL))[0]
    assert row["place"] == '\'=HYPERLINK("http://x")'
    assert row["summary"].startswith("'+cmd")
    assert row["admin1"] == "'@admin"
    assert (row["latitude"], row["longitude"], row["killed_best"]) == ("-12.5", "-75.25", "3")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_incidents(client, make_incident, django_assert_max_num_queries):
    for _ in range(30):
        make_incident()
    with django_assert_max_num_queries(3):
        rows = read_csv(client.get(URL))
    assert len(rows) == 30


@pytest.mark.django_db
def test_post_is_not_allowed(client):
    assert client.post(URL).status_code == 405
