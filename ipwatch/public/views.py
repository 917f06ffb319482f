"""The public read-only site (anonymous visitors) and what analysts additionally see.

Every queryset starts from ``Incident.objects.published()`` or ``.visible_to(request.user)``;
anonymous responses are cached by ``public_cache`` (a change invalidates the answers it can affect)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_filters.views import FilterView

from ipwatch.activity.models import Activity
from ipwatch.activity.stats import kind_counts
from ipwatch.core import codebook, search
from ipwatch.core.cache import periods_in_query, province_in_path, public_cache
from ipwatch.core.choices import (
    ClaimStatus,
    DatePrecision,
    IncidentStatus,
    IncidentType,
    LocationPrecision,
    SourceKind,
    TargetType,
)
from ipwatch.core.citation import citation
from ipwatch.core.countries import country_name
from ipwatch.core.figures import describe
from ipwatch.core.filter_form import filter_form_context
from ipwatch.core.filters import IncidentFilterSet, InvalidFilter, error_messages, filter_incidents, filter_params
from ipwatch.core.merging import final_survivor
from ipwatch.core.models import Incident, Province, Source
from ipwatch.core.querysets import published_through, user_is_analyst
from ipwatch.core.record_page import reports_context, retracted_answer, visible_record
from ipwatch.exchange.export import CHUNK_SIZE, csv_lines, export_queryset

from . import openapi, stats
from .charts import chart_span, monthly_chart

LIST_PAGE_SIZE = 50
LATEST_ON_OVERVIEW = 8
LATEST_ON_PROVINCE = 10
CHART_MONTHS = 36

# ?sort= values for the incident list: the ordering, and what the column header says.
SORTS = {
    "relevance": ("-relevance", "-date", "-id"),  # the default when searching (q=) with no sort asked
    "-date": ("-date", "-id"),
    "date": ("date", "id"),
    "-casualties": ("-casualties", "-date", "-id"),
    "casualties": ("casualties", "date", "id"),
}


LEAFLET_JS = "vendor/leaflet/leaflet.js"
TOPOJSON_JS = "vendor/topojson-client/topojson-client.min.js"
BASEMAP = "vendor/world-atlas/countries-50m.json"  # Natural Earth country outlines, drawn offline


def with_query(url: str, query) -> str:
    """``url`` with ``query`` (a dict or (name, value) pairs) as its query string, when there is one."""
    query_string = urlencode(query, doseq=True)
    return f"{url}?{query_string}" if query_string else url


def small_map_context(query: dict) -> dict:
    """What templates/public/_small_map.html needs: the GeoJSON URL for the points to draw, the map
    page with the same filters, and the vendored scripts that draw them."""
    return {
        "geojson_url": with_query(reverse("maps:incidents-geojson"), query),
        "map_url": with_query(reverse("maps:map"), query),
        "leaflet_css": static("vendor/leaflet/leaflet.css"),
        "leaflet_js": static(LEAFLET_JS),
        "topojson_js": static(TOPOJSON_JS),
        "basemap_url": static(BASEMAP),
    }


def countries_display(codes) -> list[dict]:
    return [{"code": code, "name": country_name(code)} for code in codes or []]


# Overview ----------------------------------------------------------------------------------


@public_cache
def overview(request):
    on = stats.reference_date(request)
    published = Incident.objects.published()
    windows, totals, provinces = stats.overview_figures(on)
    latest = list(published.with_related().latest_first()[:LATEST_ON_OVERVIEW])
    first_month, last_month = chart_span(totals["last_date"], on, CHART_MONTHS)
    chart = monthly_chart(stats.published_monthly_counts(first_month, last_month), last_month, months=CHART_MONTHS)
    last_update = max(
        (moment for moment in (totals["last_published"], totals["last_updated"]) if moment), default=None
    )
    context = {
        "on": on,
        "windows": windows,
        "totals": totals,
        "active_provinces": stats.most_active(provinces),
        "active_count": stats.active_count(provinces),
        "dormant_after": stats.DORMANT_AFTER_DAYS,
        "province_count": len(provinces),
        "latest": latest,
        "chart": chart,
        "last_update": last_update,
        "small_map": small_map_context({}),
        "kind_counts": kind_counts(totals["total"], Activity.objects.published()),
    }
    return render(request, "public/overview.html", context)


# Incident list -----------------------------------------------------------------------------


class IncidentListView(FilterView):
    """/incidents/: the shared filters (same parameters as the map), sorting, pagination.
    Malformed filters → 400 with the reasons on the page; a page beyond the last → the last page."""

    filterset_class = IncidentFilterSet
    template_name = "public/incident_list.html"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return (
            Incident.objects.visible_to(self.request.user)
            .with_related()
            .annotate(casualties=Coalesce("killed_best", Value(0)) + Coalesce("wounded_best", Value(0)))
        )

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        errors = {}
        if self.filterset.is_bound and not self.filterset.is_valid():
            for param, message in error_messages(self.filterset).items():
                given = ", ".join(request.GET.getlist(param))
                # Say what was given: a browser's date field cannot redisplay an invalid date.
                errors[param] = f"{message} (given: {given!r})" if given and given not in message else message
        query = request.GET.get("q", "").strip()
        self.sort = request.GET.get("sort") or ("relevance" if query else "-date")
        if self.sort == "relevance" and not query:
            self.sort = "-date"  # nothing to be relevant to
        if self.sort not in SORTS:
            errors["sort"] = f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}"
        page = request.GET.get("page")
        if page not in (None, "", "last") and not page.isdigit():
            errors["page"] = f"page must be a page number, not {page!r}"
        if errors:
            return self.render_invalid(errors)
        queryset = self.filterset.qs
        if self.sort == "relevance":
            queryset = search.with_relevance(queryset, query)
        self.object_list = queryset.order_by(*SORTS[self.sort])
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def render_invalid(self, errors):
        self.object_list = Incident.objects.none()
        context = {
            "filter": self.filterset,
            "errors": errors,
            "f": filter_form_context(self.request.GET, Incident.objects.none(), errors=errors),
            "sort": self.sort if self.sort in SORTS else "-date",
            "is_analyst": user_is_analyst(self.request.user),
        }
        return render(self.request, self.template_name, context, status=400)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        # get_page() answers a page beyond the last with the last page (and "last" with it too).
        page_number = self.request.GET.get("page") or 1
        page = paginator.get_page(paginator.num_pages if page_number == "last" else page_number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filter_query = filter_params(self.request.GET)
        context.update(
            {
                "sort": self.sort,
                "filter_query": urlencode(filter_query),
                "page_query": urlencode([*filter_query, ("sort", self.sort)]),
                "export_query": urlencode(filter_query),
                "active_filters": bool(filter_query),
                "is_analyst": user_is_analyst(self.request.user),
                "f": filter_form_context(self.request.GET, Incident.objects.visible_to(self.request.user)),
                "map_url": with_query(reverse("maps:map"), filter_query),
            }
        )
        return context


incident_list = public_cache(IncidentListView.as_view(), periods=periods_in_query)


# Incident detail ---------------------------------------------------------------------------


def _neighbours(incident, queryset):
    """Previous and next incident in the same province, in (date, id) order."""
    if not incident.province_id:
        return None, None
    same = queryset.filter(province_id=incident.province_id).select_related("place")
    earlier = Q(date__lt=incident.date) | Q(date=incident.date, id__lt=incident.id)
    later = Q(date__gt=incident.date) | Q(date=incident.date, id__gt=incident.id)
    previous = same.filter(earlier).order_by("-date", "-id").first()
    following = same.filter(later).order_by("date", "id").first()
    return previous, following


def _incident_map(incident):
    """The incident's own point, plus the published incidents around it (±1°) for context."""
    place = incident.place
    if not (place and place.has_coordinates):
        return None
    lat, lon = place.latitude, place.longitude
    bbox = f"{max(lon - 1, -180):.3f},{max(lat - 1, -90):.3f},{min(lon + 1, 180):.3f},{min(lat + 1, 90):.3f}"
    return {**small_map_context({"bbox": bbox}), "latitude": lat, "longitude": lon, "label": place.name}


