"""/geocoding/suggest/: staff-only JSON suggestions the Place admin form asks as the editor types."""

import pytest

URL = "/geocoding/suggest/"


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_is_refused(self, client):
        response = client.get(URL, {"q": "Sebha"})
        assert response.status_code == 403
        assert response.json()["error"].startswith("geocoding suggestions are for staff")

    def test_non_staff_analyst_is_refused(self, analyst_client):
        assert analyst_client.get(URL, {"q": "Sebha"}).status_code == 403

    def test_post_is_not_allowed(self, editor_client):
        assert editor_client.post(URL, {"q": "Sebha"}).status_code == 405


@pytest.mark.django_db
class TestSuggestions:
    def test_el_fogha_in_libya(self, editor_client, django_assert_max_num_queries):
        with django_assert_max_num_queries(2):  # session and user; the gazetteer is in memory
            response = editor_client.get(URL, {"q": "El Fogha", "country": "LY"})
        assert response.status_code == 200
        data = response.json()
        assert (data["query"], data["country"]) == ("El Fogha", "LY")
        first = data["results"][0]
        assert (first["name"], first["source"], first["lat"], first["lon"]) == (
            "Al-Fuqaha",
            "supplement:al-fuqaha",
            27.833,
            16.35,
        )

    def test_partly_typed_name(self, editor_client):
        results = editor_client.get(URL, {"q": "El Fo", "country": "ly"}).json()["results"]
        assert "supplement:al-fuqaha" in [r["source"] for r in results]

    def test_arabic(self, editor_client):
        results = editor_client.get(URL, {"q": "سبها"}).json()["results"]
        assert results[0]["source"] == "geonames:2212775"

    def test_ambiguous_name_lists_both(self, editor_client):
        results = editor_client.get(URL, {"q": "Sabha"}).json()["results"]
        assert {r["country"] for r in results[:2]} == {"LY", "JO"}

    def test_province_narrows(self, editor_client, make_province):
        make_province(slug="lebanon-test", countries=["LB"])
        results = editor_client.get(URL, {"q": "Tripoli", "province": "lebanon-test"}).json()["results"]
        assert results[0]["country"] == "LB"

    def test_no_match(self, editor_client):
        assert editor_client.get(URL, {"q": "Xyzzyville", "country": "LY"}).json()["results"] == []

    def test_limit(self, editor_client):
        assert len(editor_client.get(URL, {"q": "Sa", "limit": "3"}).json()["results"]) <= 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "Sebha", "country": "Libya"}, "country"),
        ({"q": "Sebha", "limit": "many"}, "limit"),
        ({"q": "Sebha", "limit": "0"}, "limit"),
        ({"q": "Sebha", "province": "atlantis"}, "province"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(editor_client, params, field):
    response = editor_client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert field in body["error"]


@pytest.mark.django_db
def test_a_nul_byte_in_the_province_is_a_400_not_a_database_error(editor_client):
    response = editor_client.get(URL, {"q": "Sebha", "province": "\x00"})
    assert response.status_code == 400
    assert "province" in response.json()["errors"]


@pytest.mark.django_db
def test_names_starting_with_what_was_typed_in_the_hinted_country_come_first(editor_client):
    results = editor_client.get(URL, {"q": "Sab", "country": "LY"}).json()["results"]
    assert results[0]["name"] == "Sabha"
    worldwide = editor_client.get(URL, {"q": "Sab"}).json()["results"]
    assert all(r["name"].lower().lstrip("ş").startswith(("sa", "şa")) for r in worldwide[:3])
    assert "Cape Town" not in [r["name"] for r in worldwide]
