"""IPWATCH_TWO_PERSON_PUBLISH=1: whoever last edited an incident may not publish it — through the
model, the admin form, the bulk action or a pending change's review. Off by default."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied

from ipwatch.core.choices import ChangeOrigin, IncidentStatus, ReviewStatus
from ipwatch.core.pending import accept, propose

from .admin_helpers import incident_form_data

ADMIN = "/admin/core/incident/"


@pytest.fixture
def second_reviewer(db):
    user = User.objects.create_user(username="reviewer2", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user


@pytest.fixture
def two_person(settings):
    settings.IPWATCH_TWO_PERSON_PUBLISH = True


@pytest.fixture
def edited_by_reviewer(make_incident, reviewer):
    """An incident in review whose last edit was the reviewer's own."""
    incident = make_incident(status=IncidentStatus.DRAFT)
    incident.transition(IncidentStatus.REVIEW, reviewer)
    return incident


@pytest.mark.django_db
class TestTwoPersonRule:
    def test_last_editor_cannot_publish(self, two_person, edited_by_reviewer, reviewer):
        with pytest.raises(PermissionDenied, match="two-person rule"):
            edited_by_reviewer.transition(IncidentStatus.PUBLISHED, reviewer)
        edited_by_reviewer.refresh_from_db()
        assert edited_by_reviewer.status == IncidentStatus.REVIEW

    def test_another_reviewer_can(self, two_person, edited_by_reviewer, second_reviewer):
        edited_by_reviewer.transition(IncidentStatus.PUBLISHED, second_reviewer)
        edited_by_reviewer.refresh_from_db()
        assert edited_by_reviewer.status == IncidentStatus.PUBLISHED

    def test_off_by_default(self, edited_by_reviewer, reviewer):
        edited_by_reviewer.transition(IncidentStatus.PUBLISHED, reviewer)
        assert edited_by_reviewer.status == IncidentStatus.PUBLISHED

    def test_admin_form_refuses_with_the_reason(self, two_person, edited_by_reviewer, reviewer_client):
        data = incident_form_data(edited_by_reviewer, status="published")
        response = reviewer_client.post(f"{ADMIN}{edited_by_reviewer.pk}/change/", data)
        assert response.status_code == 200
        assert "two-person rule" in response.content.decode()
        edited_by_reviewer.refresh_from_db()
        assert edited_by_reviewer.status == IncidentStatus.REVIEW

    def test_status_menu_does_not_offer_it(self, two_person, edited_by_reviewer, reviewer_client):
        response = reviewer_client.get(f"{ADMIN}{edited_by_reviewer.pk}/change/")
        choices = [value for value, _ in response.context["adminform"].form.fields["status"].choices]
        assert "published" not in choices

    def test_bulk_action_refuses(self, two_person, edited_by_reviewer, reviewer_client):
        reviewer_client.post(ADMIN, {"action": "publish", "_selected_action": [edited_by_reviewer.pk]})
        edited_by_reviewer.refresh_from_db()
        assert edited_by_reviewer.status == IncidentStatus.REVIEW

    def test_reviewer_cannot_accept_their_own_proposed_change(
        self, two_person, make_incident, reviewer, second_reviewer
    ):
        incident = make_incident()
        pending = propose(
            incident, {"summary": "Changed by an import the reviewer ran."}, ChangeOrigin.IMPORT, reviewer
        )
        with pytest.raises(PermissionDenied, match="two-person rule"):
            accept(pending, reviewer)
        accept(pending, second_reviewer)
        pending.refresh_from_db()
        assert pending.status == ReviewStatus.ACCEPTED
