"""Nothing unpublished reaches an anonymous visitor — proven over every public URL.

Draft, in-review and retracted incidents (and a published one with internal notes and a named
editor) carry unique marker strings in every text field and unmistakable figures. Every URL in
the URLconf (new pages are picked up automatically), every filter combination, and every link
those pages contain (crawled, bounded) is requested as an anonymous visitor — after an analyst has
requested the same URLs, so a cache shared between the two would show up here — and no marker,
no unpublished figure, no link to an unpublished incident, and no count including one may appear.
The retracted incident's URL answers 410 Gone. Every public page and API answers 200: a page
renamed or lost cannot pass as "nothing leaked", and a new route must be declared below.
"""

import datetime as dt
import io
import itertools
import json
import re
import zipfile
from collections import deque
from itertools import combinations
from urllib.parse import urlsplit

import pytest
from django.test import Client

from ipwatch.activity.models import Activity, ActivityReport
from ipwatch.core.choices import ChangeOrigin, ClaimStatus, IncidentStatus, IncidentType, SourceKind, TargetType
from ipwatch.core.models import Campaign, Incident, PendingChange, Place, Province, Report, Source
from ipwatch.core.workflow import SYSTEM
from tests import public_urls
from tests.public_urls import LOGOUT, NOT_FOR_ANONYMOUS, PARAMETER

MARK = "zqleak"  # every marker starts with this; nothing else in the app contains it
UNPUBLISHED = (IncidentStatus.DRAFT, IncidentStatus.REVIEW, IncidentStatus.RETRACTED)
# Figures only unpublished incidents carry (killed, wounded, kidnapped per status).
SECRET_FIGURES = {
    IncidentStatus.DRAFT: (90001, 90011, 90021),
    IncidentStatus.REVIEW: (90002, 90012, 90022),
    IncidentStatus.RETRACTED: (90004, 90014, 90024),
}
PUBLISHED_KILLED = (2, 3)
MAX_URLS = 1000  # crawl bound: the test stays fast and finite
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", LOGOUT)
# Filters the public pages and APIs accept (ipwatch/core/filters.py); each is tried on every list-like URL.
FILTER_COMBINATIONS = [
    "",
    "province=leakland",
    "province=leakland&province=quietland",
    "country=TN",
    "q=summary",  # would match the hidden summaries (echoed search text never contains MARK itself)
    "q=place-name",
    "since=2019-01-01",
    "until=2019-12-31",
    "since=2019-06-01&until=2019-06-30",
    "type=raid",
    "type=bombing&type=kidnapping",
    "claimed=yes",
    "claimed=no",
    "bbox=9,32,12,35",
    "province=leakland&claimed=yes&type=bombing&since=2019-01-01",
    "sort=-casualties",
    "sort=date",
    "kind=media_release,arrest,territory",
    "kind=designation&kind=legal_case&kind=pledge&kind=leadership",
    "page=2",
]
# Every route without parameters, and what an anonymous visitor gets: the public pages and APIs a
# 200, the rest (NOT_FOR_ANONYMOUS) a redirect to the login or a refusal. A route missing from both
# fails the test.
EXPECTED_PUBLIC_URLS = [
    "/",
    "/incidents/",
    "/provinces/",
    "/sources/",
    "/about/",
    "/map/",
    "/api/incidents.geojson",
    "/api/incidents.map.json",
    "/api/activity.geojson",
    "/api/activity.csv",
    "/activity/",
    "/timeline/",
    "/api/timeline.json",
    "/claims/",
    "/api/incidents.csv",
    "/api/basemap/labels.json",
    "/accounts/login/",
    "/api/reports.csv",
    "/api/incidents.xlsx",
    "/api/datapackage.json",
    "/about/codebook/",
    "/feeds/incidents.atom",
    "/provinces/leakland/feed.atom",
    "/api/openapi.json",
    "/api/",
]


def marker(status: str, field: str) -> str:
    return f"{MARK}-{status}-{field}"


