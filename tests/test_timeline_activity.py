"""/api/timeline.json with kind= and group=kind: attacks only by default; every kind counted when
asked for; territory as spans; sums equal the published records that match."""

import datetime as dt

import pytest

from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.workflow import SYSTEM

URL = "/api/timeline.json"
ALL_KINDS = "attack,media_release,designation,arrest,legal_case,pledge,leadership,territory"


def counted(payload) -> int:
    points = sum(p["incidents"] for s in payload["series"] for p in s["points"])
    return points + sum(u["incidents"] for u in payload["uncertain"]) + len(payload.get("spans", []))


@pytest.mark.django_db
class TestTimelineKinds:
    def test_default_is_attacks_only_and_unchanged(self, client, sample_data):
        default = client.get(URL).json()
        assert default == client.get(URL, {"kind": "attack"}).json()
        assert default["total"] == 3 and "spans" not in default

    def test_group_kind_every_kind(self, client, sample_data):
        Activity.objects.create(kind="arrest", title="Draft", date=dt.date(2019, 5, 1))  # not published
        payload = client.get(URL, {"kind": ALL_KINDS, "group": "kind"}).json()
        assert {s["key"] for s in payload["series"]} == {"attack", "media_release", "leadership"}
        labels = {s["key"]: s["label"] for s in payload["series"]}
        assert labels["media_release"] == "Media release"
        published = Activity.objects.published().count() + 3
        assert payload["total"] == published == counted(payload)
        # Al Naba 177 is known only to its year: an uncertain band, never a month.
        assert any(u["key"] == "media_release" and u["precision"] == "year" for u in payload["uncertain"])

    def test_territory_spans(self, client, sample_data):
        payload = client.get(URL, {"kind": "territory", "granularity": "year"}).json()
        assert payload["series"] == [] and payload["total"] == 1
        (span,) = payload["spans"]
        assert span["since"] is None and span["until"] == "2016-12-31" and span["display"] == "until 2016"
        assert span["last_period"] == "2016"

    @pytest.mark.parametrize("group", ["province", "type", "kind"])
    def test_sums_equal_matching_records(self, client, sample_data, group):
        for query in ({"kind": ALL_KINDS}, {"kind": ALL_KINDS, "province": "fezzan"}, {"kind": "media_release"}):
            payload = client.get(URL, {**query, "group": group}).json()
            assert counted(payload) == payload["total"]
        fezzan = client.get(URL, {"kind": ALL_KINDS, "province": "fezzan", "group": group}).json()
        assert fezzan["total"] == 1 + 2  # the Sebha raid, the statement and the photo set

    def test_group_type_labels_kinds(self, client, sample_data):
        payload = client.get(URL, {"kind": "attack,leadership", "group": "type"}).json()
        assert {s["key"] for s in payload["series"]} == {"raid", "leadership"}

    def test_unknown_kind_400(self, client):
        response = client.get(URL, {"kind": "rumour"})
        assert response.status_code == 400 and "kind" in response.json()["errors"]

    def test_unpublished_not_counted(self, client, sample_data):
        Activity.objects.filter(kind="leadership").update(status=IncidentStatus.REVIEW, acting_user=SYSTEM)
        payload = client.get(URL, {"kind": "leadership"}).json()
        assert payload["total"] == 0


@pytest.mark.django_db
class TestTimelinePage:
    def test_page_with_every_kind(self, client, sample_data, django_assert_max_num_queries):
        with django_assert_max_num_queries(20):
            response = client.get("/timeline/", {"kind": ALL_KINDS.split(","), "group": "kind"})
        assert response.status_code == 200
        content = response.content.decode()
        assert "Territory held" in content and "Sirte held by the group until late 2016" in content
        assert "activity/timeline-spans.js" in content
        assert '<input type="checkbox" name="kind" value="territory" checked>' in content

    def test_page_default_unchanged_wording(self, client, sample_data):
        assert "published incidents in view" in client.get("/timeline/").content.decode()

    def test_bad_kind_400(self, client):
        assert client.get("/timeline/", {"kind": "x"}).status_code == 400

    @pytest.mark.parametrize(
        "kinds, counted", [([], "incidents"), (["attack"], "incidents"), (["attack", "media_release"], "records")]
    )
    def test_chart_says_what_its_bars_count(self, client, sample_data, kinds, counted):
        response = client.get("/timeline/", {"kind": kinds})
        assert f'<h2 id="incidents-heading">{counted.capitalize()} per ' in response.content.decode()
        assert response.context["chart_context"]["counted"] == counted  # the chart's y-axis title
        assert f'<th scope="col" class="num">All {counted}</th>' in response.content.decode()

    def test_the_kinds_counted_are_listed_without_a_stray_comma(self, client, sample_data):
        content = client.get("/timeline/", {"kind": ["attack", "leadership"]}).content.decode()
        assert "published records (attack, leadership event) in view" in content
