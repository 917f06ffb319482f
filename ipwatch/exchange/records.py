"""What every format's row parser produces: one dataset-neutral incident record, or a skip."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import FieldError, RowError

# The editor's casualty figures, as fields and as the ipwatch CSV's columns.
FIGURE_FIELDS = (
    "killed_low",
    "killed_best",
    "killed_high",
    "wounded_low",
    "wounded_best",
    "wounded_high",
    "kidnapped",
)
# Incident fields an import owns: a re-import compares these, and a changed row updates them.
# Status, internal notes and editor fields are left alone after the first import.
OWNED_FIELDS = (
    "date",
    "date_precision",
    "end_date",
    "incident_type",
    "target_type",
    "summary",
    "claim_status",
    *FIGURE_FIELDS,
    "is_synthetic",
)


@dataclass(slots=True)
class PlaceRecord:
    name: str
    country: str
    admin1: str = ""
    latitude: float | None = None
    longitude: float | None = None
    precision: str = "near"
    name_ar: str = ""


@dataclass(slots=True)
class IncidentRecord:
    row: int
    external_source: str
    external_id: str
    date: dt.date
    date_precision: str
    place: PlaceRecord | None  # None only for an ipwatch row of an incident without a place
    province: str | None  # slug
    incident_type: str
    summary: str
    end_date: dt.date | None = None
    target_type: str = ""
    claim_status: str = "attributed"
    killed_low: int | None = None
    killed_best: int | None = None
    killed_high: int | None = None
    wounded_low: int | None = None
    wounded_best: int | None = None
    wounded_high: int | None = None
    kidnapped: int | None = None
    is_synthetic: bool = False
    internal_notes: str = ""  # provenance, written on creation only
    actor: str = ""  # the dataset's actor name the province came from (for messages)
    province_column: str = ""  # the column an unknown-province error should point at
    campaign: str | None = None  # slug; only the ipwatch CSV carries it (None: leave the campaign alone)

    def owned_values(self) -> dict:
        return {name: getattr(self, name) for name in OWNED_FIELDS}


@dataclass(slots=True)
class Skip:
    row: int
    reason: str  # "other actor" | "no province"


class Cells:
    """One row's cells, collecting an error per bad cell instead of stopping at the first."""

    def __init__(self, number: int, row: dict[str, str], errors: list[RowError] | None = None):
        self.number = number
        self.row = row
        self.errors: list[RowError] = list(errors or [])

    def text(self, column: str) -> str:
        return self.row.get(column, "")

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def value(self, column: str, parser: Callable, *, required: bool = False, default=None, **kwargs):
        text = self.text(column)
        if not text:
            if required:
                self.error(column, "is empty (a value is required)")
            return default
        try:
            return parser(text, **kwargs)
        except FieldError as exc:
            self.error(column, str(exc))
            return default


@dataclass(slots=True)
class Parsed:
    """One row's outcome: a record, a skip, or errors."""

    record: IncidentRecord | None = None
    skip: Skip | None = None
    errors: list[RowError] = field(default_factory=list)
