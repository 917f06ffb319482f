"""Every public URL pattern, with real and hostile path values and random and hostile query
strings: never a 500, never a traceback in the body. Deterministic (seeded).

The URL patterns come from the URLconf (tests/public_urls.py), so pages added later are fuzzed too.
"""

import random
import string
from urllib.parse import urlencode

import pytest

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.filters import IncidentFilterSet

from .public_urls import hostile_values, public_routes, working_values

# The shared filter parameters, plus the names lists and APIs commonly read.
PARAMETERS = sorted(
    {
        *IncidentFilterSet.base_filters,
        *("page", "page_size", "per_page", "limit", "offset", "sort", "order", "format", "status"),
        *("zoom", "cluster", "group", "interval", "precision", "next", "id", "date", "year", "lang"),
    }
)

HOSTILE_VALUES = [
    "../../etc/passwd",
    "' OR 1=1 --",
    '"; DROP TABLE core_incident; --',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\x00",
    "%00",
    "99999999999999999999",
    "-99999999999999999999",
    "1e309",
    "-1",
    "0",
    "nan",
    "inf",
    "-inf",
    "nan,nan,nan,nan",
    "inf,-inf,inf,-inf",
    "-180,-90,180,90",
    "180,90,-180,-90",
    "1,2,3,4,5",
    "9999-99-99",
    "0000-00-00",
    "2019-02-30",
    "-2019-01-01",
    "ünïcødé اختبار 🚩",
    "\ud800",  # a lone surrogate: not encodable as UTF-8 by itself
    "x" * 10_000,
    "",
    " ",
    "[]",
    "{}",
    "null",
    "true",
    "%",
    "\\",
    "*",
    "__proto__",
]
# Values that break naive parsing (NaN boxes, impossible dates, huge or negative pages, an overlong
# search…): always sent, whatever the seed picks.
PINNED = [
    ("bbox", "nan,inf,nan,inf"),
    ("bbox", "nan,nan,nan,nan"),
    ("since", "9999-99-99"),
    ("until", "9999-99-99"),
    ("page", "99999999999999999999"),
    ("page", "-1"),
    ("page", "0"),
    ("q", "x" * 10_000),
    ("province", "../../etc/passwd"),
]
SEED = 20190504
ROUTES = public_routes()


def encode(pairs) -> str:
    # errors="surrogatepass" lets a lone surrogate through as the bytes a hostile client could send.
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def hostile_query_strings(rng: random.Random) -> list[str]:
    queries = []
    # Each hostile value in every parameter at once.
    queries += [encode([(param, value) for param in PARAMETERS]) for value in HOSTILE_VALUES]
    # Each parameter alone with a seeded sample of hostile values, so no earlier 400 masks a 500.
    for param in PARAMETERS:
        queries += [encode([(param, value)]) for value in rng.sample(HOSTILE_VALUES, 3)]
    queries += [encode([pair]) for pair in PINNED]
    # Repeated parameters: a few, and very many.
    queries += [
        encode([("province", "fezzan")] * 51),
        encode([("type", "raid")] * 200),
        encode([("page", "1"), ("page", "2"), ("since", "2019-01-01"), ("since", "bad")]),
        encode([("province", f"p{n}") for n in range(999)]),
        encode([(f"k{n}", "v") for n in range(1500)]),  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    ]
    # Random junk: random parameters and random printable/unicode values.
    alphabet = string.printable + "éüß漢字اختبار🚩\u202e"
    for _ in range(10):
        pairs = [
            (rng.choice(PARAMETERS), "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))))
            for _ in range(rng.randint(1, 6))
        ]
        queries.append(encode(pairs))
    queries += ["&&&==&", "=", "%", "%zz", "page", "province=%ff%fe", "q=%C0%AF"]
    return queries


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def assert_no_server_error(response, url):
    assert response.status_code < 500, f"{response.status_code} for {url[:300]}"
    body = body_of(response)
    for marker in (b"Traceback (most recent call last)", b"Internal Server Error", b'File "/'):
        assert marker not in body, f"{marker!r} in the body of {url[:300]}"


@pytest.fixture
def fuzz_data(sample_data, make_incident):
    """The real sample data plus a draft (must stay hidden) and an incident without a place or province."""
    make_incident(status=IncidentStatus.DRAFT, summary="Draft, never public")
    make_incident(place=None, province=None, summary="No place, no province")
    return sample_data


def test_the_urlconf_has_public_routes():
    assert any(route.parameters for route in ROUTES)
    assert not any(str(route).startswith("/admin/") for route in ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_hostile_query_strings_never_cause_a_server_error(client, fuzz_data, route):
    path = route.fill(working_values(client, route))
    rng = random.Random(f"{SEED}:{route}")
    for query in ["", *hostile_query_strings(rng)]:
        url = f"{path}?{query}" if query else path
        assert_no_server_error(client.get(url), url)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [route for route in ROUTES if route.parameters], ids=str)
def test_hostile_path_values_never_cause_a_server_error(client, fuzz_data, route):
    good = working_values(client, route)
    for converter, name in route.parameters:
        for value in hostile_values(converter):
            url = route.fill({**good, name: value})
            assert_no_server_error(client.get(url), url)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_logged_in_analyst_gets_no_server_error_either(analyst_client, fuzz_data, route):
    """Analyst-only pages (exports) redirect anonymous users; fuzz them as an analyst too."""
    path = route.fill(working_values(analyst_client, route))
    for value in HOSTILE_VALUES:
        url = f"{path}?{encode([(param, value) for param in PARAMETERS])}"
        assert_no_server_error(analyst_client.get(url), url)