@pytest.fixture
def leak_world(db, django_user_model):
    """Two provinces, two clean published incidents, and one marked incident per unpublished status
    (plus marked internal notes and a marked editor on a published one)."""
    leakland = Province.objects.create(name="Leakland", slug="leakland", countries=["TN"], name_ar="ليكلاند")
    quietland = Province.objects.create(name="Quietland", slug="quietland", countries=["TN"])
    editor = django_user_model.objects.create_user(
        f"{MARK}-editor-username", first_name=f"{MARK}-editor-first", last_name=f"{MARK}-editor-last"
    )
    wire = Source.objects.create(name="Clean Wire", slug="clean-wire", kind=SourceKind.NEWS_AGENCY)
    town = Place.objects.create(name="Cleantown", country="TN", latitude=33.5, longitude=10.5)
    published = [
        Incident.objects.create(
            acting_user=SYSTEM,
            date=dt.date(2019, 6, 1 + i),
            place=town,
            province=leakland if i == 0 else quietland,
            incident_type=IncidentType.BOMBING,
            claim_status=ClaimStatus.CLAIMED,
            summary="A clean published incident.",
            internal_notes=marker("published", "internal-notes"),
            killed_best=killed,
            status=IncidentStatus.PUBLISHED,
            created_by=editor,
            updated_by=editor,
        )
        for i, killed in enumerate(PUBLISHED_KILLED)
    ]
    Report.objects.create(incident=published[0], source=wire, title="Clean report", is_claim=False)
    Report.objects.create(incident=published[1], source=wire, title="Clean report 2")
    Report.objects.create(incident=published[1], source=wire, title="Clean report 3")

    hidden = {}
    for n, status in enumerate(UNPUBLISHED, start=1):
        killed, wounded, kidnapped = SECRET_FIGURES[status]
        source = Source.objects.create(
            name=marker(status, "source-name"),
            slug=f"hidden-source-{n}",
            kind=SourceKind.GROUP_MEDIA if n == 1 else SourceKind.NEWS_OUTLET,
            url=f"https://{marker(status, 'source-url')}.invalid/",
            description=marker(status, "source-description"),
        )
        place = Place.objects.create(
            name=marker(status, "place-name"),
            name_ar=marker(status, "place-name-ar"),
            aliases=[marker(status, "place-alias")],
            admin1=marker(status, "place-admin1"),
            gazetteer_id=marker(status, "gazetteer-id"),
            country="TN",
            latitude=33.0 + n / 10,
            longitude=10.0 + n / 10,
        )
        campaign = Campaign.objects.create(
            name=marker(status, "campaign-name"),
            slug=f"hidden-campaign-{n}",
            claim_reference=marker(status, "campaign-reference"),
            description=marker(status, "campaign-description"),
        )
        incident = Incident.objects.create(
            acting_user=SYSTEM,
            date=dt.date(2019, 6, 10 + n),
            place=place,
            province=leakland,
            incident_type=IncidentType.BOMBING,
            target_type=TargetType.CIVILIANS,
            claim_status=ClaimStatus.CLAIMED,
            campaign=campaign,
            summary=marker(status, "summary"),
            internal_notes=marker(status, "internal-notes"),
            killed_low=killed,
            killed_best=killed,
            killed_high=killed,
            wounded_best=wounded,
            kidnapped=kidnapped,
            external_source="leaktest",
            external_id=marker(status, "external-id"),
            status=status,
            created_by=editor,
        )
        Report.objects.create(
            incident=incident,
            source=source,
            url=f"https://{marker(status, 'report-url')}.invalid/a",
            title=marker(status, "report-title"),
            quote=marker(status, "report-quote"),
            is_claim=n == 1,
            killed=killed,
            wounded=wounded,
        )
        # The clean source also reports unpublished incidents: its counts must not include them.
        Report.objects.create(incident=incident, source=wire, title=marker(status, "wire-report-title"))
        hidden[status] = incident
    # A re-imported change to a published incident, held for a reviewer: none of it is public.
    PendingChange.objects.create(
        incident=published[0],
        origin=ChangeOrigin.IMPORT,
        changes={
            "summary": {"old": published[0].summary, "new": marker("pending", "summary")},
            "internal_notes": {"old": published[0].internal_notes, "new": marker("pending", "internal-notes")},
        },
        note=marker("pending", "note"),
    )
    activity = leak_activity(hidden, published, place, campaign, source, leakland, editor)
    return {"published": published, "hidden": hidden, "provinces": [leakland, quietland], **activity}


