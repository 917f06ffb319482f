"""The activity filters: every incident filter (ipwatch.core.filters) plus ``kind``.

``kind=media_release,territory`` (comma-separated, or repeated) selects kinds; an unknown slug is a
400 naming ``kind``. ``province``, ``country``, ``since``/``until``, ``q``, ``bbox`` and ``id`` apply to
every kind (dates by overlap: a territory held until 2016 matches ``since=2016-06-01``); ``type`` and
``claimed`` describe attacks, so they narrow the attacks and leave the other kinds as they are.
``q`` is the incidents' search for every spelling (ipwatch.core.search) on each table's search text.
"""

from ipwatch.core.filters import (
    IncidentFilterSet,
    InvalidFilter,
    error_messages,
    filter_incidents,
)

from .choices import ActivityKind
from .models import Activity

MAX_KIND_VALUES = len(ActivityKind.choices)


class ActivityFilterSet(IncidentFilterSet):
    """Every incident filter, each through ActivityQuerySet's method of the same name (``between``
    selects by overlap there); ``type`` and ``claimed`` describe attacks and leave records as they are."""

    class Meta(IncidentFilterSet.Meta):
        model = Activity

    def filter_type(self, queryset, name, value):
        return queryset  # validated as for attacks; no other kind has an incident type or claim status

    filter_claimed = filter_type


def parse_kinds(params) -> list[str]:
    """The kinds asked for (all when none), in vocabulary order; InvalidFilter naming ``kind`` otherwise."""
    asked = [part.strip() for value in params.getlist("kind") for part in value.split(",") if part.strip()]
    if not asked:
        return ActivityKind.slugs()
    unknown = [kind for kind in dict.fromkeys(asked) if kind not in ActivityKind.slugs()]
    if unknown:
        shown = ", ".join(repr(kind[:40]) for kind in unknown[:5])
        raise InvalidFilter({"kind": f"unknown kind {shown}; choose from {', '.join(ActivityKind.slugs())}"})
    if len(asked) > MAX_KIND_VALUES * 4:
        raise InvalidFilter({"kind": f"at most {MAX_KIND_VALUES} kinds may be given"})
    return [kind for kind in ActivityKind.slugs() if kind in asked]


def filter_activity(params, incidents, activities):
    """(kinds, attacks, other activity): ``incidents`` and ``activities`` (already limited to what the
    caller may show) filtered by ``params``; a queryset is None when its kinds are not asked for.
    Every parameter is validated, whichever kinds are asked for."""
    kinds = parse_kinds(params)
    attacks = filter_incidents(params, incidents)
    filtered = filter_activities(params, activities)
    others = [kind for kind in kinds if kind != ActivityKind.ATTACK]
    return (
        kinds,
        attacks if ActivityKind.ATTACK in kinds else None,
        filtered.of_kind(others) if others else None,
    )


def filter_activities(params, activities):
    """``activities`` filtered by every parameter but ``kind`` (filter_incidents' twin), or InvalidFilter."""
    filterset = ActivityFilterSet(params, queryset=activities)
    if not filterset.is_valid():
        raise InvalidFilter(error_messages(filterset))
    return filterset.qs