def incident_figures(incident) -> list[dict]:
    """Killed and wounded as best estimate and range, "unknown" where nothing is recorded."""
    rows = []
    for name, label in (("killed", "Killed"), ("wounded", "Wounded")):
        low, best, high = (getattr(incident, f"{name}_{bound}") for bound in ("low", "best", "high"))
        if low is None and high is None:
            span = "not recorded"
        elif high is None:
            span = f"at least {low:,} (no upper figure)"
        elif low is None:
            span = f"up to {high:,} (no lower figure)"
        elif low == high:
            span = f"{low:,}"
        else:
            span = f"{low:,}–{high:,}"
        rows.append({"name": name, "label": label, "best": describe(best), "range": span})
    return rows


def _incident_province(request, pk, *args, **kwargs):
    """An incident's page shows it, its reports and its province neighbours: its province's scope."""
    return [Incident.objects.filter(pk=pk).values_list("province__slug", flat=True).first() or ""]


@public_cache(provinces=_incident_province)
def incident_detail(request, pk):
    visible = Incident.objects.visible_to(request.user)
    incident = visible_record(Incident, request.user, pk)
    if incident is None:
        gone = retracted_answer(request, Incident, pk, "public/incident_retracted.html", {"incident_id": pk})
        if gone:
            return gone
        # A duplicate merged into another incident: its address leads to the one that stands.
        merged = Incident.objects.filter(pk=pk, status=IncidentStatus.MERGED).select_related("merged_into").first()
        if merged is not None:
            survivor = final_survivor(merged)
            if visible.filter(pk=survivor.pk).exists():
                return HttpResponsePermanentRedirect(survivor.get_absolute_url())
        raise Http404("No such incident")
    reports, report_lists = reports_context(incident)
    previous, following = _neighbours(incident, visible)
    is_analyst = user_is_analyst(request.user)
    permalink = request.build_absolute_uri(incident.get_absolute_url())
    context = {
        "incident": incident,
        "figures": incident_figures(incident),
        "cite": citation(incident, reports, permalink, timezone.localdate()),
        **report_lists,
        "previous": previous,
        "next": following,
        "is_analyst": is_analyst,
        "country": country_name(incident.place.country) if incident.place_id else "",
        "small_map": _incident_map(incident),
    }
    return render(request, "public/incident_detail.html", context)


