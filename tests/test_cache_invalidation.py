"""Finer invalidation of the public cache (ipwatch/core/cache.py): a change drops only the answers it
can affect — yet no affected page is ever served stale. Seeded random changes (edit, publish,
retract, province change, date change, delete, new report, activity edit, import, bulk generation);
after each one every cached URL must equal a fresh uncached render."""

import datetime as dt
import gzip
import random
import re

import pytest
from django.test import override_settings

from ipwatch.activity.models import Activity
from ipwatch.core.cache import CACHE_STATUS_HEADER
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident, Province, Report
from tests.test_import_incidents_command import acled_file, acled_row, run

pytestmark = pytest.mark.django_db

PROVINCES = ("fezzan", "barqa", "sinai")
NONCE = re.compile(rb'nonce="[^"]*"')
FEED_UPDATED = re.compile(rb"<updated>[^<]*</updated>")


def body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    if content.startswith(b"<?xml") and b"<entry>" not in content:
        content = FEED_UPDATED.sub(b"", content)  # an empty feed is "updated" at the time of rendering
    return NONCE.sub(b'nonce=""', content)  # the CSP nonce differs per render by design


def urls() -> list[str]:
    pages = ["/", "/incidents/", "/incidents/?q=raid", "/claims/", "/map/", "/provinces/", "/activity/"]
    pages += [f"/provinces/{slug}/" for slug in PROVINCES]
    pages += [f"/provinces/{slug}/feed.atom" for slug in PROVINCES] + ["/feeds/incidents.atom"]
    apis = ["/api/incidents.geojson", "/api/incidents.map.json", "/api/activity.geojson", "/api/timeline.json"]
    apis += [f"{api}?province={slug}" for api in apis for slug in PROVINCES]
    exports = ["/api/incidents.csv", "/api/incidents.csv?province=barqa", "/api/reports.csv", "/api/datapackage.json"]
    incidents = [f"/incidents/{pk}/" for pk in Incident.objects.order_by("pk").values_list("pk", flat=True)]
    return pages + apis + exports + incidents


def cached(client, url):
    return client.get(url, HTTP_ACCEPT_ENCODING="gzip")


def fresh(client, url):
    with override_settings(PUBLIC_CACHE_TIMEOUT=0):
        return client.get(url, HTTP_ACCEPT_ENCODING="gzip")


@pytest.fixture
def world(sample_data, make_incident, make_place):
    for n, slug in enumerate(PROVINCES * 2):
        make_incident(
            province=Province.objects.get(slug=slug),
            place=make_place(name=f"Synthetic place {n}"),
            date=dt.date(2018, 1 + n, 10),
            summary=f"Synthetic raid {n} (for tests)",
            killed_best=n,
        )
    make_incident(province=None, summary="Synthetic raid without province (for tests)")


def changes(rng, reviewer, tmp_path):
    """Named changes, each picking its incident at random (seeded)."""

    def published():
        return rng.choice(list(Incident.objects.published().order_by("pk")))

    def edit():
        incident = published()
        incident.summary = f"Synthetic raid, edited {rng.random():.6f} (for tests)"
        incident.killed_best = rng.randint(0, 40)
        incident.save()

    def publish():
        incident = Incident.objects.create(
            date=dt.date(2019, rng.randint(1, 12), 1),
            incident_type="raid",
            summary="Synthetic raid, newly published (for tests)",
            province=Province.objects.get(slug=rng.choice(PROVINCES)),
            place=published().place,
        )
        incident.transition(IncidentStatus.REVIEW, reviewer)
        incident.transition(IncidentStatus.PUBLISHED, reviewer)

    def retract():
        published().transition(IncidentStatus.RETRACTED, reviewer)

    def move_province():
        incident = published()
        others = [slug for slug in PROVINCES if incident.province is None or slug != incident.province.slug]
        incident.province = Province.objects.get(slug=rng.choice(others))
        incident.save()

    def move_date():
        incident = published()
        incident.date = dt.date(rng.choice([2015, 2019, 2024]), rng.randint(1, 12), 1)  # may become the latest
        incident.save()

    def delete():
        published().delete()

    def add_report():
        incident = published()
        source = Report.objects.select_related("source").first().source
        Report.objects.create(incident=incident, source=source, title=f"Synthetic late report {rng.random():.6f}")

    def edit_activity():
        activity = rng.choice(list(Activity.objects.published().order_by("pk")))
        activity.province = Province.objects.get(slug=rng.choice(PROVINCES))
        activity.save()

    def import_file():
        n = rng.randint(1000, 9999)
        path = acled_file(tmp_path, [acled_row(f"SYN{n}", date="2019-06-0" + str(rng.randint(1, 9)))], f"a{n}.csv")
        run(path, "acled", "--status", "published")

    return [edit, publish, retract, move_province, move_date, delete, add_report, edit_activity, import_file]


