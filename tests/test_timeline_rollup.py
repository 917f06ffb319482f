"""The published-attack rollup (ipwatch.timeline.rollup) stays exact through every write path.

Random but seeded (deterministic) sequences of creations, edits, publications, retractions, merges,
deletes, bulk writes, imports and rolled-back transactions; after each step the rollup equals a
fresh aggregation over the incidents table, and every rollup answer (timeline API, pages) equals
the answer computed from the base tables with the rollup switched off. Runs on SQLite and, under
scripts/with-postgres.sh, on PostgreSQL: the triggers differ per database.
"""

import datetime as dt
import random

import pytest
from django.db import connection, transaction
from django.http import QueryDict

from ipwatch.core.choices import ClaimStatus, DatePrecision, IncidentStatus, IncidentType
from ipwatch.core.dates import period_start
from ipwatch.core.merging import merge_incidents
from ipwatch.core.models import Incident
from ipwatch.core.workflow import SYSTEM
from ipwatch.exchange.importer import Importer
from ipwatch.public import stats
from ipwatch.timeline import claims, rollup
from ipwatch.timeline.models import PeriodRollup, PublishedRollup
from ipwatch.timeline.params import parse_timeline_request
from tests.test_import_incidents_command import acled_file, acled_row

FIRST = dt.date(2018, 12, 1)
DAYS = 500  # Dec 2018 – Apr 2020: week/month/year boundaries in every direction


def random_date(rng):
    precision = rng.choice([DatePrecision.DAY] * 5 + [DatePrecision.WEEK, DatePrecision.MONTH, DatePrecision.YEAR])
    return period_start(FIRST + dt.timedelta(days=rng.randrange(DAYS)), precision), precision


def random_figure(rng):
    return rng.choice([None, None, 0, 1, 2, 5, 16])


def random_fields(rng, provinces):
    date, precision = random_date(rng)
    return {
        "date": date,
        "date_precision": precision,
        "province": rng.choice([*provinces, None]),
        "incident_type": rng.choice(IncidentType.values),
        "claim_status": rng.choice(ClaimStatus.values),
        "killed_best": random_figure(rng),
        "wounded_best": random_figure(rng),
        "kidnapped": random_figure(rng),
        "is_synthetic": rng.random() < 0.5,
    }


def new_incident(rng, provinces, status):
    return Incident.objects.create(
        acting_user=SYSTEM, summary="Rollup test incident (synthetic).", status=status, **random_fields(rng, provinces)
    )


# The answers compared with the rollup on and off: granularities, groups, provinces, date edges.
def timeline_queries(provinces):
    slug = provinces[0].slug
    queries = []
    for granularity in ("week", "month", "year"):
        for extra in (
            "",
            f"&province={slug}",
            f"&province={slug}&province={provinces[1].slug}",
            "&group=kind",
            "&since=2019-05-15&until=2019-11-20",  # both ends inside a piece
            "&since=2019-06-01&until=2019-06-30",  # whole pieces only
            "&since=2019-07-03&until=2019-07-05",  # inside one piece
            "&since=2019-03-01",
            "&until=2019-09-11",
            "&kind=attack,media_release",
        ):
            queries.append(f"granularity={granularity}{extra}")
    return queries


def answers(client, settings, queries, *, use_rollup):
    settings.PUBLISHED_ROLLUP = use_rollup
    result = {}
    for query in queries:
        response = client.get(f"/api/timeline.json?{query}")
        assert response.status_code == 200, (query, response.content[:300])
        result[query] = response.json()
    return result


# Reference dates for the pages' 30/90/365-day windows: their ends fall inside pieces and on edges.
REFERENCE_DATES = [dt.date(2019, 6, 15), dt.date(2019, 11, 20), dt.date(2020, 3, 31)]


