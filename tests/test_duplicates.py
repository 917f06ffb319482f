"""The duplicate finder's rules: overlapping periods at their precision, ≤ 25 km or the same place,
compatible province and type, across datasets; found on admin save and during imports."""

import dataclasses
import datetime as dt
import random

import pytest

from ipwatch.core.choices import DatePrecision, IncidentStatus, IncidentType
from ipwatch.core.dates import period_end, period_start
from ipwatch.core.duplicates import Row, compare, duplicates_of, find_pairs, sweep
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


def test_the_grid_sweep_finds_exactly_the_pairs_of_comparing_every_overlapping_row():
    """The sweep looks only in nearby grid cells (or the same place record for rows without
    coordinates): on random rows — near the poles, across the date line, some without coordinates —
    it lists the same pairs as comparing every pair whose periods overlap."""
    rng = random.Random(7)
    centres = [(27.0, 14.4), (89.8, 10.0), (-10.0, 179.95), (-10.0, -179.95), (60.0, 30.0)]
    rows = []
    types = [IncidentType.RAID, IncidentType.AMBUSH, IncidentType.BOMBING]
    for n in range(1, 1201):
        lat0, lon0 = rng.choice(centres)
        precision = rng.choice([DatePrecision.DAY, DatePrecision.DAY, DatePrecision.WEEK, DatePrecision.MONTH])
        start = period_start(dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(60)), precision)
        place = rng.randrange(40)
        coordinates = place % 7 != 0  # every seventh place record has no coordinates
        lat = max(-90.0, min(90.0, lat0 + rng.uniform(-0.4, 0.4))) if coordinates else None
        lon = ((lon0 + rng.uniform(-0.6, 0.6) + 180) % 360) - 180 if coordinates else None
        rows.append(
            Row(n, start, period_end(start, precision), precision, place if rng.random() > 0.1 else None, lat, lon,
                rng.choice([None, 1, 1, 2]), rng.choice(types),
                rng.choice([None, 1, 3]), "acled", "draft")
        )  # fmt: skip
    rows.sort(key=lambda r: (r.start, r.id))
    # Rows of one place record share its coordinates, as in the database.
    points = {r.place_id: (r.lat, r.lon) for r in rows if r.place_id is not None}
    rows = [r if r.place_id is None else dataclasses.replace(r, lat=points[r.place_id][0], lon=points[r.place_id][1])
            for r in rows]  # fmt: skip
    every = [pair for i, a in enumerate(rows) for b in rows[i + 1 :] if (pair := compare(a, b)) is not None]
    every.sort(key=lambda p: (-p.score, p.first, p.second))
    assert len(every) > 500
    assert sweep(rows) == every
    involving = {r.id for r in rows[::3]}
    assert sweep(rows, involving) == [p for p in every if p.first in involving or p.second in involving]
