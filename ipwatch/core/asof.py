"""The "data as of" date: the date of the latest published incident (never later than today).

Every activity figure (active/dormant, the 30/90/365-day trend windows) is computed against it, every
page states it, every public JSON answer carries it as ``data_as_of`` and every CSV export as the
``Data-As-Of`` header. A dataset that stopped in
May 2019 is then described as it was in May 2019 (Fezzan active, the others dormant), instead of
every province being called dormant against today's date while a card counts them as active.
"""

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from .models import Incident

REQUEST_ATTRIBUTE = "_ipwatch_data_as_of"


def data_as_of() -> dt.date | None:
    """The latest published incident's date, capped at today; None when nothing is published. One query."""
    latest = Incident.objects.published().order_by().aggregate(latest=Max("date"))["latest"]
    if latest is None:
        return None
    return min(latest, timezone.localdate())


def reference_date(as_of: dt.date | None = None) -> dt.date:
    """The date activity is measured against: the data's as-of date, or today for an empty database."""
    return as_of or timezone.localdate()


def for_request(request) -> dt.date | None:
    """``data_as_of()`` once per request (pages, context processor and JSON answers share it)."""
    if request is None:
        return data_as_of()
    if not hasattr(request, REQUEST_ATTRIBUTE):
        setattr(request, REQUEST_ATTRIBUTE, data_as_of())
    return getattr(request, REQUEST_ATTRIBUTE)


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


HEADER = "Data-As-Of"


def stamp(response, request):
    """A CSV has no place for ``data_as_of`` (its columns are a contract): it travels as a
    ``Data-As-Of: YYYY-MM-DD`` header (absent when nothing is published)."""
    value = iso(for_request(request))
    if value:
        response[HEADER] = value
    return response


def context_processor(request):
    """``{{ data_as_of }}`` in every template (evaluated only when a template prints it)."""
    return {"data_as_of": lambda: for_request(request)}