def leak_activity(hidden, published, place, campaign, source, province, editor) -> dict:
    """Activity beyond attacks: for each unpublished status one record of every non-attack kind with a
    marker in every text field and secret figures; one clean published media release that claims a
    published and a draft incident, with marked internal notes."""
    details = {
        "media_release": {"media_type": "video", "outlet": source, "campaign": campaign},
        "designation": {"authority": "eu"},
        "arrest": {},
        "legal_case": {"stage": "trial"},
        "pledge": {"pledge_type": "allegiance"},
        "leadership": {"leadership_event": "killed"},
        "territory": {"end_date": dt.date(2019, 7, 1), "end_date_precision": "month"},
    }
    hidden_activity = []
    for status in UNPUBLISHED:
        killed, wounded, _ = SECRET_FIGURES[status]
        for kind, extra in details.items():
            names = ("title", "summary", "internal_notes", *KIND_TEXT.get(kind, ()))
            texts = {name: marker(status, f"{kind}-{name}") for name in names}
            record = Activity.objects.create(
                acting_user=SYSTEM,
                kind=kind,
                date=dt.date(2019, 6, 20),
                place=place,
                province=province,
                status=status,
                created_by=editor,
                people_held=killed if kind == "arrest" else None,
                issue_number=wounded if kind == "media_release" else None,
                **texts,
                **extra,
            )
            if kind == "media_release":
                record.claimed_incidents.add(hidden[status])
            ActivityReport.objects.create(
                activity=record, source=source, title=marker(status, f"{kind}-report"), quote=marker(status, "aq")
            )
            hidden_activity.append(record)
    clean = Activity.objects.create(
        acting_user=SYSTEM,
        kind="media_release",
        media_type="statement",
        title="A clean published statement",
        date=dt.date(2019, 6, 2),
        place=published[0].place,
        province=province,
        internal_notes=marker("published", "activity-internal-notes"),
        status=IncidentStatus.PUBLISHED,
        created_by=editor,
    )
    clean.claimed_incidents.add(published[0], hidden[IncidentStatus.DRAFT])
    return {"hidden_activity": hidden_activity, "published_activity": [clean]}


KIND_TEXT = {
    "media_release": ("language", "media_office"),
    "designation": ("designated_name", "reference"),
    "arrest": ("alleged_link", "intended_target"),
    "legal_case": ("court", "jurisdiction", "outcome"),
    "pledge": ("pledged_by",),
    "leadership": ("person", "role"),
}


def secret_numbers() -> set[str]:
    """Every unpublished figure, and every sum a total could reach by including one, as pages would print it."""
    figures = [value for triple in SECRET_FIGURES.values() for value in triple]
    numbers = set()
    pool = figures + list(PUBLISHED_KILLED)
    for size in (1, 2, 3):
        for combo in combinations(pool, size):
            if any(value in figures for value in combo):
                total = sum(combo)
                numbers.update({str(total), f"{total:,}"})
    return numbers


def public_routes() -> list[str]:
    """Every route of the URLconf outside the admin, static files and logout, as a path."""
    return [str(route) for route in public_urls.public_routes() if not str(route).startswith(SKIP_PREFIXES)]


def concrete_urls(world) -> list[str]:
    """Every route with its parameters filled with the ids/slugs of the test data (hidden ones too)."""
    ids = [str(i.pk) for i in world["published"]] + [str(i.pk) for i in world["hidden"].values()]
    ids += [str(a.pk) for a in world["published_activity"] + world["hidden_activity"] if str(a.pk) not in ids]
    slugs = [p.slug for p in world["provinces"]] + list(
        Source.objects.values_list("slug", flat=True)
    ) + list(Campaign.objects.values_list("slug", flat=True))  # fmt: skip
    urls = []
    for path in public_routes():
        names = PARAMETER.findall(path)
        if not names:
            urls.append(path)
            continue
        choices = [ids if converter == "int" else slugs for converter, _ in names]
        for values in itertools.islice(itertools.product(*choices), 60):
            filled = path
            for value in values:
                filled = PARAMETER.sub(value, filled, count=1)
            urls.append(filled)
    return urls


