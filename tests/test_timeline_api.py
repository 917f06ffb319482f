"""/api/timeline.json: exact counts on hand-made data, precision bands, milestones, 400s, query count."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from ipwatch.core.choices import DatePrecision, IncidentStatus, IncidentType
from ipwatch.core.dates import period_start
from ipwatch.core.filters import filter_incidents
from ipwatch.core.models import Incident, Milestone
from ipwatch.timeline.aggregation import PeriodStart, ShiftDays
from tests.filter_helpers import INVALID_FILTERS

D = dt.date
URL = "/api/timeline.json"


@pytest.fixture
def hand_made(make_incident, make_province, make_place):
    """Seven published incidents (day, week, month and year precision) and three unpublished ones."""
    alpha = make_province(name="Alpha", slug="alpha", color="#112233")
    beta = make_province(name="Beta", slug="beta", color="#445566")
    place = make_place()

    def make(**fields):
        return make_incident(place=place, **fields)

    make(province=alpha, date=D(2019, 5, 4), killed_best=1, wounded_best=2)  # Sat, 2019-W18
    make(province=alpha, date=D(2019, 5, 6), incident_type=IncidentType.BOMBING, killed_best=3)  # Mon, W19
    make(province=beta, date=D(2019, 5, 15), wounded_best=5)  # W20
    make(province=beta, date=D(2019, 5, 20), date_precision=DatePrecision.MONTH, killed_best=4)  # "May 2019"
    make(province=alpha, date=D(2019, 8, 1), date_precision=DatePrecision.YEAR, incident_type=IncidentType.AMBUSH)
    make(province=alpha, date=D(2019, 5, 2), date_precision=DatePrecision.WEEK)  # week of Mon 29 Apr
    make(province=None, date=D(2019, 6, 30), incident_type=IncidentType.OTHER)  # Sun, W26
    for status in (IncidentStatus.DRAFT, IncidentStatus.REVIEW, IncidentStatus.RETRACTED):
        make(province=alpha, date=D(2019, 5, 10), status=status, killed_best=100)
    return {"alpha": alpha, "beta": beta}


def get(client, query=""):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


TIMELINE_REFUSES = [("granularity=day", "granularity"), ("granularity=WEEK", "granularity"), ("group=place", "group")]


def points(payload):
    return {
        entry["key"]: {p["period"]: (p["incidents"], p["killed"], p["wounded"]) for p in entry["points"]}
        for entry in payload["series"]
    }


def uncertain(payload):
    return {(u["key"], u["period"]): (u["incidents"], u["killed"], u["wounded"]) for u in payload["uncertain"]}


def total(payload):
    return sum(p["incidents"] for s in payload["series"] for p in s["points"]) + sum(
        u["incidents"] for u in payload["uncertain"]
    )


@pytest.mark.django_db
class TestCounts:
    def test_month_by_province(self, client, hand_made):
        payload = get(client, "granularity=month&group=province")
        assert (payload["granularity"], payload["group"]) == ("month", "province")
        assert points(payload) == {
            # Day, day and week-precision (week of 29 Apr: most of its days are in May).
            "alpha": {"2019-05": (3, 4, 2)},
            "beta": {"2019-05": (2, 4, 5)},
            "_none": {"2019-06": (1, 0, 0)},
        }
        assert uncertain(payload) == {("alpha", "2019"): (1, 0, 0)}  # year precision, never on a month
        assert total(payload) == 7 == Incident.objects.published().count()
        series = {s["key"]: s for s in payload["series"]}
        assert series["alpha"]["label"] == "Alpha"
        assert series["_none"]["label"] == "No province recorded"
        assert [s["key"] for s in payload["series"]] == ["alpha", "beta", "_none"]  # largest first
        assert set(payload["series"][0]["points"][0]) == {
            "period",
            "incidents",
            "killed",
            "wounded",
            "killed_unknown",
            "wounded_unknown",
        }

    def test_week_puts_month_precision_in_the_uncertain_band(self, client, hand_made):
        payload = get(client, "granularity=week")
        assert points(payload) == {
            "alpha": {"2019-W18": (2, 1, 2), "2019-W19": (1, 3, 0)},
            "beta": {"2019-W20": (1, 0, 5)},
            "_none": {"2019-W26": (1, 0, 0)},
        }
        assert uncertain(payload) == {("beta", "2019-05"): (1, 4, 0), ("alpha", "2019"): (1, 0, 0)}
        may = next(u for u in payload["uncertain"] if u["period"] == "2019-05")
        assert may["precision"] == "month"
        assert (may["since"], may["until"]) == ("2019-05-01", "2019-05-31")
        assert (may["first_period"], may["last_period"]) == ("2019-W18", "2019-W22")
        assert total(payload) == 7
        labels = [p["period"] for p in payload["periods"]]
        # The axis covers the year band: ISO weeks 2019-W01 (Mon 31 Dec 2018) to 2020-W01.
        assert labels[0] == "2019-W01" and labels[-1] == "2020-W01"
        assert len(labels) == len(set(labels)) == 53
        assert payload["periods"][0] == {"period": "2019-W01", "since": "2018-12-31", "until": "2019-01-06"}

    def test_year_has_no_uncertain_band(self, client, hand_made):
        payload = get(client, "granularity=year")
        assert points(payload) == {
            "alpha": {"2019": (4, 4, 2)},
            "beta": {"2019": (2, 4, 5)},
            "_none": {"2019": (1, 0, 0)},
        }
        assert payload["uncertain"] == []
        assert [p["period"] for p in payload["periods"]] == ["2019"]

    def test_group_by_type(self, client, hand_made):
        payload = get(client, "granularity=month&group=type")
        assert points(payload) == {
            "raid": {"2019-05": (4, 5, 7)},
            "bombing": {"2019-05": (1, 3, 0)},
            "other": {"2019-06": (1, 0, 0)},
            "ambush": {},  # its only incident is known to the year: a series with no point, one band
        }
        assert uncertain(payload) == {("ambush", "2019"): (1, 0, 0)}
        assert {s["key"]: s["label"] for s in payload["series"]}["raid"] == "Raid / armed assault"

    def test_auto_granularity_from_the_span(self, client, hand_made):
        # The data spans 1 Jan 2019 (year precision, stored as 1 Jan) to 30 Jun 2019: about 26 weeks.
        assert get(client)["granularity"] == "week"
        assert get(client, "since=2019-01-01&until=2019-12-31")["granularity"] == "month"
        assert get(client, "since=2019-05-01&until=2019-06-30")["granularity"] == "week"
        assert get(client, "since=2010-01-01&until=2019-12-31&granularity=auto")["granularity"] == "year"

    def test_drafts_review_and_retracted_are_never_counted(self, client, hand_made):
        payload = get(client, "granularity=week&province=alpha")
        assert total(payload) == 4
        assert points(payload)["alpha"].get("2019-W19") == (1, 3, 0)  # not 100 killed from the drafts

    def test_filters_of_the_map_apply(self, client, hand_made):
        assert total(get(client, "province=beta")) == 2
        assert total(get(client, "province=alpha&province=beta")) == 6
        assert total(get(client, "type=raid&type=ambush")) == 5
        # "May 2019" is stored as 1 May, so since=5 May leaves it out (the shared filter's rule).
        assert total(get(client, "since=2019-05-05&until=2019-05-31")) == 2
        assert total(get(client, "q=nothing-matches-this")) == 0
        assert total(get(client, "country=LY")) == 7
        assert total(get(client, "claimed=yes")) == 0

    def test_axis_stretches_to_the_requested_span(self, client, hand_made):
        payload = get(client, "granularity=month&since=2019-03-01&until=2019-09-30")
        assert [p["period"] for p in payload["periods"]] == [f"2019-{m:02d}" for m in range(3, 10)]

    def test_axis_stops_at_until_even_if_a_band_goes_on(self, client, hand_made):
        payload = get(client, "granularity=week&since=2019-01-01&until=2019-06-30")
        labels = [p["period"] for p in payload["periods"]]
        assert (labels[0], labels[-1]) == ("2019-W01", "2019-W26")
        year = next(u for u in payload["uncertain"] if u["precision"] == "year")
        assert (year["first_period"], year["last_period"]) == ("2019-W01", "2020-W01")  # drawn to the edge

    def test_empty(self, client, db):
        payload = get(client)
        assert payload["series"] == [] and payload["uncertain"] == [] and payload["periods"] == []


@pytest.mark.django_db
def test_sum_equals_published_matching_for_every_granularity_and_group(client, make_incident, make_province):
    rng = random.Random(6)
    provinces = [make_province() for _ in range(3)] + [None]
    precisions = list(DatePrecision.values)
    for _ in range(120):
        make_incident(
            province=rng.choice(provinces),
            date=D(2017, 1, 1) + dt.timedelta(days=rng.randrange(900)),
            date_precision=rng.choice(precisions),
            incident_type=rng.choice(IncidentType.values),
            status=rng.choice([IncidentStatus.PUBLISHED] * 4 + [IncidentStatus.DRAFT]),
            killed_best=rng.choice([None, 0, 3]),
        )
    published = Incident.objects.published()
    for query, expected in [
        ("", published.count()),
        (f"province={provinces[0].slug}", published.filter(province=provinces[0]).count()),
        ("since=2018-01-01", published.filter(date__gte=D(2018, 1, 1)).count()),
    ]:
        for granularity in ("week", "month", "year"):
            for group in ("province", "type"):
                payload = get(client, f"{query}&granularity={granularity}&group={group}")
                assert total(payload) == expected, (query, granularity, group)
                killed = sum(p["killed"] for s in payload["series"] for p in s["points"]) + sum(
                    u["killed"] for u in payload["uncertain"]
                )
                assert killed == sum(i.killed_best or 0 for i in published.filter(pk__in=_matching(query)))


def _matching(query):
    return filter_incidents(QueryDict(query), Incident.objects.published()).values("pk")


@pytest.mark.django_db
class TestMilestones:
    @pytest.fixture
    def milestones(self, hand_made):
        Milestone.objects.create(date=D(2019, 5, 10), title="Global event")
        Milestone.objects.create(date=D(2019, 5, 20), title="Beta event", province=hand_made["beta"])
        Milestone.objects.create(date=D(2019, 6, 12), date_precision=DatePrecision.MONTH, title="June event")
        Milestone.objects.create(date=D(2010, 1, 1), title="Long before")

    def test_milestones_in_view(self, client, milestones):
        payload = get(client, "granularity=week")
        by_title = {m["title"]: m for m in payload["milestones"]}
        assert list(by_title) == ["Global event", "Beta event", "June event"]
        assert by_title["Global event"]["period"] == "2019-W19"
        assert by_title["Global event"]["province"] is None
        assert by_title["Beta event"]["province"] == "beta"
        june = by_title["June event"]
        # Known only to the month: a span over its weeks, shown as "Jun 2019", never on 1 June.
        assert (june["date"], june["date_display"]) == ("2019-06-01", "Jun 2019")
        assert (june["first_period"], june["last_period"]) == ("2019-W22", "2019-W26")

    def test_province_filter_keeps_global_and_own_milestones(self, client, milestones):
        titles = [m["title"] for m in get(client, "province=alpha")["milestones"]]
        assert titles == ["Global event", "June event"]
        titles = [m["title"] for m in get(client, "province=beta&since=2019-05-15&until=2019-06-30")["milestones"]]
        assert titles == ["Beta event", "June event"]


@pytest.mark.django_db
class TestBadParameters:
    # The timeline's own parameters, then the filters every incident endpoint shares.
    @pytest.mark.parametrize(("query", "param"), [*TIMELINE_REFUSES, *INVALID_FILTERS])
    def test_400_names_the_parameter(self, client, hand_made, query, param):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 400
        body = response.json()
        assert list(body["errors"]) == [param]
        assert param in body["error"]

    def test_every_bad_parameter_is_reported(self, client, db):
        body = client.get(f"{URL}?granularity=hour&group=x&since=no").json()
        assert set(body["errors"]) == {"granularity", "group", "since"}

    def test_only_get(self, client, db):
        assert client.post(URL).status_code == 405


@pytest.mark.django_db
def test_query_count_does_not_grow_with_incidents(client, make_incident, make_province, make_place):
    province = make_province(slug="gamma")
    place = make_place()
    Milestone.objects.create(date=D(2019, 5, 10), title="Global event")

    def queries(query):
        with CaptureQueriesContext(connection) as captured:
            get(client, query)
        return len(captured.captured_queries)

    def add(n, offset):
        for i in range(n):
            precision = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR][i % 3]
            make_incident(
                province=province,
                place=place,
                date=D(2019, 1, 1) + dt.timedelta(days=offset + 7 * i),
                date_precision=precision,
            )

    add(3, 0)
    few = {q: queries(q) for q in ("granularity=week", "", "province=gamma&group=type")}
    add(27, 1)
    many = {q: queries(q) for q in few}
    assert few == many
    # One aggregation query, one for the provinces' names and one for milestones; +1 for the date
    # span when granularity is automatic, +1 to validate province slugs, -1 when grouping by type.
    # + 1 each: the data's "as of" date
    assert few == {"granularity=week": 4, "": 5, "province=gamma&group=type": 5}


@pytest.mark.django_db
def test_database_placement_matches_the_python_rule(client, make_incident, make_province):
    """The SQL bucketing (native date truncation, the week's Thursday, bands) equals place_in_period."""
    from ipwatch.core.dates import period_label
    from ipwatch.timeline.aggregation import place_in_period

    rng = random.Random(62)
    province = make_province(slug="delta")
    for _ in range(150):
        make_incident(
            province=province,
            date=D(2018, 11, 1) + dt.timedelta(days=rng.randrange(500)),
            date_precision=rng.choice(list(DatePrecision.values)),
            killed_best=rng.choice([None, 1, 2]),
        )
    incidents = list(Incident.objects.published())
    assert len(incidents) == 150
    for granularity in ("week", "month", "year"):
        expected_points, expected_bands = {}, {}
        for incident in incidents:
            placement = place_in_period(incident.date_precision, incident.date, granularity)
            if placement.uncertain:
                key = period_label(placement.start, placement.uncertain)
                expected_bands[key] = expected_bands.get(key, 0) + 1
            else:
                key = period_label(placement.start, granularity)
                expected_points[key] = expected_points.get(key, 0) + 1
        payload = get(client, f"granularity={granularity}")
        assert {p["period"]: p["incidents"] for p in payload["series"][0]["points"]} == expected_points
        assert {u["period"]: u["incidents"] for u in payload["uncertain"]} == expected_bands


class _GenericPeriodStart(PeriodStart):
    """PeriodStart as a database without a native version would run it (Django's Trunc)."""

    as_sqlite = None
    as_postgresql = None


class _GenericShiftDays(ShiftDays):
    as_sqlite = None
    as_postgresql = None


@pytest.mark.django_db
@pytest.mark.parametrize("granularity", ["week", "month", "year"])
def test_native_truncation_matches_the_generic_fallback(make_incident, granularity):
    for offset in range(0, 800, 37):
        make_incident(date=D(2018, 12, 1) + dt.timedelta(days=offset))
    rows = Incident.objects.annotate(
        native=PeriodStart(ShiftDays(F("date"), 3), granularity),
        generic=_GenericPeriodStart(_GenericShiftDays(F("date"), 3), granularity),
    ).values_list("date", "native", "generic")
    assert len(rows) == len(range(0, 800, 37))
    for date, native, generic in rows:
        assert native == generic
        assert native == period_start(date + dt.timedelta(days=3), granularity)
