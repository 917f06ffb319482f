"""CACHE_URL → Django CACHES entry (ipwatch/settings_cache_url.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ipwatch.settings_cache_url import DEFAULT_LOCMEM_MAX_ENTRIES, parse_cache_url


def test_locmem_is_the_default_shape():
    config = parse_cache_url("locmem://")
    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["LOCATION"] == "ipwatch"
    assert config["OPTIONS"] == {"MAX_ENTRIES": DEFAULT_LOCMEM_MAX_ENTRIES}


def test_redis_url_is_passed_to_django_redis_backend():
    config = parse_cache_url("redis://:secret@redis:6379/1?timeout=300&key_prefix=ipw")
    assert config == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://:secret@redis:6379/1",
        "TIMEOUT": 300,
        "KEY_PREFIX": "ipw",
    }


def test_file_and_dummy():
    assert parse_cache_url("file:///var/cache/ipwatch")["LOCATION"] == "/var/cache/ipwatch"
    assert parse_cache_url("dummy://")["BACKEND"].endswith("DummyCache")
    assert parse_cache_url("locmem://?timeout=none")["TIMEOUT"] is None
    assert parse_cache_url("file:///tmp/c?max_entries=10")["OPTIONS"] == {"MAX_ENTRIES": 10}


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("", "empty"),
        ("memcached://localhost", "scheme memcached:// is not supported"),
        ("file://relative/path", "absolute path"),
        ("redis://", "needs a host"),
        ("redis://redis:port/0", "Port"),
        ("redis://redis:6379/zero", "database must be a number"),
        ("locmem://?timeout=soon", "timeout must be a whole number"),
        ("locmem://?ttl=5", "ttl not understood"),
        ("redis://redis:6379/0?max_entries=5", "only applies"),
    ],
)
def test_bad_urls_fail_with_a_message_naming_the_problem(url, fragment):
    with pytest.raises(ImproperlyConfigured, match=fragment):
        parse_cache_url(url)
