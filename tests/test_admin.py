import pytest

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident

CHANGELIST = "/admin/core/incident/"


@pytest.mark.django_db
class TestIncidentAdminPages:
    def test_changelist_renders_for_editor(self, editor_client, sample_data):
        response = editor_client.get(CHANGELIST)
        assert response.status_code == 200
        assert "Sebha" in response.content.decode()

    def test_add_page_renders_for_editor(self, editor_client, sample_data):
        response = editor_client.get(CHANGELIST + "add/")
        assert response.status_code == 200
        assert 'name="reports-TOTAL_FORMS"' in response.content.decode()

    def test_changelist_filters_and_search(self, editor_client, sample_data):
        response = editor_client.get(CHANGELIST, {"country": "LY", "q": "Sebha"})
        assert response.status_code == 200
        assert "1 incident" in response.content.decode()

    def test_history_page(self, editor_client, sample_data):
        incident = Incident.objects.get(external_id="E1")
        assert editor_client.get(f"{CHANGELIST}{incident.pk}/history/").status_code == 200

    def test_changelist_query_count_does_not_grow_with_rows(
        self, editor_client, make_incident, django_assert_max_num_queries
    ):
        for _ in range(3):
            make_incident()
        with django_assert_max_num_queries(30) as few:
            editor_client.get(CHANGELIST)
        for _ in range(30):
            make_incident()
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = editor_client.get(CHANGELIST)
        assert "33 incidents" in response.content.decode()


@pytest.mark.django_db
class TestWorkflowInAdmin:
    def action(self, client, name, incidents):
        return client.post(CHANGELIST, {"action": name, "_selected_action": [i.pk for i in incidents]}, follow=True)

    def test_editor_cannot_see_publish_action(self, editor_client):
        response = editor_client.get(CHANGELIST)
        actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
        assert "send_to_review" in actions
        assert "publish" not in actions

    def test_reviewer_publishes_with_action(self, reviewer_client, make_incident):
        incident = make_incident(status=IncidentStatus.REVIEW)
        response = self.action(reviewer_client, "publish", [incident])
        assert "1 incident(s) now published." in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == IncidentStatus.PUBLISHED

    def test_editor_cannot_publish_through_the_form(self, editor_client, make_incident):
        incident = make_incident(status=IncidentStatus.REVIEW)
        response = editor_client.get(f"{CHANGELIST}{incident.pk}/change/")
        data = dict(response.context["adminform"].form.initial)
        form_data = {
            key: value for key, value in data.items() if value is not None and key not in {"place", "province"}
        }
        form_data.update(
            {
                "status": IncidentStatus.PUBLISHED,
                "place": incident.place_id,
                "province": incident.province_id,
                "date": "2019-05-04",
                "reports-TOTAL_FORMS": 0,
                "reports-INITIAL_FORMS": 0,
            }
        )
        response = editor_client.post(f"{CHANGELIST}{incident.pk}/change/", form_data)
        assert response.status_code == 200
        assert "only reviewers may publish or retract incidents" in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == IncidentStatus.REVIEW

    def test_editor_adds_a_draft_with_reports(self, editor_client, sample_data):
        from ipwatch.core.models import Place, Source

        place = Place.objects.get(name="Sebha")
        amaq = Source.objects.get(slug="amaq")
        response = editor_client.post(
            CHANGELIST + "add/",
            {
                "date": "2019-05-05",
                "date_precision": "day",
                "place": place.pk,
                "status": "draft",
                "incident_type": "raid",
                "summary": "Editor test incident (synthetic, for tests).",
                "claim_status": "claimed",
                "reports-TOTAL_FORMS": 1,
                "reports-INITIAL_FORMS": 0,
                "reports-0-source": amaq.pk,
                "reports-0-is_claim": "on",
                "reports-0-killed_or_wounded": 16,
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        incident = Incident.objects.get(summary__startswith="Editor test")
        assert incident.created_by.username == "editor"
        assert incident.reports.get().killed_or_wounded == 16


@pytest.mark.django_db
def test_place_admin_names_the_bad_coordinate(editor_client):
    response = editor_client.post(
        "/admin/core/place/add/",
        {"name": "Nowhere", "country": "LY", "latitude": "95", "longitude": "10", "location_precision": "near"},
    )
    assert response.status_code == 200
    assert "latitude must be between −90 and 90" in response.content.decode()
