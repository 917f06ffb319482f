"""Caching of public (anonymous) pages and APIs; a data change invalidates the answers it can affect.

``@public_cache`` on a read-only view stores its anonymous responses:

    from ipwatch.core.cache import public_cache

    @public_cache
    def province_list(request): ...

    # class-based views:
    incident_list = public_cache(IncidentListView.as_view())

What is cached (anonymous responses only):

* ``@public_cache``: the pages of ``ipwatch.public`` — overview, incident list and detail, province
  list and detail, sources, about, the codebook, the API reference (/api/) and /api/openapi.json;
  the Atom feeds (decorated in ``ipwatch/public/urls.py``); /activity/ and /activity/<id>/; and the
  open-data files that are costly to build, /api/incidents.xlsx and /api/datapackage.json.
* ``public_cache_for_gzip_clients``: /api/incidents.geojson, /api/incidents.map.json and
  /api/activity.geojson, for clients that take gzip (only the compressed bodies are worth the
  memory; ``gzip_if_accepted`` compresses).

Not cached here (the view runs every time): the map, timeline and claims pages, /api/timeline.json,
the streamed CSVs (/api/incidents.csv, /api/reports.csv, /api/activity.csv), the analysts' export,
/api/basemap/labels.json (the same bytes for everyone: a day in the browser, revalidated by ETag) and
every response to a logged-in user.

How it works, and why it cannot leak:

* Only anonymous GET/HEAD requests are answered from or stored in the cache: a request carrying
  a session cookie (a logged-in analyst, or anyone who logged in recently) or a messages cookie
  always runs the view, so an analyst never receives a page rendered for the public and the public
  never receives a page rendered for an analyst. Every response gets ``Vary: Cookie`` so browsers
  and proxies keep the two apart too; responses for logged-in users are ``Cache-Control: private``.
* Only plain 200 responses that set no cookie, used no CSRF token and changed no session are stored
  (a cached CSRF token or session would be shared between visitors); nor streamed, ``private`` or
  ``no-store`` responses, or ones that vary on anything but the cookie and gzip (the key covers those:
  host, path, sorted query, gzip or not, and the scope tokens below).
* The key contains the current *token* of each *scope* the answer depends on; a change replaces
  the tokens of the scopes it can affect, so those cached answers become unreachable at once — no
  key bookkeeping — and the rest stay:

  - ``global``: every answer. Replaced when a place, source, province, campaign, milestone … is
    saved or deleted (shown across provinces) and by ``invalidate_public_cache()`` (bulk writes).
  - ``data-as-of``: every answer; its token is the data-as-of date itself (printed on every page
    and in every JSON answer), recomputed when an incident changes.
  - ``all``: answers about every province and every period (the default for a view). Replaced by
    every incident, report or activity change.
  - ``province:<slug>`` (``province:`` = no province): answers about that province only — views
    say so with ``public_cache(provinces=…)``: ``province_in_path`` (/provinces/<slug>/…),
    ``provinces_in_query`` (APIs whose answer holds only the records ``province=`` selects), or
    their own function (the incident page: its incident's province).
  - ``year:<YYYY>``, ``year:<YYY0>s`` (a decade) and ``year:open``: answers about a date window
    only — views say so with ``public_cache(periods=periods_in_query)`` (pages and APIs whose
    every figure and record is restricted by ``since``/``until``: the incident and activity lists,
    the two GeoJSON APIs, the map's data and the XLSX). Years: a window is any pair of days (the
    map's time control drags it day by day), so it names a handful of year tokens, and a record
    known to a day, week, month or year touches one year (a week across New Year two), while an
    edit to history leaves the windows of other years cached. A window covering a whole decade
    names that decade instead of its ten years, so a window open on one side (``since=2019-01-01``
    reaches 2100, the last year a record may have) names a few dozen at most. ``year:open`` stands
    for the records whose dates cannot be bounded (a territory held "until 2016" with no known
    start, a record with no date or a date outside the years records may have); every
    period-restricted answer depends on it.
  - ``province:<slug>@<YYYY>`` (and ``@<YYY0>s``, ``@open``): answers restricted both ways
    (``province=`` and a window), e.g. the map's data for Fezzan in 2019.

  Which scopes an answer depends on. A record is in an answer restricted to a window only if its
  date (incidents: the first day of its period, as ``between`` compares) or its span (activity:
  ``between`` compares by overlap, a territory from its start to the end of its "held until"
  period) meets the window, so only on a day of the window's years. Hence:

  - neither restricted: ``all``;
  - provinces only: those ``province:`` scopes; a window only: the ``year:`` scope of every decade
    it wholly covers and of every other year it overlaps, plus ``year:open``;
  - both: the ``province:<slug>@<period>`` scopes of every such pair (plus ``@open``): a change
    elsewhere in time *or* in another province leaves it cached. (Either family alone would also
    be correct; the pairs are the finest.) When the pairs would be many (more than
    ``MAX_KEY_SCOPES``), the smaller of the two families is used instead;
  - a window open on one side reaches the first (1900) or last (2100) year a record may have.

  What a change replaces. A save or delete of an incident or activity record replaces ``all``
  and, for its state before *and* after the change (so a record moved in time or place
  invalidates where it was and where it is), ``province:<slug>``, and ``year:<period>`` and
  ``province:<slug>@<period>`` for every year of its span and for that year's decade (a window
  names one or the other). The span runs from its date to the end of its date's period (a record
  known only to "2019" spans 2019; a week starting 30 Dec 2019 spans 2019 and 2020) or of its end
  date's, whichever is later (``year:open`` when the span is unbounded or longer than
  ``MAX_SPAN_YEARS``). For incidents also ``data-as-of`` (recomputed, so it only
  changes when the latest date moves). A report (added, edited, moved or deleted) counts as a
  change of its incident — the old and the new one when it moves. Publishing, retracting,
  unpublishing and merging are saves (a merge saves the survivor, each moved report and the
  merged-away record, whose own province and periods are replaced too); deletes send
  ``post_delete`` per row. The state before a change is what the record was loaded with
  (remembered at ``post_init``); a field loaded deferred, or a record saved over an existing row
  without being loaded, is read from the database before the save (one query, only then); a state
  still not known (no such row) replaces ``global``, everything.
  A bad ``since``/``until`` makes the view answer 400, never stored; for the key it counts as no
  window.

  Tokens are replaced immediately and again when the transaction commits, so a request that
  rendered from pre-commit data cannot store it under the new tokens.
* Bulk writes (``bulk_create``/``update``) send no signals: call ``invalidate_public_cache()`` after them.

With the default local-memory cache every gunicorn worker has its own cache, so the tokens are kept
in a small JSON stamp file (``var/public-cache-version``, setting ``PUBLIC_CACHE_STAMP_FILE``),
written under a file lock so that two workers' bumps never overwrite each other, that all workers on
the host read — one tiny file read per anonymous request — and a change saved through any worker
invalidates every worker at once. With a shared cache (``CACHE_URL=redis://…`` or ``file://…``) each
token is a key in that cache (one ``get_many`` per request), shared by every host.
"""

