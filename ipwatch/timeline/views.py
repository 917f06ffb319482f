"""/timeline/, /claims/ and /api/timeline.json. Public: published incidents only (and, with ``kind=``,
published activity records of the other kinds)."""

from urllib.parse import urlencode

import orjson
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.timeline import add_activity, timeline_querysets
from ipwatch.core import asof
from ipwatch.core.dates import MONTH, WEEK, YEAR
from ipwatch.core.filter_form import filter_form_context
from ipwatch.core.filters import InvalidFilter, filter_params, invalid_filter_response
from ipwatch.core.models import Incident, Milestone
from ipwatch.core.palette import assign_colors

from . import claims, rollup
from .aggregation import build_timeline, choose_granularity
from .params import AUTO, parse_timeline_request
from .table import chart_table, uncertain_bands

INCIDENTS_PER_PAGE = 25
_DJANGO_JSON = DjangoJSONEncoder()


def _timeline_payload(request_params, *, count_synthetic=False):
    parsed = parse_timeline_request(request_params, Incident.objects.published())
    # kind= adds the other activity kinds (attacks only without it); territory comes back as spans.
    counted, territory = timeline_querysets(request_params, parsed.queryset, parsed.group)
    since, until = parsed.cleaned.get("since"), parsed.cleaned.get("until")
    # The axis is chosen from the records' real dates (the rollup keeps piece starts only).
    granularity = parsed.granularity or choose_granularity(counted, since, until)
    if counted and counted[0].model is Incident:  # attacks asked for: from the rollup when it can answer
        cells = rollup.attack_querysets(counted[0], parsed.cleaned, parsed.group, granularity)
        counted = [*(cells or counted[:1]), *counted[1:]]
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
    # orjson: an unfiltered week answer at 100k records is ~11,000 points (1.7 MB); the standard
    # encoder took ~45 ms of it under load, orjson ~3 ms (docs/benchmarks.md). Same JSON, compact;
    # anything orjson does not know natively goes through Django's encoder as before.
    body = orjson.dumps({**payload, "data_as_of": asof.iso(asof.for_request(request))}, default=_DJANGO_JSON.default)
    return HttpResponse(body, content_type="application/json")


GRANULARITY_CHOICES = [(AUTO, "Automatic"), (WEEK, "Week"), (MONTH, "Month"), (YEAR, "Year")]
GROUP_CHOICES = [("province", "Province"), ("type", "Incident type"), ("kind", "Activity kind")]


def _form_context(request, errors=None):
    """The shared filter form (chips with counts, ISO dates) plus this page's own fields."""
    params = request.GET
    selected_kinds = [kind for value in params.getlist("kind") for kind in value.split(",")]
    return {
        "f": filter_form_context(params, Incident.objects.published(), errors=errors),
        "errors": errors or {},
        "granularity_choices": GRANULARITY_CHOICES,
        "group_choices": GROUP_CHOICES,
        "activity_kinds": ActivityKind.choices,
        "selected_kinds": selected_kinds,
        "selected_kind_labels": [label.lower() for value, label in ActivityKind.choices if value in selected_kinds],
        # What the bars count: other activity kinds are records, not incidents.
        "counted": "records" if set(selected_kinds) - {ActivityKind.ATTACK} else "incidents",
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
    bands = uncertain_bands(payload, request.GET)
    milestones_in_view = {(m["date"], m["title"]) for m in payload["milestones"]}
    all_milestones = [
        {"milestone": milestone, "in_view": (milestone.date.isoformat(), milestone.title) in milestones_in_view}
        for milestone in Milestone.objects.select_related("province").order_by("date", "id")
    ]
    context.update(
        {
            "payload": payload,
            "chart_context": {
                "incidents_url": reverse("public:incident-list"),
                "activity_url": reverse("activity:list"),
                "map_url": reverse("maps:map"),
                "filters": filter_params(request.GET),
                "group": payload["group"],
                "counted": context["counted"],
            },
            "table": chart_table(payload, request.GET, bands),
            "bands": bands,
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
