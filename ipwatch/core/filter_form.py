"""The filter form as one component: the same fields, chips and counts on the map, the timeline,
the claims page, the incident list and /activity/ (templates/filters/_incident_filters.html).

Provinces and incident types (on /activity/: the kinds) are checkbox chips with the number of records
each would show (facet counts: a province's count respects every other filter, including the chosen
types, but not the chosen provinces, so ticking one more province shows what it adds). The counts come
from one grouped query; dates are plain ISO text (YYYY-MM-DD) whatever the browser's locale. Which
fieldsets a page shows is in the context (``chip_fieldsets``, ``show_claimed``), not in a copy of the
template.
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
INCIDENT_SEARCH_HINT = {
    "placeholder": "place, province, summary, source",
    "title": "Summaries, places in any spelling or script (aliases, Arabic, the gazetteer's spellings), "
    "provinces, report titles and quotes, source names",
}


@dataclass(frozen=True)
class Chip:
    value: str
    label: str
    count: int | None  # None: not counted (the other filters are invalid)
    selected: bool
    color: str = ""


@dataclass(frozen=True)
class ChipFieldset:
    """One fieldset of checkbox chips: ``name`` is the URL parameter each ticked chip sets."""

    name: str
    legend: str
    chips: list[Chip]
    counted: str = "incident"  # what a chip's count counts, read out by screen readers
    swatches: bool = False  # the provinces' colours
    count_marks: bool = False  # data-count="<value>" on each count (read by tests and the leak crawl)


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


def province_rows() -> list[tuple]:
    """(id, slug, name, colour) of every province, by name: the chips' options and the facet's slugs."""
    return list(Province.objects.order_by("name").values_list("id", "slug", "name", "color"))


def province_fieldset(rows, counts: Counter | None, params, counted: str = "incident") -> ChipFieldset:
    return ChipFieldset(
        "province",
        "Province",
        chips([row[1:] for row in rows], counts, params.getlist("province")),
        counted=counted,
        swatches=True,
    )


def facet_counts(
    params,
    queryset,
    province_slugs: dict | None = None,
    *,
    facet: tuple[str, str] = ("type", "incident_type"),
    apply_filters=filter_incidents,
    chosen: set[str] | None = None,
) -> tuple[Counter, Counter]:
    """(records per province slug, records per value of the second facet) for the chips, in one query.

    ``facet`` is (URL parameter, field) of the second facet (incidents: their type; /activity/: the
    kind), ``apply_filters(params, queryset)`` the page's filters and ``chosen`` the facet's values
    asked for (default: the parameter's values; empty: all). Grouping by (province, facet) with every
    other filter applied lets each facet ignore only its own selection. Grouped by province id, read
    for incidents from the index ``incident_facets`` alone (no join: at 100k published incidents the
    join and the table scan were ~110 ms of /claims/ on SQLite); ``province_slugs`` (id: slug) names
    them, read here when the caller has not."""
    param, field = facet
    others = QueryDict(mutable=True)
    for name, values in params.lists():
        if name not in ("province", param, "page", "sort"):
            others.setlist(name, values)
    rows = apply_filters(others, queryset).order_by().values_list("province_id", field).annotate(n=Count("id"))
    if province_slugs is None:
        province_slugs = dict(Province.objects.values_list("id", "slug"))
    chosen_provinces = set(params.getlist("province"))
    chosen_values = set(params.getlist(param)) if chosen is None else chosen
    by_province, by_value = Counter(), Counter()
    for province_id, value, n in rows:
        slug = province_slugs.get(province_id)
        if not chosen_values or value in chosen_values:
            by_province[slug] += n
        if not chosen_provinces or slug in chosen_provinces:
            by_value[value] += n
    return by_province, by_value


def form_context(params, chip_fieldsets, *, errors, text_params=TEXT_PARAMS, search_hint=INCIDENT_SEARCH_HINT) -> dict:
    """The component's context from its chip fieldsets; the claim status select shows when
    ``claimed`` is among ``text_params``."""
    names = (*text_params, *(fieldset.name for fieldset in chip_fieldsets))
    return {
        "chip_fieldsets": chip_fieldsets,
        "values": {name: params.get(name, "") for name in text_params},
        "show_claimed": "claimed" in text_params,
        "claimed_choices": YES_NO,
        "errors": errors,
        "active_count": sum(1 for name in names if any(v.strip() for v in params.getlist(name))),
        "iso_date_pattern": ISO_DATE_PATTERN,
        "search_hint": search_hint,
    }


def filter_form_context(params, queryset, *, errors=None, count=True) -> dict:
    """Everything templates/filters/_incident_filters.html needs on the incident pages.

    ``queryset`` is what the page shows before filtering (published, or visible to the user);
    ``errors`` maps parameters to messages (from the page's own validation). Counts are left out
    when the filters are invalid (they would count something the page does not show)."""
    errors = dict(errors or {})
    by_province = by_type = None
    rows = province_rows()
    if count and not errors:
        try:
            by_province, by_type = facet_counts(params, queryset, {row[0]: row[1] for row in rows})
        except InvalidFilter as exc:
            errors.update(exc.errors)
    provinces = province_fieldset(rows, by_province, params)
    types = ChipFieldset(
        "type",
        "Incident type",
        chips(((value, label, "") for value, label in IncidentType.choices), by_type, params.getlist("type")),
    )
    context = form_context(params, [provinces, types], errors=errors)
    return {**context, "provinces": provinces.chips, "types": types.chips}
