"""/incidents/export.csv — the analysts' export (review items and internal notes included)."""

import csv
import io

from ipwatch.core.choices import IncidentStatus


def rows(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get("/incidents/export.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logged_in_non_analysts_are_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw-for-tests-only"))
    assert client.get("/incidents/export.csv").status_code == 403


def test_analyst_export_includes_review_and_internal_notes_and_applies_filters(client, analyst, make_incident):
    published = make_incident(internal_notes="note A")
    in_review = make_incident(status=IncidentStatus.REVIEW, internal_notes="note B")
    make_incident(status=IncidentStatus.DRAFT)
    make_incident(status=IncidentStatus.RETRACTED)
    client.force_login(analyst)
    response = client.get("/incidents/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    exported = {int(row["id"]): row for row in rows(response)}
    assert set(exported) == {published.pk, in_review.pk}
    assert exported[in_review.pk]["status"] == "review"
    assert exported[published.pk]["internal_notes"] == "note A"
    only = rows(client.get(f"/incidents/export.csv?province={published.province.slug}"))
    assert [int(row["id"]) for row in only] == [published.pk]


def test_bad_filter_is_400_naming_the_parameter(client, analyst):
    client.force_login(analyst)
    response = client.get("/incidents/export.csv?since=soon")
    assert response.status_code == 400
    assert b"since" in response.content


def test_spreadsheet_formulas_are_neutralised(client, analyst, make_incident):
    make_incident(summary='=HYPERLINK("http://evil.invalid")', killed_best=3)
    client.force_login(analyst)
    (row,) = rows(client.get("/incidents/export.csv"))
    assert row["summary"].startswith("'=")
    assert row["killed_best"] == "3"


def test_query_count_is_constant(client, analyst, make_incident):
    client.force_login(analyst)
    make_incident()

    def export_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            rows(client.get("/incidents/export.csv"))
        return len(captured)

    few = export_queries()
    for _ in range(25):
        make_incident()
    assert export_queries() == few
