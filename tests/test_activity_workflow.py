"""One workflow for incidents and activity records: every write path refuses for an activity record
what it refuses for an incident — a save without an actor, a creation in another status than draft by
a non-reviewer, update() or bulk_update() past the rule, the history "Revert" form carrying an old
status — and lets the command line (SYSTEM) and reviewers through. Each test runs for both models,
so the test of the rule is one definition, as the rule is."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.importing import import_activity
from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus, IncidentType
from ipwatch.core.models import Incident
from ipwatch.core.workflow import SYSTEM, acting_as
from tests.test_activity_admin import add_form
from tests.test_import_activity_command import ROWS, write
from tests.test_workflow_paths import form_data

DRAFT, REVIEW, PUBLISHED, RETRACTED = (
    IncidentStatus.DRAFT,
    IncidentStatus.REVIEW,
    IncidentStatus.PUBLISHED,
    IncidentStatus.RETRACTED,
)
# What a new record of each model needs besides its status.
REQUIRED = {
    Incident: {"date": dt.date(2019, 5, 4), "incident_type": IncidentType.RAID, "summary": "Test (synthetic)."},
    Activity: {"kind": ActivityKind.ARREST, "date": dt.date(2019, 5, 4), "title": "Test arrest (synthetic)"},
}

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[Incident, Activity], ids=["incident", "activity"])
def model(request):
    return request.param


def new(model, status=PUBLISHED):
    return model(status=status, **REQUIRED[model])


@pytest.fixture
def make_record(model):
    def make(status=PUBLISHED):
        return model.objects.create(acting_user=SYSTEM, status=status, **REQUIRED[model])

    return make


def stored(record) -> str:
    return type(record).objects.values_list("status", flat=True).get(pk=record.pk)


class TestSave:
    def test_a_status_change_without_an_actor_is_refused(self, make_record):
        record = make_record(PUBLISHED)
        record.status = RETRACTED
        with pytest.raises(PermissionDenied, match="acting user"):
            record.save()
        assert stored(record) == PUBLISHED

    def test_a_save_that_keeps_the_status_needs_no_actor(self, make_record):
        record = make_record(PUBLISHED)
        record.internal_notes = "Checked again (synthetic)."
        record.save()
        assert type(record).objects.get(pk=record.pk).internal_notes == "Checked again (synthetic)."

    def test_an_old_version_cannot_carry_its_status_back(self, make_record, editor, reviewer):
        record = make_record(REVIEW)
        record.transition(PUBLISHED, reviewer)
        record.transition(RETRACTED, reviewer)
        old = record.history.filter(status=PUBLISHED).first().instance
        with pytest.raises(PermissionDenied):
            old.save(acting_user=editor)
        assert stored(record) == RETRACTED
        old.save(acting_user=reviewer)  # a reviewer may republish
        assert stored(record) == PUBLISHED

    def test_the_refusal_names_the_kind_of_record(self, model, make_record, editor, reviewer):
        record = make_record(REVIEW)
        with pytest.raises(PermissionDenied) as caught:
            record.transition(PUBLISHED, editor)
        assert str(caught.value) == f"only reviewers may publish or retract {model.record_noun}s"
        with pytest.raises(ValidationError) as caught:
            make_record(DRAFT).transition(PUBLISHED, reviewer)
        assert caught.value.message_dict["status"] == [f"{model.record_noun}s cannot go from Draft to Published"]

    def test_the_two_person_rule_holds(self, model, make_record, reviewer, settings):
        settings.IPWATCH_TWO_PERSON_PUBLISH = True
        record = make_record(DRAFT)
        record.transition(REVIEW, reviewer)
        with pytest.raises(PermissionDenied, match=f"last change to this {model.record_noun},"):
            record.transition(PUBLISHED, reviewer)
        assert stored(record) == REVIEW


class TestCreate:
    def test_creating_in_another_status_needs_a_publisher(self, model, editor, reviewer):
        for status in (REVIEW, PUBLISHED):
            with pytest.raises(PermissionDenied, match=f"new {model.record_noun}s start as drafts"):
                model.objects.create(status=status, **REQUIRED[model])
            with pytest.raises(PermissionDenied):
                model.objects.create(acting_user=editor, status=status, **REQUIRED[model])
        assert not model.objects.exists()
        draft = model.objects.create(acting_user=editor, status=DRAFT, **REQUIRED[model])
        assert draft.created_by == editor and draft.history.get().history_user == editor
        created = model.objects.create(acting_user=reviewer, status=PUBLISHED, **REQUIRED[model])
        assert created.published_at is not None
        assert created.created_by == reviewer and created.updated_by == reviewer
        with acting_as(SYSTEM):
            model.objects.create(status=PUBLISHED, **REQUIRED[model])
        assert model.objects.filter(status=PUBLISHED).count() == 2

    def test_bulk_create_in_another_status_needs_a_publisher(self, model, editor, reviewer):
        with pytest.raises(PermissionDenied):
            model.objects.bulk_create([new(model)])
        with pytest.raises(PermissionDenied):
            model.objects.bulk_create([new(model)], acting_user=editor)
        model.objects.bulk_create([new(model, DRAFT)], acting_user=editor)
        model.objects.bulk_create([new(model)], acting_user=reviewer)
        model.objects.bulk_create([new(model)], acting_user=SYSTEM)
        assert model.objects.filter(status=PUBLISHED, published_at__isnull=False).count() == 2


class TestQuerysetWrites:
    def test_update_follows_the_rule(self, model, make_record, editor, reviewer):
        record = make_record(REVIEW)
        rows = model.objects.filter(pk=record.pk)
        with pytest.raises(PermissionDenied):
            rows.update(status=PUBLISHED)
        with pytest.raises(PermissionDenied):
            rows.update(status=PUBLISHED, acting_user=editor)
        with pytest.raises(ValidationError):
            rows.update(status=RETRACTED, acting_user=reviewer)  # review → retracted does not exist
        assert stored(record) == REVIEW
        rows.update(internal_notes="Checked (synthetic).")  # other fields need no actor
        rows.update(status=PUBLISHED, acting_user=reviewer)
        record.refresh_from_db()
        assert record.status == PUBLISHED and record.published_at is not None
        rows.update(status=DRAFT, acting_user=SYSTEM)  # the command line repairs data
        assert stored(record) == DRAFT

    def test_bulk_update_cannot_change_status(self, model, make_record):
        record = make_record(REVIEW)
        record.status = PUBLISHED
        with pytest.raises(PermissionDenied):
            model.objects.bulk_update([record], ["status"])
        assert stored(record) == REVIEW
        record.internal_notes = "Checked (synthetic)."
        model.objects.bulk_update([record], ["internal_notes"])


class TestPublishedAt:
    def test_stamped_when_a_record_becomes_published_and_kept_while_it_stays(self, make_record, reviewer):
        record = make_record(REVIEW)
        assert record.published_at is None
        record.transition(PUBLISHED, reviewer)
        first = record.published_at
        assert first is not None
        record.internal_notes = "Edited while published (synthetic)."
        record.save(acting_user=reviewer)
        assert record.published_at == first
        record.transition(RETRACTED, reviewer)
        assert record.published_at == first  # when it was last published
        before = timezone.now()
        record.transition(PUBLISHED, reviewer)
        assert record.published_at >= before

    def test_a_record_created_as_published_keeps_the_time_it_carries(self, model):
        when = timezone.now() - dt.timedelta(days=3)
        record = model.objects.create(acting_user=SYSTEM, status=PUBLISHED, published_at=when, **REQUIRED[model])
        assert record.published_at == when


def history_form(client, record, historical):
    url = f"/admin/{record._meta.app_label}/{record._meta.model_name}/{record.pk}/history/{historical.history_id}/"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page.context["adminform"].form))


class TestAdmin:
    @pytest.fixture
    def retracted(self, make_record, reviewer):
        record = make_record(REVIEW)
        record.transition(PUBLISHED, reviewer)
        record.transition(RETRACTED, reviewer)
        return record

    def test_an_editor_cannot_revert_to_a_published_version(self, model, retracted, editor_client):
        response = history_form(editor_client, retracted, retracted.history.filter(status=PUBLISHED).first())
        assert response.status_code == 200  # the form again, with the refusal
        assert f"only reviewers may publish or retract {model.record_noun}s" in response.content.decode()
        assert stored(retracted) == RETRACTED

    def test_a_reviewer_may(self, retracted, reviewer_client, reviewer):
        response = history_form(reviewer_client, retracted, retracted.history.filter(status=PUBLISHED).first())
        assert response.status_code == 302
        retracted.refresh_from_db()
        assert retracted.status == PUBLISHED and retracted.updated_by == reviewer

    def test_the_status_menu_says_why_it_is_fixed(self, model, make_record, editor_client):
        record = make_record(PUBLISHED)
        page = editor_client.get(f"/admin/{record._meta.app_label}/{record._meta.model_name}/{record.pk}/change/")
        assert f"You may not change this {model.record_noun}'s status" in page.content.decode()
        assert [value for value, _ in page.context["adminform"].form.fields["status"].choices] == [PUBLISHED]

    def test_the_activity_admin_saves_as_the_requesting_user(self, reviewer_client, reviewer, make_place):
        response = reviewer_client.post(
            "/admin/activity/activity/add/", add_form("arrest", make_place(), status=PUBLISHED)
        )
        assert response.status_code == 302
        record = Activity.objects.get()
        assert record.status == PUBLISHED and record.published_at is not None
        assert record.created_by == reviewer and record.updated_by == reviewer
        assert record.history.get().history_user == reviewer


class TestActivityCommands:
    def test_importing_as_published_is_publishing(self, tmp_path, sample_data, editor):
        path = write(tmp_path, ROWS)
        for user in (None, editor):
            with pytest.raises(PermissionDenied, match="new activity records start as drafts"):
                import_activity(str(path), status=PUBLISHED, user=user)
        before = Activity.objects.count()
        result = import_activity(str(path), status=PUBLISHED, user=SYSTEM)
        assert result.ok and result.created == len(ROWS)
        imported = Activity.objects.order_by("-pk")[: len(ROWS)]
        assert Activity.objects.count() == before + len(ROWS)
        assert all(record.status == PUBLISHED and record.published_at for record in imported)

    def test_importing_drafts_needs_no_reviewer(self, tmp_path, sample_data, editor):
        result = import_activity(str(write(tmp_path, ROWS)), user=editor)
        assert result.ok
        assert set(Activity.objects.filter(created_by=editor).values_list("status", flat=True)) == {DRAFT}
