"""Caching of public (anonymous) pages and APIs, invalidated whenever the data changes.

``@public_cache`` on a read-only view stores its anonymous responses:

    from ipwatch.core.cache import public_cache

    @public_cache
    def province_list(request): ...

    # class-based views:
    incident_list = public_cache(IncidentListView.as_view())

What is cached today: the public pages of ``ipwatch.public`` (overview, incident list and detail,
provinces, sources, about) and, for clients that take gzip, the GeoJSON API
(``public_cache_for_gzip_clients``: only its compressed bodies are worth the memory). Not cached:
the map, timeline and claims pages and the JSON/CSV APIs (they run the view every time), and every
response to a logged-in user.

How it works, and why it cannot leak:

* Only anonymous GET/HEAD requests are answered from or stored in the cache: a request carrying
  a session cookie (a logged-in analyst, or anyone who logged in recently) or a messages cookie
  always runs the view, so an analyst never receives a page rendered for the public and the public
  never receives a page rendered for an analyst. Every response gets ``Vary: Cookie`` so browsers
  and proxies keep the two apart too; responses for logged-in users are ``Cache-Control: private``.
* Only plain 200 responses that set no cookie and used no CSRF token are stored (a cached CSRF token
  or session would be shared between visitors).
* The key contains a *version* stored in the cache itself. Saving or deleting any core record
  (incident published, edited, retracted; report, place, province, source …) bumps the version,
  so every previously cached public response becomes unreachable at once — no key bookkeeping.
  The bump happens immediately and again when the transaction commits, so a request that rendered
  from pre-commit data cannot store it under the new version.
* Bulk writes (``bulk_create``/``update``) send no signals: call ``invalidate_public_cache()`` after them.

With the default local-memory cache every gunicorn worker has its own cache, so the version is kept
in a small stamp file (``var/public-cache-version``, setting ``PUBLIC_CACHE_STAMP_FILE``) that all
workers on the host read — one tiny file read per anonymous request — and a change saved through
any worker invalidates every worker at once. With a shared cache (``CACHE_URL=redis://…`` or
``file://…``) the version is a key in that cache, shared by every host.
"""

import functools
import gzip
import hashlib
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


def stamp_file() -> Path:
    return Path(getattr(settings, "PUBLIC_CACHE_STAMP_FILE", Path(settings.BASE_DIR) / "var" / "public-cache-version"))


def _read_stamp() -> str | None:
    try:
        return stamp_file().read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _write_stamp(token: str) -> bool:
    path = stamp_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(token, encoding="ascii")
        os.replace(temporary, path)  # atomic: readers see the old or the new token, never half
    except OSError as exc:
        logger.warning("public cache: cannot write %s (%s); other workers keep serving until the timeout", path, exc)
        return False
    return True


def current_version() -> str:
    cache = _cache()
    if _per_process(cache):
        # With locmem every gunicorn worker has its own cache; a small stamp file on disk is what
        # they share, so a change saved through one worker invalidates all of them at once.
        token = _read_stamp()
        if token is None:
            token = uuid.uuid4().hex[:12]
            if not _write_stamp(token):
                token = None  # unwritable disk: fall back to a per-process version below
        if token is not None:
            return token
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or the key was evicted: start a fresh version (safe: it only invalidates).
        cache.add(VERSION_KEY, uuid.uuid4().hex[:12], None)
        version = cache.get(VERSION_KEY) or "0"
    return version


def bump_version() -> None:
    token = uuid.uuid4().hex[:12]
    cache = _cache()
    if not (_per_process(cache) and _write_stamp(token)):
        cache.set(VERSION_KEY, token, None)


def invalidate_public_cache(*args, **kwargs) -> None:
    """Make every cached public response stale. Usable directly as a signal receiver."""
    bump_version()
    transaction.on_commit(bump_version)


def request_is_anonymous(request) -> bool:
    """True when the response may be shared with every anonymous visitor."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def accepts_gzip(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def cache_key(request) -> str:
    # Sorted query so ?a=1&b=2 and ?b=2&a=1 share an entry; host because feeds/sitemaps embed it.
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    # Views may gzip their body when the client accepts it (the GeoJSON API does): key on that too.
    encoding = "gzip" if accepts_gzip(request) else "identity"
    raw = f"{request.get_host()}|{request.path}|{query!r}|{encoding}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{current_version()}:{digest}"


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


def public_cache(view=None, *, timeout: int | None = None):
    """Decorator: cache a read-only view's anonymous responses (see module docstring)."""
    if view is None:
        return functools.partial(public_cache, timeout=timeout)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        cacheable = request.method in ("GET", "HEAD") and public_cache_enabled() and request_is_anonymous(request)
        if not cacheable:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))
            if getattr(request, "user", None) is not None and request.user.is_authenticated:
                patch_cache_control(response, private=True)
            return response

        key = cache_key(request)
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


def public_cache_for_gzip_clients(view):
    """``public_cache`` for clients that take gzip (browsers); others always run the view.

    For views that gzip their own body (``gzip_if_accepted``): uncompressed, 100,000 incidents of
    GeoJSON weigh ~46 MB, not worth a place in the cache (with the default per-process cache, in
    every worker's memory); gzipped they are ~10x smaller.
    """
    cached_view = public_cache(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if accepts_gzip(request):
            return cached_view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper


def connect_invalidation_signals() -> None:
    """Bump the public cache version on every save/delete of a core or activity model (incl. history rows)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    models = [*apps.get_app_config("core").get_models(), *apps.get_app_config("activity").get_models()]
    for model in models:
        uid = f"ipwatch-public-cache-{model._meta.label_lower}"
        post_save.connect(invalidate_public_cache, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(invalidate_public_cache, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                invalidate_public_cache,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
                weak=False,
            )
