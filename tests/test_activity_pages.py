"""/activity/, /activity/<id>/, and every kind on the province page and the overview."""

import datetime as dt

import pytest

from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.workflow import SYSTEM


def chip_counts(response) -> dict[str, dict[str, int | None]]:
    """{parameter: {value: count}} of the filter form's chips."""
    return {
        fieldset.name: {chip.value: chip.count for chip in fieldset.chips}
        for fieldset in response.context["f"]["chip_fieldsets"]
    }


@pytest.mark.django_db
class TestActivityList:
    def test_lists_every_published_kind_with_counts(self, client, sample_data):
        response = client.get("/activity/")
        assert response.status_code == 200
        content = response.content.decode()
        for title in ("Al Naba 177 infographic", "Sirte held by the group", "Abu Bakr al-Baghdadi appears"):
            assert title in content
        assert 'data-count="attack">3<' in content and 'data-count="media_release">4<' in content

    @pytest.mark.parametrize(
        "query, shown, hidden",
        [
            ("kind=territory", "Sirte held", "Al Naba 177"),
            ("province=fezzan", "Photo set", "Sirte held"),
            ("country=LY", "Sirte held", "Al Naba 177"),
            ("since=2019-04-01&until=2019-04-30", "Baghdadi", "Sirte held"),
            ("q=Baghdadi", "Baghdadi", "Sirte held"),
        ],
    )
    def test_filters(self, client, sample_data, query, shown, hidden):
        content = client.get(f"/activity/?{query}").content.decode()
        assert shown in content and hidden not in content

    def test_bad_kind_is_400_naming_it(self, client):
        response = client.get("/activity/?kind=nonsense")
        assert response.status_code == 400
        assert "<code>kind</code>" in response.content.decode()

    def test_invalid_date_is_400_naming_it_and_kept_in_the_form(self, client, sample_data):
        response = client.get("/activity/?since=2019-13-01&kind=territory")
        assert response.status_code == 400
        content = response.content.decode()
        assert "<code>since</code>" in content
        assert 'name="since" type="text"' in content and 'value="2019-13-01" aria-invalid="true"' in content
        assert '<input type="checkbox" name="kind" value="territory" checked>' in content
        assert all(count is None for counts in chip_counts(response).values() for count in counts.values())

    def test_the_shared_filter_form_with_kind_chips(self, client, sample_data):
        query = "kind=territory&province=tarabulus&since=2015-01-01"
        content = client.get(f"/activity/?{query}").content.decode()
        form = content.split("data-filter-form")[1].split("</form>")[0]
        assert '<input type="checkbox" name="kind" value="territory" checked>' in form
        assert '<input type="checkbox" name="province" value="tarabulus" checked>' in form
        assert 'name="since" type="text" inputmode="numeric" pattern="\\d{4}-\\d{2}-\\d{2}"' in form
        assert 'value="2015-01-01"' in form
        assert 'type="date"' not in content and "multiple" not in form
        # Incident type and claim status describe attacks, which this page does not list.
        assert 'name="type"' not in form and 'name="claimed"' not in form and 'value="attack"' not in form
        assert f"/api/activity.csv?{query.replace('&', '&amp;')}" in content
        assert f"/api/activity.geojson?{query.replace('&', '&amp;')}" in content

    def test_chip_counts_ignore_only_their_own_selection(self, client, sample_data):
        counts = chip_counts(client.get("/activity/?kind=territory&province=fezzan"))
        # Provinces count the chosen kind (territory: held around Sirte), whatever province is chosen.
        assert counts["province"]["tarabulus"] == 1 and counts["province"]["fezzan"] == 0
        # Kinds count the chosen province (Fezzan's two media releases), whatever kind is chosen.
        assert counts["kind"]["media_release"] == 2 and counts["kind"]["territory"] == 0

    def test_drafts_are_counted_in_no_chip_for_the_public(self, client, analyst_client, sample_data, make_province):
        quiet = make_province(slug="quietland")
        for status in (IncidentStatus.DRAFT, IncidentStatus.REVIEW):
            Activity.objects.create(
                acting_user=SYSTEM,
                kind="arrest",
                title=f"Unpublished {status} arrest",
                date=dt.date(2020, 1, 1),
                province=quiet,
                status=status,
            )
        analyst_counts = chip_counts(analyst_client.get("/activity/"))
        assert analyst_counts["kind"]["arrest"] == 1 and analyst_counts["province"]["quietland"] == 1  # review only
        client.logout()
        response = client.get("/activity/")
        counts = chip_counts(response)
        assert counts["kind"]["arrest"] == 0 and counts["province"]["quietland"] == 0
        published = Activity.objects.published()
        assert counts["kind"] == {kind: published.filter(kind=kind).count() for kind in counts["kind"]}
        assert sum(counts["province"].values()) == published.exclude(province=None).count()
        assert "Unpublished" not in response.content.decode()

    # Ticked chips cost no query of their own (the counts are one grouped query).
    @pytest.mark.parametrize("query", ["", "?kind=arrest&kind=territory&province=fezzan&province=barqa"])
    def test_query_count_bounded(self, client, sample_data, make_activity, django_assert_max_num_queries, query):
        for _ in range(30):
            make_activity()
        with django_assert_max_num_queries(12):
            assert client.get(f"/activity/{query}").status_code == 200


