"""Parse the ``CACHE_URL`` environment variable into a Django ``CACHES`` entry, for ``ipwatch/settings.py``.

A deliberately tiny parser (no dependency) for the backends Django ships with:

    locmem://[name]              local memory of one process (the default)
    dummy://                     no caching at all (benchmarks' "uncached" run, debugging)
    file:///absolute/path        files on disk, shared by every worker on the host
    redis://[:password@]host[:port][/db]   Redis (needs the ``redis`` package)
    rediss://…                   Redis over TLS

Optional query parameters: ``timeout`` (seconds; ``none`` = never expire), ``key_prefix``,
``max_entries`` (locmem/file only). Anything else raises ImproperlyConfigured naming the problem,
so a typo in production fails at start-up instead of silently running without a cache.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
}
QUERY_OPTIONS = {"timeout", "key_prefix", "max_entries"}
DEFAULT_LOCMEM_MAX_ENTRIES = 5000


def parse_cache_url(url: str) -> dict:
    url = (url or "").strip()
    if not url:
        raise ImproperlyConfigured(
            "CACHE_URL is empty; use e.g. locmem://, file:///var/cache/ipwatch or redis://host:6379/0"
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        known = ", ".join(f"{name}://" for name in BACKENDS)
        raise ImproperlyConfigured(f"CACHE_URL scheme {scheme or '(none)'}:// is not supported; use one of {known}")

    config: dict = {"BACKEND": BACKENDS[scheme]}
    if scheme == "locmem":
        # The location names a separate in-memory store; any name is fine.
        config["LOCATION"] = parts.netloc or parts.path.strip("/") or "ipwatch"
        # Django's default of 300 entries is too small for every page × filter combination.
        config["OPTIONS"] = {"MAX_ENTRIES": DEFAULT_LOCMEM_MAX_ENTRIES}
    elif scheme == "file":
        if parts.netloc:
            raise ImproperlyConfigured(
                f"CACHE_URL {url!r}: a file cache needs an absolute path, e.g. file:///var/cache/ipwatch"
            )
        if not parts.path.startswith("/"):
            raise ImproperlyConfigured(f"CACHE_URL {url!r}: the file cache path must be absolute")
        config["LOCATION"] = parts.path
    elif scheme in ("redis", "rediss"):
        if not parts.hostname:
            raise ImproperlyConfigured(f"CACHE_URL {url!r}: a Redis URL needs a host, e.g. redis://redis:6379/0")
        try:
            parts.port  # noqa: B018 - urlsplit validates the port lazily
        except ValueError as exc:
            raise ImproperlyConfigured(f"CACHE_URL {url!r}: {exc}") from None
        db = parts.path.strip("/")
        if db and not db.isdigit():
            raise ImproperlyConfigured(f"CACHE_URL {url!r}: the Redis database must be a number, not {db!r}")
        # Django's RedisCache accepts the URL itself (without our own query options).
        config["LOCATION"] = f"{scheme}://{parts.netloc}{parts.path}"

    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - QUERY_OPTIONS)
    if unknown:
        raise ImproperlyConfigured(
            f"CACHE_URL option(s) {', '.join(unknown)} not understood; known: {', '.join(sorted(QUERY_OPTIONS))}"
        )
    if "timeout" in options:
        value = options["timeout"][-1]
        if value.lower() == "none":
            config["TIMEOUT"] = None
        elif value.isdigit():
            config["TIMEOUT"] = int(value)
        else:
            raise ImproperlyConfigured(f"CACHE_URL timeout must be a whole number of seconds or 'none', not {value!r}")
    if "key_prefix" in options:
        config["KEY_PREFIX"] = options["key_prefix"][-1]
    if "max_entries" in options:
        value = options["max_entries"][-1]
        if not value.isdigit() or int(value) < 1:
            raise ImproperlyConfigured(f"CACHE_URL max_entries must be a positive whole number, not {value!r}")
        if scheme not in ("locmem", "file"):
            raise ImproperlyConfigured("CACHE_URL max_entries only applies to locmem:// and file:// caches")
        config["OPTIONS"] = {"MAX_ENTRIES": int(value)}
    return config
