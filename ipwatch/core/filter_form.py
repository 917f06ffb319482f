"""The incident filter form as one component: the same fields, chips and counts on the map, the
timeline, the claims page and the incident list (templates/filters/_incident_filters.html).

Provinces and incident types are checkbox chips with the number of incidents each would show
(facet counts: a province's count respects every other filter, including the chosen types, but not
the chosen provinces, so ticking one more province shows what it adds). The counts come from one
grouped query; dates are plain ISO text (YYYY-MM-DD) whatever the browser's locale.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.http import QueryDict

from .choices import IncidentType
from .filters import YES_NO, InvalidFilter, filter_incidents
from .models import Province

ISO_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
TEXT_PARAMS = ("country", "since", "until", "claimed", "q", "bbox")


@dataclass(frozen=True)
class Chip:
    value: str
    label: str
    count: int | None  # None: not counted (the other filters are invalid)
    selected: bool
    color: str = ""


def chips(options, counts: Counter | None, chosen: list[str]) -> list[Chip]:
    """A chip for each (value, label, colour) of ``options``: selected when chosen, its count None
    when nothing was counted and 0 (never None) when counted and absent."""
    return [
        Chip(
            value=value,
            label=label,
            count=None if counts is None else counts.get(value, 0),
            selected=value in chosen,
            color=color,
        )
        for value, label, color in options
    ]


def facet_counts(params, queryset, province_slugs: dict | None = None) -> tuple[Counter, Counter]:
    """(incidents per province slug, incidents per type) for the facet chips, in one query.

    Grouping by (province, type) with every other filter applied lets each facet ignore only its
    own selection. Grouped by province id, read from the index ``incident_facets`` alone (no join:
    at 100k published incidents the join and the table scan were ~110 ms of /claims/ on SQLite);
    ``province_slugs`` (id: slug) names them, read here when the caller has not."""
    others = QueryDict(mutable=True)
    for name, values in params.lists():
        if name not in ("province", "type", "page", "sort"):
            others.setlist(name, values)
    rows = (
        filter_incidents(others, queryset)
        .order_by()
        .values_list("province_id", "incident_type")
        .annotate(n=Count("id"))
    )
    if province_slugs is None:
        province_slugs = dict(Province.objects.values_list("id", "slug"))
    chosen_provinces = set(params.getlist("province"))
    chosen_types = set(params.getlist("type"))
    by_province, by_type = Counter(), Counter()
    for province_id, incident_type, n in rows:
        slug = province_slugs.get(province_id)
        if not chosen_types or incident_type in chosen_types:
            by_province[slug] += n
        if not chosen_provinces or slug in chosen_provinces:
            by_type[incident_type] += n
    return by_province, by_type


def filter_form_context(params, queryset, *, errors=None, count=True) -> dict:
    """Everything templates/filters/_incident_filters.html needs.

    ``queryset`` is what the page shows before filtering (published, or visible to the user);
    ``errors`` maps parameters to messages (from the page's own validation). Counts are left out
    when the filters are invalid (they would count something the page does not show)."""
    errors = dict(errors or {})
    by_province = by_type = None
    province_rows = list(Province.objects.order_by("name").values_list("id", "slug", "name", "color"))
    if count and not errors:
        try:
            by_province, by_type = facet_counts(params, queryset, {row[0]: row[1] for row in province_rows})
        except InvalidFilter as exc:
            errors.update(exc.errors)
    provinces = chips([row[1:] for row in province_rows], by_province, params.getlist("province"))
    types = chips(((value, label, "") for value, label in IncidentType.choices), by_type, params.getlist("type"))
    values = {name: params.get(name, "") for name in TEXT_PARAMS}
    active = sum(1 for name in (*TEXT_PARAMS, "province", "type") if any(v.strip() for v in params.getlist(name)))
    return {
        "provinces": provinces,
        "types": types,
        "values": values,
        "claimed_choices": YES_NO,
        "errors": errors,
        "active_count": active,
        "iso_date_pattern": ISO_DATE_PATTERN,
    }
