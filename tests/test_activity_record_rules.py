"""The record rules every kind shares hold for the activity kinds too: dates within 1900–2100, the
workflow checked against the stored status (the history "Revert" form cannot republish), and a stale
admin form refused instead of silently undoing someone else's save."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.workflow import SYSTEM
from tests.test_concurrent_edits import editor_saves_then_reviewer_posts_stale, form_errors
from tests.test_workflow_paths import form_data

PUBLISHED, RETRACTED, REVIEW = IncidentStatus.PUBLISHED, IncidentStatus.RETRACTED, IncidentStatus.REVIEW
CHANGELIST = "/admin/activity/activity/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def leadership(editor):
    activity = Activity(
        kind=ActivityKind.LEADERSHIP,
        date=dt.date(2019, 4, 29),
        title="Leader appears in a video (synthetic, for tests)",
        leadership_event="appearing",
        person="Someone",
        status=REVIEW,
    )
    activity.save(acting_user=SYSTEM)  # fixtures may start in review
    return activity


@pytest.mark.parametrize("field", ["date", "end_date"])
def test_activity_dates_outside_1900_2100_are_refused(leadership, field):
    setattr(leadership, field, dt.date(9999, 12, 15))
    with pytest.raises(ValidationError) as caught:
        leadership.full_clean()
    assert field in caught.value.message_dict


def test_editor_cannot_republish_an_activity_through_the_history_form(editor_client, reviewer, leadership):
    leadership.transition(PUBLISHED, reviewer)
    leadership.transition(RETRACTED, reviewer)
    published = leadership.history.filter(status=PUBLISHED).first()
    url = f"{CHANGELIST}{leadership.pk}/history/{published.history_id}/"
    page = editor_client.get(url)
    assert page.status_code == 200
    response = editor_client.post(url, form_data(page.context["adminform"].form))
    assert response.status_code == 200  # the form again, with the refusal
    leadership.refresh_from_db()
    assert leadership.status == RETRACTED


def test_transition_checks_the_stored_status_not_an_old_copy(editor, reviewer, leadership):
    stale = Activity.objects.get(pk=leadership.pk)
    leadership.transition(PUBLISHED, reviewer)
    stale.status = REVIEW  # what the old copy believes; the database says published
    with pytest.raises(PermissionDenied):
        stale.transition(RETRACTED, editor)


def test_a_stale_activity_form_is_refused(editor, reviewer, leadership):
    url = f"{CHANGELIST}{leadership.pk}/change/"
    _, _, response = editor_saves_then_reviewer_posts_stale(
        editor, reviewer, url, {"summary": "Editor's summary (synthetic)."}, {"person": "Someone else"}
    )
    assert response.status_code == 200
    assert form_errors(response)[0].startswith("Someone else saved this ")
    leadership.refresh_from_db()
    assert leadership.summary == "Editor's summary (synthetic)." and leadership.person == "Someone"
