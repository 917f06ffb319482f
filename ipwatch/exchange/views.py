"""/api/incidents.csv: the published incidents as the ipwatch CSV, with the shared filters.

Published only, for everyone: the CSV has no status column, so an incident in review exported here
would import elsewhere (e.g. with --status published) as if it were published. Analysts export
incidents in review, with their status and notes, from /incidents/export.csv.
"""

from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from ipwatch.core.filters import InvalidFilter, filter_incidents, invalid_filter_response
from ipwatch.core.models import Incident

from .export import csv_lines, iterate


@require_safe
def incidents_csv(request):
    try:
        incidents = filter_incidents(request.GET, Incident.objects.published())
    except InvalidFilter as exc:
        return invalid_filter_response(exc)
    content_type = "text/csv; charset=utf-8"
    if request.method == "HEAD":  # the headers GET would send, without reading a row
        response = HttpResponse(content_type=content_type)
    else:
        base_url = request.build_absolute_uri("/").rstrip("/")
        response = StreamingHttpResponse(csv_lines(iterate(incidents), base_url), content_type=content_type)
    response["Content-Disposition"] = 'attachment; filename="ipwatch-incidents.csv"'
    return response
