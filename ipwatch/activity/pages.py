"""/activity/ (every non-attack kind, with the shared filters plus kind) and /activity/<id>/.

The public sees published records only; analysts (and editors) also those in review, as on the
incident pages. A retracted record's URL answers 410 Gone without showing anything of it."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from ipwatch.core.cache import periods_in_query, public_cache
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.citation import activity_citation
from ipwatch.core.countries import country_name
from ipwatch.core.filters import InvalidFilter, filter_params
from ipwatch.core.models import Incident, Province
from ipwatch.core.querysets import user_is_analyst
from ipwatch.core.record_page import reports_context, retracted_answer, visible_record

from .choices import ActivityKind
from .filters import filter_activity
from .models import Activity
from .stats import kind_counts

PAGE_SIZE = 50
LIST_PARAMS = ("kind", "province", "country", "since", "until", "q")


def _selected_params(request) -> list[tuple[str, str]]:
    return [(name, value) for name in LIST_PARAMS for value in request.GET.getlist(name) if value.strip()]


@public_cache(periods=periods_in_query)
def activity_list(request):
    context = {
        "kinds": ActivityKind.choices,
        "provinces": Province.objects.only("slug", "name"),
        "selected_kinds": [v for value in request.GET.getlist("kind") for v in value.split(",")],
        "selected_provinces": request.GET.getlist("province"),
        "is_analyst": user_is_analyst(request.user),
    }
    try:
        _, attacks, others = filter_activity(
            request.GET, Incident.objects.visible_to(request.user), Activity.objects.visible_to(request.user)
        )
    except InvalidFilter as exc:
        return render(request, "activity/activity_list.html", {**context, "errors": exc.errors}, status=400)
    shown = others if others is not None else Activity.objects.none()
    query = request.GET.get("q", "").strip()
    # Ranked by relevance when searching (as /incidents/ is), otherwise newest first.
    listed = shown.with_related().most_relevant_first(query) if query else shown.with_related().latest_first()
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    passed_on = [pair for pair in filter_params(request.GET) if pair[0] != "type" and pair[0] != "claimed"]
    counts = kind_counts(
        attacks if attacks is not None else Incident.objects.none(),
        others if others is not None else Activity.objects.none(),
        params=[pair for pair in passed_on if pair[0] != "kind"],
    )
    context.update(
        {
            "page": page,
            "counts": counts,
            "total": sum(row["count"] for row in counts),
            "page_query": urlencode(_selected_params(request)),
            "export_query": urlencode(_selected_params(request)),
        }
    )
    return render(request, "activity/activity_list.html", context)


def _details(activity) -> list[tuple[str, str]]:
    """(label, text) of the record's kind-specific fields that hold a value (links handled in the template)."""
    rows = []
    for name in activity.detail_fields:
        if name in {"claimed_incidents", "campaign", "linked_arrest", "end_date", "end_date_precision", "outlet"}:
            continue
        field = activity._meta.get_field(name)
        value = getattr(activity, name)
        if value in (None, ""):
            continue
        display = getattr(activity, f"get_{name}_display")() if field.choices else value
        rows.append((field.verbose_name.capitalize(), display))
    return rows


@public_cache
def activity_detail(request, pk):
    activity = visible_record(Activity, request.user, pk)
    if activity is None:
        gone = retracted_answer(request, Activity, pk, "activity/activity_retracted.html", {"activity_id": pk})
        if gone:
            return gone
        raise Http404("No such record")
    visible = Activity.objects.visible_to(request.user)
    reports, report_lists = reports_context(activity)
    context = {
        "activity": activity,
        "details": _details(activity),
        "cite": activity_citation(
            activity, reports, request.build_absolute_uri(activity.get_absolute_url()), timezone.localdate()
        ),
        **report_lists,
        "claimed_incidents": list(
            Incident.objects.visible_to(request.user)
            .filter(claiming_releases=activity)
            .select_related("place")
            .order_by("date", "id")
        ),
        "linked_arrest": visible.filter(pk=activity.linked_arrest_id).first() if activity.linked_arrest_id else None,
        "legal_cases": list(visible.filter(linked_arrest=activity).order_by("date", "id")),
        "campaign_public": activity.campaign
        if activity.campaign_id and (activity.status == IncidentStatus.PUBLISHED or user_is_analyst(request.user))
        else None,
        "country": country_name(activity.place.country) if activity.place_id else "",
        "is_analyst": user_is_analyst(request.user),
    }
    return render(request, "activity/activity_detail.html", context)
