"""The codebook: every column of the open data files, its type, meaning and vocabulary.

Generated from the models' choices (``ipwatch.core.choices``) and the export column lists, so the
page (/about/codebook/), the XLSX "codebook" sheet and the Frictionless Data Package
(/api/datapackage.json) cannot drift from what the files contain: a new choice or column shows up in
all three, and tests fail when a column has no description.
"""

import dataclasses
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from . import choices

# The columns of /api/reports.csv (a contract: exact names and order; additions only at the end).
REPORT_COLUMNS = (
    "incident_id",
    "incident_ref",
    "date",
    "date_precision",
    "province",
    "place",
    "country",
    "latitude",
    "longitude",
    "source",
    "source_kind",
    "is_claim",
    "killed",
    "wounded",
    "killed_or_wounded",
    "kidnapped",
    "published_on",
    "title",
    "url",
    "source_reliability",
    "information_credibility",
)

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?|-W\d{2})?$"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless Table Schema type: integer, number, string, date, boolean
    description: str
    vocabulary: type[models.TextChoices] | None = None
    required: bool = False
    pattern: str = ""
    minimum: float | None = None
    maximum: float | None = None

    @property
    def values(self) -> list[tuple[str, str]]:
        return list(self.vocabulary.choices) if self.vocabulary else []

    def table_schema_field(self) -> dict:
        """The column as a Frictionless Table Schema field."""
        field = {"name": self.name, "type": self.type, "description": self.description}
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.vocabulary:
            constraints["enum"] = [value for value, _ in self.values if value]
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if self.type == "boolean":
            field["trueValues"], field["falseValues"] = ["1"], ["0"]
        if constraints:
            field["constraints"] = constraints
        return field


def _figure(name: str, what: str) -> Column:
    return Column(name, "integer", what, minimum=0)


