import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ipwatch.core.choices import DatePrecision
from ipwatch.core.models import Incident, Place, Province


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


@pytest.mark.django_db
class TestPlaceValidation:
    def test_latitude_out_of_range_names_the_field(self):
        errors = errors_of(Place(name="X", country="LY", latitude=95, longitude=10))
        assert errors["latitude"] == ["latitude must be between −90 and 90"]

    def test_longitude_out_of_range_names_the_field(self):
        errors = errors_of(Place(name="X", country="LY", latitude=10, longitude=-181))
        assert errors["longitude"] == ["longitude must be between −180 and 180"]

    def test_both_or_neither_coordinates(self):
        errors = errors_of(Place(name="X", country="LY", latitude=10))
        assert errors["longitude"] == ["give both latitude and longitude, or neither"]

    def test_unknown_country_code(self):
        errors = errors_of(Place(name="X", country="XX"))
        assert "'XX' is not an ISO 3166-1 alpha-2 country code" in errors["country"][0]

    def test_place_without_coordinates_is_valid(self):
        Place(name="Al-Fuqaha", country="LY").full_clean()

    def test_database_refuses_out_of_range_latitude_too(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Place.objects.create(name="X", country="LY", latitude=123, longitude=10)
        assert not Place.objects.exists()


@pytest.mark.django_db
class TestIncidentValidation:
    def test_end_date_before_date(self, make_incident):
        incident = make_incident(date=dt.date(2019, 5, 4))
        incident.end_date = dt.date(2019, 5, 1)
        assert errors_of(incident)["end_date"] == ["end date must not be before the date"]

    def test_killed_low_above_best(self, make_incident):
        incident = make_incident(killed_low=5, killed_best=2)
        assert errors_of(incident)["killed_low"] == ["killed_low must not exceed killed_best"]

    def test_wounded_best_above_high(self, make_incident):
        incident = make_incident(wounded_best=9, wounded_high=3)
        assert errors_of(incident)["wounded_high"] == ["wounded_high must not be below wounded_best"]

    def test_month_precision_is_stored_as_first_of_month_and_shown_as_month(self, make_incident):
        incident = make_incident(date=dt.date(2018, 10, 25), date_precision=DatePrecision.MONTH)
        incident.refresh_from_db()
        assert incident.date == dt.date(2018, 10, 1)
        assert incident.date_display == "Oct 2018"

    @pytest.mark.parametrize(
        ("precision", "shown"),
        [("day", "4 May 2019"), ("week", "week of 29 Apr 2019"), ("month", "May 2019"), ("year", "2019")],
    )
    def test_date_display_at_each_precision(self, make_incident, precision, shown):
        assert make_incident(date=dt.date(2019, 5, 4), date_precision=precision).date_display == shown

    def test_external_ids_are_unique_per_dataset(self, make_incident):
        make_incident(external_source="acled", external_id="LBY123")
        make_incident(external_source="gtd", external_id="LBY123")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_incident(external_source="acled", external_id="LBY123")


@pytest.mark.django_db
def test_province_slug_is_unique():
    Province.objects.create(name="Fezzan", slug="fezzan")
    with pytest.raises(IntegrityError), transaction.atomic():
        Province.objects.create(name="Fezzan again", slug="fezzan")


@pytest.mark.django_db
def test_province_countries_must_be_iso_codes():
    errors = errors_of(Province(name="Nowhere", slug="nowhere", countries=["LY", "Libya"]))
    assert "countries" in errors


@pytest.mark.django_db
def test_incident_history_records_every_change(make_incident):
    incident = make_incident(summary="first")
    incident.summary = "second"
    incident.save()
    assert [h.summary for h in incident.history.order_by("history_date")] == ["first", "second"]


@pytest.mark.django_db
def test_incident_str_uses_date_precision(sample_data):
    fuqaha_2018 = Incident.objects.get(external_id="E2")
    assert str(fuqaha_2018) == "Oct 2018 — Raid / armed assault at Al-Fuqaha"
