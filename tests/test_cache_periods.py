"""Per-period scopes of the public cache (ipwatch/core/cache.py): an answer restricted to a date
window (since/until) is dropped only by a change to a record whose dates, before or after the change,
touch the window's years — yet no affected answer is ever served stale.

Seeded random changes move records in time (across years, at every date precision, across a year
boundary, to an unbounded span) and in place, publish, unpublish, retract, merge, delete, move
reports, and change activity of every kind; after each one every cached URL (windowed or not, with
and without provinces, malformed windows too) must equal a fresh uncached render."""

import datetime as dt
import random

import pytest

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.models import Activity
from ipwatch.core.cache import (
    CACHE_STATUS_HEADER,
    MAX_KEY_SCOPES,
    province_scope,
    province_year_scope,
    request_scopes,
    span_years,
    window_periods,
    year_scope,
)
from ipwatch.core.choices import DatePrecision, IncidentStatus
from ipwatch.core.merging import merge_incidents
from ipwatch.core.models import Incident, Province, Report
from ipwatch.core.workflow import SYSTEM
from tests.test_cache_invalidation import PROVINCES, body, cached, changes, fresh
from tests.test_cache_invalidation import world as invalidation_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

YEARS = (2015, 2016, 2018, 2019, 2020, 2024)
WINDOWS = [
    ("2016-01-01", "2016-12-31"),
    ("2018-03-15", "2018-08-31"),
    ("2019-01-01", "2019-12-31"),
    ("2019-12-30", "2020-01-05"),  # across a year boundary
    ("2015-06-01", "2019-05-31"),
]
WINDOWED = ["/incidents/", "/activity/", "/api/incidents.geojson", "/api/incidents.map.json", "/api/activity.geojson"]


def urls() -> list[str]:
    urls = []
    for since, until in WINDOWS:
        window = f"since={since}&until={until}"
        urls += [f"{base}?{window}" for base in WINDOWED]
        urls += [f"/api/incidents.map.json?{window}&province=fezzan", f"/api/activity.geojson?{window}&province=barqa"]
    urls += [
        "/api/incidents.geojson?since=2019-01-01",  # open windows: to 2100, from 1900
        "/activity/?until=2016-06-30",
        "/api/incidents.map.json?since=2010-01-01&province=fezzan",
        "/api/incidents.map.json?since=1990-01-01&until=2030-12-31",  # whole decades
        "/incidents/?since=2019-02-30&until=2019-12-31",  # malformed: 400, never stored
        "/api/incidents.map.json?since=2019-12-31&until=2019-01-01",
        "/",
        "/incidents/",
        "/api/incidents.map.json",
        "/provinces/fezzan/",
        "/api/activity.geojson?province=barqa",
    ]
    return urls


@pytest.fixture
def history(invalidation_world, make_incident, make_place, make_activity):  # noqa: F811 (the imported fixture)
    """The world of test_cache_invalidation plus records in other years and at other precisions."""
    sinai, barqa, fezzan = (Province.objects.get(slug=slug) for slug in ("sinai", "barqa", "fezzan"))
    make_incident(province=sinai, date=dt.date(2016, 1, 1), date_precision=DatePrecision.YEAR)
    make_incident(province=fezzan, date=dt.date(2019, 12, 30), date_precision=DatePrecision.WEEK)  # into 2020
    make_incident(province=barqa, date=dt.date(2016, 7, 9), place=make_place(name="Synthetic 2016 place"))
    make_activity(
        kind=ActivityKind.TERRITORY,
        province=barqa,
        date=dt.date(2015, 3, 1),
        date_precision=DatePrecision.MONTH,
        end_date=dt.date(2016, 1, 1),
        end_date_precision=DatePrecision.YEAR,
    )
    make_activity(kind=ActivityKind.DESIGNATION, date=dt.date(2016, 5, 2))
    make_activity(kind=ActivityKind.ARREST, province=fezzan, date=dt.date(2020, 1, 3))