def test_no_affected_answer_is_ever_served_stale(client, world, reviewer, tmp_path):
    rng = random.Random(19)
    for url in urls():
        cached(client, url)
    steps = changes(rng, reviewer, tmp_path)
    sequence = steps + [rng.choice(steps) for _ in range(3)]
    for step in sequence:
        step()
        for url in urls():
            served = cached(client, url)
            if served.status_code != 200:
                continue
            expected = fresh(client, url)
            assert body(served) == body(expected), f"{url} served stale after {step.__name__}"


def test_an_edit_keeps_the_other_provinces_answers(client, world):
    fezzan_urls = ["/provinces/fezzan/", "/api/incidents.map.json?province=fezzan"]
    sinai_urls = [
        "/provinces/sinai/",
        "/api/incidents.map.json?province=sinai",
        "/api/incidents.geojson?province=sinai",
    ]
    sinai_incident = Incident.objects.filter(province__slug="sinai").first()
    sinai_urls.append(f"/incidents/{sinai_incident.pk}/")
    everything = ["/", "/api/incidents.map.json", "/incidents/"]
    for url in fezzan_urls + sinai_urls + everything:
        cached(client, url)
    incident = Incident.objects.filter(province__slug="fezzan", date__lt=dt.date(2019, 1, 1)).first()
    incident.summary = "Synthetic raid, edited (for tests)"
    incident.save()  # not the latest incident: the data-as-of date stays
    assert [cached(client, url)[CACHE_STATUS_HEADER] for url in sinai_urls] == ["hit"] * len(sinai_urls)
    assert {cached(client, url)[CACHE_STATUS_HEADER] for url in fezzan_urls + everything} == {"miss"}


def test_a_province_change_invalidates_the_old_and_the_new_province(client, world):
    incident = Incident.objects.filter(province__slug="barqa").first()
    watched = ["/provinces/barqa/", "/provinces/sinai/", "/api/incidents.geojson?province=sinai"]
    for url in watched:
        cached(client, url)
    incident.province = Province.objects.get(slug="sinai")
    incident.save()
    assert {cached(client, url)[CACHE_STATUS_HEADER] for url in watched} == {"miss"}
    assert cached(client, "/provinces/fezzan/")[CACHE_STATUS_HEADER] == "miss"  # first request
    incident.province = Province.objects.get(slug="barqa")
    incident.save()
    assert cached(client, "/provinces/fezzan/")[CACHE_STATUS_HEADER] == "hit"


def test_bulk_writes_and_reference_data_drop_everything(client, world):
    from ipwatch.core.cache import invalidate_public_cache

    cached(client, "/provinces/sinai/")
    invalidate_public_cache()
    assert cached(client, "/provinces/sinai/")[CACHE_STATUS_HEADER] == "miss"
    place = Incident.objects.filter(province__slug="fezzan").first().place
    place.name = "Renamed synthetic place"
    place.save()
    assert cached(client, "/provinces/sinai/")[CACHE_STATUS_HEADER] == "miss"
