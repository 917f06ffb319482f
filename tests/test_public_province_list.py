"""/provinces/ — every province with names, countries, dates and its activity index."""

import datetime as dt

from ipwatch.core.choices import IncidentStatus
from tests.public_helpers import count_queries, days_ago, page_html


def test_lists_the_real_provinces_with_arabic_names_and_countries(client, sample_data):
    html = page_html(client, "/provinces/")
    assert "Fezzan" in html and "Sinai" in html
    assert 'lang="ar" dir="rtl"' in html
    assert '<abbr title="Libya">LY</abbr>' in html


def test_activity_index_days_since_and_dormant(client, make_province, make_incident):
    active = make_province(name="Active province", announced_on=dt.date(2014, 11, 13))
    dormant = make_province(name="Dormant province", dissolved_on=dt.date(2019, 1, 1))
    never = make_province(name="Never seen")
    make_incident(province=active, date=days_ago(3))
    make_incident(province=active, date=days_ago(50))
    make_incident(province=active, date=days_ago(5), status=IncidentStatus.REVIEW)  # not counted
    make_incident(province=dormant, date=days_ago(400))
    make_incident(province=make_province(name="Elsewhere"), date=days_ago(0))  # the data is as of today
    provinces = {p.name: p for p in client.get("/provinces/").context["provinces"]}
    a = provinces["Active province"]
    assert [w.count for w in a.windows] == [1, 2, 2]
    assert (a.days_since, a.dormant) == (3, False)
    d = provinces["Dormant province"]
    assert [w.count for w in d.windows] == [0, 0, 0]
    assert d.windows[2].previous == 1 and d.windows[2].change_display == "-100%"
    assert (d.days_since, d.dormant) == (400, True)
    assert provinces[never.name].days_since is None
    html = client.get("/provinces/").content.decode()
    assert "13 Nov 2014" in html and "1 Jan 2019" in html


def test_query_count_does_not_grow_with_provinces_or_incidents(client, make_province, make_incident):
    for _ in range(2):
        make_incident(province=make_province())
    few = count_queries(client, "/provinces/")
    for i in range(12):
        make_incident(province=make_province(), date=days_ago(i * 30))
    # The provinces, the data's "as of" date, and from the published-attack rollup their totals and
    # windows (two small queries instead of one join over every incident: 4x faster at 100k).
    assert count_queries(client, "/provinces/") == few == 4


def test_activity_is_measured_to_the_data_as_of_date(client, sample_data):
    """One definition: the sample data stops on 4 May 2019, so Fezzan (Sebha raid) is active and the
    overview's card agrees with the province table instead of counting provinces dormant there."""
    provinces = {p.slug: p for p in client.get("/provinces/").context["provinces"]}
    assert provinces["fezzan"].active and provinces["fezzan"].days_since == 0
    active = {slug for slug, p in provinces.items() if p.active}
    overview = client.get("/")
    assert overview.context["active_count"] == len(active)
    html = overview.content.decode()
    assert 'Data as of <time datetime="2019-05-04">4 May 2019</time>' in html
    assert f'data-count="active-provinces">{len(active)}<' in html
