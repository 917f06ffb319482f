"""Only reviewers publish or retract, whichever path the status change takes: the change form, the
history "Revert" form, bulk actions, queryset writes, imports. The rule lives in the model."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError

from ipwatch.core.choices import IncidentStatus, IncidentType
from ipwatch.core.models import Incident
from ipwatch.core.workflow import SYSTEM
from ipwatch.exchange.importer import Importer

CHANGELIST = "/admin/core/incident/"
PUBLISHED, RETRACTED, REVIEW, DRAFT = (
    IncidentStatus.PUBLISHED,
    IncidentStatus.RETRACTED,
    IncidentStatus.REVIEW,
    IncidentStatus.DRAFT,
)

pytestmark = pytest.mark.django_db


def form_data(form) -> dict:
    """What a browser submits for an admin form left unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


def version(incident, status):
    return incident.history.filter(status=status).order_by("history_date").first()


def history_url(incident, historical):
    return f"{CHANGELIST}{incident.pk}/history/{historical.history_id}/"


def submit_history_form(client, incident, historical, **changes):
    url = history_url(incident, historical)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**form_data(page.context["adminform"].form), **changes})


@pytest.fixture
def once_published_now_retracted(make_incident, reviewer):
    incident = make_incident(status=REVIEW, summary="Once published, now retracted (synthetic).")
    incident.transition(PUBLISHED, reviewer)
    incident.transition(RETRACTED, reviewer)
    return incident


@pytest.fixture
def published_after_a_draft(make_incident, editor, reviewer):
    incident = make_incident(status=DRAFT, summary="Drafted, reviewed, published (synthetic).")
    incident.transition(REVIEW, editor)
    incident.transition(PUBLISHED, reviewer)
    return incident


class TestHistoryRevertForm:
    def test_editor_cannot_republish_by_reverting_to_a_published_version(
        self, client, editor_client, once_published_now_retracted
    ):
        incident = once_published_now_retracted
        response = submit_history_form(editor_client, incident, version(incident, PUBLISHED))
        assert response.status_code == 200
        assert "only reviewers may publish or retract incidents" in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == RETRACTED
        assert client.get(f"/incidents/{incident.pk}/").status_code == 410

    @pytest.mark.parametrize(
        ("earlier", "refusal"),
        [(DRAFT, "cannot go from Published to Draft"), (REVIEW, "only reviewers may publish or retract incidents")],
        ids=["draft", "review"],
    )
    def test_editor_cannot_unpublish_by_reverting_to_an_earlier_version(
        self, editor_client, published_after_a_draft, earlier, refusal
    ):
        incident = published_after_a_draft
        response = submit_history_form(editor_client, incident, version(incident, earlier))
        assert response.status_code == 200
        assert refusal in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == PUBLISHED

    def test_editor_may_revert_content_when_the_status_stays(self, editor_client, editor, make_incident):
        incident = make_incident(status=REVIEW, summary="First wording (synthetic).")
        incident.summary = "Second wording (synthetic)."
        incident.save()
        first = incident.history.order_by("history_date").first()
        response = submit_history_form(editor_client, incident, first)
        assert response.status_code == 302
        incident.refresh_from_db()
        assert (incident.summary, incident.status, incident.updated_by) == (
            "First wording (synthetic).",
            REVIEW,
            editor,
        )

    def test_reviewer_may_republish_through_the_history_form(
        self, client, reviewer_client, reviewer, once_published_now_retracted
    ):
        incident = once_published_now_retracted
        retracted_at = incident.published_at
        response = submit_history_form(reviewer_client, incident, version(incident, PUBLISHED))
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.status == PUBLISHED
        assert incident.updated_by == reviewer
        assert incident.published_at > retracted_at  # the one rule: stamped when it becomes published
        assert client.get(f"/incidents/{incident.pk}/").status_code == 200