def moves(rng, reviewer):
    """Changes in time and the rest the public can see, each picking its record at random (seeded)."""

    def published():
        return rng.choice(list(Incident.objects.published().order_by("pk")))

    def activity():
        return rng.choice(list(Activity.objects.published().order_by("pk")))

    def some_date():
        precision = rng.choice(DatePrecision.values)
        return dt.date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28)), precision

    def move_in_time():
        incident = published()
        incident.date, incident.date_precision = some_date()
        incident.save()

    def move_in_time_and_place():
        incident = published()
        incident.date, incident.date_precision = some_date()
        incident.province = Province.objects.get(slug=rng.choice(PROVINCES))
        incident.save()

    def to_year_end_week():
        incident = published()
        incident.date, incident.date_precision = dt.date(rng.choice(YEARS), 12, 31), DatePrecision.WEEK
        incident.save()

    def unpublish():
        published().transition(IncidentStatus.REVIEW, reviewer)

    def republish():
        waiting = Incident.objects.filter(status=IncidentStatus.REVIEW).order_by("pk").first()
        if waiting is not None:
            waiting.transition(IncidentStatus.PUBLISHED, reviewer)

    def merge():
        survivor, duplicate = rng.sample(list(Incident.objects.published().order_by("pk")), 2)
        merge_incidents(survivor, duplicate, reviewer)

    def move_report():
        # A claim (its figures are on the map) to an incident of another year: both years change.
        shown = Report.objects.filter(incident__status=IncidentStatus.PUBLISHED).order_by("-is_claim", "pk")
        report = shown.select_related("incident").first()
        other_year = Incident.objects.published().exclude(date__year=report.incident.date.year).order_by("pk")
        report.incident = rng.choice(list(other_year))
        report.save()

    def delete_report():
        rng.choice(list(Report.objects.filter(incident__status=IncidentStatus.PUBLISHED).order_by("pk"))).delete()

    def move_activity():
        record = activity()
        record.date, record.date_precision = some_date()
        if record.kind == ActivityKind.TERRITORY:
            record.date = rng.choice([None, record.date])  # an unknown start: unbounded
            record.end_date, record.end_date_precision = dt.date(2024, 6, 1), DatePrecision.MONTH
        record.province = Province.objects.get(slug=rng.choice(PROVINCES))
        record.save()

    def edit_unbounded_territory():
        held = Activity.objects.published().filter(kind=ActivityKind.TERRITORY, date__isnull=True).first()
        if held is not None:  # "until 2016", start unknown: in every window up to its end
            held.title = f"Synthetic territory, renamed {rng.random():.6f} (for tests)"
            held.end_date = dt.date(rng.choice(YEARS), 1, 1)
            held.save()

    def retract_activity():
        activity().transition(IncidentStatus.RETRACTED, reviewer)

    def delete():
        # Not a survivor of a merge: the merged-away record keeps pointing at it (PROTECT).
        rng.choice(list(Incident.objects.published().filter(merged_incidents=None).order_by("pk"))).delete()

    def delete_activity():
        activity().delete()

    def new_activity():
        date, precision = some_date()
        Activity.objects.create(
            acting_user=SYSTEM,
            kind=rng.choice([ActivityKind.MEDIA_RELEASE, ActivityKind.PLEDGE, ActivityKind.LEADERSHIP]),
            title=f"Synthetic record {rng.random():.6f} (for tests)",
            province=Province.objects.get(slug=rng.choice(PROVINCES)),
            date=date,
            date_precision=precision,
            status=IncidentStatus.PUBLISHED,
            is_synthetic=True,
        )

    return [
        move_in_time,
        move_in_time_and_place,
        to_year_end_week,
        unpublish,
        republish,
        merge,
        move_report,
        delete_report,
        delete,
        move_activity,
        edit_unbounded_territory,
        retract_activity,
        delete_activity,
        new_activity,
    ]


def test_no_windowed_answer_is_ever_served_stale(client, history, reviewer, tmp_path):
    rng = random.Random(2016)
    others = {step.__name__: step for step in changes(rng, reviewer, tmp_path)}
    steps = moves(rng, reviewer) + [others[name] for name in ("edit", "retract", "import_file")]
    for url in urls():
        cached(client, url)
    for step in steps + [rng.choice(steps) for _ in range(4)]:
        step()
        for url in urls():
            served = cached(client, url)
            if served.status_code != 200:
                assert CACHE_STATUS_HEADER not in served, f"{url} ({served.status_code}) was stored"
                continue
            assert body(served) == body(fresh(client, url)), f"{url} served stale after {step.__name__}"


def test_an_edit_to_a_2016_record_keeps_the_2019_answers(client, history):
    in_2019 = [
        "/api/incidents.map.json?since=2019-01-01&until=2019-06-30",
        "/api/incidents.map.json?since=2019-01-01&until=2019-06-30&province=sinai",
        "/api/incidents.geojson?since=2019-04-01&until=2019-05-31",
        "/api/activity.geojson?since=2019-01-01&until=2019-12-31",
        "/incidents/?since=2019-01-01&until=2019-12-31",
        "/activity/?since=2019-01-01&until=2019-12-31&kind=media_release",
        "/api/incidents.xlsx?since=2019-01-01&until=2019-12-31",
        "/incidents/?since=2019-01-01",  # open: 2019, the 2020s… 2100
    ]
    in_2016 = [
        "/api/incidents.map.json?since=2016-01-01&until=2016-12-31",
        "/incidents/?since=2016-06-01&until=2017-01-31",
        "/activity/?until=2016-12-31",  # open: 1900 to 2016
    ]
    elsewhere = ["/api/incidents.map.json?since=2016-01-01&until=2016-12-31&province=sinai"]  # 2016, not barqa
    unrestricted = ["/", "/incidents/", "/api/incidents.map.json"]
    for url in in_2019 + in_2016 + elsewhere + unrestricted:
        assert cached(client, url)[CACHE_STATUS_HEADER] == "miss"
    incident = Incident.objects.get(province__slug="barqa", date=dt.date(2016, 7, 9))
    incident.summary = "Synthetic raid, edited (for tests)"
    incident.save()
    assert [cached(client, url)[CACHE_STATUS_HEADER] for url in in_2019 + elsewhere] == ["hit"] * 9
    assert {cached(client, url)[CACHE_STATUS_HEADER] for url in in_2016 + unrestricted} == {"miss"}
    # Moved into 2019: now the 2019 answers hold it.
    incident.date = dt.date(2019, 3, 1)
    incident.save()
    sinai_2019 = in_2019.pop(1)
    assert {cached(client, url)[CACHE_STATUS_HEADER] for url in in_2019 + in_2016} == {"miss"}
    assert cached(client, sinai_2019)[CACHE_STATUS_HEADER] == "hit"  # another province