def page_figures(settings, provinces, *, use_rollup):
    """What the overview and province pages show, computed with the rollup on or off."""
    settings.PUBLISHED_ROLLUP = use_rollup
    figures = {}
    for on in REFERENCE_DATES:
        windows, totals, overview_provinces = stats.overview_figures(on)
        figures[on, "windows"] = [(w.days, w.count, w.previous, w.killed) for w in windows]
        figures[on, "totals"] = totals
        for name, listed in (("overview", overview_provinces), ("pages", stats.provinces_with_activity(on))):
            figures[on, name] = sorted(
                (p.pk, p.incident_total, p.last_incident_on, p.dormant, [(w.count, w.previous) for w in p.windows])
                for p in listed
            )
    for granularity in ("month", "year"):
        for query in ("", f"province={provinces[0].slug}", "since=2019-05-15&until=2019-11-20", "claimed=no"):
            parsed = parse_timeline_request(QueryDict(query), Incident.objects.published())
            figures["claimed", granularity, query] = claims.claimed_counts(
                parsed.queryset, granularity, parsed.cleaned
            )
    for province in (None, *provinces):
        figures["months", province] = stats.published_monthly_counts(
            dt.date(2018, 11, 1), dt.date(2020, 2, 1), province
        )
    return figures


def assert_exact(client, settings, queries, provinces=None):
    assert rollup.differences() == {}
    assert answers(client, settings, queries, use_rollup=True) == answers(client, settings, queries, use_rollup=False)
    if provinces:
        assert page_figures(settings, provinces, use_rollup=True) == page_figures(
            settings, provinces, use_rollup=False
        )


@pytest.fixture
def provinces(make_province):
    return [make_province() for _ in range(3)]


@pytest.fixture
def uncached(settings):
    settings.PUBLIC_CACHE_TIMEOUT = 0  # compare what the views compute, never a cached answer


def random_step(rng, provinces, reviewer, tmp_path, step) -> str:
    """One random write; returns which."""
    incidents = list(Incident.objects.exclude(status=IncidentStatus.MERGED).order_by("pk"))
    paths = ["create", "edit", "publish", "retract", "review", "merge", "delete", "bulk_create", "update", "import"]
    action = rng.choice([*paths, "create", "edit", "rollback"])
    if not incidents:
        action = "create"
    if action == "create":
        new_incident(rng, provinces, rng.choice([IncidentStatus.PUBLISHED, IncidentStatus.DRAFT]))
    elif action == "edit":
        incident = rng.choice(incidents)
        for name, value in random_fields(rng, provinces).items():
            if rng.random() < 0.5:
                setattr(incident, name, value)
        incident.save(acting_user=SYSTEM)
    elif action == "publish":
        incident = rng.choice(incidents)
        if incident.status == IncidentStatus.DRAFT:
            incident.transition(IncidentStatus.REVIEW, SYSTEM)
        incident.transition(IncidentStatus.PUBLISHED, SYSTEM)
    elif action == "retract":
        incident = rng.choice(incidents)
        if incident.status == IncidentStatus.PUBLISHED:
            incident.transition(IncidentStatus.RETRACTED, SYSTEM)
    elif action == "review":
        incident = rng.choice(incidents)
        if incident.status == IncidentStatus.PUBLISHED:
            incident.transition(IncidentStatus.REVIEW, SYSTEM)
    elif action == "merge" and len(incidents) > 1:
        survivor, duplicate = rng.sample(incidents, 2)
        merge_incidents(survivor, duplicate, reviewer)
    elif action == "delete":
        incident = rng.choice(incidents)
        if not incident.merged_incidents.exists():
            incident.delete()
    elif action == "bulk_create":
        Incident.objects.bulk_create(
            [
                Incident(summary="Bulk (synthetic).", status=IncidentStatus.PUBLISHED, **random_fields(rng, provinces))
                for _ in range(rng.randrange(1, 6))
            ],
            acting_user=SYSTEM,
        )
    elif action == "update":
        chosen = [incident.pk for incident in rng.sample(incidents, min(len(incidents), 4))]
        fields = random_fields(rng, provinces)
        name = rng.choice(["province", "claim_status", "killed_best", "wounded_best", "date", "is_synthetic"])
        # A date is stored as the first day of its period: written with its precision, as the importer does.
        changes = {name: fields[name], **({"date_precision": fields["date_precision"]} if name == "date" else {})}
        Incident.objects.filter(pk__in=chosen).update(**changes)
    elif action == "import":
        rows = [
            acled_row(f"ROLLUP-{rng.randrange(8)}", date=f"2019-{rng.randrange(1, 13):02d}-1{rng.randrange(10)}",
                      fatalities=str(rng.randrange(4)))
            for _ in range(rng.randrange(1, 4))
        ]  # fmt: skip
        rows = list({row.split(",")[0]: row for row in rows}.values())  # one row per event id
        status = rng.choice([IncidentStatus.PUBLISHED, IncidentStatus.DRAFT])
        Importer("acled", status=status, user=SYSTEM).run(str(acled_file(tmp_path, rows, name=f"rollup-{step}.csv")))
    elif action == "rollback":
        with pytest.raises(RuntimeError), transaction.atomic():
            new_incident(rng, provinces, IncidentStatus.PUBLISHED)
            incident = rng.choice(incidents)
            incident.killed_best = 999
            incident.save(acting_user=SYSTEM)
            raise RuntimeError("rolled back: the rollup must forget both changes")
    return action


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_random_writes_keep_every_rollup_answer_exact(
    seed, sample_data, provinces, reviewer, client, settings, uncached, tmp_path
):
    rng = random.Random(seed)
    queries = timeline_queries(provinces)
    for _ in range(8):
        new_incident(rng, provinces, IncidentStatus.PUBLISHED)
    assert_exact(client, settings, queries)
    done = set()
    for step in range(60):
        done.add(random_step(rng, provinces, reviewer, tmp_path, step))
        assert rollup.differences() == {}, f"step {step}"
        if step % 20 == 19:
            assert_exact(client, settings, queries, provinces)
    assert PublishedRollup.objects.exists()
    every_path = {"create", "edit", "publish", "retract", "review", "merge", "delete", "bulk_create", "update"}
    assert done >= every_path | {"import", "rollback"}


