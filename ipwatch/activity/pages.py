"""/activity/ (every non-attack kind, with the shared filters plus kind) and /activity/<id>/.

The public sees published records only; analysts (and editors) also those in review, as on the
incident pages. A retracted record's URL answers 410 Gone without showing anything of it."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from ipwatch.core.cache import periods_in_query, public_cache
from ipwatch.core.citation import activity_citation
from ipwatch.core.countries import country_name
from ipwatch.core.filter_form import ChipFieldset, chips, facet_counts, form_context, province_fieldset, province_rows
from ipwatch.core.filters import InvalidFilter, filter_params
from ipwatch.core.models import Incident
from ipwatch.core.querysets import user_is_analyst
from ipwatch.core.record_page import reports_context, retracted_answer, visible_record

from .choices import NON_ATTACK_KINDS
from .filters import filter_activities, filter_activity
from .models import Activity

PAGE_SIZE = 50
LIST_PARAMS = ("kind", "province", "country", "since", "until", "q")
# The shared form's text fields on this page: no claim status (it describes attacks, listed elsewhere).
TEXT_PARAMS = ("country", "since", "until", "q", "bbox")
SEARCH_HINT = {
    "placeholder": "place, title, outlet, person, source",
    "title": "Titles, summaries, places in any spelling or script (aliases, Arabic, the gazetteer's spellings), "
    "provinces, outlets, people and names, report titles and quotes, source names",
}


def _selected_params(request) -> list[tuple[str, str]]:
    return [(name, value) for name in LIST_PARAMS for value in request.GET.getlist(name) if value.strip()]


def _filter_form(params, provinces, *, errors=None, by_province=None, by_kind=None) -> dict:
    """The shared filter component with province and kind chips (the kinds this page lists; counts
    None when the filters are invalid)."""
    chosen_kinds = [kind.strip() for value in params.getlist("kind") for kind in value.split(",")]
    kinds = ChipFieldset(
        "kind",
        "Kind",
        chips(((value, label, "") for value, label in NON_ATTACK_KINDS), by_kind, chosen_kinds),
        counted="record",
        count_marks=True,
    )
    fieldsets = [province_fieldset(provinces, by_province, params, counted="record"), kinds]
    return form_context(params, fieldsets, errors=errors or {}, text_params=TEXT_PARAMS, search_hint=SEARCH_HINT)


@public_cache(periods=periods_in_query)
def activity_list(request):
    params = request.GET
    activities = Activity.objects.visible_to(request.user)
    provinces = province_rows()
    context = {"is_analyst": user_is_analyst(request.user)}
    try:
        kinds, attacks, others = filter_activity(params, Incident.objects.visible_to(request.user), activities)
    except InvalidFilter as exc:
        context.update({"errors": exc.errors, "f": _filter_form(params, provinces, errors=exc.errors)})
        return render(request, "activity/activity_list.html", context, status=400)
    shown = others if others is not None else Activity.objects.none()
    query = params.get("q", "").strip()
    # Ranked by relevance when searching (as /incidents/ is), otherwise newest first.
    listed = shown.with_related().most_relevant_first(query) if query else shown.with_related().latest_first()
    page = Paginator(listed, PAGE_SIZE).get_page(params.get("page"))
    # One grouped query counts the chips: a province's records of the chosen kinds, a kind's records
    # in the chosen provinces (each ignoring only its own selection, as on the incident pages).
    by_province, by_kind = facet_counts(
        params,
        activities,
        {row[0]: row[1] for row in provinces},
        facet=("kind", "kind"),
        apply_filters=filter_activities,
        chosen=set(kinds),
    )
    context.update(
        {
            "f": _filter_form(params, provinces, by_province=by_province, by_kind=by_kind),
            "page": page,
            # The attacks matching the same filters (when attacks are among the kinds asked for) are
            # listed on /incidents/, which reads the same parameters but kind.
            "attack_count": attacks.count() if attacks is not None else None,
            "incident_query": urlencode(
                [pair for pair in filter_params(params) if pair[0] not in ("type", "claimed")]
            ),
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
        if activity.campaign_id and (activity.is_published or user_is_analyst(request.user))
        else None,
        "country": country_name(activity.place.country) if activity.place_id else "",
        "is_analyst": user_is_analyst(request.user),
    }
    return render(request, "activity/activity_detail.html", context)
