"""The Activity model: kinds, kind-specific fields, dates at their precision, workflow, sample data."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.models import KIND_FIELDS, Activity
from ipwatch.core.choices import DatePrecision, IncidentStatus
from ipwatch.core.models import Incident
from ipwatch.core.workflow import SYSTEM


def test_kind_slugs_are_exact():
    assert ActivityKind.slugs() == [
        "attack",
        "media_release",
        "designation",
        "arrest",
        "legal_case",
        "pledge",
        "leadership",
        "territory",
    ]
    assert set(KIND_FIELDS) == set(ActivityKind.slugs()) - {"attack"}


@pytest.mark.django_db
class TestValidation:
    def test_other_kinds_fields_refused(self):
        activity = Activity(kind=ActivityKind.ARREST, date=dt.date(2020, 1, 1), title="t", authority="eu")
        with pytest.raises(ValidationError) as error:
            activity.full_clean()
        assert "authority" in error.value.message_dict

    def test_required_detail_fields(self):
        activity = Activity(kind=ActivityKind.DESIGNATION, date=dt.date(2020, 1, 1), title="t")
        with pytest.raises(ValidationError) as error:
            activity.full_clean()
        assert {"authority", "designated_name"} <= set(error.value.message_dict)

    def test_territory_may_lack_a_start_but_not_both_ends(self):
        Activity(
            kind=ActivityKind.TERRITORY, end_date=dt.date(2016, 5, 5), end_date_precision="year", title="t"
        ).full_clean()
        with pytest.raises(ValidationError):
            Activity(kind=ActivityKind.TERRITORY, title="t").full_clean()

    def test_other_kinds_need_a_date(self):
        with pytest.raises(ValidationError) as error:
            Activity(kind=ActivityKind.PLEDGE, title="t", pledge_type="allegiance").full_clean()
        assert "date" in error.value.message_dict

    def test_media_release_outlet_is_group_media(self, make_source):
        activity = Activity(
            kind=ActivityKind.MEDIA_RELEASE,
            date=dt.date(2020, 1, 1),
            title="t",
            media_type="video",
            outlet=make_source(),
        )
        with pytest.raises(ValidationError) as error:
            activity.full_clean()
        assert "outlet" in error.value.message_dict

    def test_dates_stored_at_period_start_and_shown_at_precision(self):
        activity = Activity.objects.create(
            kind=ActivityKind.TERRITORY,
            date=dt.date(2015, 3, 17),
            date_precision=DatePrecision.MONTH,
            end_date=dt.date(2016, 11, 2),
            end_date_precision=DatePrecision.YEAR,
            title="t",
        )
        assert (activity.date, activity.end_date) == (dt.date(2015, 3, 1), dt.date(2016, 1, 1))
        assert activity.period_display == "Mar 2015 – 2016"
        assert activity.held_until == dt.date(2016, 12, 31)


@pytest.mark.django_db
class TestWorkflow:
    def make(self, status=IncidentStatus.REVIEW):
        return Activity.objects.create(
            acting_user=SYSTEM, kind=ActivityKind.ARREST, date=dt.date(2020, 1, 1), title="Arrest", status=status
        )

    def test_editor_cannot_publish(self, editor):
        activity = self.make()
        with pytest.raises(PermissionDenied):
            activity.transition(IncidentStatus.PUBLISHED, editor)

    def test_reviewer_publishes_and_history_records_who(self, reviewer):
        activity = self.make()
        activity.transition(IncidentStatus.PUBLISHED, reviewer)
        assert activity.published_at is not None
        assert activity.history.first().history_user == reviewer

    def test_impossible_transition(self, reviewer):
        with pytest.raises(ValidationError):
            self.make(status=IncidentStatus.DRAFT).transition(IncidentStatus.PUBLISHED, reviewer)

    def test_published_queryset(self):
        self.make(status=IncidentStatus.DRAFT)
        published = self.make(status=IncidentStatus.PUBLISHED)
        assert list(Activity.objects.published()) == [published]


@pytest.mark.django_db
class TestSampleData:
    def test_real_sample_activity(self, sample_data):
        assert sample_data["activities"] == 6
        statement = Activity.objects.get(title__startswith="Amaq single-page statement")
        sebha = Incident.objects.get(external_id="E1")
        assert list(statement.claimed_incidents.all()) == [sebha]
        photos = Activity.objects.get(media_type="photo_set")
        assert list(photos.claimed_incidents.all()) == [sebha]
        naba = Activity.objects.get(issue_number=177)
        assert naba.outlet.slug == "al-naba" and naba.campaign.slug == "revenge-for-syria-2019"
        video = Activity.objects.get(kind="media_release", media_type="video")
        assert video.date == dt.date(2019, 4, 29) and video.date_precision == "day"
        sirte = Activity.objects.get(kind="territory")
        assert sirte.date is None and sirte.end_date_display == "2016" and sirte.place.name == "Sirte"
        assert Activity.objects.published().count() == 6

    def test_group_media_never_linked(self, sample_data):
        from ipwatch.activity.models import ActivityReport

        assert not ActivityReport.objects.filter(source__kind="group_media").exclude(url="").exists()

    def test_reload_is_idempotent(self, sample_data):
        from ipwatch.core.sample_data import load_sample_data

        load_sample_data()
        assert Activity.objects.count() == 6
