"""/api/incidents.csv: the published incidents as the ipwatch CSV, with the shared filters; and the open
data around it: /api/reports.csv, /api/incidents.xlsx, /api/datapackage.json.

Published only, for everyone: the CSV has no status column, so an incident in review exported here
would import elsewhere (e.g. with --status published) as if it were published. Analysts export
incidents in review, with their status and notes, from /incidents/export.csv.
"""

import io

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET, require_safe

from ipwatch.core import asof
from ipwatch.core.cache import periods_in_query, provinces_in_query, public_cache
from ipwatch.core.filters import filter_incidents, rejects_invalid_filters
from ipwatch.core.models import Incident

from . import open_data
from .export import CHUNK_SIZE, csv_lines, iterate

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _published(request):
    """The published incidents matching the request's filters (InvalidFilter for bad ones)."""
    return filter_incidents(request.GET, Incident.objects.published())


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@rejects_invalid_filters
def incidents_csv(request):
    incidents = _published(request)
    if request.method == "HEAD":  # the headers GET would send, without reading a row
        response = HttpResponse(content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            csv_lines(iterate(incidents), _base_url(request)), content_type="text/csv; charset=utf-8"
        )
    return asof.stamp(_attachment(response, "ipwatch-incidents.csv"), request)


@require_GET
@rejects_invalid_filters
def reports_csv(request):
    """One row per report of a published incident: each source's own figures."""
    reports = open_data.reports_of(_published(request)).iterator(chunk_size=CHUNK_SIZE)
    response = StreamingHttpResponse(open_data.reports_csv_lines(reports), content_type="text/csv; charset=utf-8")
    return asof.stamp(_attachment(response, "ipwatch-reports.csv"), request)


@require_GET
@public_cache(provinces=provinces_in_query, periods=periods_in_query)  # every sheet holds only what the filters select
@rejects_invalid_filters
def incidents_xlsx(request):
    out = io.BytesIO()
    open_data.write_workbook(_published(request), _base_url(request), out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE), "ipwatch-incidents.xlsx")


@require_GET
@public_cache
def datapackage(request):
    package = open_data.datapackage(_base_url(request), asof.iso(asof.for_request(request)))
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})
