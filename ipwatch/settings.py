"""ipwatch settings: one module, configured from the environment, failing fast on bad config."""

import os
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
    "ipwatch.geocoding",
    "ipwatch.maps",
    "ipwatch.timeline",
    "ipwatch.public",
    "ipwatch.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# Caching (issue 7): CACHE_URL picks the backend (locmem:// default, file:///path, redis://host:6379/0,
# dummy://); PUBLIC_CACHE_TIMEOUT is how long anonymous pages/APIs stay cached (0 turns public caching off).
from ipwatch.cache_url import parse_cache_url  # noqa: E402 - pure Python, no Django app imports

CACHES = {"default": parse_cache_url(os.environ.get("CACHE_URL", "locmem://"))}
try:
    PUBLIC_CACHE_TIMEOUT = int(os.environ.get("PUBLIC_CACHE_TIMEOUT", "600"))
except ValueError:
    raise ImproperlyConfigured("PUBLIC_CACHE_TIMEOUT must be a whole number of seconds (0 = off)") from None

# ipwatch-specific settings
# Demo accounts with printed passwords exist only for the local SQLite demo (`make run`).
IPWATCH_DEMO_ACCOUNTS = env_bool("IPWATCH_DEMO_ACCOUNTS", False)

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
