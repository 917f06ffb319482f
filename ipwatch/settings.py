"""ipwatch settings: one module, configured from the environment, failing fast on bad config."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production).")
    # Development only: DEBUG is on, so a throwaway key is acceptable.
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "ipwatch.core",
    "ipwatch.activity",
    "ipwatch.geocoding",
    "ipwatch.maps",
    "ipwatch.timeline",
    "ipwatch.public",
    "ipwatch.exchange",
    "ipwatch.jobs",
    "ipwatch.sync",
    "django_tasks",
    "django_tasks_db",
    "axes",  # login brute-force lockout (security section below)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy header + per-request nonce (security section below)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout into the lockout page (rendered inside CSPMiddleware).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ipwatch.urls"
WSGI_APPLICATION = "ipwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ipwatch.core.asof.context_processor",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ipwatch.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default stays usable while an import (or a background job) writes: write-ahead logging lets readers
    # go on reading the last committed state, a writer waits (busy timeout, seconds) for another
    # instead of failing at once, and write transactions take their lock when they begin, so that
    # two of them never deadlock half-way (which SQLite answers with "database is locked").
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "30")),
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "public:login"
LOGIN_REDIRECT_URL = "public:overview"

LANGUAGE_CODE = "en-gb"
# ISO 8601 dates (YYYY-MM-DD) shown and entered everywhere, the admin included.
FORMAT_MODULE_PATH = ["ipwatch.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(
    os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
)  # env: bench/load.py collects to a temp dir
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
# Without collectstatic (development, tests) WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Caching: CACHE_URL picks the backend (locmem:// default, file:///path, redis://host:6379/0,
# dummy://); PUBLIC_CACHE_TIMEOUT is how long anonymous pages/APIs stay cached (0 turns public caching off).
from ipwatch.settings_cache_url import parse_cache_url  # noqa: E402 - pure Python, no Django app imports

CACHES = {"default": parse_cache_url(os.environ.get("CACHE_URL", "locmem://"))}
try:
    PUBLIC_CACHE_TIMEOUT = int(os.environ.get("PUBLIC_CACHE_TIMEOUT", "600"))
except ValueError:
    raise ImproperlyConfigured("PUBLIC_CACHE_TIMEOUT must be a whole number of seconds (0 = off)") from None

# ipwatch-specific settings
# Demo accounts with printed passwords exist only for the local SQLite demo (`make run`).
IPWATCH_DEMO_ACCOUNTS = env_bool("IPWATCH_DEMO_ACCOUNTS", False)
# Two-person rule: whoever last edited an incident may not also publish it (another reviewer must).
IPWATCH_TWO_PERSON_PUBLISH = env_bool("IPWATCH_TWO_PERSON_PUBLISH", False)

# Geocoding (ipwatch.geocoding). Offline gazetteer always; online services (geopy) only when
# IPWATCH_GEOCODE_ONLINE is on or `manage.py geocode --online`. GeoNames is used instead of
# Nominatim when a GeoNames username is configured.
IPWATCH_GEOCODE_ONLINE = env_bool("IPWATCH_GEOCODE_ONLINE", False)
IPWATCH_GEONAMES_USERNAME = os.environ.get("IPWATCH_GEONAMES_USERNAME", "")
IPWATCH_GEOCODE_USER_AGENT = os.environ.get(
    "IPWATCH_GEOCODE_USER_AGENT", "ipwatch/0.1 (research tracker of Islamic State province activity; offline-first)"
)
try:
    IPWATCH_GEOCODE_TIMEOUT = float(os.environ.get("IPWATCH_GEOCODE_TIMEOUT") or "5")
except ValueError:
    raise ImproperlyConfigured("IPWATCH_GEOCODE_TIMEOUT must be a number of seconds") from None

# --- Security ------------------------------------------------------------------------------------
# Production defaults follow DEBUG: with DEBUG off, `manage.py check --deploy` reports no warnings.
# Each can be switched off by env for the places that serve plain HTTP on purpose (the test suite,
# the loopback gunicorn of bench/load.py); `make run` has DEBUG on, so they are off there.

# Behind a TLS-terminating proxy the app only sees HTTP; trust the proxy's X-Forwarded-Proto only
# when told so (BEHIND_TLS_PROXY=1), since without such a proxy any client could forge the header.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# HSTS is only sent on HTTPS responses. A year, subdomains and preload by default in production;
# an operator whose other subdomains are not HTTPS-only yet sets the two flags to 0.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Other sites learn nothing of the pages analysts visit (filters in URLs can be telling).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # no page is meant to be framed (CSP frame-ancestors says the same)


def _tile_origin(url: str) -> list[str]:
    """The CSP source for a configured tile server: its scheme+host, `{s}` subdomains as a wildcard."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "subdomain"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return []  # a relative URL (tiles served by this app) is covered by 'self'
    netloc = parts.netloc.replace("subdomain.", "*.")
    return [f"{parts.scheme}://{netloc}"]


# Map: base layer of /map/. Empty: the offline Natural Earth basemap shipped in static/.
# Set a tile server only when one is reachable from users' browsers, e.g.
# IPWATCH_TILE_URL=https://tiles.example.org/{z}/{x}/{y}.png and its IPWATCH_TILE_ATTRIBUTION.
IPWATCH_TILE_URL = os.environ.get("IPWATCH_TILE_URL", "").strip()
IPWATCH_TILE_ATTRIBUTION = os.environ.get("IPWATCH_TILE_ATTRIBUTION", "").strip()
if IPWATCH_TILE_URL and not IPWATCH_TILE_ATTRIBUTION:
    raise ImproperlyConfigured("IPWATCH_TILE_ATTRIBUTION must be set with IPWATCH_TILE_URL (tile licences need it).")