import contextlib
import datetime as dt
import fcntl
import functools
import gzip
import hashlib
import json
import logging
import operator
import os
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control, patch_vary_headers

from ipwatch.core.csp import remember_csp_nonce, reuse_csp_nonce

VERSION_KEY = "ipwatch:public-cache-version"
KEY_PREFIX = "ipwatch:public"
DEFAULT_TIMEOUT = 600  # seconds; the version bump is what keeps pages fresh, this bounds staleness across processes
BROWSER_MAX_AGE = 60  # seconds browsers/proxies may reuse an anonymous response
CACHE_STATUS_HEADER = "X-Public-Cache"
KEYED_VARY_HEADERS = {"", "cookie", "accept-encoding"}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Level 5 compresses 100k GeoJSON features ~1.7x faster than Django's level 6, for ~5 % more bytes.
GZIP_LEVEL = 5

logger = logging.getLogger(__name__)


def _cache():
    return caches[getattr(settings, "PUBLIC_CACHE_ALIAS", "default")]


def public_cache_timeout() -> int:
    return int(getattr(settings, "PUBLIC_CACHE_TIMEOUT", DEFAULT_TIMEOUT))


def public_cache_enabled() -> bool:
    return public_cache_timeout() > 0


def _per_process(cache) -> bool:
    """Local memory is private to each worker process: its version must live somewhere they share."""
    from django.core.cache.backends.locmem import LocMemCache

    return isinstance(cache, LocMemCache)