HREF = re.compile(r"""(?:href|src|data-geojson-url|data-url|action)=["']([^"']+)["']""")


def links(html: str) -> list[str]:
    found = []
    for raw in HREF.findall(html):
        url = raw.replace("&amp;", "&")
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            continue  # other sites: nothing of ours is leaked by following them
        if url.startswith("?"):
            continue  # resolved by the caller against the page's path
        if url.startswith("/") and not url.startswith(SKIP_PREFIXES):
            found.append(url.split("#")[0])
    return found


def body_of(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        # A workbook is a zip of XML parts: read what it says, not its compressed bytes.
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def check(url: str, response, world, numbers: set[str], problems: list[str]) -> str:
    body = body_of(response)
    if response.status_code >= 500:
        problems.append(f"{url}: HTTP {response.status_code}")
    lowered = body.lower()
    if MARK in lowered:
        start = lowered.index(MARK)
        problems.append(f"{url}: marker leaked: …{body[max(0, start - 60) : start + 60]}…")
    for number in numbers:
        if re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d])", body):
            problems.append(f"{url}: unpublished figure or a total including one: {number}")
    hidden_ids = {i.pk for i in world["hidden"].values()}
    for linked in re.findall(r"/incidents/(\d+)/", body):
        if int(linked) in hidden_ids:
            problems.append(f"{url}: links to unpublished incident {linked}")
    hidden_activity = {a.pk for a in world["hidden_activity"]}
    for linked in re.findall(r"/activity/(\d+)/", body):
        if int(linked) in hidden_activity:
            problems.append(f"{url}: links to unpublished activity record {linked}")
    published_count = len(world["published"])
    for name, value in re.findall(r'data-count="([\w-]+)">([\d,]+)<', body):
        counted = name in {"incidents", "attack", "last-30", "last-90", "last-365", "active-provinces"}
        if counted and int(value.replace(",", "")) > published_count:
            problems.append(f"{url}: count {name}={value} includes unpublished incidents")
        if name in ACTIVITY_KINDS and int(value.replace(",", "")) > len(world["published_activity"]):
            problems.append(f"{url}: count {name}={value} includes unpublished activity")
    if "json" in response.get("Content-Type", "") and response.status_code == 200:
        data = json.loads(body)
        if url.startswith("/api/activity"):
            check_activity_features(url, data, world, problems)
            published_count += len(world["published_activity"])
        check_json(url, data, hidden_ids, published_count, problems)
    return body


ACTIVITY_KINDS = {"media_release", "designation", "arrest", "legal_case", "pledge", "leadership", "territory"}


def check_activity_features(url, data, world, problems) -> None:
    hidden = {("attack", i.pk) for i in world["hidden"].values()}
    hidden |= {(a.kind, a.pk) for a in world["hidden_activity"]}
    for feature in data.get("features") or []:
        properties = feature.get("properties") or {}
        if (properties.get("kind"), properties.get("id")) in hidden:
            problems.append(f"{url}: feature for unpublished {properties.get('kind')} {properties.get('id')}")


def check_json(url, data, hidden_ids, published_count, problems) -> None:
    if isinstance(data, dict):
        features = data.get("features")
        if isinstance(features, list):
            if len(features) > published_count:
                problems.append(f"{url}: {len(features)} features for {published_count} published incidents")
            for feature in features:
                ident = feature.get("id", (feature.get("properties") or {}).get("id"))
                if ident in hidden_ids or str(ident) in {str(i) for i in hidden_ids}:
                    problems.append(f"{url}: feature for unpublished incident {ident}")
        for key, value in data.items():
            if key in {"count", "total", "incident_count"} and isinstance(value, int) and value > published_count:
                problems.append(f"{url}: {key}={value} exceeds the published incidents")
            check_json(url, value, hidden_ids, published_count, problems)
    elif isinstance(data, list):
        for item in data:
            check_json(url, item, hidden_ids, published_count, problems)


def seed_urls(world) -> list[str]:
    return list(dict.fromkeys(concrete_urls(world) + EXPECTED_PUBLIC_URLS + list(NOT_FOR_ANONYMOUS)))


def filter_variants(url: str) -> list[str]:
    """The shared filter combinations on a list-like URL (not on one object's page)."""
    if "?" in url or re.search(r"/\d+/$", url):
        return []
    return [f"{url}?{combination}" for combination in FILTER_COMBINATIONS[1:]]