@pytest.mark.django_db
def test_only_published_incidents_are_counted(provinces):
    rng = random.Random(3)
    hidden = provinces[2]
    for status in (IncidentStatus.DRAFT, IncidentStatus.REVIEW):
        Incident.objects.create(
            acting_user=SYSTEM, summary="Not public (synthetic).", status=status, **random_fields(rng, provinces)
        )
    incident = new_incident(rng, provinces, IncidentStatus.PUBLISHED)
    incident.province = hidden
    incident.save(acting_user=SYSTEM)
    assert PublishedRollup.objects.filter(province_id=hidden.pk).count() == 1
    incident.transition(IncidentStatus.RETRACTED, SYSTEM)
    assert not PublishedRollup.objects.filter(province_id=hidden.pk).exists()
    assert sum(PublishedRollup.objects.values_list("records", flat=True)) == 0
    assert rollup.differences() == {}


@pytest.mark.django_db
def test_unknown_figures_are_counted_not_summed_as_zero(provinces):
    for killed in (None, 4, None):
        Incident.objects.create(
            acting_user=SYSTEM,
            summary="Figures (synthetic).",
            status=IncidentStatus.PUBLISHED,
            date=dt.date(2019, 5, 4),
            province=provinces[0],
            incident_type=IncidentType.RAID,
            killed_best=killed,
        )
    cell = PublishedRollup.objects.get()
    assert (cell.records, cell.killed_known, cell.killed_unknown) == (3, 4, 2)
    assert (cell.wounded_known, cell.wounded_unknown) == (0, 3)


