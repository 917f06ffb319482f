import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident

pytestmark = pytest.mark.django_db


def test_editor_sends_to_review_but_cannot_publish(make_incident, editor):
    incident = make_incident(status=IncidentStatus.DRAFT)
    incident.transition(IncidentStatus.REVIEW, editor)
    with pytest.raises(PermissionDenied):
        incident.transition(IncidentStatus.PUBLISHED, editor)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REVIEW


def test_reviewer_publishes_and_retracts(make_incident, reviewer):
    incident = make_incident(status=IncidentStatus.REVIEW)
    incident.transition(IncidentStatus.PUBLISHED, reviewer)
    assert incident.published_at is not None
    incident.transition(IncidentStatus.RETRACTED, reviewer)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RETRACTED


def test_drafts_cannot_skip_review(make_incident, reviewer):
    incident = make_incident(status=IncidentStatus.DRAFT)
    with pytest.raises(ValidationError) as caught:
        incident.transition(IncidentStatus.PUBLISHED, reviewer)
    assert "cannot go from Draft to Published" in caught.value.message_dict["status"][0]


def test_every_change_is_recorded_with_its_author(make_incident, editor, reviewer):
    incident = make_incident(status=IncidentStatus.DRAFT)
    incident.transition(IncidentStatus.REVIEW, editor)
    incident.transition(IncidentStatus.PUBLISHED, reviewer)
    statuses = list(incident.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["draft", "review", "published"]
    assert Incident.objects.get(pk=incident.pk).updated_by == reviewer