# Scopes: each has a token; a cached answer's key holds the tokens of the scopes it depends on.
GLOBAL = "global"  # everything: places, sources, provinces, bulk writes (every answer depends on it)
ALL = "all"  # answers about every province (overview, lists, all-province APIs, feeds, exports)
DATA_AS_OF = "data-as-of"  # its token is the date itself, printed on every page and in every JSON answer


OPEN = "open"  # the pseudo-period of records whose dates cannot be bounded; in every window
# A record's span over more years than this is treated as unbounded: a change then names a few
# scopes instead of dozens.
MAX_SPAN_YEARS = 25
MAX_KEY_SCOPES = 64  # province × period pairs in one key; beyond, the smaller family of the two


def province_scope(slug: str | None) -> str:
    """Answers about one province only; "province:" is the incidents that have none."""
    return f"province:{slug or ''}"


def year_scope(period: int | str | None) -> str:
    """Answers about a date window only, for each period it overlaps: a year (2019), a decade
    ("2010s") or None (``year:open``)."""
    return f"year:{OPEN if period is None else period}"


def province_year_scope(slug: str | None, period: int | str | None) -> str:
    """Answers restricted to provinces and to a date window."""
    return f"{province_scope(slug)}@{OPEN if period is None else period}"


def decade(year: int) -> str:
    return f"{year - year % 10}s"


def stamp_file() -> Path:
    return Path(getattr(settings, "PUBLIC_CACHE_STAMP_FILE", Path(settings.BASE_DIR) / "var" / "public-cache-version"))


def _new_token() -> str:
    return uuid.uuid4().hex[:12]


def _parse_stamps(text: str) -> dict:
    try:
        stamps = json.loads(text)
    except ValueError:
        stamps = None
    if not isinstance(stamps, dict):
        # Any other content (an older single-version stamp, a hand-edited file) is the global token.
        return {GLOBAL: text.strip()}
    return {str(scope): str(token) for scope, token in stamps.items()}