@pytest.mark.django_db
def test_each_incident_counts_once_per_week_and_month_where_the_timeline_puts_it(provinces):
    for date, precision in ((dt.date(2019, 7, 29), DatePrecision.WEEK), (dt.date(2019, 5, 1), DatePrecision.MONTH)):
        Incident.objects.create(
            acting_user=SYSTEM,
            summary="Placed (synthetic).",
            status=IncidentStatus.PUBLISHED,
            date=date,
            date_precision=precision,
            province=provinces[0],
            killed_best=2,
        )
    cells = PeriodRollup.objects.values_list("granularity", "start", "band", "province_id", "records", "killed_known")
    assert sorted(cells) == [
        # The week of Monday 29 July 2019 is August's at month granularity (its Thursday is 1 August).
        ("month", dt.date(2019, 5, 1), "", provinces[0].pk, 1, 2),
        ("month", dt.date(2019, 8, 1), "", provinces[0].pk, 1, 2),
        ("week", dt.date(2019, 5, 1), "month", provinces[0].pk, 1, 2),  # May 2019's "date uncertain" band
        ("week", dt.date(2019, 7, 29), "", provinces[0].pk, 1, 2),
    ]
    assert rollup.differences() == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, table",
    [
        ("granularity=week", "timeline_periodrollup"),
        ("granularity=month&province={slug}", "timeline_periodrollup"),
        ("granularity=year", "timeline_publishedrollup"),
        ("granularity=week&since=2019-05-15", "timeline_publishedrollup"),
    ],
)
def test_answers_without_dates_read_one_row_per_point(query, table, provinces, client, uncached):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/timeline.json?" + query.format(slug=provinces[0].slug))
    assert response.status_code == 200
    (other,) = {"timeline_periodrollup", "timeline_publishedrollup"} - {table}
    assert any(table in captured["sql"] for captured in queries.captured_queries)
    assert not any(other in captured["sql"] for captured in queries.captured_queries)


@pytest.mark.django_db
def test_rebuild_equals_the_incremental_rollup(provinces, reviewer, tmp_path):
    rng = random.Random(4)
    for step in range(40):
        random_step(rng, provinces, reviewer, tmp_path, step)
    incremental = set(PublishedRollup.objects.values_list(*rollup.KEY, *rollup.MEASURES))
    rollup.rebuild()
    assert set(PublishedRollup.objects.values_list(*rollup.KEY, *rollup.MEASURES)) == incremental
    assert rollup.differences() == {}


@pytest.mark.django_db
def test_missing_triggers_are_put_back_and_the_rollup_rebuilt(provinces):
    rng = random.Random(5)
    rollup.remove_triggers(connection)
    new_incident(rng, provinces, IncidentStatus.PUBLISHED)  # not followed: the triggers are gone
    assert rollup.differences() != {}
    assert rollup.ensure_installed() is True
    assert rollup.differences() == {}
    assert rollup.installed_triggers(connection) == set(rollup.TRIGGERS)
    assert rollup.ensure_installed() is False  # nothing to repair


@pytest.mark.parametrize(
    "since, until, first, last, edges",
    [
        (None, None, None, None, ()),
        (dt.date(2019, 6, 1), dt.date(2019, 6, 30), dt.date(2019, 6, 1), dt.date(2019, 6, 30), ()),
        # Wednesday 15 May 2019 to Wednesday 20 Nov 2019: the pieces from Monday 20 May to 17 Nov whole.
        (
            dt.date(2019, 5, 15),
            dt.date(2019, 11, 20),
            dt.date(2019, 5, 20),
            dt.date(2019, 11, 17),
            ((dt.date(2019, 5, 15), dt.date(2019, 5, 19)), (dt.date(2019, 11, 18), dt.date(2019, 11, 20))),
        ),
        (dt.date(2019, 7, 3), dt.date(2019, 7, 5), None, None, ((dt.date(2019, 7, 3), dt.date(2019, 7, 5)),)),
        (dt.date(2019, 7, 31), None, dt.date(2019, 8, 1), None, ((dt.date(2019, 7, 31), dt.date(2019, 7, 31)),)),
    ],
)
def test_split_range_into_whole_pieces_and_edges(since, until, first, last, edges):
    assert rollup.split_range(since, until) == rollup.Split(first, last, edges)
