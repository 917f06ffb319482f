"""Analysts read records in review on the public pages, each marked as not public: the row of a list
(class "unpublished") and the notice on its own page. Published records carry no mark."""

import pytest

from ipwatch.core.choices import IncidentStatus

NOTICE = "Not public: only analysts and editors see this"


@pytest.fixture
def records(make_incident, make_activity):
    return {
        "incident": (
            make_incident(status=IncidentStatus.REVIEW, summary="In review (synthetic, for tests)."),
            make_incident(summary="Published (synthetic, for tests)."),
        ),
        "activity": (make_activity(status=IncidentStatus.REVIEW), make_activity()),
    }


@pytest.mark.parametrize("kind,list_url", [("incident", "/incidents/"), ("activity", "/activity/?kind=arrest")])
def test_rows_in_review_are_marked_for_analysts(analyst_client, records, kind, list_url):
    in_review, published = records[kind]
    body = analyst_client.get(list_url).content.decode()
    rows = [row for row in body.split("<tr")[1:] if f"/{in_review.pk}/" in row or f"/{published.pk}/" in row]
    assert len(rows) == 2
    marked = {f"/{in_review.pk}/" in row for row in rows if 'class="unpublished"' in row.split(">", 1)[0]}
    assert marked == {True}


@pytest.mark.parametrize("kind", ["incident", "activity"])
def test_a_record_in_review_says_it_is_not_public(analyst_client, records, kind):
    in_review, published = records[kind]
    assert NOTICE in analyst_client.get(in_review.get_absolute_url()).content.decode()
    assert NOTICE not in analyst_client.get(published.get_absolute_url()).content.decode()
