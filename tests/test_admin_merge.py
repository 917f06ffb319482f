"""Merging duplicates in the admin: the possible-duplicates list, the merge page, what a merge keeps,
and /incidents/<merged id>/ answering 301 to the survivor."""

import pytest
from django.contrib.messages import get_messages

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident, Report
from ipwatch.core.workflow import SYSTEM

from .admin_helpers import incident_form_data

ADMIN = "/admin/core/incident/"


@pytest.fixture
def duplicates(make_incident, make_place, make_province, make_source):
    place, province = make_place(), make_province()
    keep = make_incident(place=place, province=province, external_source="acled", external_id="LBY1", killed_best=None)
    dup = make_incident(place=place, province=province, external_source="gtd", external_id="2019", killed_best=3)
    Report.objects.create(incident=keep, source=make_source(), title="Kept report")
    Report.objects.create(incident=dup, source=make_source(), title="Moved report")
    return keep, dup


@pytest.mark.django_db
class TestMerge:
    def test_change_form_lists_possible_duplicates_with_links(self, editor_client, duplicates):
        keep, dup = duplicates
        html = editor_client.get(f"{ADMIN}{keep.pk}/change/").content.decode()
        assert f'href="{ADMIN}{dup.pk}/change/"' in html
        assert f'href="{ADMIN}{keep.pk}/merge/{dup.pk}/"' in html

    def test_saving_warns_of_duplicates(self, reviewer_client, duplicates):
        keep, dup = duplicates
        response = reviewer_client.post(f"{ADMIN}{keep.pk}/change/", incident_form_data(keep))
        assert response.status_code == 302
        assert any(f"#{dup.pk}" in str(m) for m in get_messages(response.wsgi_request))

    def test_merge_keeps_one_moves_reports_keeps_histories_and_ids(self, reviewer_client, duplicates, client):
        keep, dup = duplicates
        page = reviewer_client.get(f"{ADMIN}{keep.pk}/merge/{dup.pk}/")
        assert page.status_code == 200 and "Merge" in page.content.decode()
        response = reviewer_client.post(f"{ADMIN}{keep.pk}/merge/{dup.pk}/", {"survivor": keep.pk})
        assert response.status_code == 302
        keep.refresh_from_db()
        dup.refresh_from_db()
        assert dup.status == IncidentStatus.MERGED and dup.merged_into == keep
        assert sorted(keep.reports.values_list("title", flat=True)) == ["Kept report", "Moved report"]
        assert keep.killed_best == 3  # filled from the duplicate
        assert (dup.external_source, dup.external_id) == ("gtd", "2019")
        assert (keep.external_source, keep.external_id) == ("acled", "LBY1")
        assert dup.history.count() >= 2 and keep.history.count() >= 2
        assert "Merged incident" in keep.history.latest().history_change_reason
        redirect = client.get(f"/incidents/{dup.pk}/")
        assert redirect.status_code == 301
        assert redirect["Location"] == f"/incidents/{keep.pk}/"
        assert Incident.objects.published().filter(pk=dup.pk).count() == 0

    def test_editor_cannot_merge_published_incidents(self, editor_client, duplicates):
        keep, dup = duplicates
        response = editor_client.post(f"{ADMIN}{keep.pk}/merge/{dup.pk}/", {"survivor": keep.pk})
        assert response.status_code == 400
        assert "reviewers only" in response.content.decode()
        dup.refresh_from_db()
        assert dup.status == IncidentStatus.PUBLISHED

    def test_editor_merges_drafts(self, editor_client, duplicates):
        keep, dup = duplicates
        Incident.objects.filter(pk__in=[keep.pk, dup.pk]).update(status=IncidentStatus.DRAFT, acting_user=SYSTEM)
        response = editor_client.post(f"{ADMIN}{keep.pk}/merge/{dup.pk}/", {"survivor": dup.pk})
        assert response.status_code == 302
        keep.refresh_from_db()
        assert keep.merged_into_id == dup.pk

    def test_merge_action_needs_two(self, reviewer_client, duplicates):
        keep, dup = duplicates
        response = reviewer_client.post(ADMIN, {"action": "merge_selected", "_selected_action": [keep.pk, dup.pk]})
        assert response.status_code == 302 and response["Location"] == f"{ADMIN}{keep.pk}/merge/{dup.pk}/"
        response = reviewer_client.post(ADMIN, {"action": "merge_selected", "_selected_action": [keep.pk]})
        assert any("exactly two" in str(m) for m in get_messages(response.wsgi_request))

    def test_merged_into_unpublished_is_404_for_the_public(self, reviewer_client, duplicates, client):
        keep, dup = duplicates
        reviewer_client.post(f"{ADMIN}{keep.pk}/merge/{dup.pk}/", {"survivor": keep.pk})
        Incident.objects.filter(pk=keep.pk).update(status=IncidentStatus.DRAFT, acting_user=SYSTEM)
        assert client.get(f"/incidents/{dup.pk}/").status_code == 404
