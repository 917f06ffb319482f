import pytest

from tests.filter_helpers import INVALID_FILTERS, rejected, run


@pytest.mark.django_db
class TestIncidentFilters:
    def test_province_country_dates_type_claimed(self, sample_data):
        assert run("province=fezzan").count() == 1
        assert run("country=ly&since=2019-01-01").count() == 2
        assert run("until=2018-12-31").get().date_display == "Oct 2018"
        assert run("type=raid&claimed=yes").count() == 2
        assert run("claimed=no").count() == 1
        assert run("q=beheaded").get().place.name == "Sebha"
        assert run("bbox=14,26,15,28").get().place.name == "Sebha"

    @pytest.mark.parametrize(("query", "param"), INVALID_FILTERS)
    def test_invalid_values_name_the_parameter(self, sample_data, query, param):
        assert list(rejected(query).errors) == [param]

    def test_internal_notes_are_not_searchable(self, make_incident):
        make_incident(internal_notes="secret-marker")
        assert run("q=secret-marker").count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/timeline.json?until=9999-12-31",
        "/api/timeline.json?granularity=week&since=0001-01-01&until=9999-12-30",
        "/timeline/?until=9999-12-31",
        "/api/incidents.geojson?since=1066-10-14",
        "/incidents/?until=2200-01-01",
    ],
)
def test_far_out_dates_are_a_400_naming_the_parameter(client, sample_data, url):
    response = client.get(url)
    assert response.status_code == 400
    assert ("until" if "until=" in url and "since=0001" not in url else "since") in response.content.decode()