def _read_stamps() -> dict | None:
    try:
        return _parse_stamps(stamp_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {} if _write_stamps({}) else None
    except (OSError, UnicodeDecodeError):
        return None


def _write_stamps(stamps: dict, *, merge: bool = False) -> bool:
    """Write the scope tokens (``merge``: into the current file, under an exclusive lock, so that two
    workers bumping different scopes at once both keep their bump)."""
    path = stamp_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(f"{path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if merge:
                with contextlib.suppress(FileNotFoundError):
                    stamps = {**_parse_stamps(path.read_text(encoding="utf-8")), **stamps}
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(stamps, sort_keys=True), encoding="utf-8")
            os.replace(temporary, path)  # atomic: readers see the old or the new tokens, never half
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("public cache: cannot write %s (%s); other workers keep serving until the timeout", path, exc)
        return False
    return True


def _scope_key(scope: str) -> str:
    return f"{VERSION_KEY}:{scope}"


def scope_tokens(scopes) -> dict:
    """The current token of each scope: one small file read (local memory) or one get_many."""
    cache = _cache()
    scopes = list(scopes)
    if _per_process(cache):
        # With locmem every gunicorn worker has its own cache; a small stamp file on disk is what
        # they share, so a change saved through one worker invalidates all of them at once.
        stamps = _read_stamps()
        if stamps is not None:
            return {scope: stamps.get(scope, "") for scope in scopes}
        # Unwritable disk: fall back to per-process tokens in the cache below.
    found = cache.get_many([_scope_key(scope) for scope in scopes])
    tokens = {}
    for scope in scopes:
        token = found.get(_scope_key(scope))
        if token is None:
            # First use, or the key was evicted: start a fresh token (safe: it only invalidates).
            cache.add(_scope_key(scope), _new_token(), None)
            token = cache.get(_scope_key(scope)) or "0"
        tokens[scope] = token
    return tokens


def set_scope_tokens(tokens: dict) -> None:
    cache = _cache()
    if not (_per_process(cache) and _write_stamps(tokens, merge=True)):
        cache.set_many({_scope_key(scope): token for scope, token in tokens.items()}, None)


def bump_scopes(scopes) -> None:
    """Make the cached answers that depend on any of ``scopes`` stale, now and when the transaction
    commits (so an answer rendered from pre-commit data cannot be stored under the new tokens)."""
    scopes = set(scopes)

    def bump():
        tokens = {scope: _new_token() for scope in scopes}
        if DATA_AS_OF in scopes:
            tokens[DATA_AS_OF] = _data_as_of_token()
        set_scope_tokens(tokens)

    bump()
    transaction.on_commit(bump)


def _data_as_of_token() -> str:
    from ipwatch.core import asof

    return asof.iso(asof.data_as_of()) or "none"


def current_version() -> str:
    """The tokens every answer depends on, as one string (changes on every invalidation)."""
    return ":".join(scope_tokens([GLOBAL, ALL]).values())


def invalidate_public_cache(*args, **kwargs) -> None:
    """Make every cached public response stale (after bulk writes, which send no signals)."""
    bump_scopes([GLOBAL, DATA_AS_OF])


def request_is_anonymous(request) -> bool:
    """True when the response may be shared with every anonymous visitor."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def accepts_gzip(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def request_scopes(provinces, periods=None) -> list[str]:
    """The scopes of an answer about ``provinces`` (slugs) within ``periods`` (the years and decades
    a date window covers, ``window_periods``); None for either: not restricted that way. See the
    module docstring."""
    scopes = [GLOBAL, DATA_AS_OF]
    slugs = None if provinces is None else sorted(set(provinces))
    periods = None if periods is None else [*sorted({str(period) for period in periods}), None]
    if slugs is None and periods is None:
        return [*scopes, ALL]
    if slugs is not None and periods is not None and len(slugs) * len(periods) <= MAX_KEY_SCOPES:
        return scopes + [province_year_scope(slug, period) for slug in slugs for period in periods]
    families = []
    if slugs is not None:
        families.append([province_scope(slug) for slug in slugs])
    if periods is not None:
        families.append([year_scope(period) for period in periods])
    return scopes + min(families, key=len)


def cache_key(request, provinces=None, periods=None) -> str:
    # Sorted query so ?a=1&b=2 and ?b=2&a=1 share an entry; host because feeds/sitemaps embed it.
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    # Views may gzip their body when the client accepts it (the GeoJSON API does): key on that too.
    encoding = "gzip" if accepts_gzip(request) else "identity"
    tokens = scope_tokens(request_scopes(provinces, periods))
    raw = f"{request.get_host()}|{request.path}|{query!r}|{encoding}|{sorted(tokens.items())!r}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{digest}"


PROVINCE_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def provinces_in_query(request, *args, **kwargs):
    """For APIs whose answer holds only the records their filters select: the provinces named by
    ``province=`` (then the answer is about those provinces only), else None (every province)."""
    slugs = [slug.strip() for value in request.GET.getlist("province") for slug in value.split(",") if slug.strip()]
    if not slugs or not all(PROVINCE_SLUG.match(slug) for slug in slugs):
        return None
    return slugs


def province_in_path(request, slug, *args, **kwargs):
    """For pages about the one province named in the path (/provinces/<slug>/…)."""
    return [slug]


def _query_date(request, name: str) -> dt.date | None:
    """``name`` as the filters read it (the last value, stripped, in their one format); None when
    absent or empty. ValueError when malformed (the view answers 400, which is never stored)."""
    from ipwatch.core.filters import ISO_DATE

    value = (request.GET.get(name) or "").strip()
    return dt.datetime.strptime(value, ISO_DATE[0]).date() if value else None


def window_periods(since: dt.date | None, until: dt.date | None) -> list[str] | None:
    """The periods a window [since, until] covers, an open end reaching the first or last year a
    record may have: each decade wholly inside it ("2020s"), each other year ("2019"). At most 39
    (``since=1901-01-01&until=2099-12-31``: 9 years, 18 decades, 9 years). None when there is no
    window, or it is empty."""
    from ipwatch.core.dates import EARLIEST_DATE, LATEST_DATE

    if (since is None and until is None) or (since is not None and until is not None and since > until):
        return None
    first = max(since.year if since else EARLIEST_DATE.year, EARLIEST_DATE.year)
    last = min(until.year if until else LATEST_DATE.year, LATEST_DATE.year)
    periods, year = [], first
    while year <= last:
        if year % 10 == 0 and year + 9 <= last:
            periods.append(decade(year))
            year += 10
        else:
            periods.append(str(year))
            year += 1
    return periods or None


def periods_in_query(request, *args, **kwargs):
    """For pages and APIs whose every record and figure is restricted by ``since``/``until``: the
    periods the window covers (``window_periods``), or None (no window, or a malformed one)."""
    try:
        return window_periods(_query_date(request, "since"), _query_date(request, "until"))
    except ValueError:
        return None


def _storable(request, response) -> bool:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    # The key covers the URL, cookies (anonymous only) and gzip; a response varying on anything else is not shared.
    return not (set(cc_delim_re.split(response.get("Vary", "").lower())) - KEYED_VARY_HEADERS)


def public_cache(view=None, *, timeout: int | None = None, provinces=None, periods=None):
    """Decorator: cache a read-only view's anonymous responses (see module docstring).

    ``provinces(request, *args, **kwargs)``, for an answer that depends on some provinces only:
    their slugs, or None when this request's answer is about every province (the default).
    ``periods(request, *args, **kwargs)``, for an answer restricted to a date window: the years it
    overlaps, or None when this request's answer is about every period (the default)."""
    if view is None:
        return functools.partial(public_cache, timeout=timeout, provinces=provinces, periods=periods)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        cacheable = request.method in ("GET", "HEAD") and public_cache_enabled() and request_is_anonymous(request)
        if not cacheable:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))
            if getattr(request, "user", None) is not None and request.user.is_authenticated:
                patch_cache_control(response, private=True)
            return response

        key = cache_key(
            request,
            provinces(request, *args, **kwargs) if provinces else None,
            periods(request, *args, **kwargs) if periods else None,
        )
        cache = _cache()
        cached = cache.get(key)
        if cached is not None:
            cached[CACHE_STATUS_HEADER] = "hit"
            reuse_csp_nonce(request, cached)  # the header must carry the nonce the cached body was rendered with
            # A client revalidating with the ETag it holds gets 304 Not Modified, as from the view.
            conditional = get_conditional_response(
                request, etag=cached.get("ETag"), last_modified=None, response=cached
            )
            return conditional if conditional is not None else cached

        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        patch_vary_headers(response, ("Cookie",))
        if _storable(request, response):
            patch_cache_control(response, public=True, max_age=min(BROWSER_MAX_AGE, public_cache_timeout()))
            remember_csp_nonce(request, response)
            cache.set(key, response, timeout if timeout is not None else public_cache_timeout())
            response[CACHE_STATUS_HEADER] = "miss"
        return response

    return wrapper


