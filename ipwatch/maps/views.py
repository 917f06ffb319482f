"""/map/ (the page), the data it loads — /api/incidents.map.json (what it draws) and
/api/incidents.geojson (the open format; a popup's full properties) — and /api/basemap/labels.json.

The page never contains incidents: it is a folium map plus a filter form, the same size whatever the
database holds. The browser fetches the APIs with the page's filters (kept in the URL).
"""

import hashlib
import json
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.safestring import mark_safe
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from ipwatch.core import asof
from ipwatch.core.cache import (
    accepts_gzip,
    etag_headers,
    gzip_if_accepted,
    periods_in_query,
    provinces_in_query,
    public_cache_for_gzip_clients,
)
from ipwatch.core.choices import ClaimStatus, IncidentType, LocationPrecision
from ipwatch.core.filter_form import filter_form_context
from ipwatch.core.filters import (
    IncidentFilterSet,
    InvalidFilter,
    error_messages,
    filter_incidents,
    invalid_filter_response,
)
from ipwatch.core.models import Incident, Place, Province, Report

from .basemap_labels import labels_json
from .compact import map_data_json
from .folium_map import build_map
from .geojson import (
    PROPERTY_NAMES,
    UnknownProperty,
    collection_stats,
    feature_collection_json,
    select_properties,
)

GEOJSON_CONTENT_TYPE = "application/geo+json"
# Bump when the GeoJSON output changes shape, so cached copies are not reused across versions.
GEOJSON_FORMAT_VERSION = 1
CONFIG_ELEMENT_ID = "ipw-map-config"


# ------------------------------------------------------------------------------------ the page

# Page parameters that are not sent to the API: the time window (applied in the browser) and the
# view state (provinces hidden from the legend).
TIME_PARAMS = ("since", "until")
VIEW_PARAMS = ("hide",)


def data_query(params, *, keep_time=False) -> str:
    """The query incident-map.js sends to the API for this page: its filters without the time
    window and view state (the same string, so the page's preload is reused)."""
    dropped = VIEW_PARAMS if keep_time else (*TIME_PARAMS, *VIEW_PARAMS)
    kept = [(key, value) for key, values in params.lists() for value in values if key not in dropped]
    return urlencode([(key, value) for key, value in kept if value.strip()])


@require_safe
@gzip_page
def map_page(request):
    filterset = IncidentFilterSet(request.GET, queryset=Incident.objects.none())
    errors = {} if filterset.is_valid() else error_messages(filterset)
    filter_form = filter_form_context(request.GET, Incident.objects.published(), errors=errors)
    provinces = [{"slug": chip.value, "name": chip.label, "color": chip.color} for chip in filter_form["provinces"]]
    api_url = reverse("maps:incidents-geojson")
    map_data_api_url = reverse("maps:incidents-map-data")
    rendered = build_map(
        config_element_id=CONFIG_ELEMENT_ID,
        tile_url=settings.IPWATCH_TILE_URL,
        tile_attribution=settings.IPWATCH_TILE_ATTRIBUTION,
    )
    config = {
        "apiUrl": api_url,
        # The map loads only what it draws, in its compact format (ipwatch/maps/compact.py); a popup
        # fetches its incident's full properties from apiUrl on click.
        "mapDataUrl": map_data_api_url,
        "formId": "ipw-map-filters",
        "statusId": "ipw-map-status",
        "errorsId": "ipw-map-errors",
        "downloadId": "ipw-map-download",
        "legendId": "ipw-map-legend",
        "provinces": provinces,
        # The time control filters the loaded incidents by date in the browser: the data request
        # leaves since/until out (the histogram shows the whole span), the URL keeps them.
        "timeParams": list(TIME_PARAMS),
        "viewParams": list(VIEW_PARAMS),
        "labels": {
            "incident_type": dict(IncidentType.choices),
            "claim_status": dict(ClaimStatus.choices),
            "location_precision": dict(LocationPrecision.choices),
        },
    }
    # With invalid filters the whole query goes to the API, which answers 400 naming them.
    query = data_query(request.GET, keep_time=bool(errors))
    config["dataQuery"] = query
    map_data_url = f"{map_data_api_url}?{query}" if query else map_data_api_url
    context = {
        # folium's output holds only static URLs and constants: stored text travels in `config`,
        # which json_script escapes.
        "map_head": mark_safe(rendered.head),  # noqa: S308
        "map_html": mark_safe(rendered.html),  # noqa: S308
        "map_script": mark_safe(rendered.script),  # noqa: S308
        "map_config": config,
        "map_data_url": map_data_url,
        "basemap_url": rendered.basemap_url,
        "config_element_id": CONFIG_ELEMENT_ID,
        "errors": errors,
        "f": filter_form,
        "api_query": urlencode([(k, v) for k, vs in request.GET.lists() for v in vs if k not in VIEW_PARAMS]),
    }
    return render(request, "maps/map.html", context, status=400 if errors else 200)


