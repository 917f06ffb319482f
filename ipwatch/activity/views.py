"""/api/activity.geojson and /api/activity.csv: published activity of every kind (attacks included)."""

from itertools import chain

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from ipwatch.core import asof
from ipwatch.core.cache import (
    etag_headers,
    gzip_if_accepted,
    periods_in_query,
    provinces_in_query,
    public_cache_for_gzip_clients,
)
from ipwatch.core.filters import rejects_invalid_filters
from ipwatch.core.models import Incident
from ipwatch.maps.geojson import collection_stats
from ipwatch.maps.views import GEOJSON_CONTENT_TYPE, geojson_etag

from . import csvformat
from .filters import filter_activity
from .geojson import feature_collection_json
from .models import Activity


def published_activity(params):
    """(kinds, attacks, others) as filter_activity gives them, from published records only."""
    return filter_activity(params, Incident.objects.published(), Activity.objects.published())


@require_safe
@public_cache_for_gzip_clients(provinces=provinces_in_query, periods=periods_in_query)
@rejects_invalid_filters
def activity_geojson(request):
    _, attacks, others = published_activity(request.GET)
    as_of = asof.iso(asof.for_request(request))
    stats = {
        "attack": collection_stats(attacks) if attacks is not None else None,
        "other": collection_stats(others) if others is not None else None,
        "format": "activity-2",
        "data_as_of": as_of,
    }
    etag = geojson_etag(request, stats)
    conditional = get_conditional_response(request, etag=etag)
    if conditional is not None:
        return etag_headers(conditional, etag)
    without = sum(part["without_coordinates"] for part in (stats["attack"], stats["other"]) if part)
    body = feature_collection_json(
        attacks,
        others,
        base_url=request.build_absolute_uri("/").rstrip("/"),
        without_coordinates=without,
        data_as_of=as_of,
    )
    response = HttpResponse(body, content_type=GEOJSON_CONTENT_TYPE)
    return gzip_if_accepted(request, etag_headers(response, etag))


@require_safe
@rejects_invalid_filters
def activity_csv(request):
    _, attacks, others = published_activity(request.GET)
    base_url = request.build_absolute_uri("/").rstrip("/")
    rows = chain(
        csvformat.attack_rows(attacks, base_url) if attacks is not None else (),
        csvformat.activity_rows(others, base_url) if others is not None else (),
    )
    response = StreamingHttpResponse(csvformat.csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ipwatch-activity.csv"'
    return asof.stamp(response, request)