# Content-Security-Policy (django-csp 4). Nothing is fetched from another origin: every asset is
# vendored in static/. The only exception an operator can opt into is a tile server (IPWATCH_TILE_URL).
# Inline <script>/<style> need the per-request nonce: templates write nonce="{{ request.csp_nonce }}",
# folium HTML goes through ipwatch.core.csp.add_csp_nonce(). No 'unsafe-inline', no 'unsafe-eval'.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        # Everything not listed below: this origin only.
        "default-src": [SELF],
        # Vendored scripts, and inline scripts carrying this response's nonce (folium's map setup).
        # Stored XSS payloads in incident text cannot run: they have no nonce.
        "script-src": [SELF, NONCE],
        # Vendored stylesheets and nonce'd <style> blocks (folium emits some). style="" attributes
        # stay blocked; styles set from JS through the CSSOM (Leaflet positioning) are not affected.
        "style-src": [SELF, NONCE],
        # Leaflet's default marker/layer icons use data: URIs; a remote tile server only if configured.
        "img-src": [SELF, "data:", *_tile_origin(IPWATCH_TILE_URL)],
        "font-src": [SELF],
        # fetch() goes only to this app's own JSON APIs.
        "connect-src": [SELF],
        # No plugins, no <base> rewriting of relative URLs, no framing, forms post only here.
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Login brute-force protection (django-axes) on every login that goes through authenticate() with a
# request: the admin login and /accounts/login/. Counted per username *and* IP, so an attacker cannot
# lock a colleague out from elsewhere by guessing at their username.
AUTHENTICATION_BACKENDS = [
    "ipwatch.core.auth.LoginLockoutBackend",  # must come first: refuses locked-out credentials
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ipwatch.core.auth.lockout_response"  # templates/registration/locked_out.html, 429
AXES_CLIENT_IP_CALLABLE = "ipwatch.core.auth.client_ip"

# --- Background jobs and live data sync ----------------------------------------------------------
# django-tasks (the backport of Django 6's tasks framework) with its database backend: the queue is a
# table in the same database, so enqueuing is part of the transaction that creates the job, and no
# extra service is needed. Workers: `manage.py db_worker` (make run starts one; compose has `worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Uploads and `import_incidents --background` files wait here for a worker: a volume every app server
# and worker shares when they run on several hosts.
IPWATCH_IMPORT_DIR = Path(os.environ.get("IPWATCH_IMPORT_DIR") or VAR_DIR / "imports")
# Files written by export jobs, downloadable from the job's admin page (shared volume in compose too).
IPWATCH_EXPORT_DIR = Path(os.environ.get("IPWATCH_EXPORT_DIR") or VAR_DIR / "exports")
IPWATCH_JOBS_DIR = Path(os.environ.get("IPWATCH_JOBS_DIR") or VAR_DIR / "jobs")
# Fault injection for the test that a worker dying half-way leaves nothing written (never set it otherwise).
IPWATCH_JOBS_CRASH_AFTER_ROWS = os.environ.get("IPWATCH_JOBS_CRASH_AFTER_ROWS") or None

# ACLED (OAuth with the myACLED account's e-mail and password) and UCDP GED (access token) APIs.
# The URLs let a mirror or a test server stand in for either service.
ACLED_API_URL = os.environ.get("ACLED_API_URL", "https://acleddata.com").rstrip("/")
ACLED_EMAIL = os.environ.get("ACLED_EMAIL", "")
ACLED_PASSWORD = os.environ.get("ACLED_PASSWORD", "")
UCDP_API_URL = os.environ.get("UCDP_API_URL", "https://ucdpapi.pcr.uu.se/api").rstrip("/")
UCDP_TOKEN = os.environ.get("UCDP_TOKEN", "")
UCDP_GED_VERSION = os.environ.get("UCDP_GED_VERSION", "25.1")
try:
    # Seconds to wait before retrying a rate-limited (429) or unavailable (502/503/504) answer when the
    # service sends no Retry-After; doubled on each retry.
    IPWATCH_SYNC_BACKOFF = float(os.environ.get("IPWATCH_SYNC_BACKOFF") or "5")
    IPWATCH_SYNC_TIMEOUT = float(os.environ.get("IPWATCH_SYNC_TIMEOUT") or "60")
except ValueError:
    raise ImproperlyConfigured("IPWATCH_SYNC_BACKOFF and IPWATCH_SYNC_TIMEOUT must be numbers of seconds") from None


def env_duration(name: str, default: str, minimum: int) -> int:
    """Seconds from "90s", "30m", "6h", "1d" or a plain number of seconds; at least `minimum`."""
    value = (os.environ.get(name) or default).strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = (value[:-1], units[value[-1]]) if value[-1:] in units else (value, 1)
    if not number.isdigit() or int(number) * unit < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a duration such as 30m, 6h or 1d (at least {minimum} seconds), not {value!r}"
        )
    return int(number) * unit


# Scheduled syncs (manage.py run_scheduled_syncs, from cron or the compose `scheduler` service):
# which sources, and how often each is queued as a job.
IPWATCH_SYNC_SCHEDULE = env_list("IPWATCH_SYNC_SCHEDULE")
if unknown := [name for name in IPWATCH_SYNC_SCHEDULE if name not in ("acled", "ucdp")]:
    raise ImproperlyConfigured(f"IPWATCH_SYNC_SCHEDULE lists {', '.join(unknown)}: only acled and ucdp can be synced")
IPWATCH_SYNC_INTERVAL = env_duration("IPWATCH_SYNC_INTERVAL", "6h", minimum=300)
