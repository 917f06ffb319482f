"""The duplicate finder's rules: overlapping periods at their precision, ≤ 25 km or the same place,
compatible province and type, across datasets; found on admin save and during imports."""

import datetime as dt

import pytest

from ipwatch.core.choices import DatePrecision, IncidentStatus, IncidentType
from ipwatch.core.duplicates import duplicates_of, find_pairs
from ipwatch.core.models import Incident


@pytest.fixture
def twin(make_incident, make_place, make_province):
    """An ACLED-style incident and a factory for a second one near it."""
    province = make_province()
    place = make_place(latitude=27.04, longitude=14.43)
    first = make_incident(place=place, province=province, external_source="acled", external_id="LBY1")

    def make(**fields):
        defaults = {"place": place, "province": province, "external_source": "gtd", "external_id": "201905040001"}
        return make_incident(**{**defaults, **fields})

    return first, make


@pytest.mark.django_db
class TestRules:
    def test_same_attack_from_two_datasets(self, twin):
        first, make = twin
        second = make()
        [pair] = duplicates_of(second)
        assert pair.other(second.pk) == first.pk
        assert "acled and gtd" in pair.reasons or "gtd and acled" in pair.reasons
        assert pair.score > 0.8

    def test_month_precision_overlaps_a_day_in_it(self, twin):
        first, make = twin
        second = make(date=dt.date(2019, 5, 1), date_precision=DatePrecision.MONTH)
        assert [p.other(second.pk) for p in duplicates_of(second)] == [first.pk]

    def test_different_days_do_not_overlap(self, twin):
        _, make = twin
        assert duplicates_of(make(date=dt.date(2019, 5, 5))) == []

    def test_within_25_km_counts_further_does_not(self, twin, make_place):
        first, make = twin
        near = make(place=make_place(latitude=27.04 + 0.15, longitude=14.43))  # ≈ 17 km north
        assert [p.other(near.pk) for p in duplicates_of(near)] == [first.pk]
        far = make(place=make_place(latitude=27.04 + 0.3, longitude=14.43), external_id="x2")  # ≈ 33 km
        assert first.pk not in [p.other(far.pk) for p in duplicates_of(far)]

    def test_other_province_is_not_a_duplicate(self, twin, make_province):
        _, make = twin
        assert duplicates_of(make(province=make_province())) == []

    def test_unknown_province_is_compatible(self, twin):
        first, make = twin
        assert [p.other(x.pk) for x in [make(province=None)] for p in duplicates_of(x)] == [first.pk]

    def test_incompatible_types_are_not_duplicates(self, twin):
        _, make = twin
        assert duplicates_of(make(incident_type=IncidentType.BOMBING)) == []

    def test_compatible_types_are(self, twin):
        first, make = twin
        second = make(incident_type=IncidentType.AMBUSH)
        assert [p.other(second.pk) for p in duplicates_of(second)] == [first.pk]

    def test_merged_and_retracted_are_settled(self, twin):
        first, make = twin
        make(status=IncidentStatus.RETRACTED)
        assert duplicates_of(first) == []

    def test_sweep_finds_the_same_pairs(self, twin, make_place):
        first, make = twin
        second = make()
        make(date=dt.date(2020, 1, 1), external_id="later")
        pairs = find_pairs(Incident.objects.all())
        assert [(p.first, p.second) for p in pairs] == [(first.pk, second.pk)]
        assert find_pairs(Incident.objects.all(), since=dt.date(2019, 6, 1)) == []