# ------------------------------------------------------------------------------------- the API


def reference_data_version() -> tuple:
    """Markers that change when places, provinces or claim reports change (one cheap query).

    django-simple-history writes a row for every save and delete, so the highest history id moves
    whenever an editor renames a place or a province or edits a report; the highest report id also
    catches reports added in bulk by imports.
    """
    # Table names come from the models' metadata, never from the request.
    quote = connection.ops.quote_name
    history_tables = [model.history.model._meta.db_table for model in (Place, Province, Report)]
    parts = [f"(SELECT MAX(history_id) FROM {quote(table)})" for table in history_tables]  # noqa: S608
    parts.append(f"(SELECT MAX(id) FROM {quote(Report._meta.db_table)})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def geojson_etag(request, stats: dict) -> str:
    """A weak ETag from what the response is made of, computed without building the response.

    Any published change (an incident saved, published, retracted or deleted; a place, province or
    claim edited) changes it, so the next request gets fresh data rather than a 304.
    """
    fingerprint = json.dumps(
        [
            GEOJSON_FORMAT_VERSION,
            request.build_absolute_uri("/"),
            sorted(request.GET.lists()),
            stats,
            reference_data_version(),
        ],
        default=str,
        sort_keys=True,
    )
    return f'W/"{hashlib.sha256(fingerprint.encode()).hexdigest()[:40]}"'


def requested_properties(request) -> tuple[str, ...]:
    """``properties=id,province,killed`` narrows the properties (a sparse fieldset); default: all."""
    if "properties" not in request.GET:
        return PROPERTY_NAMES
    names = [name.strip() for name in request.GET.get("properties", "").split(",") if name.strip()]
    try:
        return select_properties(names)
    except UnknownProperty as exc:
        raise InvalidFilter({"properties": str(exc)}) from None


@require_safe
@public_cache_for_gzip_clients(provinces=provinces_in_query, periods=periods_in_query)
def incidents_geojson(request):
    """Published incidents as an RFC 7946 FeatureCollection; same filters as the page, plus bbox."""
    try:
        incidents = filter_incidents(request.GET, Incident.objects.published())
        properties = requested_properties(request)
    except InvalidFilter as exc:
        return invalid_filter_response(exc)
    stats = collection_stats(incidents)
    as_of = asof.iso(asof.for_request(request))
    etag = geojson_etag(request, {**stats, "data_as_of": as_of})
    conditional = get_conditional_response(request, etag=etag)  # 304 Not Modified (or 412 for If-Match)
    if conditional is not None:
        return etag_headers(conditional, etag)
    body = feature_collection_json(
        incidents,
        base_url=request.build_absolute_uri("/").rstrip("/"),
        properties=properties,
        without_coordinates=stats["without_coordinates"],
        data_as_of=as_of,
    )
    response = HttpResponse(body, content_type=GEOJSON_CONTENT_TYPE)
    return gzip_if_accepted(request, etag_headers(response, etag))


@require_safe
@public_cache_for_gzip_clients(provinces=provinces_in_query, periods=periods_in_query)
def incidents_map_data(request):
    """What /map/ draws of the published incidents, compact (ipwatch/maps/compact.py); the same
    filters as /api/incidents.geojson. The ETag is the body's digest: one query per request."""
    try:
        incidents = filter_incidents(request.GET, Incident.objects.published())
    except InvalidFilter as exc:
        return invalid_filter_response(exc)
    body = map_data_json(incidents, data_as_of=asof.iso(asof.for_request(request))).encode()
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:40]}"'
    conditional = get_conditional_response(request, etag=etag)
    if conditional is not None:
        return etag_headers(conditional, etag)
    response = HttpResponse(body, content_type="application/json")
    # Level 1: a third of level 5's time on this repetitive text, for ~15 % more bytes.
    return gzip_if_accepted(request, etag_headers(response, etag), level=1)


# ------------------------------------------------------------------------- basemap place names


@require_safe
def basemap_labels(request):
    """Place and region names for the offline basemap (ipwatch/maps/basemap_labels.py): the same
    for every request, so cached a day by the browser and revalidated by ETag."""
    body, gzipped, etag = labels_json()
    conditional = get_conditional_response(request, etag=etag)
    if conditional is None:
        compressed = accepts_gzip(request)
        conditional = HttpResponse(gzipped if compressed else body, content_type="application/json")
        if compressed:
            conditional["Content-Encoding"] = "gzip"
    return etag_headers(conditional, etag, max_age=86400)
