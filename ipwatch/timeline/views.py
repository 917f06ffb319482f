"""/timeline/, /claims/ and /api/timeline.json. Public: published incidents only."""

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.timeline import add_activity, timeline_querysets
from ipwatch.core import asof
from ipwatch.core.dates import MONTH, WEEK, YEAR, format_at_precision, parse_period_label
from ipwatch.core.figures import Tally
from ipwatch.core.filter_form import filter_form_context
from ipwatch.core.filters import InvalidFilter, filter_params, invalid_filter_response
from ipwatch.core.models import Incident, Milestone
from ipwatch.core.palette import assign_colors

from . import claims, rollup
from .aggregation import build_timeline, choose_granularity
from .params import AUTO, parse_timeline_request

INCIDENTS_URL = "/incidents/"  # the incident list (issue 7) takes the same filter parameters
INCIDENTS_PER_PAGE = 25
# Parameters of these pages that are not incident filters (not passed on to /incidents/ links).
OWN_PARAMS = {"granularity", "group", "page"}


def _timeline_payload(request_params, *, count_synthetic=False):
    parsed = parse_timeline_request(request_params, Incident.objects.published())
    # kind= adds the other activity kinds (attacks only without it); territory comes back as spans.
    counted, territory = timeline_querysets(request_params, parsed.queryset, parsed.group)
    since, until = parsed.cleaned.get("since"), parsed.cleaned.get("until")
    # The axis is chosen from the records' real dates (the rollup keeps piece starts only).
    granularity = parsed.granularity or choose_granularity(counted, since, until)
    if counted and counted[0].model is Incident:  # attacks asked for: from the rollup when it can answer
        counted = [*(rollup.attack_querysets(counted[0], parsed.cleaned, parsed.group) or counted[:1]), *counted[1:]]
    payload = build_timeline(
        counted,
        granularity=granularity,
        group=parsed.group,
        since=since,
        until=until,
        province_slugs=parsed.province_slugs,
        count_synthetic=count_synthetic,
    )
    return parsed, add_activity(payload, territory)


@require_safe
def timeline_api(request):
    try:
        _, payload = _timeline_payload(request.GET)
    except InvalidFilter as exc:
        return invalid_filter_response(exc)
    return JsonResponse({**payload, "data_as_of": asof.iso(asof.for_request(request))})


# Page helpers -------------------------------------------------------------------------------


def incidents_link(params, since: dt.date, until: dt.date, *, group: str | None = None, key: str | None = None) -> str:
    """`/incidents/?…` for one period (and group), keeping the page's other filters.

    The period is intersected with the requested since/until, so a click never widens the view.
    """
    pairs = [(name, value) for name, value in filter_params(params) if name not in {"since", "until"}]
    requested_since = _parse_date(params.get("since"))
    requested_until = _parse_date(params.get("until"))
    if requested_since and requested_since > since:
        since = requested_since
    if requested_until and requested_until < until:
        until = requested_until
    if group and key:
        name = "province" if group == "province" else "type"
        # Narrow to the clicked group; "no province" cannot be expressed as a filter.
        if not key.startswith("_"):
            pairs = [(n, v) for n, v in pairs if n != name] + [(name, key)]
    pairs += [("since", since.isoformat()), ("until", until.isoformat())]
    return f"{INCIDENTS_URL}?{urlencode(pairs)}"


def _parse_date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def human_period(label: str) -> str:
    granularity, start = parse_period_label(label)
    if granularity == WEEK:
        end = start + dt.timedelta(days=6)
        return f"{label} ({start.day} {start:%b}–{end.day} {end:%b %Y})"
    if granularity == MONTH:
        return f"{start:%b %Y}"
    return f"{start.year}"


def chart_table(payload: dict, params) -> dict:
    """The chart as a table: one row per non-empty period and per date-uncertain band."""
    series = payload["series"]
    points = {entry["key"]: {point["period"]: point for point in entry["points"]} for entry in series}
    rows = []
    for period in payload["periods"]:
        label = period["period"]
        cells = [points[entry["key"]].get(label) for entry in series]
        total = sum(cell["incidents"] for cell in cells if cell)
        if not total:
            continue
        since, until = dt.date.fromisoformat(period["since"]), dt.date.fromisoformat(period["until"])
        rows.append(
            {
                "sort": (since, 0),
                "label": human_period(label),
                "uncertain": False,
                "counts": [cell["incidents"] if cell else 0 for cell in cells],
                "total": total,
                **_tallies(cell for cell in cells if cell),
                "link": incidents_link(params, since, until),
            }
        )
    order = {entry["key"]: index for index, entry in enumerate(series)}
    for band in uncertain_bands(payload, params):
        counts = [0] * len(series)
        for part in band["parts"]:
            counts[order[part["key"]]] = part["incidents"]
        rows.append(
            {
                "sort": (dt.date.fromisoformat(band["since"]), 1),
                "label": f"{band['display']} — date known only to the {band['precision']}",
                "uncertain": True,
                "counts": counts,
                "total": band["incidents"],
                **_tallies(band["parts"]),
                "link": band["link"],
            }
        )
    if payload.get("spans"):  # kind=territory: held periods are drawn as spans, never in the bars
        rows.append(
            {
                "sort": (dt.date.max, 2),
                "label": "Territory held — drawn as spans across the chart, not in the bars",
                "uncertain": True,
                "counts": [0] * len(series),
                "total": len(payload["spans"]),
                "killed": None,  # no casualty figures: shown as –, never as 0
                "wounded": None,
                "link": "/activity/?kind=territory",
            }
        )
    rows.sort(key=lambda row: row["sort"])
    return {
        "columns": [entry["label"] for entry in series],
        "rows": rows,
        "totals": {
            "counts": [sum(point["incidents"] for point in entry["points"]) for entry in series],
            # Rows without casualty figures (territory spans) are not part of the sums.
            "killed": sum((row["killed"] for row in rows if row["killed"] is not None), Tally()),
            "wounded": sum((row["wounded"] for row in rows if row["wounded"] is not None), Tally()),
        },
    }