# Provinces ---------------------------------------------------------------------------------


@public_cache
def province_list(request):
    on = stats.reference_date(request)
    provinces = stats.provinces_with_activity(on)
    for province in provinces:
        province.country_list = countries_display(province.countries)
    context = {"provinces": provinces, "on": on, "dormant_after": stats.DORMANT_AFTER_DAYS}
    return render(request, "public/province_list.html", context)


@public_cache(provinces=province_in_path)
def province_detail(request, slug):
    on = stats.reference_date(request)
    queryset = Province.objects.filter(slug=slug).prefetch_related(
        Prefetch("merged_provinces", queryset=Province.objects.only("id", "name", "slug", "merged_into"))
    )
    found = stats.provinces_with_activity(on, queryset)
    if not found:
        raise Http404("No such province")
    province = found[0]
    first_month, last_month = chart_span(province.last_incident_on, on, CHART_MONTHS)
    latest = list(
        Incident.objects.visible_to(request.user)
        .filter(province=province)
        .with_related()
        .latest_first()[:LATEST_ON_PROVINCE]
    )
    context = {
        "province": province,
        "on": on,
        "countries": countries_display(province.countries),
        "latest": latest,
        "chart": monthly_chart(
            stats.published_monthly_counts(first_month, last_month, province), last_month, months=CHART_MONTHS
        ),
        "dormant_after": stats.DORMANT_AFTER_DAYS,
        "small_map": small_map_context({"province": province.slug}),
        "list_url": with_query(reverse("public:incident-list"), {"province": province.slug}),
        "timeline_url": with_query(reverse("timeline:timeline"), {"province": province.slug}),
        # Every kind: attacks above, the rest (media releases, arrests, territory…) here.
        "kind_counts": kind_counts(
            province.incident_total,
            Activity.objects.published().filter(province=province),
            params=[("province", slug)],
        ),
        "latest_activity": list(
            Activity.objects.visible_to(request.user)
            .filter(province=province)
            .with_related()
            .latest_first()[:LATEST_ON_PROVINCE]
        ),
        "is_analyst": user_is_analyst(request.user),
    }
    return render(request, "public/province_detail.html", context)


