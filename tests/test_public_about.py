"""/about/ — methodology, definitions, sourcing policy, licence."""

from ipwatch.core.choices import DatePrecision, IncidentType, LocationPrecision
from tests.public_helpers import count_queries


def test_about_explains_types_precision_sourcing_and_licence(client, db):
    response = client.get("/about/")
    assert response.status_code == 200
    html = response.content.decode()
    for _, label in IncidentType.choices:
        assert label in html
    for value, _ in DatePrecision.choices + LocationPrecision.choices:
        assert f"<code>{value}</code>" in html
    assert "by name and date only" in html
    assert "Independent reporting".lower() in html.lower()
    assert "CC BY 4.0" in html and "creativecommons.org/licenses/by/4.0" in html
    assert 'id="licence"' in html


def test_about_needs_one_query(client, db):
    assert count_queries(client, "/about/") == 1  # the data's "as of" date, stated on every page
