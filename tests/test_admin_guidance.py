"""The incident and place admin guide editors: status menus offer only allowed changes, "is claim"
follows the source's kind, dates are ISO, aliases one per line, reports compact and graded."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages

from ipwatch.core.choices import IncidentStatus, SourceKind, SourceReliability
from ipwatch.core.models import Place, Report

from .admin_helpers import incident_form_data

INCIDENTS = "/admin/core/incident/"
PLACES = "/admin/core/place/"


def status_options(response) -> list[str]:
    field = response.context["adminform"].form.fields["status"]
    return [value for value, _ in field.choices]


@pytest.mark.django_db
class TestStatusMenu:
    def test_editor_on_a_draft_is_offered_draft_and_review_only(self, editor_client, make_incident):
        incident = make_incident(status=IncidentStatus.DRAFT)
        response = editor_client.get(f"{INCIDENTS}{incident.pk}/change/")
        assert status_options(response) == ["draft", "review"]

    def test_editor_on_a_published_incident_cannot_change_its_status(self, editor_client, make_incident):
        incident = make_incident(status=IncidentStatus.PUBLISHED)
        response = editor_client.get(f"{INCIDENTS}{incident.pk}/change/")
        assert status_options(response) == ["published"]
        assert "You may not change this incident's status" in response.content.decode()

    def test_reviewer_on_review_may_publish(self, reviewer_client, make_incident):
        incident = make_incident(status=IncidentStatus.REVIEW)
        response = reviewer_client.get(f"{INCIDENTS}{incident.pk}/change/")
        assert status_options(response) == ["draft", "review", "published"]

    def test_new_incident_offers_editors_draft_only(self, editor_client):
        assert status_options(editor_client.get(f"{INCIDENTS}add/")) == ["draft"]

    def test_editor_posting_published_anyway_is_refused(self, editor_client, make_incident):
        incident = make_incident(status=IncidentStatus.REVIEW)
        response = editor_client.post(
            f"{INCIDENTS}{incident.pk}/change/", incident_form_data(incident, status="published")
        )
        assert response.status_code == 200  # the form again, with the error
        incident.refresh_from_db()
        assert incident.status == IncidentStatus.REVIEW


@pytest.mark.django_db
class TestReportsInline:
    def test_group_media_report_defaults_to_claim_graded_f(self, editor_client, make_incident, make_source):
        incident = make_incident(status=IncidentStatus.DRAFT)
        amaq = make_source(kind=SourceKind.GROUP_MEDIA, name="Amaq (test)")
        data = incident_form_data(incident, new_reports=[{"source": amaq, "title": "Statement"}])
        response = editor_client.post(f"{INCIDENTS}{incident.pk}/change/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        report = Report.objects.get(incident=incident)
        assert report.is_claim is True
        assert report.source_reliability == SourceReliability.F

    def test_editor_grade_is_kept(self, make_incident, make_source):
        incident = make_incident()
        amaq = make_source(kind=SourceKind.GROUP_MEDIA)
        report = Report.objects.create(incident=incident, source=amaq, is_claim=True, source_reliability="B")
        assert report.source_reliability == "B"

    def test_independent_report_is_not_graded_by_default(self, make_incident, make_source):
        report = Report.objects.create(incident=make_incident(), source=make_source())
        assert (report.source_reliability, report.is_claim) == ("", False)

    def test_mismatch_warns_after_saving(self, editor_client, make_incident, make_source):
        incident = make_incident(status=IncidentStatus.DRAFT)
        reuters = make_source(kind=SourceKind.NEWS_AGENCY, name="Reuters (test)")
        data = incident_form_data(incident, new_reports=[{"source": reuters, "is_claim": "on"}])
        response = editor_client.post(f"{INCIDENTS}{incident.pk}/change/", data)
        assert response.status_code == 302
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("is not group media" in text for text in texts)

    def test_inline_is_compact_with_full_width_title(self, editor_client, make_incident, make_source):
        incident = make_incident(status=IncidentStatus.DRAFT)
        Report.objects.create(incident=incident, source=make_source(), title="A long headline " * 10)
        html = editor_client.get(f"{INCIDENTS}{incident.pk}/change/").content.decode()
        assert "compact-reports" in html
        assert 'class="vLargeTextField report-title"' in html
        assert "core/admin.css" in html and "core/report_inline.js" in html
        assert "data-group-media-sources" in html


@pytest.mark.django_db
class TestIsoDates:
    def test_dates_are_shown_as_iso(self, editor_client, make_incident):
        incident = make_incident(date=dt.date(2019, 5, 4), status=IncidentStatus.DRAFT)
        html = editor_client.get(f"{INCIDENTS}{incident.pk}/change/").content.decode()
        assert 'value="2019-05-04"' in html
        assert "04/05/2019" not in html

    def test_an_ambiguous_date_is_refused(self, editor_client, make_incident):
        incident = make_incident(status=IncidentStatus.DRAFT)
        response = editor_client.post(
            f"{INCIDENTS}{incident.pk}/change/", incident_form_data(incident, date="04/05/2019")
        )
        assert response.status_code == 200
        assert "date" in response.context["adminform"].form.errors


@pytest.mark.django_db
class TestAliasesOnePerLine:
    def test_aliases_show_one_per_line(self, editor_client, make_place):
        place = make_place(name="Sabha", aliases=["Sebha", "سبها"])
        html = editor_client.get(f"{PLACES}{place.pk}/change/").content.decode()
        assert "Sebha\nسبها</textarea>" in html
        assert "[]" not in html.split('name="aliases"')[1][:200]

    def test_aliases_saved_as_a_list(self, editor_client):
        data = {"name": "Sirte", "country": "LY", "aliases": "Surt\n\n  Sirt \nSurt\n", "location_precision": "near",
                "latitude": "31.2", "longitude": "16.59", "geocoder": "manual"}  # fmt: skip
        response = editor_client.post(f"{PLACES}add/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Place.objects.get(name="Sirte").aliases == ["Surt", "Sirt"]

    def test_empty_aliases_are_an_empty_list(self, editor_client, make_place):
        place = make_place()
        html = editor_client.get(f"{PLACES}{place.pk}/change/").content.decode()
        assert 'name="aliases"' in html and "[]</textarea>" not in html


@pytest.mark.django_db
def test_public_page_shows_grading_where_recorded(client, make_incident, make_source):
    incident = make_incident()
    Report.objects.create(incident=incident, source=make_source(), source_reliability="B", information_credibility="2")
    Report.objects.create(incident=incident, source=make_source(kind=SourceKind.GROUP_MEDIA), is_claim=True)
    html = client.get(incident.get_absolute_url()).content.decode()
    assert "B2</abbr>: source usually reliable; information probably true" in html
    assert "F</abbr>: source reliability cannot be judged — the group's own claim, not independently confirmed" in html


@pytest.mark.django_db
def test_editor_who_unticks_the_scripted_default_is_believed(editor_client, make_incident, make_source):
    incident = make_incident(status=IncidentStatus.DRAFT)
    amaq = make_source(kind=SourceKind.GROUP_MEDIA, name="Amaq (test 2)")
    data = incident_form_data(incident, new_reports=[{"source": amaq, "claim_default_shown": "1"}])
    response = editor_client.post(f"{INCIDENTS}{incident.pk}/change/", data)
    assert response.status_code == 302
    report = Report.objects.get(incident=incident)
    assert report.is_claim is False  # kept as the editor left it, with a warning
    assert any("not marked as a claim" in str(m) for m in get_messages(response.wsgi_request))
