"""Two people edit the same record in the admin: the second save from a form opened before the
first save is refused, with a message, and the form then shows what changed. Nothing is lost."""

import datetime as dt

import pytest
from django.test import Client

from ipwatch.core.concurrency import VERSION_FIELD
from ipwatch.core.models import Campaign, Incident, Milestone, Place, Province, Source

pytestmark = pytest.mark.django_db


def _value(bound):
    value = bound.value()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def changeform_data(response) -> dict:
    """What the browser submits for an admin change form left as it was rendered."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = _value(form[name])
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return changeform_data(response)


def editor_saves_then_reviewer_posts_stale(editor, reviewer, url, theirs: dict, mine: dict):
    """Both open the form; the editor saves `theirs`; the reviewer then posts `mine` on the form
    opened before. Returns (the reviewer's client, the form the reviewer posted, the response)."""
    editor_client, reviewer_client = logged_in(editor), logged_in(reviewer)
    editors_form, reviewers_form = open_form(editor_client, url), open_form(reviewer_client, url)
    assert editor_client.post(url, {**editors_form, **theirs}).status_code == 302
    reviewers_form.update(mine)
    return reviewer_client, reviewers_form, reviewer_client.post(url, reviewers_form)


def form_errors(response) -> list[str]:
    return [str(error) for error in response.context["adminform"].form.non_field_errors()]


def incident_url(incident):
    return f"/admin/core/incident/{incident.pk}/change/"


class TestTwoEditorsOneIncident:
    def test_the_second_stale_save_is_refused_and_shows_what_changed(self, editor, reviewer, make_incident):
        incident = make_incident(status="review", summary="Original summary (synthetic).", killed_best=1)
        url = incident_url(incident)
        reviewer_client, reviewers_form, response = editor_saves_then_reviewer_posts_stale(
            editor, reviewer, url, {"summary": "Editor's better summary (synthetic)."}, {"killed_best": "3"}
        )
        assert response.status_code == 200
        (message,) = form_errors(response)
        assert message.startswith("Someone else saved this incident after you opened this form by editor at ")
        assert "summary is now “Editor's better summary (synthetic).” (was “Original summary (synthetic).”)" in message
        incident.refresh_from_db()
        assert (incident.summary, incident.killed_best) == ("Editor's better summary (synthetic).", 1)

        # The form now shows the editor's summary and keeps the reviewer's figure; saving it keeps both.
        shown = changeform_data(response)
        assert shown["summary"] == "Editor's better summary (synthetic)."
        assert shown["killed_best"] == "3"
        assert shown[VERSION_FIELD] != reviewers_form[VERSION_FIELD]
        assert reviewer_client.post(url, shown).status_code == 302
        incident.refresh_from_db()
        assert (incident.summary, incident.killed_best) == ("Editor's better summary (synthetic).", 3)

    def test_both_changing_the_same_field_is_a_conflict_on_that_field(self, editor, reviewer, make_incident):
        incident = make_incident(status="review", summary="Original (synthetic).")
        _, _, response = editor_saves_then_reviewer_posts_stale(
            editor,
            reviewer,
            incident_url(incident),
            {"summary": "Editor's wording (synthetic)."},
            {"summary": "Reviewer's wording (synthetic)."},
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["summary"]
        assert errors == [
            "Changed by someone else to “Editor's wording (synthetic).” while you changed it too: yours is kept "
            "below; choose, then save again."
        ]
        assert changeform_data(response)["summary"] == "Reviewer's wording (synthetic)."
        assert Incident.objects.get(pk=incident.pk).summary == "Editor's wording (synthetic)."

    def test_a_status_change_by_a_bulk_action_makes_an_open_form_stale(self, editor, reviewer, make_incident):
        incident = make_incident(status="review")
        editor_client = logged_in(editor)
        form = open_form(editor_client, incident_url(incident))
        incident.transition("published", reviewer)
        form["summary"] = "Edited meanwhile (synthetic)."
        response = editor_client.post(incident_url(incident), form)
        assert response.status_code == 200
        assert "status is now “published” (was “review”)" in form_errors(response)[0]

    def test_a_changed_report_makes_an_open_form_stale(self, editor, make_incident, make_source):
        incident = make_incident(reports=[{"source": make_source(), "title": "Wire report", "killed": 1}])
        editor_client = logged_in(editor)
        form = open_form(editor_client, incident_url(incident))
        incident.reports.update(killed=2)
        response = editor_client.post(incident_url(incident), form)
        assert response.status_code == 200
        assert "its inline rows (e.g. reports) were changed" in form_errors(response)[0]

    def test_an_unchanged_form_saves(self, editor, make_incident):
        incident = make_incident()
        editor_client = logged_in(editor)
        assert (
            editor_client.post(incident_url(incident), open_form(editor_client, incident_url(incident))).status_code
            == 302
        )

    def test_a_form_without_its_version_is_refused(self, editor, make_incident):
        incident = make_incident(summary="Kept (synthetic).")
        editor_client = logged_in(editor)
        form = open_form(editor_client, incident_url(incident))
        del form[VERSION_FIELD]
        form["summary"] = "Lost? (synthetic)."
        response = editor_client.post(incident_url(incident), form)
        assert response.status_code == 200
        assert "no version token" in form_errors(response)[0]
        assert Incident.objects.get(pk=incident.pk).summary == "Kept (synthetic)."

    def test_the_history_revert_form_is_checked_too(self, editor, reviewer, make_incident):
        incident = make_incident(status="review", summary="First (synthetic).")
        incident.summary = "Second (synthetic)."
        incident.save()
        first = incident.history.order_by("history_date").first()
        url = f"/admin/core/incident/{incident.pk}/history/{first.history_id}/"
        editor_client = logged_in(editor)
        form = open_form(editor_client, url)
        incident.killed_best = 9
        incident.save()
        response = editor_client.post(url, form)
        assert response.status_code == 200
        assert "killed best is now “9” (was empty)" in form_errors(response)[0]
        assert Incident.objects.get(pk=incident.pk).summary == "Second (synthetic)."


def _province():
    return Province.objects.create(name="Synthetic province", slug="synthetic-province")


def _place():
    return Place.objects.create(name="Synthetic town", country="LY")


def _source():
    return Source.objects.create(name="Synthetic wire", slug="synthetic-wire", kind="news_agency")


def _campaign():
    return Campaign.objects.create(name="Synthetic campaign", slug="synthetic-campaign")


def _milestone():
    return Milestone.objects.create(date=dt.date(2019, 1, 1), title="Synthetic milestone")


@pytest.mark.parametrize(
    ("make", "path", "field", "theirs", "mine"),
    [
        (_province, "province", "description", "Their description", ("name", "Renamed province")),
        (_place, "place", "admin1", "Fezzan", ("name", "Renamed town")),
        (_source, "source", "description", "Their description", ("name", "Renamed wire")),
        (_campaign, "campaign", "description", "Their description", ("name", "Renamed campaign")),
        (_milestone, "milestone", "description", "Their description", ("title", "Renamed milestone")),
    ],
)
def test_every_record_kind_refuses_a_stale_save(editor, reviewer, make, path, field, theirs, mine):
    obj = make()
    url = f"/admin/core/{path}/{obj.pk}/change/"
    _, _, response = editor_saves_then_reviewer_posts_stale(editor, reviewer, url, {field: theirs}, {mine[0]: mine[1]})
    assert response.status_code == 200
    assert f"is now “{theirs}” (was empty)" in form_errors(response)[0]
    obj.refresh_from_db()
    assert getattr(obj, field) == theirs and getattr(obj, mine[0]) != mine[1]