# Sources -----------------------------------------------------------------------------------


@public_cache
def source_list(request):
    published = published_through("reports__incident")
    # Only outlets cited by at least one published incident: a source entered for a draft is not public yet.
    sources = (
        Source.objects.annotate(
            published_reports=Count("reports", filter=published),
            claim_reports=Count("reports", filter=published & Q(reports__is_claim=True)),
            incidents=Count("reports__incident", filter=published, distinct=True),
        )
        .filter(published_reports__gt=0)
        .order_by("kind", "name")
    )
    kinds = dict(SourceKind.choices)
    grouped: dict[str, list] = {}
    for source in sources:
        grouped.setdefault(kinds.get(source.kind, source.kind), []).append(source)
    return render(request, "public/source_list.html", {"grouped": grouped, "source_count": len(sources)})


# About -------------------------------------------------------------------------------------


# Plain-language definitions shown on /about/ (the codes are those of ipwatch.core.choices).
TYPE_DEFINITIONS = {
    IncidentType.RAID: "Armed assault on a position, camp, checkpoint, prison or town by attackers on the ground.",
    IncidentType.BOMBING: "Explosive device (IED, car bomb, planted charge) not carried by an attacker who dies.",
    IncidentType.SUICIDE_ATTACK: "Attack in which the attacker intends to die: suicide vest, vehicle or assault.",
    IncidentType.AMBUSH: "Surprise attack on a moving convoy, patrol or vehicle.",
    IncidentType.ASSASSINATION: "Targeted killing of a named or identifiable person (official, elder, officer).",
    IncidentType.EXECUTION: "Killing of captives or residents under the group's control, often publicised.",
    IncidentType.KIDNAPPING: "Abduction of one or more people, where that is the main act.",
    IncidentType.INDIRECT_FIRE: "Mortar, rocket or artillery fire at a distance.",
    IncidentType.ARSON_SABOTAGE: "Burning of houses or stores, cutting power or telecoms, destroying infrastructure.",
    IncidentType.OTHER: "Anything else recorded, described in the summary.",
}
DATE_PRECISION_DEFINITIONS = {
    DatePrecision.DAY: "The day is known: “4 May 2019”.",
    DatePrecision.WEEK: "Only the week is known: “week of 1 Apr 2019” (stored as its Monday).",
    DatePrecision.MONTH: "Only the month is known, e.g. “late October” → “Oct 2018” (stored as the 1st).",
    DatePrecision.YEAR: "Only the year is known: “2018” (stored as 1 January).",
}
LOCATION_PRECISION_DEFINITIONS = {
    LocationPrecision.EXACT: "The site itself (a camp, a checkpoint) is located.",
    LocationPrecision.NEAR: "The town or village is known; the point is its centre.",
    LocationPrecision.DISTRICT: "Only the district is known; the point is its centre, drawn as approximate.",
    LocationPrecision.PROVINCE: "Only the region is known; drawn as approximate.",
    LocationPrecision.COUNTRY: "Only the country is known; drawn as approximate.",
}
CLAIM_DEFINITIONS = {
    ClaimStatus.CLAIMED: "The group claimed it through its own media (e.g. Amaq, Al Naba).",
    ClaimStatus.ATTRIBUTED: "Not claimed, but officials, journalists or researchers attribute it to the group.",
    ClaimStatus.UNCLAIMED: "Neither claimed nor firmly attributed; recorded because sources link it to the group.",
    ClaimStatus.DISPUTED: "The group's involvement, or the claim itself, is contested by other sources.",
}


