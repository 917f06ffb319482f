"""Helpers shared by the public page tests."""

import datetime as dt

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def count_queries(client, url: str, expected_status: int = 200) -> int:
    """Queries one uncached request to ``url`` makes (the public cache is cleared first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == expected_status, (url, response.status_code)
    return len(captured)


def page_html(client, url: str, data=None) -> str:
    """The decoded body of a GET to ``url`` that must answer 200."""
    response = client.get(url, data)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_shown(html: str, *fragments: str) -> None:
    """Every fragment is in the page; a failure names each one that is missing."""
    missing = [fragment for fragment in fragments if fragment not in html]
    assert not missing, f"not in the page: {missing}"