def etag_headers(response, etag: str, *, max_age: int = 0):
    """The ETag, public caching and ``Vary: Accept-Encoding`` of a data answer. With no ``max_age``
    (the data APIs) browsers and proxies keep it but always revalidate it (cheap thanks to the
    ETag), so a published change shows on the very next request; data that changes only with a
    deploy (the basemap's names) is kept ``max_age`` seconds."""
    response["ETag"] = etag
    if max_age:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, public=True, no_cache=True, max_age=0)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def gzip_if_accepted(request, response, *, level: int = GZIP_LEVEL):
    """Compress a large public body for a client that takes gzip, at ``GZIP_LEVEL`` (Django's
    ``gzip_page`` uses level 6). Public data holds no secrets, so no BREACH padding is needed."""
    if accepts_gzip(request) and len(response.content) >= 200:
        response.content = gzip.compress(response.content, compresslevel=level, mtime=0)
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(response.content))
    return response


def public_cache_for_gzip_clients(view=None, *, provinces=None, periods=None):
    """``public_cache`` for clients that take gzip (browsers); others always run the view.

    For views that gzip their own body (``gzip_if_accepted``): uncompressed, 100,000 incidents of
    GeoJSON weigh ~46 MB, not worth a place in the cache (with the default per-process cache, in
    every worker's memory); gzipped they are ~10x smaller.
    """
    if view is None:
        return functools.partial(public_cache_for_gzip_clients, provinces=provinces, periods=periods)
    cached_view = public_cache(view, provinces=provinces, periods=periods)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if accepts_gzip(request):
            return cached_view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper


