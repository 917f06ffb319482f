"""ipwatch's own CSV: what `/api/incidents.csv` and `export_incidents --format csv` write, so an
export imports back (into this or another instance) with `--format ipwatch`.

The import key is (external_source, external_id) when the row has one — an incident that came from
ACLED keeps its ACLED id through export and re-import — and otherwise ("ipwatch", id).
Spreadsheet formula guard: text cells starting with = + - @ (or a tab, CR or an apostrophe) are
written with a leading apostrophe; the import removes exactly that apostrophe again.
"""

import re

from ..fields import (
    FieldError,
    parse_bool,
    parse_choice,
    parse_count,
    parse_country_code,
    parse_date,
    parse_event_id,
    parse_int,
)
from ..records import FIGURE_FIELDS, Cells, IncidentRecord, Parsed, PlaceRecord
from .base import Format, check_order, coordinates

COLUMNS = [
    "id",
    "incident_ref",  # the stable citation identifier (IPW-000123); written, ignored on import
    "external_source",
    "external_id",
    "date",
    "date_precision",
    "end_date",
    "province",
    "province_name",
    "place",
    "place_ar",
    "country",
    "admin1",
    "latitude",
    "longitude",
    "location_precision",
    "incident_type",
    "target_type",
    "claim_status",
    "campaign",
    *FIGURE_FIELDS,
    "summary",
    "is_synthetic",
    "url",
]
# Columns written as numbers: never formula-guarded (a negative longitude stays a number).
NUMERIC_COLUMNS = frozenset({"id", "latitude", "longitude", *FIGURE_FIELDS})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def guard_formula(text: str) -> str:
    """Stop spreadsheets treating a cell as a formula (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard_formula(text: str) -> str:
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS) else text


DATE_PRECISIONS = {value: value for value in ("day", "week", "month", "year")}
LOCATION_PRECISIONS = {value: value for value in ("exact", "near", "district", "province", "country")}
INCIDENT_TYPES = {
    value: value
    for value in (
        "raid",
        "bombing",
        "suicide_attack",
        "ambush",
        "assassination",
        "execution",
        "kidnapping",
        "indirect_fire",
        "arson_sabotage",
        "other",
    )
}
TARGET_TYPES = {
    value: value for value in ("military", "police", "civilians", "government", "religious", "infrastructure", "other")
}
CLAIM_STATUSES = {value: value for value in ("claimed", "attributed", "unclaimed", "disputed")}
_SLUG = re.compile(r"^[-a-z0-9_]+$")
_SOURCE = re.compile(r"^[a-z0-9_-]{1,20}$")


def parse_slug(text: str) -> str:
    if not _SLUG.match(text):
        raise FieldError(f"{text!r} is not a slug (lower-case letters, digits and hyphens, e.g. west-africa)")
    return text


def parse_row_id(text: str) -> int:
    """The exporting instance's incident id: the import key ("ipwatch", id) when there is no
    external id, so it is an event id too."""
    value = parse_int(text, minimum=1)
    parse_event_id(str(value))
    return value


def parse_source(text: str) -> str:
    if not _SOURCE.match(text):
        raise FieldError(f"{text!r} is not a dataset name (lower-case letters, digits, - or _, at most 20)")
    return text


class IpwatchFormat(Format):
    name = "ipwatch"
    label = "ipwatch CSV"
    required_columns = ("id", "date", "date_precision", "country", "incident_type", "summary")
    id_column = "external_id"

    def key_column(self, record) -> str:
        # A row of our own keys on its `id`; one first imported from a dataset, on that dataset's id.
        return "id" if record.external_source == "ipwatch" else self.id_column

    def parse(self, cells: Cells, provinces) -> Parsed:
        # Undo the export's formula guard before anything reads the text.
        cells.row = {column: unguard_formula(value) for column, value in cells.row.items()}
        row_id = cells.value("id", parse_row_id)
        source = cells.value("external_source", parse_source, default="")
        external_id = cells.text("external_id")
        if bool(source) != bool(external_id):
            missing = "external_id" if source else "external_source"
            cells.error(missing, "is empty but its pair is given (give external_source and external_id, or neither)")
        cells.value("external_id", parse_event_id)
        if not source and row_id is None and not cells.text("id"):
            cells.error("id", "is empty (needed as the import key when external_source/external_id are blank)")
        date = cells.value("date", parse_date, required=True)
        precision = cells.value(
            "date_precision", parse_choice, required=True, choices=DATE_PRECISIONS, what="date precision"
        )
        end_date = cells.value("end_date", parse_date)
        province = cells.value("province", parse_slug)
        # Without a campaign column (a hand-made file) the import leaves campaigns alone.
        campaign = cells.value("campaign", parse_slug, default="") if "campaign" in cells.row else None
        has_place = any(cells.text(c) for c in ("place", "place_ar", "admin1", "latitude", "longitude"))
        country = cells.value("country", parse_country_code, required=has_place)
        latitude, longitude = coordinates(cells)
        location_precision = cells.value(
            "location_precision", parse_choice, default="near", choices=LOCATION_PRECISIONS, what="location precision"
        )
        incident_type = cells.value(
            "incident_type", parse_choice, required=True, choices=INCIDENT_TYPES, what="incident type"
        )
        target_type = cells.value("target_type", parse_choice, default="", choices=TARGET_TYPES, what="target type")
        claim_status = cells.value(
            "claim_status", parse_choice, default="unclaimed", choices=CLAIM_STATUSES, what="claim status"
        )
        figures = {name: cells.value(name, parse_count) for name in FIGURE_FIELDS}
        for figure in ("killed", "wounded"):
            check_order(
                cells, [(f"{figure}_{bound}", figures[f"{figure}_{bound}"]) for bound in ("low", "best", "high")]
            )
        synthetic = cells.value("is_synthetic", parse_bool, default=False)
        summary = cells.value("summary", str, required=True)
        if date and end_date and end_date < date:
            cells.error("end_date", f"{cells.text('end_date')!r} is before the date")
        if cells.errors:
            return Parsed(errors=cells.errors)

        place = None  # an incident may have no place at all
        if country:
            place = PlaceRecord(
                name=cells.text("place") or cells.text("admin1") or country,
                name_ar=cells.text("place_ar"),
                country=country,
                admin1=cells.text("admin1"),
                latitude=latitude,
                longitude=longitude,
                precision=location_precision,
            )
        record = IncidentRecord(
            row=cells.number,
            external_source=source or "ipwatch",
            external_id=external_id or str(row_id),
            date=date,
            date_precision=precision,
            end_date=end_date,
            place=place,
            province=province,
            province_column="province",
            campaign=campaign,
            incident_type=incident_type,
            target_type=target_type,
            summary=summary,
            claim_status=claim_status,
            killed_low=figures["killed_low"],
            killed_best=figures["killed_best"],
            killed_high=figures["killed_high"],
            wounded_low=figures["wounded_low"],
            wounded_best=figures["wounded_best"],
            wounded_high=figures["wounded_high"],
            kidnapped=figures["kidnapped"],
            is_synthetic=synthetic,
            internal_notes=f"Imported from an ipwatch CSV export (row id {row_id})" if row_id else "",
        )
        return Parsed(record=record)
