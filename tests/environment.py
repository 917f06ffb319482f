"""Loaded by pytest (-p tests.environment) before Django settings: test defaults for the
environment the settings module reads. A real environment variable always wins."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")  # no collectstatic needed to run the suite
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Playwright's sync API runs an event loop; Django's async-safety check would refuse DB access from live_server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client and live_server speak plain HTTP

# Never the network from tests, whatever the developer's shell says: offline geocoding only.
os.environ["IPWATCH_GEOCODE_ONLINE"] = "0"
os.environ["IPWATCH_GEONAMES_USERNAME"] = ""
