"""The activity CSV: what ``/api/activity.csv`` writes and ``import_activity`` reads.

Common columns (exact, a contract): ``kind,date,date_precision,title,summary,province,place,country,
latitude,longitude,source,source_title,published_on``; then the optional ``id``, ``location_precision``
and the kind-specific columns of ``KIND_COLUMNS`` (docs/import-export.md). One row is one record with
(at most) one source's report: a record with three reports is three rows sharing its ``id``.
"""

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch
from django.urls import reverse

from ipwatch.core.citation import activity_ref, incident_ref
from ipwatch.core.models import Incident, Report
from ipwatch.exchange import csvwriter
from ipwatch.exchange.export import location_values

from .choices import ActivityKind
from .geojson import attack_title
from .models import KIND_FIELDS, Activity, ActivityReport

COMMON_COLUMNS = [
    "kind",
    "date",
    "date_precision",
    "title",
    "summary",
    "province",
    "place",
    "country",
    "latitude",
    "longitude",
    "source",
    "source_title",
    "published_on",
]
# The territory's end first, then each kind's detail fields in KIND_FIELDS order (one list to keep).
KIND_COLUMNS = [
    *KIND_FIELDS[ActivityKind.TERRITORY],
    *(name for kind, names in KIND_FIELDS.items() if kind != ActivityKind.TERRITORY for name in names),
]
# ref: the stable citation identifier (IPW-000123 for an attack, IPW-A-000004 otherwise), as in every export.
EXPORT_COLUMNS = ["id", *COMMON_COLUMNS, "location_precision", *KIND_COLUMNS, "ref", "url"]
NUMERIC_COLUMNS = {"id", "latitude", "longitude", "issue_number", "people_held", "linked_arrest"}
CHUNK_SIZE = 2000


def _common(record, kind: str, title: str, base_url: str, path: str) -> dict:
    return {
        "id": record.pk,
        "ref": incident_ref(record.pk) if kind == ActivityKind.ATTACK else activity_ref(record.pk),
        "kind": kind,
        "date": record.date.isoformat() if record.date else None,
        "date_precision": record.date_precision,
        "title": title,
        "summary": record.summary,
        **location_values(record.place, record.province),
        "url": f"{base_url}{path}{record.pk}/",
    }


def _with_reports(values: dict, reports) -> Iterator[dict]:
    """One row per report (the record's values repeated), or one row without a source."""
    reports = list(reports)
    if not reports:
        yield values
    for report in reports:
        yield {
            **values,
            "source": report.source.slug,
            "source_title": report.title,
            "published_on": report.published_on.isoformat() if report.published_on else None,
        }


def attack_rows(incidents, base_url: str) -> Iterator[dict]:
    reports = Prefetch("reports", queryset=Report.objects.select_related("source").order_by("published_on", "id"))
    queryset = incidents.select_related("place", "province").prefetch_related(reports).order_by("date", "id")
    for incident in queryset.iterator(chunk_size=CHUNK_SIZE):
        title = attack_title(incident.incident_type, incident.place.name if incident.place_id else None)
        yield from _with_reports(
            _common(incident, ActivityKind.ATTACK, title, base_url, reverse("public:incident-list")),
            incident.reports.all(),
        )


def activity_values(activity: Activity) -> dict:
    values = {}
    for column in KIND_COLUMNS:
        value = getattr(activity, column)
        if column in {"outlet", "campaign"}:
            value = value.slug if value else None
        elif column == "linked_arrest":
            value = activity.linked_arrest_id
        elif column == "claimed_incidents":
            value = ";".join(str(incident.pk) for incident in value.all()) or None
        elif column == "end_date":
            value = value.isoformat() if value else None
        values[column] = value if value != "" else None
    return values


def activity_rows(activities, base_url: str) -> Iterator[dict]:
    reports = Prefetch(
        "reports", queryset=ActivityReport.objects.select_related("source").order_by("published_on", "id")
    )
    claimed = Prefetch("claimed_incidents", queryset=Incident.objects.published().only("pk").order_by("pk"))
    queryset = activities.with_related().prefetch_related(reports, claimed).order_by("kind", "date", "id")
    for activity in queryset.iterator(chunk_size=CHUNK_SIZE):
        values = {
            **_common(activity, activity.kind, activity.title, base_url, reverse("activity:list")),
            **activity_values(activity),
        }
        yield from _with_reports(values, activity.reports.all())


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    return csvwriter.lines(EXPORT_COLUMNS, rows, NUMERIC_COLUMNS)
