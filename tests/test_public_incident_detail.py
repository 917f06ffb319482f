"""/incidents/<id>/ — one incident, its reports side by side, neighbours in the province;
404 for unknown or unpublished, 410 Gone for retracted."""

import datetime as dt

from ipwatch.core.choices import DatePrecision, IncidentStatus, SourceKind
from ipwatch.core.models import Incident
from tests.public_helpers import count_queries


def test_real_sample_incident_shows_claims_and_independent_reporting(client, sample_data):
    sebha = Incident.objects.get(place__name="Sebha")
    response = client.get(f"/incidents/{sebha.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 May 2019" in html and "Fezzan" in html
    assert [r.source.name for r in response.context["claims"]] == ["Amaq News Agency"]
    assert {r.source.name for r in response.context["independent"]} >= {"Reuters"}
    assert "killed or wounded (one figure): <strong>16</strong>" in html
    assert "Claims by the group" in html and "Independent reporting" in html


def test_date_at_its_precision_and_figures(client, make_incident):
    incident = make_incident(
        date=dt.date(2018, 10, 25), date_precision=DatePrecision.MONTH, killed_low=2, killed_best=4, killed_high=6
    )
    response = client.get(f"/incidents/{incident.pk}/")
    html = response.content.decode()
    assert "Oct 2018" in html and "25 Oct 2018" not in html
    assert [(row["best"], row["range"]) for row in response.context["figures"]] == [
        ("4", "2–6"),
        ("unknown", "not recorded"),
    ]
    assert '<td class="num">2–6</td>' in html


def test_group_media_is_cited_by_name_and_date_without_a_link(client, make_incident, make_source):
    amaq = make_source(name="Amaq News Agency", kind=SourceKind.GROUP_MEDIA)
    wire = make_source(name="A Wire Service", kind=SourceKind.NEWS_AGENCY)
    incident = make_incident(
        reports=[
            {"source": amaq, "is_claim": True, "url": "https://propaganda.invalid/video", "title": "Statement"},
            {"source": wire, "url": "https://news.invalid/story", "title": "Story"},
        ]
    )
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "propaganda.invalid" not in html
    assert 'href="https://news.invalid/story"' in html
    assert "cited by name and date only" in html


def test_internal_notes_and_editor_names_are_for_nobody_public(client, analyst, editor, make_incident):
    editor.first_name, editor.last_name = "Zelda", "Quartermain"
    editor.save()
    incident = make_incident(internal_notes="Check with the second source", created_by=editor, updated_by=editor)
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Check with the second source" not in html
    assert "Quartermain" not in html and "Zelda" not in html
    client.force_login(analyst)
    assert "Check with the second source" in client.get(f"/incidents/{incident.pk}/").content.decode()


def test_unpublished_incidents_are_404_for_the_public_and_review_is_visible_to_analysts(
    client, analyst, make_incident
):
    draft = make_incident(status=IncidentStatus.DRAFT)
    in_review = make_incident(status=IncidentStatus.REVIEW)
    assert client.get(f"/incidents/{draft.pk}/").status_code == 404
    assert client.get(f"/incidents/{in_review.pk}/").status_code == 404
    client.force_login(analyst)
    response = client.get(f"/incidents/{in_review.pk}/")
    assert response.status_code == 200
    assert "Not public" in response.content.decode()
    assert client.get(f"/incidents/{draft.pk}/").status_code == 404


def test_retracted_incident_is_410_gone_with_a_short_notice(client, make_incident):
    incident = make_incident(status=IncidentStatus.RETRACTED, summary="Wrongly reported raid")
    response = client.get(f"/incidents/{incident.pk}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "has been retracted" in html
    assert "Wrongly reported raid" not in html


def test_unknown_id_is_404(client, db):
    assert client.get("/incidents/987654/").status_code == 404


def test_previous_and_next_in_the_same_province(client, make_incident, make_province):
    province, other = make_province(), make_province()
    first = make_incident(province=province, date=dt.date(2019, 1, 1))
    middle = make_incident(province=province, date=dt.date(2019, 2, 1))
    make_incident(province=other, date=dt.date(2019, 2, 15))
    make_incident(province=province, date=dt.date(2019, 2, 20), status=IncidentStatus.DRAFT)
    last = make_incident(province=province, date=dt.date(2019, 3, 1))
    context = client.get(f"/incidents/{middle.pk}/").context
    assert (context["previous"], context["next"]) == (first, last)
    context = client.get(f"/incidents/{first.pk}/").context
    assert (context["previous"], context["next"]) == (None, middle)


def test_query_count_does_not_grow_with_reports(client, make_incident, make_source):
    source = make_source()
    one = make_incident(reports=[{"source": source, "title": "only"}])
    many = make_incident(reports=[{"source": make_source(), "title": f"r{i}"} for i in range(8)])
    assert count_queries(client, f"/incidents/{one.pk}/") == count_queries(client, f"/incidents/{many.pk}/")


def test_cite_this_block_and_report_dates(client, sample_data):
    sebha = Incident.objects.get(place__name="Sebha")
    response = client.get(f"/incidents/{sebha.pk}/")
    html = response.content.decode()
    ref = f"IPW-{sebha.pk:06d}"
    cite = response.context["cite"]
    assert cite["ref"] == ref and f"<code data-ref>{ref}</code>" in html
    assert cite["permalink"] == f"http://testserver/incidents/{sebha.pk}/"
    assert f'href="http://testserver/incidents/{sebha.pk}/"' in html
    assert "Retrieved" in html
    assert cite["sources"] == [
        "Amaq News Agency, “Amaq single-page statement claiming the Sebha camp raid”, publication date not recorded",
        "Reuters, “Local official on the Sebha camp attack”, publication date not recorded",
        "FDD's Long War Journal, “Islamic State loyalists fight on in Libya”, May 2019",
    ]
    assert f"{ref}, http://testserver/incidents/{sebha.pk}/ (retrieved" in cite["text"]
    # Each report shows its date at its precision when known.
    assert '<time datetime="2019-05">May 2019</time>' in html
    # Killed: best 1, range recorded as low 1 only.
    assert response.context["figures"][0] == {
        "name": "killed",
        "label": "Killed",
        "best": "1",
        "range": "at least 1 (no upper figure)",
    }
    assert response.context["figures"][1]["best"] == "unknown"