@pytest.mark.django_db
class TestActivityDetail:
    def test_media_release_with_sources_and_claimed_attack(self, client, sample_data):
        statement = Activity.objects.get(title__startswith="Amaq single-page")
        content = client.get(statement.get_absolute_url()).content.decode()
        assert "Amaq News Agency" in content and "Islamic State loyalists fight on in Libya" in content
        assert "Attacks this release claims" in content and "/incidents/" in content
        assert "not linked or hosted" in content

    def test_cite_block_with_stable_identifier(self, client, sample_data):
        statement = Activity.objects.get(title__startswith="Amaq single-page")
        content = client.get(statement.get_absolute_url()).content.decode()
        ref = f"IPW-A-{statement.pk:06d}"
        assert f"<code data-ref>{ref}</code>" in content
        assert f"http://testserver/activity/{statement.pk}/" in content
        assert "Amaq News Agency, “Amaq single-page statement claiming the Sebha camp raid”" in content
        assert "as <code>ref</code>" in content

    def test_territory_shows_held_period(self, client, sample_data):
        sirte = Activity.objects.get(kind="territory")
        content = client.get(sirte.get_absolute_url()).content.decode()
        assert "until 2016" in content

    def test_infographic_shows_issue_and_campaign(self, client, sample_data):
        naba = Activity.objects.get(issue_number=177)
        content = client.get(naba.get_absolute_url()).content.decode()
        assert "177" in content and "Revenge for Syria" in content

    def test_unpublished_404_retracted_410_analyst_sees_review(self, client, analyst_client, sample_data):
        draft = Activity.objects.create(kind="arrest", title="Draft arrest", date=dt.date(2020, 1, 1))
        review = Activity.objects.create(
            acting_user=SYSTEM,
            kind="arrest",
            title="Review arrest",
            date=dt.date(2020, 1, 1),
            status=IncidentStatus.REVIEW,
        )
        retracted = Activity.objects.create(
            acting_user=SYSTEM, kind="arrest", title="Gone", date=dt.date(2020, 1, 1), status=IncidentStatus.RETRACTED
        )
        assert analyst_client.get(review.get_absolute_url()).status_code == 200
        assert analyst_client.get(draft.get_absolute_url()).status_code == 404
        client.logout()
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(review.get_absolute_url()).status_code == 404
        response = client.get(retracted.get_absolute_url())
        assert response.status_code == 410 and "Gone" not in response.content.decode()


@pytest.mark.django_db
class TestEveryKindElsewhere:
    def test_province_page_shows_every_kind(self, client, sample_data):
        content = client.get("/provinces/tarabulus/").content.decode()
        assert "Sirte held by the group" in content
        assert 'data-count="territory">1<' in content
        fezzan = client.get("/provinces/fezzan/").content.decode()
        assert "Photo set from inside" in fezzan and 'data-count="media_release">2<' in fezzan

    def test_overview_counts_every_kind(self, client, sample_data):
        content = client.get("/").content.decode()
        for kind, count in {"attack": 3, "media_release": 4, "leadership": 1, "territory": 1, "arrest": 0}.items():
            assert f'data-count="{kind}">{count}<' in content
