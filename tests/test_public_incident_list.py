"""/incidents/ — filterable (the shared filters), sortable, paginated list."""

import datetime as dt

import pytest

from ipwatch.core.choices import ClaimStatus, IncidentStatus, IncidentType
from tests.filter_helpers import INVALID_FILTERS
from tests.public_helpers import count_queries


def listed(response):
    return list(response.context["page_obj"].object_list)


def test_lists_published_incidents_only_for_the_public(client, make_incident):
    published = make_incident()
    for status in (IncidentStatus.DRAFT, IncidentStatus.REVIEW, IncidentStatus.RETRACTED):
        make_incident(status=status)
    response = client.get("/incidents/")
    assert response.status_code == 200
    assert listed(response) == [published]
    assert "Status" not in response.content.decode()


def test_analysts_also_see_incidents_in_review(client, analyst, make_incident):
    make_incident()
    in_review = make_incident(status=IncidentStatus.REVIEW)
    make_incident(status=IncidentStatus.DRAFT)
    client.force_login(analyst)
    response = client.get("/incidents/")
    assert in_review in listed(response)
    assert len(listed(response)) == 2
    html = response.content.decode()
    assert "In review" in html and "Export CSV" in html


def test_shared_filters_apply(client, make_incident, make_province, make_place):
    fezzan = make_province(name="Fezzan", slug="fezzan")
    sinai = make_province(name="Sinai", slug="sinai")
    a = make_incident(province=fezzan, date=dt.date(2019, 5, 4), claim_status=ClaimStatus.CLAIMED)
    b = make_incident(
        province=sinai,
        place=make_place(name="Arish", country="EG"),
        date=dt.date(2018, 10, 1),
        incident_type=IncidentType.BOMBING,
    )
    assert listed(client.get("/incidents/?province=fezzan")) == [a]
    assert set(listed(client.get("/incidents/?province=fezzan&province=sinai"))) == {a, b}
    assert listed(client.get("/incidents/?country=EG")) == [b]
    assert listed(client.get("/incidents/?type=bombing")) == [b]
    assert listed(client.get("/incidents/?claimed=yes")) == [a]
    assert listed(client.get("/incidents/?since=2019-01-01")) == [a]
    assert listed(client.get("/incidents/?until=2018-12-31")) == [b]
    assert listed(client.get("/incidents/?q=arish")) == [b]


@pytest.mark.parametrize(
    ("query", "param"),
    [*INVALID_FILTERS, ("sort=size", "sort"), ("page=two", "page")],
)
def test_malformed_filters_answer_400_with_the_reason_on_the_page(client, make_incident, query, param):
    make_incident()
    response = client.get(f"/incidents/?{query}")
    assert response.status_code == 400
    assert param in response.context["errors"]
    html = response.content.decode()
    assert "These filters could not be applied" in html
    assert f"<code>{param}</code>" in html


def test_page_beyond_the_last_shows_the_last_page(client, make_incident):
    for day in range(1, 53):
        make_incident(date=dt.date(2019, 1, 1) + dt.timedelta(days=day))
    for page in ("2", "99", "last"):
        response = client.get(f"/incidents/?page={page}")
        assert response.status_code == 200
        assert response.context["page_obj"].number == 2
        assert len(listed(response)) == 2
    assert client.get("/incidents/?page=0").context["page_obj"].number == 2


def test_sorting_by_date_and_casualties(client, make_incident):
    small = make_incident(date=dt.date(2019, 1, 1), killed_best=1, wounded_best=0)
    large = make_incident(date=dt.date(2018, 1, 1), killed_best=5, wounded_best=10)
    unknown = make_incident(date=dt.date(2020, 1, 1))
    assert listed(client.get("/incidents/")) == [unknown, small, large]
    assert listed(client.get("/incidents/?sort=date")) == [large, small, unknown]
    assert listed(client.get("/incidents/?sort=-casualties")) == [large, small, unknown]
    assert listed(client.get("/incidents/?sort=casualties")) == [unknown, small, large]


def test_sort_and_page_links_keep_the_filters(client, make_incident, make_province):
    province = make_province(slug="keep-me")
    for day in range(55):
        make_incident(province=province, date=dt.date(2019, 1, 1) + dt.timedelta(days=day))
    html = client.get("/incidents/?province=keep-me&sort=date").content.decode()
    assert 'href="?province=keep-me&amp;sort=-casualties"' in html
    assert 'href="?province=keep-me&amp;sort=date&amp;page=2"' in html
    assert 'href="/map/?province=keep-me"' in html


def test_query_count_does_not_grow_with_the_data(client, make_incident, make_province):
    province = make_province(slug="counted")
    for day in range(3):
        make_incident(province=province, date=dt.date(2019, 1, 1) + dt.timedelta(days=day))
    url = "/incidents/?province=counted&sort=-casualties"
    few = count_queries(client, url)
    for day in range(60):
        make_incident(province=province, date=dt.date(2018, 1, 1) + dt.timedelta(days=day))
    assert count_queries(client, url) == few
    assert count_queries(client, "/incidents/?page=2") == count_queries(client, "/incidents/")
