"""Production settings: `check --deploy` is clean, and each hardening switch follows DEBUG/env."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from ipwatch.settings import _tile_origin

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-7f3c9b2e1d5a8f4c6e0b",
    "ALLOWED_HOSTS": "ipwatch.example.org",
}


def manage(*args, **env):
    """manage.py in a production-like environment: none of the test suite's overrides (tests/environment.py)."""
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "DATABASE_URL") if name in os.environ}
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        env={**base, **PRODUCTION_ENV, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_warnings_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output
    assert "security.W" not in output


def test_switching_off_https_redirect_is_reported_by_check_deploy():
    """The env switch the loopback load test uses is honoured, and check --deploy notices it."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def show_settings(code, **env):
    result = manage("shell", "-c", "from django.conf import settings as s; " + code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_defaults_are_secure():
    shown = show_settings(
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY,"
        " getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    assert shown == "True 31536000 True True True True DENY same-origin None"


def test_behind_a_tls_proxy_the_forwarded_proto_header_is_trusted_and_hsts_is_configurable():
    shown = show_settings(
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
        BEHIND_TLS_PROXY="1",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="0",
        IPWATCH_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png",
        IPWATCH_TILE_ATTRIBUTION="© Example tiles",  # the map app requires one with a tile server
    )
    assert (
        shown == "('HTTP_X_FORWARDED_PROTO', 'https') False False [\"'self'\", 'data:', 'https://*.tiles.example.org']"
    )


def test_development_keeps_plain_http():
    shown = show_settings(
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)", DEBUG="1"
    )
    assert shown == "False False False 0"


@pytest.mark.parametrize(
    ("tile_url", "expected"),
    [
        ("", []),
        ("/static/tiles/{z}/{x}/{y}.png", []),  # served by this app: 'self' covers it
        ("https://tiles.example.org/{z}/{x}/{y}.png", ["https://tiles.example.org"]),
        ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png", ["https://*.tile.example.org:8443"]),
        ("javascript:alert(1)", []),
    ],
)
def test_tile_origin_for_img_src(tile_url, expected):
    assert _tile_origin(tile_url) == expected
