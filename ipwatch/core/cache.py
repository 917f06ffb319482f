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
* Only plain 200 responses that set no cookie and used no CSRF token are stored (a cached CSRF token
  or session would be shared between visitors).
* The key contains the current *token* of each *scope* the answer depends on; a change replaces
  the tokens of the scopes it can affect, so those cached answers become unreachable at once — no
  key bookkeeping — and the rest stay:

  - ``global``: every answer. Replaced when a place, source, province, campaign, milestone … is
    saved or deleted (shown across provinces) and by ``invalidate_public_cache()`` (bulk writes).
  - ``data-as-of``: every answer; its token is the data-as-of date itself (printed on every page
    and in every JSON answer), recomputed when an incident changes.
  - ``all``: answers about every province (the default for a view). Replaced by every incident,
    report or activity change.
  - ``province:<slug>`` (``province:`` = no province): answers about that province only — views
    say so with ``public_cache(provinces=…)``: ``province_in_path`` (/provinces/<slug>/…),
    ``provinces_in_query`` (APIs whose answer holds only the records ``province=`` selects), or
    their own function (the incident page: its incident's province). Replaced by a change to an
    incident or activity record there (the old *and* the new province when it moves) or to a
    report of such an incident.

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
import fcntl
import functools
import gzip
import hashlib
import json
import logging
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


def province_scope(slug: str | None) -> str:
    """Answers about one province only; "province:" is the incidents that have none."""
    return f"province:{slug or ''}"


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


def request_scopes(provinces) -> list[str]:
    """The scopes of an answer about ``provinces`` (slugs; None: about every province)."""
    if provinces is None:
        return [GLOBAL, DATA_AS_OF, ALL]
    return [GLOBAL, DATA_AS_OF, *sorted({province_scope(slug) for slug in provinces})]


def cache_key(request, provinces=None) -> str:
    # Sorted query so ?a=1&b=2 and ?b=2&a=1 share an entry; host because feeds/sitemaps embed it.
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    # Views may gzip their body when the client accepts it (the GeoJSON API does): key on that too.
    encoding = "gzip" if accepts_gzip(request) else "identity"
    tokens = scope_tokens(request_scopes(provinces))
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


def public_cache(view=None, *, timeout: int | None = None, provinces=None):
    """Decorator: cache a read-only view's anonymous responses (see module docstring).

    ``provinces(request, *args, **kwargs)``, for an answer that depends on some provinces only:
    their slugs, or None when this request's answer is about every province (the default)."""
    if view is None:
        return functools.partial(public_cache, timeout=timeout, provinces=provinces)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        cacheable = request.method in ("GET", "HEAD") and public_cache_enabled() and request_is_anonymous(request)
        if not cacheable:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))
            if getattr(request, "user", None) is not None and request.user.is_authenticated:
                patch_cache_control(response, private=True)
            return response

        key = cache_key(request, provinces(request, *args, **kwargs) if provinces else None)
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


def gzip_if_accepted(request, response, *, level: int = GZIP_LEVEL):
    """Compress a large public body for a client that takes gzip, at ``GZIP_LEVEL`` (Django's
    ``gzip_page`` uses level 6). Public data holds no secrets, so no BREACH padding is needed."""
    if accepts_gzip(request) and len(response.content) >= 200:
        response.content = gzip.compress(response.content, compresslevel=level, mtime=0)
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(response.content))
    return response


def public_cache_for_gzip_clients(view=None, *, provinces=None):
    """``public_cache`` for clients that take gzip (browsers); others always run the view.

    For views that gzip their own body (``gzip_if_accepted``): uncompressed, 100,000 incidents of
    GeoJSON weigh ~46 MB, not worth a place in the cache (with the default per-process cache, in
    every worker's memory); gzipped they are ~10x smaller.
    """
    if view is None:
        return functools.partial(public_cache_for_gzip_clients, provinces=provinces)
    cached_view = public_cache(view, provinces=provinces)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if accepts_gzip(request):
            return cached_view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper


# Records shown on their own province's pages and in every-province answers, nowhere else.
PROVINCE_RECORDS = {"core.incident", "activity.activity"}


def _province_slugs(province_ids) -> list[str]:
    from ipwatch.core.models import Province

    ids = {pk for pk in province_ids if pk is not None}
    slugs = list(Province.objects.filter(pk__in=ids).values_list("slug", flat=True)) if ids else []
    return slugs + ([""] if None in province_ids else [])


def _remember_province(sender, instance, **kwargs):
    # The province it was loaded with, so that moving a record invalidates the old province too.
    # (Read from __dict__: a deferred field must not cost a query per loaded row.)
    instance._public_cache_province_id = instance.__dict__.get("province_id")


def _record_changed(sender, instance, raw=False, **kwargs):
    """An incident or activity record: its province (before and after the change) and every-province
    answers; for incidents also the data-as-of date, which moves with the latest one."""
    if raw:
        return bump_scopes([GLOBAL, DATA_AS_OF])
    province_ids = {instance.__dict__.get("province_id"), getattr(instance, "_public_cache_province_id", None)}
    scopes = {ALL, *map(province_scope, _province_slugs(province_ids))}
    if sender._meta.label_lower == "core.incident":
        scopes.add(DATA_AS_OF)
    bump_scopes(scopes)
    instance._public_cache_province_id = instance.__dict__.get("province_id")


def _report_changed(sender, instance, raw=False, **kwargs):
    """A report shows on its incident's page and in every-province answers (claims, reports CSV)."""
    from ipwatch.core.models import Incident

    if raw:
        return bump_scopes([GLOBAL])
    province_ids = set(Incident.objects.filter(pk=instance.incident_id).values_list("province_id", flat=True))
    bump_scopes({ALL, *map(province_scope, _province_slugs(province_ids))})


def _anything_changed(*args, raw=False, **kwargs):
    """Places, sources, provinces, campaigns…: shown across provinces, so every answer."""
    bump_scopes([GLOBAL, DATA_AS_OF])


def connect_invalidation_signals() -> None:
    """Invalidate what a save/delete of a core or activity model can affect (history rows follow
    their record's own save, so they add nothing)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

    from ipwatch.core.models import Report

    models = [*apps.get_app_config("core").get_models(), *apps.get_app_config("activity").get_models()]
    for model in models:
        uid = f"ipwatch-public-cache-{model._meta.label_lower}"
        if model.__name__.startswith("Historical"):
            continue
        if model is Report:
            receiver = _report_changed
        elif model._meta.label_lower in PROVINCE_RECORDS:
            receiver = _record_changed
            post_init.connect(_remember_province, sender=model, dispatch_uid=f"{uid}-init", weak=False)
        else:
            receiver = _anything_changed
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _anything_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}", weak=False
            )