def crawl(client: Client, world, numbers, problems, visit_limit: int = MAX_URLS) -> dict[str, int]:
    """Fetch the seed URLs, the filter combinations on each that exists, and every same-site link
    found in the pages (bounded); return url → status. With problems=None nothing is checked."""
    queue = deque(seed_urls(world))
    seen: dict[str, int] = {}
    while queue and len(seen) < visit_limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 404:
            queue.extend(filter_variants(url))
        if problems is None:
            continue
        body = check(url, response, world, numbers, problems)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            path = urlsplit(url).path
            for raw in HREF.findall(body):
                link = raw.replace("&amp;", "&")
                if link.startswith("?"):
                    queue.append(path + link)
            queue.extend(link for link in links(body) if link not in seen)
    return seen


def test_nothing_unpublished_reaches_anonymous_visitors(leak_world, analyst):
    # An analyst goes first: any response of theirs stored in a shared cache would surface below.
    analyst_client = Client()
    analyst_client.force_login(analyst)
    analyst_view = analyst_client.get(f"/incidents/{leak_world['hidden'][IncidentStatus.REVIEW].pk}/")
    assert marker(IncidentStatus.REVIEW, "summary") in analyst_view.content.decode()  # the markers are real
    crawl(analyst_client, leak_world, set(), None, visit_limit=250)

    problems: list[str] = []
    visited = crawl(Client(), leak_world, secret_numbers(), problems)
    assert not problems, "\n".join(problems[:40])

    # The crawl really covered the site (and the shared filters on it): every page that exists.
    pages_with_filters = (
        "/provinces/leakland/",
        "/incidents/?province=leakland",
        "/api/reports.csv?province=leakland",
        "/feeds/incidents.atom?q=summary",
    )
    for url in pages_with_filters:
        assert visited.get(url) == 200, (url, visited.get(url))
    answers = {url: visited.get(url) for url in EXPECTED_PUBLIC_URLS}
    assert answers == dict.fromkeys(EXPECTED_PUBLIC_URLS, 200)
    assert {url: visited.get(url) for url in NOT_FOR_ANONYMOUS} == NOT_FOR_ANONYMOUS
    routes = {path for path in public_routes() if not PARAMETER.search(path)}
    undeclared = routes - {*EXPECTED_PUBLIC_URLS, *NOT_FOR_ANONYMOUS}
    assert not undeclared, f"declare each new route in EXPECTED_PUBLIC_URLS or NOT_FOR_ANONYMOUS: {sorted(undeclared)}"
    assert len(visited) > 100  # pages × filter combinations × links found
    published_id = leak_world["published"][0].pk
    assert visited.get(f"/incidents/{published_id}/") == 200
    assert visited.get(f"/activity/{leak_world['published_activity'][0].pk}/") == 200
    assert visited.get("/api/activity.geojson?kind=media_release,arrest,territory") == 200


def test_unpublished_incident_urls_answer_404_and_retracted_410(client, leak_world):
    hidden = leak_world["hidden"]
    assert client.get(f"/incidents/{hidden[IncidentStatus.DRAFT].pk}/").status_code == 404
    assert client.get(f"/incidents/{hidden[IncidentStatus.REVIEW].pk}/").status_code == 404
    gone = client.get(f"/incidents/{hidden[IncidentStatus.RETRACTED].pk}/")
    assert gone.status_code == 410
    assert "retracted" in gone.content.decode()
    assert MARK not in gone.content.decode()


def test_public_counts_include_published_incidents_only(client, leak_world):
    overview = client.get("/").context
    assert overview["totals"]["total"] == 2
    assert overview["totals"]["killed_total"].value == sum(PUBLISHED_KILLED)
    assert client.get("/incidents/?province=leakland").context["paginator"].count == 1
    provinces = {p.slug: p for p in client.get("/provinces/").context["provinces"]}
    assert provinces["leakland"].incident_total == 1
    sources = {s.name: s for group in client.get("/sources/").context["grouped"].values() for s in group}
    assert set(sources) == {"Clean Wire"}
    assert sources["Clean Wire"].published_reports == 3
