"""/provinces/<slug>/ — one province: names, dates, activity index, chart, map link, latest incidents."""

from ipwatch.core.choices import IncidentStatus
from tests.public_helpers import assert_shown, count_queries, days_ago, page_html


def test_real_province_page(client, sample_data):
    assert_shown(
        page_html(client, "/provinces/fezzan/"),
        "Fezzan",
        "Libya",
        'lang="ar"',
        "Sebha",
        'data-geojson-url="/api/incidents.geojson?province=fezzan"',
        'href="/timeline/?province=fezzan"',
        'href="/incidents/?province=fezzan"',
    )


def test_activity_index_and_merger(client, make_province, make_incident):
    west_africa = make_province(name="West Africa", slug="west-africa")
    sahara = make_province(name="Greater Sahara", slug="greater-sahara", merged_into=west_africa)
    make_incident(province=west_africa, date=days_ago(10))
    make_incident(province=west_africa, date=days_ago(35))
    make_incident(province=west_africa, date=days_ago(12), status=IncidentStatus.DRAFT)
    make_incident(province=make_province(name="Elsewhere"), date=days_ago(0))  # the data is as of today
    context = client.get("/provinces/west-africa/").context
    province = context["province"]
    assert [w.count for w in province.windows] == [1, 2, 2]
    assert province.windows[0].previous == 1
    assert province.days_since == 10 and not province.dormant
    assert [o.name for o in province.merged_provinces.all()] == ["Greater Sahara"]
    assert len(context["latest"]) == 2
    html = client.get(f"/provinces/{sahara.slug}/").content.decode()
    assert "Merged into" in html and 'href="/provinces/west-africa/"' in html
    assert "dormant" in html


def test_unknown_province_is_404(client, db):
    assert client.get("/provinces/atlantis/").status_code == 404


def test_query_count_does_not_grow_with_incidents(client, make_province, make_incident):
    province = make_province(slug="counted")
    make_incident(province=province)
    few = count_queries(client, "/provinces/counted/")
    for i in range(30):
        make_incident(province=province, date=days_ago(i * 11))
    assert count_queries(client, "/provinces/counted/") == few


def test_small_map_is_drawn_with_the_vendored_leaflet_and_basemap(client, make_province):
    make_province(slug="mapped")
    html = client.get("/provinces/mapped/").content.decode()
    assert "Open the interactive map" in html  # the text the script replaces; what shows without JavaScript
    assert "vendor/leaflet/leaflet.js" in html and "js/small-map.js" in html
    assert 'data-basemap-url="/static/vendor/world-atlas/countries-50m.json"' in html
