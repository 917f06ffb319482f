"""/timeline/: chart data escaped in json_script, the table alternative, the incident list, 400s."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from ipwatch.core.choices import DatePrecision, IncidentStatus
from ipwatch.core.models import Milestone
from ipwatch.timeline.table import incidents_link

D = dt.date
URL = "/timeline/"


def json_block(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


@pytest.fixture
def province(make_province):
    return make_province(name="Fezzan test", slug="fezzan-test")


@pytest.mark.django_db
class TestTimelinePage:
    def test_renders_chart_table_and_list(self, client, make_incident, province):
        make_incident(province=province, date=D(2019, 5, 4), killed_best=1, summary="Raid on a camp.")
        make_incident(province=province, date=D(2019, 5, 9), date_precision=DatePrecision.MONTH, killed_best=4)
        make_incident(province=province, date=D(2019, 5, 9), status=IncidentStatus.DRAFT, summary="Draft-only text")
        Milestone.objects.create(date=D(2019, 5, 1), title="Something happened")

        response = client.get(f"{URL}?granularity=week")
        assert response.status_code == 200
        html = response.content.decode()
        payload = json_block(html, "timeline-data")
        assert payload["granularity"] == "week"
        assert payload["total"] == 2
        chart_context = json_block(html, "timeline-context")
        assert chart_context["incidents_url"] == "/incidents/"
        assert chart_context["activity_url"] == "/activity/"  # a bar of another kind lists it there
        # Vendored chart library and our script, nothing from another host.
        assert "/static/vendor/chartjs/chart.umd.min.js" in html
        assert "/static/js/timeline.js" in html
        assert not re.search(r'src="(https?:)?//', html)
        # The uncertain band is visible and documented.
        assert "Date uncertain" in html
        assert re.search(r"May 2019: 1<span class=\"band-detail\"> incident known only to the month \(4 killed", html)
        assert "How imprecise dates are shown" in html
        # The table alternative: a row per non-empty week and one for the band, with totals.
        assert "The charts as a table" in html
        assert re.search(r"2019-W18 \(29 Apr–5 May 2019\)</a></th>\s*<td class=\"num\">1</td>", html)
        assert "May 2019 — date known only to the month" in html
        assert 'href="/incidents/?since=2019-05-01&amp;until=2019-05-31"' in html
        # Milestones listed; the incident list shows dates at their precision; drafts never appear.
        assert "Something happened" in html
        assert ">May 2019</a>" in html and ">4 May 2019</a>" in html
        assert "Draft-only text" not in html

    def test_user_text_is_escaped_in_embedded_json(self, client, make_incident, make_province):
        evil = make_province(name="</script><script>alert(1)</script>", slug="evil")
        make_incident(province=evil)
        Milestone.objects.create(date=D(2019, 5, 1), title="<b>&</b>")
        html = client.get(URL).content.decode()
        assert "<script>alert(1)" not in html
        assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html
        payload = json_block(html, "timeline-data")
        assert payload["series"][0]["label"] == "</script><script>alert(1)</script>"
        assert payload["milestones"][0]["title"] == "<b>&</b>"

    def test_synthetic_incidents_are_labelled(self, client, make_incident, province):
        make_incident(province=province, is_synthetic=True)
        html = client.get(URL).content.decode()
        assert "1 synthetic</span> generated test incidents, not real events" in html

    def test_incident_list_is_paginated_oldest_first(self, client, make_incident, province):
        for day in range(30):
            make_incident(province=province, date=D(2019, 1, 1) + dt.timedelta(days=day), summary=f"Number {day}.")
        first = client.get(URL).content.decode()
        assert "Page 1 of 2 (30 incidents)" in first
        assert first.index("Number 0.") < first.index("Number 1.")
        assert "Number 29." not in first
        second = client.get(f"{URL}?province=fezzan-test&page=2").content.decode()
        assert "Number 29." in second and "Number 0." not in second
        assert 'href="?province=fezzan-test&amp;page=1"' in second

    def test_no_incidents(self, client, db):
        response = client.get(URL)
        assert response.status_code == 200
        assert "No published incident matches these filters." in response.content.decode()

    def test_bad_parameters_give_400_naming_them(self, client, db):
        response = client.get(f"{URL}?granularity=fortnight&since=5%20May")
        assert response.status_code == 400
        html = response.content.decode()
        assert "<code>granularity</code>" in html and "<code>since</code>" in html
        assert 'id="timeline-data"' not in html

    def test_query_count_is_constant(self, client, make_incident, province):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"{URL}?province=fezzan-test").status_code == 200
            return len(captured.captured_queries)

        for day in range(3):
            make_incident(province=province, date=D(2019, 1, 1) + dt.timedelta(days=day))
        few = queries()
        for day in range(27):
            make_incident(province=province, date=D(2019, 3, 1) + dt.timedelta(days=day))
        assert queries() == few
        assert few <= 12  # + the filter chips' counts (one grouped query, validating the slugs), the "as of" date


class TestIncidentsLink:
    def test_keeps_filters_and_narrows_to_the_period_and_group(self):
        params = QueryDict("province=a&province=b&q=raid&since=2019-05-03&granularity=week&page=3")
        link = incidents_link(params, D(2019, 4, 29), D(2019, 5, 5), group="province", key="b")
        assert link == "/incidents/?q=raid&province=b&since=2019-05-03&until=2019-05-05"

    def test_no_province_group_cannot_narrow(self):
        link = incidents_link(QueryDict(""), D(2019, 5, 1), D(2019, 5, 31), group="province", key="_none")
        assert link == "/incidents/?since=2019-05-01&until=2019-05-31"

    def test_type_group(self):
        link = incidents_link(QueryDict("type=raid"), D(2019, 1, 1), D(2019, 12, 31), group="type", key="bombing")
        assert link == "/incidents/?type=bombing&since=2019-01-01&until=2019-12-31"
