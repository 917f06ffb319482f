"""Counts per kind for the overview, the province pages and /activity/ (one GROUP BY query)."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from .choices import ActivityKind


def kind_counts(attacks, activities, *, params=()) -> list[dict]:
    """[{kind, label, count, url}] for every kind, attacks first; ``params`` are passed on to the links.
    ``attacks``: a queryset of them, or their number when the page already counted them."""
    counts = dict(activities.order_by().values_list("kind").annotate(n=Count("pk")))
    counts[ActivityKind.ATTACK] = attacks if isinstance(attacks, int) else attacks.count()
    query = urlencode(list(params))
    rows = []
    for kind, label in ActivityKind.choices:
        if kind == ActivityKind.ATTACK:
            url = reverse("public:incident-list") + (f"?{query}" if query else "")
        else:
            url = reverse("activity:list") + "?" + urlencode([("kind", kind), *params])
        rows.append({"kind": kind, "label": label, "count": counts.get(kind, 0), "url": url})
    return rows