# Everything a column can be; the two files pick theirs by name.
_COLUMNS = {
    "id": Column(
        "id", "integer", "The incident's number in ipwatch (stable; its page is /incidents/<id>/).", required=True
    ),
    "incident_id": Column(
        "incident_id", "integer", "The incident the report is about (see incidents.csv `id`).", required=True
    ),
    "incident_ref": Column(
        "incident_ref",
        "string",
        "Stable citation identifier of the incident, e.g. IPW-000123.",
        required=True,
        pattern=r"^IPW-\d{6,}$",
    ),
    "external_source": Column(
        "external_source", "string", "Dataset the incident was imported from (acled, ucdp, gtd), if any."
    ),
    "external_id": Column("external_id", "string", "That dataset's own event id."),
    "date": Column(
        "date",
        "date",
        "First day of the period in which the incident happened; read it with date_precision "
        "(a month-precision incident of October 2018 is 2018-10-01).",
        required=True,
    ),
    "date_precision": Column(
        "date_precision", "string", "How precisely the date is known.", choices.DatePrecision, required=True
    ),
    "end_date": Column("end_date", "date", "Last day, for incidents that lasted several days."),
    "province": Column(
        "province", "string", "The IS province (wilayah) the incident is attributed to or claimed for, as its slug."
    ),
    "province_name": Column("province_name", "string", "The province's name."),
    "place": Column("place", "string", "Place name (the editors' spelling; aliases are searchable on the site)."),
    "place_ar": Column("place_ar", "string", "Place name in Arabic."),
    "country": Column("country", "string", "ISO 3166-1 alpha-2 country code of the place.", pattern=r"^[A-Z]{2}$"),
    "admin1": Column("admin1", "string", "First-level administrative region of the place."),
    "latitude": Column(
        "latitude", "number", "WGS84 latitude of the place (blank when not located).", minimum=-90, maximum=90
    ),
    "longitude": Column(
        "longitude", "number", "WGS84 longitude of the place (blank when not located).", minimum=-180, maximum=180
    ),
    "location_precision": Column(
        "location_precision",
        "string",
        "How precisely the place is known; district and coarser are areas.",
        choices.LocationPrecision,
    ),
    "incident_type": Column("incident_type", "string", "What happened.", choices.IncidentType, required=True),
    "target_type": Column(
        "target_type", "string", "Who or what was targeted (blank when not recorded).", choices.TargetType
    ),
    "claim_status": Column(
        "claim_status", "string", "Whether the group claimed it.", choices.ClaimStatus, required=True
    ),
    "campaign": Column("campaign", "string", "Slug of the campaign the group announced it as part of, if any."),
    "killed_low": _figure(
        "killed_low", "Lowest credible number killed (editors' judgement); blank = unknown, never zero."
    ),
    "killed_best": _figure("killed_best", "Best estimate of the number killed; blank = unknown, never zero."),
    "killed_high": _figure("killed_high", "Highest credible number killed; blank = unknown."),
    "wounded_low": _figure("wounded_low", "Lowest credible number wounded; blank = unknown."),
    "wounded_best": _figure("wounded_best", "Best estimate of the number wounded; blank = unknown, never zero."),
    "wounded_high": _figure("wounded_high", "Highest credible number wounded; blank = unknown."),
    "kidnapped": _figure("kidnapped", "Number kidnapped; blank = unknown."),
    "summary": Column("summary", "string", "Public summary of the incident.", required=True),
    "is_synthetic": Column("is_synthetic", "boolean", "1 for generated test data (not a real event), else 0."),
    "url": Column(
        "url",
        "string",
        "Link: the incident's page (incidents), or the report's article (reports).",
    ),
    "source": Column("source", "string", "Name of the outlet that reported or claimed it.", required=True),
    "source_kind": Column(
        "source_kind",
        "string",
        "Kind of outlet; group_media is the group's own media.",
        choices.SourceKind,
        required=True,
    ),
    "is_claim": Column(
        "is_claim",
        "boolean",
        "1 when the report is the group's own claim, 0 for independent reporting.",
        required=True,
    ),
    "killed": _figure("killed", "Number killed according to this source; blank = not given."),
    "wounded": _figure("wounded", "Number wounded according to this source; blank = not given."),
    "killed_or_wounded": _figure(
        "killed_or_wounded", 'One combined "killed or wounded" figure, as claims often give; never split.'
    ),
    "published_on": Column(
        "published_on",
        "string",
        "When the source published it, only as precisely as known: 2019-05-04 (day), 2019-W18 (week), "
        "2019-05 (month) or 2019 (year); blank when not recorded.",
        pattern=PARTIAL_DATE_PATTERN,
    ),
    "title": Column("title", "string", 'Report title or headline, e.g. "Al Naba 177".'),
    "source_reliability": Column(
        "source_reliability",
        "string",
        "Admiralty grade of the source, A (completely reliable) to F (reliability cannot be judged); the "
        "group's own media are graded F unless an editor says otherwise. Blank = not graded.",
        choices.SourceReliability,
    ),
    "information_credibility": Column(
        "information_credibility",
        "string",
        "Admiralty grade of this report's information, 1 (confirmed by other sources) to 6 (truth cannot "
        "be judged). Blank = not graded. A claim stays a claim whatever its grade.",
        choices.InformationCredibility,
    ),
}
# Columns whose meaning differs between the two files.
_OVERRIDES = {
    "url": {
        "incidents": "The incident's page on this site.",
        "reports": "Link to the report; blank for group media (cited by name and date only, never linked).",
    }
}


def columns(names, dataset: str = "") -> list[Column]:
    result = []
    for name in names:
        column = _COLUMNS[name]
        description = _OVERRIDES.get(name, {}).get(dataset)
        if description:
            column = dataclasses.replace(column, description=description)
        result.append(column)
    return result


def incident_columns() -> list[Column]:
    from ipwatch.exchange.formats.ipwatch import COLUMNS

    return columns(COLUMNS, "incidents")


def report_columns() -> list[Column]:
    return columns(REPORT_COLUMNS, "reports")


VOCABULARIES = (
    ("date_precision", choices.DatePrecision),
    ("location_precision", choices.LocationPrecision),
    ("incident_type", choices.IncidentType),
    ("target_type", choices.TargetType),
    ("claim_status", choices.ClaimStatus),
    ("source_kind", choices.SourceKind),
    ("source_reliability", choices.SourceReliability),
    ("information_credibility", choices.InformationCredibility),
)


def datasets() -> list[dict]:
    return [
        {
            "name": "incidents",
            "path": reverse("exchange:incidents-csv"),
            "title": "Incidents",
            "description": "One row per published incident, with the editors' best estimates and ranges.",
            "columns": incident_columns(),
        },
        {
            "name": "reports",
            "path": reverse("exchange:reports-csv"),
            "title": "Reports",
            "description": "One row per source report of a published incident, with that source's own figures.",
            "columns": report_columns(),
        },
    ]