# Records shown on their own province's pages, in the answers about their periods and in
# every-province answers, nowhere else: the fields that say where and when they are.
RECORD_FIELDS = {
    "core.incident": ("province_id", "date", "date_precision", "end_date"),
    "activity.activity": ("province_id", "date", "date_precision", "end_date", "end_date_precision"),
}
MISSING = object()  # a field not loaded (deferred)


def span_years(date, precision="", end_date=None, end_precision="") -> list[int | None]:
    """The years a record's dates span: from its date to the end of its date's period or of its end
    date's, whichever is later. [None] (``year:open``) when the span is unbounded (no date), outside
    the years records may have, or longer than MAX_SPAN_YEARS."""
    from ipwatch.core.dates import in_record_range, period_end

    dates = [date, end_date] if end_date is not None else [date]
    if not all(isinstance(day, dt.date) and in_record_range(day) for day in dates):
        return [None]
    last = max(period_end(date, precision or ""), period_end(end_date or date, end_precision or ""))
    if last.year - date.year >= MAX_SPAN_YEARS:
        return [None]
    return list(range(date.year, last.year + 1))


def change_scopes(states) -> set[str]:
    """The scopes a change replaces, given the (province slug, span years) of each state of the
    changed record (before and after): see the module docstring."""
    scopes = {ALL}
    for slug, years in states:
        scopes.add(province_scope(slug))
        for year in years:
            # A year is in a window's key as itself or, when the window covers its whole decade, as that.
            for period in (None,) if year is None else (year, decade(year)):
                scopes.update((year_scope(period), province_year_scope(slug, period)))
    return scopes


# One C-level look-up per loaded row (post_init runs for every row an export or page loads).
_STATE_OF = {label: operator.itemgetter(*fields) for label, fields in RECORD_FIELDS.items()}


def _record_state(instance) -> tuple:
    # Read from __dict__: a deferred field must not cost a query per loaded row.
    label = instance._meta.label_lower
    try:
        return _STATE_OF[label](instance.__dict__)
    except KeyError:
        return tuple(instance.__dict__.get(name, MISSING) for name in RECORD_FIELDS[label])


def _remember_state(sender, instance, **kwargs):
    # Where and when it was loaded, so that a change invalidates where and when it was, too.
    instance._public_cache_state = _record_state(instance)


def _read_stored_state(sender, instance, raw=False, **kwargs):
    """Before a save or delete: the stored province and dates when they are not known from loading
    (a deferred field, or a record saved over an existing row without being loaded). Rare: one query."""
    state = getattr(instance, "_public_cache_state", None)
    if raw or instance.pk is None or (state is not None and MISSING not in state and not instance._state.adding):
        return
    fields = RECORD_FIELDS[sender._meta.label_lower]
    stored = sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    if stored is not None:
        instance._public_cache_state = stored


