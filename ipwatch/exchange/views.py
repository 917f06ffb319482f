"""/api/incidents.csv: the incident list as the ipwatch CSV, with the shared filters."""

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from ipwatch.core.filters import InvalidFilter, filter_incidents, invalid_filter_response
from ipwatch.core.models import Incident

from .export import csv_lines, iterate


@require_GET
def incidents_csv(request):
    # Anonymous users see published incidents only; analysts, editors and reviewers also those in review.
    visible = Incident.objects.visible_to(request.user)
    try:
        incidents = filter_incidents(request.GET, visible)
    except InvalidFilter as exc:
        return invalid_filter_response(exc)
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(csv_lines(iterate(incidents), base_url), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ipwatch-incidents.csv"'
    return response
