"""The activity admin: editors add and edit every kind (place with its geocoder), reviewers publish."""

import datetime as dt

import pytest

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.concurrency import VERSION_FIELD
from ipwatch.core.workflow import SYSTEM

CHANGELIST = "/admin/activity/activity/"

# For each kind: the detail fields an editor fills in the add form.
KIND_DETAILS = {
    "media_release": {
        "media_type": "statement",
        "language": "Arabic",
        "issue_number": "177",
        "media_office": "Fezzan",
    },
    "designation": {"authority": "us_state", "designated_entity": "province", "designated_name": "IS Libya"},
    "arrest": {"people_held": "3", "alleged_link": "Fezzan", "intended_target": "a market"},
    "legal_case": {"court": "Criminal court", "jurisdiction": "Tunisia", "stage": "verdict", "outcome": "guilty"},
    "pledge": {"pledge_type": "allegiance", "pledged_by": "a local group"},
    "leadership": {"leadership_event": "killed", "person": "Someone", "role": "governor"},
    "territory": {"end_date": "2020-06-01", "end_date_precision": "year"},
}


def opened_version(client, url) -> dict:
    """The version token of a change form as the browser received it (a save without one is refused)."""
    return {VERSION_FIELD: client.get(url).context["adminform"].form[VERSION_FIELD].value()}


def add_form(kind, place, **extra):
    data = {
        "kind": kind,
        "date": "2019-05-04",
        "date_precision": "day",
        "place": place.pk,
        "title": f"Test {kind} (synthetic, for tests)",
        "summary": "Public summary",
        "internal_notes": "secret",
        "status": IncidentStatus.DRAFT,
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
        **KIND_DETAILS[kind],
        **extra,
    }
    return data


@pytest.mark.django_db
class TestAddEveryKind:
    @pytest.mark.parametrize("kind", list(KIND_DETAILS))
    def test_editor_adds_kind(self, editor_client, sample_data, make_place, kind):
        page = editor_client.get(CHANGELIST + "add/", {"kind": kind})
        assert page.status_code == 200
        content = page.content.decode()
        assert "data-autocomplete" in content or "admin-autocomplete" in content  # the place search
        for name in KIND_DETAILS[kind]:
            assert f'name="{name}"' in content
        response = editor_client.post(CHANGELIST + f"add/?kind={kind}", add_form(kind, make_place()))
        assert response.status_code == 302, response.context["errors"] if response.context else response
        activity = Activity.objects.get(title=f"Test {kind} (synthetic, for tests)")
        assert activity.status == IncidentStatus.DRAFT
        assert activity.kind == kind

    def test_add_page_without_kind_shows_every_kind(self, editor_client):
        content = editor_client.get(CHANGELIST + "add/").content.decode()
        for kind in KIND_DETAILS:
            assert f"{ActivityKind(kind).label} only" in content

    def test_media_release_links_attacks_and_campaign(self, editor_client, sample_data, make_place, make_incident):
        from ipwatch.core.models import Campaign, Source

        attack = make_incident()
        data = add_form(
            "media_release",
            make_place(),
            outlet=Source.objects.get(slug="amaq").pk,
            campaign=Campaign.objects.get().pk,
            claimed_incidents=[attack.pk],
        )
        assert editor_client.post(CHANGELIST + "add/?kind=media_release", data).status_code == 302
        release = Activity.objects.get(kind="media_release", title__startswith="Test")
        assert list(release.claimed_incidents.all()) == [attack]
        assert release.campaign.slug == "revenge-for-syria-2019"

    def test_only_a_media_release_claims_attacks(self, editor_client, sample_data):
        statement = Activity.objects.get(title__startswith="Amaq single-page statement")
        data = {
            **add_form("arrest", statement.place),
            "claimed_incidents": [i.pk for i in statement.claimed_incidents.all()],
            "status": IncidentStatus.PUBLISHED,
        }
        url = f"{CHANGELIST}{statement.pk}/change/"
        response = editor_client.post(url, {**data, **opened_version(editor_client, url)})
        assert response.status_code == 200
        assert "only a media release claims attacks" in response.content.decode()
        statement.refresh_from_db()
        assert statement.kind == "media_release"

    def test_fields_of_another_kind_are_not_saved(self, editor_client, make_place):
        data = {**add_form("arrest", make_place()), "authority": "eu", "designated_name": "x"}
        assert editor_client.post(CHANGELIST + "add/", data).status_code == 302
        assert Activity.objects.get().authority == ""

    def test_editor_cannot_create_published(self, editor_client, make_place):
        data = add_form("arrest", make_place(), status=IncidentStatus.PUBLISHED)
        response = editor_client.post(CHANGELIST + "add/?kind=arrest", data)
        assert response.status_code == 200
        assert not Activity.objects.exists()

    def test_editor_edits_and_history_kept(self, editor_client, sample_data):
        sirte = Activity.objects.get(kind="territory")
        page = editor_client.get(f"{CHANGELIST}{sirte.pk}/change/")
        assert page.status_code == 200 and "Territory held details" in page.content.decode()
        assert "Media release details" not in page.content.decode()
        assert editor_client.get(f"{CHANGELIST}{sirte.pk}/history/").status_code == 200

    def test_changelist(self, editor_client, sample_data):
        response = editor_client.get(CHANGELIST, {"kind": "media_release"})
        assert response.status_code == 200
        assert "Al Naba 177" in response.content.decode()


@pytest.mark.django_db
class TestPublishing:
    def action(self, client, name, records):
        return client.post(CHANGELIST, {"action": name, "_selected_action": [r.pk for r in records]}, follow=True)

    def make(self):
        return Activity.objects.create(
            acting_user=SYSTEM,
            kind=ActivityKind.LEADERSHIP,
            date=dt.date(2019, 4, 29),
            title="t",
            leadership_event="named",
            status=IncidentStatus.REVIEW,
        )

    def test_reviewer_publishes(self, reviewer_client):
        activity = self.make()
        self.action(reviewer_client, "publish", [activity])
        activity.refresh_from_db()
        assert activity.status == IncidentStatus.PUBLISHED and activity.published_at

    def test_editor_cannot_publish(self, editor_client):
        activity = self.make()
        response = editor_client.get(CHANGELIST)
        actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
        assert "publish" not in actions
        self.action(editor_client, "publish", [activity])
        activity.refresh_from_db()
        assert activity.status == IncidentStatus.REVIEW

    def test_editor_cannot_publish_through_the_form(self, editor_client, sample_data):
        activity = self.make()
        data = {
            "kind": "leadership",
            "date": "2019-04-29",
            "date_precision": "day",
            "title": "t",
            "leadership_event": "named",
            "status": IncidentStatus.PUBLISHED,
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
        }
        url = f"{CHANGELIST}{activity.pk}/change/"
        response = editor_client.post(url, {**data, **opened_version(editor_client, url)})
        assert "only reviewers" in response.content.decode()
        assert response.status_code == 200
        activity.refresh_from_db()
        assert activity.status == IncidentStatus.REVIEW