def _defined(choices, definitions):
    return [(value, label, definitions.get(value, "")) for value, label in choices]


class AboutView(TemplateView):
    template_name = "public/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "incident_types": _defined(IncidentType.choices, TYPE_DEFINITIONS),
                "target_types": TargetType.choices,
                "claim_statuses": _defined(ClaimStatus.choices, CLAIM_DEFINITIONS),
                "date_precisions": _defined(DatePrecision.choices, DATE_PRECISION_DEFINITIONS),
                "location_precisions": _defined(LocationPrecision.choices, LOCATION_PRECISION_DEFINITIONS),
                "source_kinds": SourceKind.choices,
                "dormant_after": stats.DORMANT_AFTER_DAYS,
            }
        )
        return context


about = public_cache(AboutView.as_view())


class CodebookView(TemplateView):
    """/about/codebook/: every column of the open data files, generated from the models' choices."""

    template_name = "public/codebook.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "datasets": codebook.datasets(),
                "vocabularies": [
                    (name, vocabulary.__name__, _defined(vocabulary.choices, DEFINITIONS.get(vocabulary, {})))
                    for name, vocabulary in codebook.VOCABULARIES
                ],
            }
        )
        return context


DEFINITIONS = {
    IncidentType: TYPE_DEFINITIONS,
    DatePrecision: DATE_PRECISION_DEFINITIONS,
    LocationPrecision: LOCATION_PRECISION_DEFINITIONS,
    ClaimStatus: CLAIM_DEFINITIONS,
}
codebook_page = public_cache(CodebookView.as_view())


# API description ---------------------------------------------------------------------------


@public_cache
def openapi_json(request):
    return JsonResponse(openapi.document(request.build_absolute_uri("/").rstrip("/")))


@public_cache
def api_page(request):
    """/api/: the OpenAPI document rendered for people."""
    document = openapi.document(request.build_absolute_uri("/").rstrip("/"))
    endpoints = [
        {
            "path": path,
            "operation": item["get"],
            "parameters": [*item.get("parameters", []), *item["get"]["parameters"]],
            "responses": sorted(item["get"]["responses"].items()),
        }
        for path, item in document["paths"].items()
    ]
    return render(request, "public/api.html", {"document": document, "endpoints": endpoints})


# Analyst export ----------------------------------------------------------------------------

ANALYST_COLUMNS = ("status", "internal_notes")


@login_required
def incident_export(request):
    """/incidents/export.csv for analysts: the filtered list incl. review items and internal notes.
    (The public CSV for everyone is the exchange app's /api/incidents.csv.)"""
    if not user_is_analyst(request.user):
        raise PermissionDenied("Only analysts may export internal data.")
    try:
        incidents = filter_incidents(request.GET, Incident.objects.visible_to(request.user).with_related())
    except InvalidFilter as exc:
        message = "; ".join(f"{param}: {text}" for param, text in exc.errors.items())
        return HttpResponseBadRequest(f"Invalid filter — {message}\n", content_type="text/plain; charset=utf-8")
    base_url = request.build_absolute_uri("/").rstrip("/")
    # The ipwatch CSV (re-importable with --format ipwatch) plus what only analysts may see.
    rows = csv_lines(
        export_queryset(incidents).iterator(chunk_size=CHUNK_SIZE), base_url, extra_columns=ANALYST_COLUMNS
    )
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ipwatch-incidents-analyst-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
