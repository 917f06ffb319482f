"""What the tests of the shared incident filters share with the tests of the pages and APIs built on
them: a way to run the filters, and the values every one of those endpoints must refuse."""

import pytest
from django.http import QueryDict

from ipwatch.core.filters import InvalidFilter, filter_incidents
from ipwatch.core.models import Incident

# A query string the shared filters refuse, and the one parameter their error names. Every page and
# API that filters incidents answers each of them with a 400 naming that parameter; an endpoint's
# tests add the parameters of its own (granularity, properties, page…).
INVALID_FILTERS = [
    ("since=yesterday", "since"),
    ("since=2019-13-01", "since"),
    ("until=yesterday", "until"),
    ("until=tomorrow", "until"),
    ("until=2019-13-01", "until"),
    ("since=2020-01-01&until=2019-01-01", "until"),
    ("province=atlantis", "province"),
    ("country=XX", "country"),
    ("type=picnic", "type"),
    ("claimed=maybe", "claimed"),
    ("bbox=1,2,3", "bbox"),
    ("bbox=a,b,c,d", "bbox"),
    ("bbox=0,95,1,96", "bbox"),
]


def run(query: str):
    """The published incidents the shared filters keep for ``query``."""
    return filter_incidents(QueryDict(query), Incident.objects.published())


def rejected(query: str) -> InvalidFilter:
    """The error the shared filters raise for ``query`` (the test fails if they accept it)."""
    with pytest.raises(InvalidFilter) as caught:
        run(query)
    return caught.value