def _tallies(points) -> dict:
    """Killed and wounded of some timeline points as Tallies: unknown figures are counted, not zeros."""
    killed, wounded = Tally(), Tally()
    for point in points:
        killed += Tally(point["killed"], point["killed_unknown"])
        wounded += Tally(point["wounded"], point["wounded_unknown"])
    return {"killed": killed, "wounded": wounded}


def uncertain_bands(payload: dict, params) -> list[dict]:
    """Uncertain entries merged across series: one band per month (or year) with a breakdown."""
    bands: dict[tuple, dict] = {}
    for entry in payload["uncertain"]:
        band = bands.setdefault(
            (entry["since"], entry["precision"]),
            {
                "period": entry["period"],
                "precision": entry["precision"],
                "since": entry["since"],
                "until": entry["until"],
                "first_period": entry["first_period"],
                "last_period": entry["last_period"],
                "display": format_at_precision(dt.date.fromisoformat(entry["since"]), entry["precision"]),
                "incidents": 0,
                "killed": 0,
                "wounded": 0,
                "killed_unknown": 0,
                "wounded_unknown": 0,
                "parts": [],
            },
        )
        for figure in ("incidents", "killed", "wounded", "killed_unknown", "wounded_unknown"):
            band[figure] += entry[figure]
        band["parts"].append(entry)
    for band in bands.values():
        band["figures"] = _tallies(band["parts"])
        band["link"] = incidents_link(
            params, dt.date.fromisoformat(band["since"]), dt.date.fromisoformat(band["until"])
        )
    return list(bands.values())


GRANULARITY_CHOICES = [(AUTO, "Automatic"), (WEEK, "Week"), (MONTH, "Month"), (YEAR, "Year")]
GROUP_CHOICES = [("province", "Province"), ("type", "Incident type"), ("kind", "Activity kind")]


def _form_context(request, errors=None):
    """The shared filter form (chips with counts, ISO dates) plus this page's own fields."""
    params = request.GET
    return {
        "f": filter_form_context(params, Incident.objects.published(), errors=errors),
        "errors": errors or {},
        "granularity_choices": GRANULARITY_CHOICES,
        "group_choices": GROUP_CHOICES,
        "activity_kinds": ActivityKind.choices,
        "selected_kinds": [kind for value in params.getlist("kind") for kind in value.split(",")],
        "granularity_value": params.get("granularity") or AUTO,
        "group_value": params.get("group") or "province",
    }


def _querystring_without(params, *names) -> str:
    pairs = [(key, value) for key in params for value in params.getlist(key) if key not in names and value != ""]
    return urlencode(pairs)


def timeline_page(request):
    try:
        parsed, payload = _timeline_payload(request.GET, count_synthetic=True)
    except InvalidFilter as exc:
        return render(request, "timeline/timeline.html", _form_context(request, exc.errors), status=400)
    context = _form_context(request)
    assign_colors(payload["series"])  # distinguishable colours, the smallest series grouped as "other"
    page = Paginator(parsed.queryset.with_related().chronological(), INCIDENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    milestones_in_view = {(m["date"], m["title"]) for m in payload["milestones"]}
    all_milestones = [
        {"milestone": milestone, "in_view": (milestone.date.isoformat(), milestone.title) in milestones_in_view}
        for milestone in Milestone.objects.select_related("province").order_by("date", "id")
    ]
    context.update(
        {
            "payload": payload,
            "chart_context": {
                "incidents_url": INCIDENTS_URL,
                "map_url": reverse("maps:map"),
                "filters": filter_params(request.GET),
                "group": payload["group"],
            },
            "table": chart_table(payload, request.GET),
            "bands": uncertain_bands(payload, request.GET),
            "page": page,
            "page_query": _querystring_without(request.GET, "page"),
            "all_milestones": all_milestones,
            "granularity_label": dict(GRANULARITY_CHOICES)[payload["granularity"]].lower(),
            "group_label": dict(GROUP_CHOICES)[payload["group"]].lower(),
            "api_query": _querystring_without(request.GET, "page"),
            "claims_query": urlencode(filter_params(request.GET)),
        }
    )
    return render(request, "timeline/timeline.html", context)


CLAIMS_GRANULARITIES = (MONTH, YEAR)


def claims_page(request):
    try:
        parsed = parse_timeline_request(request.GET, Incident.objects.published(), granularities=CLAIMS_GRANULARITIES)
    except InvalidFilter as exc:
        parsed, errors = None, exc.errors
    else:
        errors = None
    context = _form_context(request, errors)
    context["granularity_choices"] = [(YEAR, "Year"), (MONTH, "Month")]
    context["granularity_value"] = request.GET.get("granularity") or YEAR
    if parsed is None:
        return render(request, "timeline/claims.html", context, status=400)
    granularity = parsed.granularity or YEAR
    rows, comparisons = claims.province_period_table(parsed.queryset, granularity, parsed.cleaned)
    context.update(
        {
            "granularity": granularity,
            "rows": rows,
            "totals": claims.totals(rows),
            "comparisons": comparisons,
            "campaigns": claims.campaign_rows(parsed.queryset),
            "filtered": bool(filter_params(request.GET)),
            "timeline_query": urlencode(filter_params(request.GET)),
        }
    )
    return render(request, "timeline/claims.html", context)
