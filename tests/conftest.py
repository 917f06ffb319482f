"""Shared fixtures: an editor, a reviewer, an analyst (and anonymous `client`), real sample data,
and a factory for incidents."""

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Group, User

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.models import Activity
from ipwatch.core.choices import ClaimStatus, IncidentStatus, IncidentType, LocationPrecision, SourceKind
from ipwatch.core.models import Incident, Place, Province, Report, Source
from ipwatch.core.sample_data import load_sample_data
from ipwatch.core.workflow import SYSTEM

# Real-browser fixtures (browser, page, page_watch) and helpers: see tests/browser.py.
pytest_plugins = ["tests.browser"]


@pytest.fixture(scope="session")
def process_db(tmp_path_factory):
    """A migrated database with the sample data for tests that run real processes (tests/processes.py)."""
    from tests.processes import process_database

    with process_database(tmp_path_factory.mktemp("processes")) as database:
        yield database


_counter = itertools.count(1)


def _user_in(group_name: str, username: str, is_staff: bool) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only", is_staff=is_staff)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return _user_in("Editors", "editor", is_staff=True)


@pytest.fixture
def reviewer(db):
    return _user_in("Reviewers", "reviewer", is_staff=True)


@pytest.fixture
def analyst(db):
    return _user_in("Analysts", "analyst", is_staff=False)


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(client, editor):
    return _client_for(client, editor)


@pytest.fixture
def reviewer_client(client, reviewer):
    return _client_for(client, reviewer)


@pytest.fixture
def analyst_client(client, analyst):
    return _client_for(client, analyst)


@pytest.fixture
def sample_data(db):
    """The real, sourced sample data from fixtures/ (Sebha 2019, Al-Fuqaha 2018 and 2019…)."""
    return load_sample_data()


def _factory(model, defaults):
    """What a make_<model> fixture returns: a function creating a row from ``defaults(n)`` (n unique
    in the run, so names and slugs never collide) updated with the fields it is given."""

    def make(**fields):
        return model.objects.create(**{**defaults(next(_counter)), **fields})

    return make


@pytest.fixture
def make_place(db):
    return _factory(
        Place,
        lambda n: {
            "name": f"Test place {n}",
            "country": "LY",
            "latitude": 27.0 + n / 1000,
            "longitude": 14.0 + n / 1000,
            "location_precision": LocationPrecision.NEAR,
        },
    )


@pytest.fixture
def make_province(db):
    return _factory(
        Province, lambda n: {"name": f"Test province {n}", "slug": f"test-province-{n}", "countries": ["LY"]}
    )


@pytest.fixture
def make_source(db):
    return _factory(
        Source, lambda n: {"name": f"Test source {n}", "slug": f"test-source-{n}", "kind": SourceKind.NEWS_AGENCY}
    )


@pytest.fixture
def make_incident(db, make_place, make_province):
    """A published incident with its own place and province unless told otherwise."""

    def make(reports=(), **fields):
        defaults = {
            "date": dt.date(2019, 5, 4),
            "incident_type": IncidentType.RAID,
            "summary": "Test incident (synthetic, for tests).",
            "claim_status": ClaimStatus.UNCLAIMED,
            "status": IncidentStatus.PUBLISHED,
        }
        fields = {**defaults, **fields}
        if "place" not in fields:
            fields["place"] = make_place()
        if "province" not in fields:
            fields["province"] = make_province()
        incident = Incident.objects.create(acting_user=SYSTEM, **fields)  # fixtures may start published
        for report in reports:
            Report.objects.create(incident=incident, **report)
        return incident

    return make


@pytest.fixture
def make_activity(db):
    """A published activity record (an arrest on 1 Jan 2020, synthetic, for tests) unless told otherwise."""

    def make(**fields):
        defaults = {
            "kind": ActivityKind.ARREST,
            "title": f"Test record {next(_counter)} (synthetic, for tests)",
            "date": dt.date(2020, 1, 1),
            "status": IncidentStatus.PUBLISHED,
            "is_synthetic": True,
        }
        return Activity.objects.create(acting_user=SYSTEM, **{**defaults, **fields})  # fixtures may start published

    return make


@pytest.fixture(autouse=True)
def _fresh_cache(settings, tmp_path):
    """Each test starts with an empty cache and its own public-cache version stamp: cached public
    pages must not outlive the test's data (and tests never write into the project's var/)."""
    from django.core.cache import caches

    settings.PUBLIC_CACHE_STAMP_FILE = tmp_path / "public-cache-version"
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