def _bump_record_states(states, *, incidents: bool) -> None:
    """Bump what a change to records in ``states`` (province id, date, precision, end date[, end
    precision]) can affect; one query for the provinces' slugs."""
    from ipwatch.core.models import Province

    if any(MISSING in state for state in states):
        return bump_scopes([GLOBAL, DATA_AS_OF])  # not known where or when it was: everything
    ids = {state[0] for state in states if state[0] is not None}
    slugs = dict(Province.objects.filter(pk__in=ids).values_list("pk", "slug")) if ids else {}
    scopes = change_scopes((slugs.get(state[0], ""), span_years(*state[1:])) for state in states)
    bump_scopes(scopes | ({DATA_AS_OF} if incidents else set()))


def _record_changed(sender, instance, raw=False, **kwargs):
    """An incident or activity record: its province and periods (before and after the change) and
    every-province answers; for incidents also the data-as-of date, which moves with the latest one."""
    if raw:
        return bump_scopes([GLOBAL, DATA_AS_OF])
    before = getattr(instance, "_public_cache_state", None)
    # A field still deferred was not saved: it keeps the value it had.
    after = _record_state(instance)
    if before is not None:
        after = tuple(old if new is MISSING else new for old, new in zip(before, after, strict=True))
    incidents = sender._meta.label_lower == "core.incident"
    _bump_record_states({after} if before is None else {before, after}, incidents=incidents)
    instance._public_cache_state = after


def _remember_incident(sender, instance, **kwargs):
    instance._public_cache_incident_id = instance.__dict__.get("incident_id", MISSING)


def _report_changed(sender, instance, raw=False, **kwargs):
    """A report shows on its incident's page and in the answers its incident is in (claims, reports
    CSV, the map's figures): a change of its incident — the old and the new one when it moves."""
    from ipwatch.core.models import Incident

    if raw:
        return bump_scopes([GLOBAL])
    now = instance.__dict__.get("incident_id", MISSING)
    incident_ids = {now, getattr(instance, "_public_cache_incident_id", None)}
    if MISSING in incident_ids:
        return bump_scopes([GLOBAL])  # not known which incident it was of: everything
    incident_ids.discard(None)
    fields = RECORD_FIELDS["core.incident"]
    _bump_record_states(set(Incident._base_manager.filter(pk__in=incident_ids).values_list(*fields)), incidents=False)
    instance._public_cache_incident_id = now


def _anything_changed(*args, raw=False, **kwargs):
    """Places, sources, provinces, campaigns…: shown across provinces, so every answer."""
    bump_scopes([GLOBAL, DATA_AS_OF])


def connect_invalidation_signals() -> None:
    """Invalidate what a save/delete of a core or activity model can affect (history rows follow
    their record's own save, so they add nothing)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete, pre_save

    from ipwatch.core.models import Report

    models = [*apps.get_app_config("core").get_models(), *apps.get_app_config("activity").get_models()]
    for model in models:
        uid = f"ipwatch-public-cache-{model._meta.label_lower}"
        if model.__name__.startswith("Historical"):
            continue
        if model is Report:
            receiver = _report_changed
            post_init.connect(_remember_incident, sender=model, dispatch_uid=f"{uid}-init", weak=False)
        elif model._meta.label_lower in RECORD_FIELDS:
            receiver = _record_changed
            post_init.connect(_remember_state, sender=model, dispatch_uid=f"{uid}-init", weak=False)
            pre_save.connect(_read_stored_state, sender=model, dispatch_uid=f"{uid}-pre-save", weak=False)
            pre_delete.connect(_read_stored_state, sender=model, dispatch_uid=f"{uid}-pre-delete", weak=False)
        else:
            receiver = _anything_changed
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _anything_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}", weak=False
            )
