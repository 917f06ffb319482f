"""The public URL patterns of the URLconf, and real or hostile values for their path parameters.

Shared by the fuzz test and the CSP tests: walking the URLconf (instead of listing pages by hand)
means a page another app adds later is covered the day it is merged.
"""

import re
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver

from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Campaign, Incident, Place, Province, Source

# Not public: the admin has its own login and is exercised by tests/test_admin.py and the browser tests.
PRIVATE_PREFIXES = ("admin/",)
# Routes outside the admin that are not for the public, and what an anonymous visitor's GET gets:
# a redirect to the login (302) or a refusal (403).
NOT_FOR_ANONYMOUS = {"/incidents/export.csv": 302, "/geocoding/suggest/": 403}
LOGOUT = "/accounts/logout/"  # a POST; a GET is 405

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class PublicRoute:
    route: str  # "incidents/<int:pk>/", parameters in path() syntax
    name: str  # the URL name, or "" when unnamed

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """[(converter, name)], converter "str" when not given (as path() does)."""
        return [(m["converter"] or "str", m["name"]) for m in PARAMETER.finditer(self.route)]

    def fill(self, values: dict[str, str]) -> str:
        """The URL path with each parameter replaced by its (already URL-quoted) value."""
        return "/" + PARAMETER.sub(lambda m: values[m["name"]], self.route)

    def __str__(self):
        return "/" + self.route


def _regex_to_route(regex: str) -> str:
    """re_path() patterns as path() syntax: named groups become <str:name>, anchors and escapes go."""
    route = REGEX_GROUP.sub(lambda m: f"<str:{m['name']}>", regex)
    route = route.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    route = re.sub(r"\\(.)", r"\1", route)
    if re.search(r"[()\[\]*+?|{}]", route):
        raise ValueError(f"cannot turn the URL regex {regex!r} into a path to test; add it to tests/public_urls.py")
    return route


def _walk(patterns, prefix=""):
    for pattern in patterns:
        part = pattern.pattern
        if str(part).startswith(PRIVATE_PREFIXES) and not prefix:
            continue
        text = str(part) if hasattr(part, "_route") else _regex_to_route(part.regex.pattern)
        if (prefix + text).startswith(PRIVATE_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + text)
        elif isinstance(pattern, URLPattern):
            yield PublicRoute(prefix + text, pattern.name or "")


def public_routes() -> list[PublicRoute]:
    """Every URL pattern outside the admin, in URLconf order, without duplicates."""
    seen, routes = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.route in seen:
            continue
        seen.add(route.route)
        routes.append(route)
    return routes


def real_values(converter: str) -> list[str]:
    """Values that exist in the database (after the sample data is loaded), most useful first."""
    if converter == "int":
        ids = [*Incident.objects.published().order_by("pk").values_list("pk", flat=True)]
        ids += Incident.objects.exclude(status=IncidentStatus.PUBLISHED).values_list("pk", flat=True)[:1]
        ids += Activity.objects.published().order_by("pk").values_list("pk", flat=True)[:2]  # their own sequence
        for model in (Province, Source, Campaign, Place):
            ids += model.objects.order_by("pk").values_list("pk", flat=True)[:2]
        return [str(pk) for pk in dict.fromkeys(ids)]
    if converter == "uuid":
        return [str(uuid.UUID(int=1))]
    slugs = []
    for model in (Province, Source, Campaign):
        slugs += model.objects.order_by("pk").values_list("slug", flat=True)
    if converter in {"str", "path"}:
        slugs += ["LY", "ly"]
    return [quote(slug, safe="") for slug in dict.fromkeys(slugs)]


def working_values(client, route: PublicRoute) -> dict[str, str]:
    """For each path parameter, a real value: the first candidate that gives a 200, else the first
    (ids are sequences a database does not reset between tests: the first id need not be the route's)."""
    values = {}
    for converter, name in route.parameters:
        candidates = real_values(converter) or hostile_values(converter)
        values[name] = candidates[0]
        for candidate in candidates:
            if client.get(route.fill({**values, name: candidate})).status_code == 200:
                values[name] = candidate
                break
    return values


HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00",
    "%00",
    "..",
    "ünïcødé-اختبار-🚩",
    "x" * 2000,
]


def hostile_values(converter: str) -> list[str]:
    """URL-quoted values the converter accepts but no object has (or that try to break out)."""
    if converter == "int":
        return ["0", "2147483648", "9223372036854775808", "99999999999999999999", "0" * 500 + "1"]
    if converter == "slug":
        return ["-", "_", "a" * 300, "x-" * 1000]
    if converter == "uuid":
        return ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
    if converter == "path":
        return [quote(value, safe="/") for value in [*HOSTILE_TEXT, "../../etc/passwd", "a/" * 200]]
    return [quote(value, safe="") for value in HOSTILE_TEXT]