def test_an_activity_record_drops_the_years_it_spans(client, history):
    territory = Activity.objects.get(kind=ActivityKind.TERRITORY, province__slug="barqa")  # Mar 2015 – 2016
    watched = {
        "/api/activity.geojson?since=2015-01-01&until=2015-12-31": "miss",
        "/api/activity.geojson?since=2016-12-01&until=2016-12-31": "miss",
        "/api/activity.geojson?since=2018-01-01&until=2018-12-31": "hit",
    }
    for url in watched:
        cached(client, url)
    territory.title = "Synthetic territory, renamed (for tests)"
    territory.save()
    assert {url: cached(client, url)[CACHE_STATUS_HEADER] for url in watched} == watched


def test_the_years_a_record_spans():
    assert span_years(dt.date(2019, 1, 1), DatePrecision.YEAR) == [2019]
    assert span_years(dt.date(2019, 12, 30), DatePrecision.WEEK) == [2019, 2020]
    assert span_years(dt.date(2015, 3, 1), DatePrecision.MONTH, dt.date(2016, 1, 1), DatePrecision.YEAR) == [
        2015,
        2016,
    ]
    assert span_years(None, DatePrecision.YEAR, dt.date(2016, 1, 1), DatePrecision.YEAR) == [None]  # unknown start
    assert span_years(dt.date(1850, 1, 1)) == [None]  # outside the years records may have
    assert span_years(dt.date(1950, 1, 1), "", dt.date(2016, 1, 1)) == [None]  # too long to name year by year


def test_the_scopes_of_an_answer():
    base = ["global", "data-as-of"]
    assert request_scopes(None, None) == [*base, "all"]
    assert request_scopes(["fezzan"], None) == [*base, province_scope("fezzan")]
    assert request_scopes(None, ["2019"]) == [*base, year_scope(2019), year_scope(None)]
    assert request_scopes(["fezzan"], ["2019"]) == [*base, province_year_scope("fezzan", 2019), "province:fezzan@open"]
    many = [f"province-{n}" for n in range(MAX_KEY_SCOPES)]
    assert request_scopes(many, ["2019"]) == [*base, "year:2019", "year:open"]  # the smaller family
    assert window_periods(dt.date(2019, 12, 30), dt.date(2020, 1, 5)) == ["2019", "2020"]
    assert window_periods(dt.date(2009, 6, 1), dt.date(2021, 1, 5)) == ["2009", "2010s", "2020", "2021"]
    assert window_periods(dt.date(2019, 1, 1), None) == ["2019", *(f"{ten}s" for ten in range(2020, 2100, 10)), "2100"]
    assert len(window_periods(None, dt.date(2016, 6, 30))) == 11 + 7  # 1900s…2000s, 2010…2016
    assert window_periods(None, None) is None
    assert window_periods(dt.date(2019, 2, 1), dt.date(2019, 1, 1)) is None


def test_a_record_loaded_without_its_dates_still_drops_where_it_was(client, history):
    window_2016 = "/api/incidents.map.json?since=2016-01-01&until=2016-12-31"
    window_2018 = "/api/incidents.map.json?since=2018-01-01&until=2018-12-31"
    cached(client, window_2016), cached(client, window_2018)
    incident = Incident.objects.only("id", "summary").get(province__slug="barqa", date=dt.date(2016, 7, 9))
    incident.date = dt.date(2019, 3, 1)
    incident.save()  # the stored province and date are read before the save: it was in 2016
    served = cached(client, window_2016)
    assert served[CACHE_STATUS_HEADER] == "miss"
    assert body(served) == body(fresh(client, window_2016))
    assert cached(client, window_2018)[CACHE_STATUS_HEADER] == "hit"  # not everything dropped
