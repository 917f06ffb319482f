"""Open data beyond the incidents CSV: each source's own figures (/api/reports.csv), everything in one
workbook (/api/incidents.xlsx: incidents, reports, codebook) and a Frictionless Data Package describing
the CSVs (/api/datapackage.json). Published incidents only, the shared filters, formula-guarded text.
Columns and vocabularies come from ``ipwatch.core.codebook``."""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.urls import reverse

from ipwatch.core import codebook
from ipwatch.core.citation import incident_ref
from ipwatch.core.dates import GRANULARITIES, period_label
from ipwatch.core.models import Report

from . import csvwriter
from .export import CHUNK_SIZE, incident_values, iterate, location_values
from .formats.ipwatch import COLUMNS, guard_formula

NUMERIC_REPORT_COLUMNS = frozenset(
    {"incident_id", "latitude", "longitude", "killed", "wounded", "killed_or_wounded", "kidnapped"}
)


def partial_date(value: dt.date | None, precision: str) -> str:
    """A date written only as precisely as it is known: 2019-05-04, 2019-W18, 2019-05 or 2019."""
    if value is None:
        return ""
    if precision in GRANULARITIES:
        return period_label(value, precision)  # the timeline's labels: 2019-W18, 2019-05, 2019
    return value.isoformat()


def reports_of(incidents):
    """The reports of ``incidents`` (an already filtered, published-only queryset), in incident order."""
    return (
        Report.objects.filter(incident__in=incidents.order_by().values("pk"))
        .select_related("incident__place", "incident__province", "source")
        .order_by("incident__date", "incident_id", "published_on", "id")
    )


def report_values(report: Report) -> dict:
    incident = report.incident
    source = report.source
    return {
        "incident_id": incident.pk,
        "incident_ref": incident_ref(incident.pk),
        "date": incident.date.isoformat(),
        "date_precision": incident.date_precision,
        **location_values(incident.place, incident.province),
        "source": source.name,
        "source_kind": source.kind,
        "is_claim": report.is_claim,
        "killed": report.killed,
        "wounded": report.wounded,
        "killed_or_wounded": report.killed_or_wounded,
        "kidnapped": report.kidnapped,
        "published_on": partial_date(report.published_on, report.published_precision),
        "title": report.title,
        # The group's media is cited by name and date only: never linked.
        "url": "" if source.is_group_media else report.url,
        "source_reliability": report.source_reliability,
        "information_credibility": report.information_credibility,
    }


def reports_csv_lines(reports: Iterable[Report]) -> Iterator[str]:
    return csvwriter.lines(codebook.REPORT_COLUMNS, map(report_values, reports), NUMERIC_REPORT_COLUMNS)


# XLSX ---------------------------------------------------------------------------------------------


def _xlsx_value(value):
    """Numbers stay numbers; text is formula-guarded (openpyxl stores "=…" strings as formulas)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (int, float)):
        return value
    return guard_formula(str(value))


def codebook_rows() -> Iterator[list[str]]:
    yield ["file", "column", "type", "description", "values"]
    for dataset in codebook.datasets():
        for column in dataset["columns"]:
            values = "; ".join(f"{value} = {label}" for value, label in column.values if value)
            yield [f"{dataset['name']}.csv", column.name, column.type, column.description, values]


def write_workbook(incidents, base_url: str, out) -> None:
    """Sheets incidents, reports and codebook, written row by row (openpyxl's write-only mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("incidents")
    sheet.append(COLUMNS)
    for incident in iterate(incidents):
        values = incident_values(incident, base_url)
        sheet.append([_xlsx_value(values[name]) for name in COLUMNS])
    sheet = workbook.create_sheet("reports")
    sheet.append(list(codebook.REPORT_COLUMNS))
    for report in reports_of(incidents).iterator(chunk_size=CHUNK_SIZE):
        values = report_values(report)
        sheet.append([_xlsx_value(values[name]) for name in codebook.REPORT_COLUMNS])
    sheet = workbook.create_sheet("codebook")
    for row in codebook_rows():
        sheet.append([_xlsx_value(value) for value in row])
    workbook.save(out)


# Data Package -------------------------------------------------------------------------------------


def datapackage(base_url: str, data_as_of: str | None) -> dict:
    """A Frictionless Data Package (v1) describing the two CSVs; ``data_as_of`` is the data's date."""
    return {
        "profile": "tabular-data-package",
        "name": "ipwatch",
        "title": "ipwatch: Islamic State province activity",
        "description": (
            "Incidents attributed to or claimed for the Islamic State's provinces, and each source's report "
            "of them. Unknown figures are blank, never zero; the group's claims are marked is_claim. "
            "Codebook: " + base_url + reverse("public:codebook")
        ),
        "homepage": base_url + reverse("public:overview"),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "data_as_of": data_as_of,
        "resources": [
            {
                "name": dataset["name"],
                "title": dataset["title"],
                "description": dataset["description"],
                "path": base_url + dataset["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [column.table_schema_field() for column in dataset["columns"]],
                    "missingValues": [""],
                    **({"primaryKey": ["id"]} if dataset["name"] == "incidents" else {}),
                },
            }
            for dataset in codebook.datasets()
        ],
    }