class TestChangeForm:
    def test_editor_cannot_publish_through_the_change_form(self, editor_client, make_incident):
        incident = make_incident(status=REVIEW)
        url = f"{CHANGELIST}{incident.pk}/change/"
        page = editor_client.get(url)
        data = {**form_data(page.context["adminform"].form), "status": PUBLISHED}
        data.update({"reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"})
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert "only reviewers may publish or retract incidents" in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == REVIEW

    def test_new_incidents_start_as_drafts_for_editors(self, editor_client, make_place):
        data = {
            "date": "2019-05-04",
            "date_precision": "day",
            "place": make_place().pk,
            "incident_type": IncidentType.RAID,
            "summary": "New (synthetic).",
            "claim_status": "unclaimed",
            "status": PUBLISHED,
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
        }
        response = editor_client.post(f"{CHANGELIST}add/", data)
        assert response.status_code == 200
        assert "new incidents start as drafts" in response.content.decode()
        assert not Incident.objects.exists()
        assert editor_client.post(f"{CHANGELIST}add/", {**data, "status": DRAFT}).status_code == 302
        created = Incident.objects.get()
        assert created.status == DRAFT


class TestModelRule:
    """The backstop under every view: a save compares with the stored status. (A save or creation
    without an actor, and the queryset writes, are tested for incidents and activity records alike
    in test_activity_workflow.py.)"""

    def test_saving_an_old_version_as_an_editor_is_refused(self, editor, once_published_now_retracted):
        incident = once_published_now_retracted
        old = version(incident, PUBLISHED).instance
        with pytest.raises(PermissionDenied):
            old.save(acting_user=editor)
        incident.refresh_from_db()
        assert incident.status == RETRACTED

    def test_impossible_transitions_are_refused_even_for_reviewers(self, reviewer, make_incident):
        incident = make_incident(status=DRAFT)
        with pytest.raises(ValidationError):
            incident.transition(PUBLISHED, reviewer)
        assert incident.status == DRAFT


class TestBulkPaths:
    def action(self, client, name, incidents):
        return client.post(CHANGELIST, {"action": name, "_selected_action": [i.pk for i in incidents]}, follow=True)

    def test_editor_posting_the_publish_action_changes_nothing(self, editor_client, make_incident):
        incident = make_incident(status=REVIEW)
        self.action(editor_client, "publish", [incident])
        incident.refresh_from_db()
        assert incident.status == REVIEW

    def test_editor_posting_the_retract_action_changes_nothing(self, editor_client, make_incident):
        incident = make_incident(status=PUBLISHED)
        self.action(editor_client, "retract", [incident])
        incident.refresh_from_db()
        assert incident.status == PUBLISHED


class TestImportAsPublished:
    def test_an_editor_cannot_import_as_published(self, editor, sample_data):
        with pytest.raises(PermissionDenied):
            Importer("acled", status=PUBLISHED, user=editor)

    def test_an_import_without_an_actor_cannot_publish(self, sample_data):
        with pytest.raises(PermissionDenied):
            Importer("acled", status=PUBLISHED)

    def test_reviewers_and_the_command_line_may(self, reviewer, sample_data):
        Importer("acled", status=PUBLISHED, user=reviewer)
        Importer("acled", status=PUBLISHED, user=SYSTEM)


class TestVisibilityByPermission:
    def test_the_permission_not_the_group_name_shows_incidents_in_review(self, client, make_incident):
        incident = make_incident(status=REVIEW)
        user = User.objects.create_user("reader-without-group", password="pw-for-tests-only")
        client.force_login(user)
        assert client.get(f"/incidents/{incident.pk}/").status_code == 404
        user.user_permissions.add(Permission.objects.get(codename="view_unpublished_incident"))
        client.force_login(User.objects.get(pk=user.pk))  # a fresh user object: no cached permissions
        assert client.get(f"/incidents/{incident.pk}/").status_code == 200

    def test_roles_hold_the_permission(self, analyst, editor, reviewer):
        for user in (analyst, editor, reviewer):
            assert user.has_perm("core.view_unpublished_incident")
        assert reviewer.has_perm("core.publish_incident") and not editor.has_perm("core.publish_incident")
