"""Changes to published incidents wait for a reviewer: from a re-import and from an editor without
publish permission. The public keeps the published version; reviewers see a field-by-field
difference and accept or reject."""

import pytest
from django.contrib.messages import get_messages

from ipwatch.core.choices import ChangeOrigin, IncidentStatus, ReviewStatus
from ipwatch.core.models import Incident, PendingChange, Report
from ipwatch.core.pending import accept, propose, reject
from tests.test_import_incidents_command import acled_file, acled_row, run

from .admin_helpers import incident_form_data

ADMIN = "/admin/core/incident/"
REVIEW = "/admin/core/pendingchange/"


@pytest.mark.django_db
class TestReimport:
    def test_change_to_a_published_incident_waits_for_review(self, sample_data, tmp_path, client, reviewer):
        run(acled_file(tmp_path, [acled_row("SYN-1")]), "acled", "--status", "published")
        incident = Incident.objects.get(external_id="SYN-1")
        out, _ = run(acled_file(tmp_path, [acled_row("SYN-1", fatalities="7")]), "acled")
        assert "1 changes to published incidents awaiting a reviewer" in out
        incident.refresh_from_db()
        assert incident.killed_best == 1  # the published version stays
        pending = PendingChange.objects.get(incident=incident)
        assert pending.origin == ChangeOrigin.IMPORT
        assert pending.changes["killed_best"] == {"old": 1, "new": 7}
        # Imported twice: still one open change.
        run(acled_file(tmp_path, [acled_row("SYN-1", fatalities="7")]), "acled")
        assert PendingChange.objects.filter(incident=incident).count() == 1
        accept(pending, reviewer)
        incident.refresh_from_db()
        assert incident.killed_best == 7
        assert "Accepted change" in incident.history.latest().history_change_reason
        assert incident.history.latest().history_user == reviewer

    def test_draft_incidents_are_updated_directly(self, sample_data, tmp_path):
        run(acled_file(tmp_path, [acled_row("SYN-1")]), "acled")
        run(acled_file(tmp_path, [acled_row("SYN-1", fatalities="7")]), "acled")
        assert Incident.objects.get(external_id="SYN-1").killed_best == 7
        assert not PendingChange.objects.exists()


@pytest.mark.django_db
class TestEditorChange:
    def test_editor_edit_of_published_incident_is_held(self, editor_client, editor, make_incident, client):
        incident = make_incident(summary="Published summary.")
        data = incident_form_data(incident, summary="Edited summary, not yet reviewed.")
        response = editor_client.post(f"{ADMIN}{incident.pk}/change/", data)
        assert response.status_code == 302
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("waiting for a reviewer" in t for t in texts)
        assert not any("changed successfully" in t for t in texts)
        incident.refresh_from_db()
        assert incident.summary == "Published summary."
        pending = PendingChange.objects.get(incident=incident)
        assert (pending.origin, pending.created_by) == (ChangeOrigin.EDITOR, editor)
        assert pending.changes == {
            "summary": {"old": "Published summary.", "new": "Edited summary, not yet reviewed."}
        }
        assert "Edited summary" not in client.get(incident.get_absolute_url()).content.decode()

    def test_editor_cannot_edit_reports_of_a_published_incident(self, editor_client, make_incident, make_source):
        incident = make_incident()
        Report.objects.create(incident=incident, source=make_source(), title="Published report")
        data = incident_form_data(incident)
        data["reports-0-title"] = "Sneaky edit"
        editor_client.post(f"{ADMIN}{incident.pk}/change/", data)
        assert incident.reports.get().title == "Published report"

    def test_reviewer_edits_directly(self, reviewer_client, make_incident):
        incident = make_incident(summary="Published summary.")
        reviewer_client.post(f"{ADMIN}{incident.pk}/change/", incident_form_data(incident, summary="Fixed."))
        incident.refresh_from_db()
        assert incident.summary == "Fixed."
        assert not PendingChange.objects.exists()

    def test_editor_edits_drafts_directly(self, editor_client, make_incident):
        incident = make_incident(status=IncidentStatus.DRAFT, summary="Draft.")
        editor_client.post(f"{ADMIN}{incident.pk}/change/", incident_form_data(incident, summary="Better draft."))
        incident.refresh_from_db()
        assert incident.summary == "Better draft."


@pytest.mark.django_db
class TestReview:
    @pytest.fixture
    def pending(self, make_incident, make_place, editor):
        incident = make_incident(summary="Published.", killed_best=1)
        return propose(
            incident, {"summary": "Proposed.", "killed_best": 4, "place_id": make_place(name="Newplace").pk},
            ChangeOrigin.EDITOR, editor,
        )  # fmt: skip

    def test_reviewers_list_and_diff(self, reviewer_client, pending):
        listing = reviewer_client.get(REVIEW).content.decode()
        assert f"#{pending.incident_id}" in listing
        html = reviewer_client.get(f"{REVIEW}{pending.pk}/change/").content.decode()
        assert '<td class="old">Published.</td><td class="new">Proposed.</td>' in html
        assert "Newplace (LY)" in html
        assert "Accept: publish this change" in html

    def test_accept_through_the_admin(self, reviewer_client, pending):
        response = reviewer_client.post(f"{REVIEW}{pending.pk}/accept/")
        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.status == ReviewStatus.ACCEPTED
        incident = pending.incident
        incident.refresh_from_db()
        assert (incident.summary, incident.killed_best, incident.place.name) == ("Proposed.", 4, "Newplace")

    def test_reject_keeps_the_published_version(self, reviewer_client, pending):
        reviewer_client.post(f"{REVIEW}{pending.pk}/reject/")
        pending.refresh_from_db()
        assert pending.status == ReviewStatus.REJECTED
        assert Incident.objects.get(pk=pending.incident_id).summary == "Published."

    def test_editor_cannot_accept(self, editor_client, editor, pending):
        editor_client.post(f"{REVIEW}{pending.pk}/accept/")
        pending.refresh_from_db()
        assert pending.status == ReviewStatus.PENDING
        with pytest.raises(Exception, match="only reviewers"):
            accept(pending, editor)
        with pytest.raises(Exception, match="only reviewers"):
            reject(pending, editor)
        assert "Accept: publish" not in editor_client.get(f"{REVIEW}{pending.pk}/change/").content.decode()

    def test_anonymous_cannot_see_the_review_list(self, client, pending):
        assert client.get(REVIEW).status_code == 302  # to the admin login
