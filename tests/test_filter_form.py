"""The shared filter form component: chips with facet counts, ISO dates, the same on every page."""

import pytest
from django.http import QueryDict

from ipwatch.core.choices import IncidentStatus, IncidentType
from ipwatch.core.filter_form import filter_form_context
from ipwatch.core.models import Incident

pytestmark = pytest.mark.django_db


def chips(context, name):
    return {chip.value: (chip.count, chip.selected) for chip in context[name]}


def test_facet_counts_ignore_only_their_own_selection(make_incident, make_province):
    fezzan = make_province(slug="fezzan")
    barqa = make_province(slug="barqa")
    make_incident(province=fezzan, incident_type=IncidentType.RAID)
    make_incident(province=fezzan, incident_type=IncidentType.BOMBING)
    make_incident(province=barqa, incident_type=IncidentType.RAID)
    make_incident(province=barqa, incident_type=IncidentType.RAID, status=IncidentStatus.DRAFT)

    context = filter_form_context(QueryDict("province=fezzan&type=raid"), Incident.objects.published())
    provinces = chips(context, "provinces")
    # Province counts respect the chosen type (raid) but not the chosen province.
    assert provinces["fezzan"] == (1, True)
    assert provinces["barqa"] == (1, False)  # the draft is never counted
    types = chips(context, "types")
    # Type counts respect the chosen province (fezzan) but not the chosen type.
    assert types[IncidentType.RAID] == (1, True)
    assert types[IncidentType.BOMBING] == (1, False)
    assert context["active_count"] == 2


def test_invalid_filters_leave_counts_out(make_incident):
    make_incident()
    context = filter_form_context(QueryDict("since=04/05/2019"), Incident.objects.published(), errors=None)
    assert "since" in context["errors"]
    assert all(chip.count is None for chip in context["provinces"] + context["types"])


@pytest.mark.parametrize("url", ["/map/", "/timeline/", "/claims/", "/incidents/", "/activity/"])
def test_every_page_uses_the_same_component(client, sample_data, url):
    html = client.get(f"{url}?province=fezzan&since=2019-01-01").content.decode()
    assert "data-filter-form" in html
    assert '<input type="checkbox" name="province" value="fezzan" checked>' in html
    assert 'name="since" type="text" inputmode="numeric" pattern="\\d{4}-\\d{2}-\\d{2}"' in html
    assert 'type="date"' not in html
    assert "multiple" not in html.split("data-filter-form")[1].split("</form>")[0]  # no multi-select list boxes


def test_the_chip_counts_read_the_facets_index_alone(sample_data):
    """At 100k published incidents a join and table scan here cost ~110 ms a page on SQLite."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ipwatch.core.filter_form import facet_counts

    with CaptureQueriesContext(connection) as queries:
        facet_counts(QueryDict(), Incident.objects.published(), province_slugs={})
    (sql,) = [query["sql"] for query in queries.captured_queries]
    assert "JOIN" not in sql
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")  # three rows: make the planner show the index it can use
            cursor.execute("EXPLAIN " + sql)
            plan = str(cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            assert "incident_facets" in plan, plan
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = str(cursor.fetchall())
            assert "COVERING INDEX incident_facets" in plan, plan
