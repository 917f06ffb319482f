"""``import_activity``: the activity CSV (ipwatch.activity.csvformat) into the database.

- All or nothing: every row is parsed and validated first, every bad cell is reported as
  "row N, column C: …", and nothing is written unless the whole file is good; the writes then run in
  one transaction (a dry run rolls it back, so its counts are exactly what a real run does).
- Idempotent by ``id``: a row with an id updates that record (and its report from the row's source,
  matched on source and title) instead of adding one; rows sharing an id are one record's reports.
- New records get ``--status`` (draft by default); existing ones keep their status unless
  ``--status published`` publishes them. The writes go through the workflow as ``user`` (a
  request's user, or workflow.SYSTEM from the command line): importing as published is publishing,
  refused to anyone else, and the model records who created and changed each record.
- Places are matched by name and country, else created with the row's coordinates, else geocoded
  offline from the shipped gazetteer (never online); a place is never needed (a video has none).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from ipwatch.core import workflow
from ipwatch.core.choices import DatePrecision, GeocoderKind, IncidentStatus, LocationPrecision
from ipwatch.core.models import Campaign, Incident, Place, Province, Source
from ipwatch.exchange.errors import RowError
from ipwatch.exchange.fields import parse_country_code, parse_date, parse_int, parse_latitude, parse_longitude
from ipwatch.exchange.formats.ipwatch import unguard_formula
from ipwatch.exchange.importer import geocode_offline
from ipwatch.exchange.readers import open_table
from ipwatch.exchange.records import Cells

from .choices import ActivityKind
from .csvformat import COMMON_COLUMNS, EXPORT_COLUMNS
from .models import KIND_FIELDS, PUBLIC_TEXT_FIELDS, Activity, ActivityReport

IMPORT_STATUSES = (IncidentStatus.DRAFT, IncidentStatus.PUBLISHED)
OPTIONAL_COLUMNS = {
    "id",
    "location_precision",
    "internal_notes",
    "ref",
    "url",
}  # ref, url: written by the export, ignored
KNOWN_COLUMNS = set(EXPORT_COLUMNS) | OPTIONAL_COLUMNS
TEXT_FIELDS = {*PUBLIC_TEXT_FIELDS, "internal_notes"}


@dataclass
class ActivityImportResult:
    created: int = 0
    updated: int = 0
    reports: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} row(s): {self.created} record(s) {verb} created, {self.updated} updated, "
            f"{self.reports} source report(s) written."
        )


@dataclass
class Row:
    number: int
    record_id: int | None
    values: dict  # Activity field → value
    place: dict | None
    province: Province | None
    source: Source | None
    report: dict
    claimed: list[int]
    location_precision: str


class _Lookups:
    """Every name a file may refer to, loaded once."""

    def __init__(self):
        self.provinces = {p.slug: p for p in Province.objects.all()}
        self.sources = {}
        for source in Source.objects.all():
            self.sources[source.slug] = source
            self.sources.setdefault(source.name.casefold(), source)
        self.campaigns = {c.slug: c for c in Campaign.objects.all()}


def _choice(cells: Cells, column: str, choices, *, required: bool = False):
    text = cells.text(column)
    if not text:
        if required:
            cells.error(column, "is empty (a value is required)")
        return ""
    allowed = [value for value, _ in choices]
    if text not in allowed:
        cells.error(column, f"{text!r} is not one of {', '.join(allowed)}")
        return ""
    return text


def _parse_row(number: int, raw: dict[str, str], errors: list[RowError], lookups: _Lookups) -> Row:
    cells = Cells(number, {key: unguard_formula(value.strip()) for key, value in raw.items()})
    try:
        return _parse_cells(cells, lookups)
    finally:
        errors.extend(cells.errors)


def _parse_cells(cells: Cells, lookups: _Lookups) -> Row:
    number = cells.number
    kind = cells.text("kind")
    if kind == ActivityKind.ATTACK:
        cells.error("kind", "attacks are imported with import_incidents (their figures and claims need its columns)")
        kind = ""
    elif not kind:
        cells.error("kind", "is empty (a value is required)")
    elif kind not in KIND_FIELDS:
        cells.error("kind", f"{kind!r} is not one of {', '.join(KIND_FIELDS)}")
        kind = ""
    record_id = cells.value("id", parse_int, minimum=1, maximum=2**63 - 1)
    values = {"kind": kind}
    values["date"] = cells.value("date", parse_date, required=kind not in ("", ActivityKind.TERRITORY))
    values["date_precision"] = _choice(cells, "date_precision", DatePrecision.choices) or DatePrecision.DAY
    for name in TEXT_FIELDS:
        values[name] = cells.text(name)
    if not values["title"]:
        cells.error("title", "is empty (a value is required)")
    province = None
    if slug := cells.text("province"):
        province = lookups.provinces.get(slug)
        if province is None:
            cells.error("province", f"no province with the slug {slug!r}")
    # Place: name + country, optional coordinates.
    place = None
    name = cells.text("place")
    country = cells.value("country", parse_country_code, default="")
    latitude = cells.value("latitude", parse_latitude)
    longitude = cells.value("longitude", parse_longitude)
    if (cells.text("latitude") == "") != (cells.text("longitude") == ""):
        cells.error("longitude" if not cells.text("longitude") else "latitude", "give both latitude and longitude")
    if name:
        if not cells.text("country"):
            cells.error("country", "is empty (a place needs its ISO 3166-1 alpha-2 country code)")
        place = {"name": name, "country": country, "latitude": latitude, "longitude": longitude}
    elif cells.text("latitude") or cells.text("country"):
        cells.error("place", "is empty but the row has a country or coordinates (name the place)")
    location_precision = _choice(cells, "location_precision", LocationPrecision.choices) or LocationPrecision.NEAR
    # Source report.
    source = None
    if source_text := cells.text("source"):
        source = lookups.sources.get(source_text) or lookups.sources.get(source_text.casefold())
        if source is None:
            cells.error("source", f"no source {source_text!r} (add it in the admin first; give its slug or name)")
    elif cells.text("source_title") or cells.text("published_on"):
        cells.error("source", "is empty but the row has a source_title or published_on")
    report = {"title": cells.text("source_title"), "published_on": cells.value("published_on", parse_date)}
    # Kind-specific columns.
    values["end_date"] = cells.value("end_date", parse_date)
    values["end_date_precision"] = _choice(cells, "end_date_precision", DatePrecision.choices)
    values["issue_number"] = cells.value("issue_number", parse_int, minimum=0, maximum=2147483647)
    values["people_held"] = cells.value("people_held", parse_int, minimum=0, maximum=2147483647)
    model = Activity._meta
    for name in ("media_type", "authority", "designated_entity", "stage", "pledge_type", "leadership_event"):
        values[name] = _choice(cells, name, model.get_field(name).choices)
    values["outlet"] = None
    if outlet := cells.text("outlet"):
        values["outlet"] = lookups.sources.get(outlet) or lookups.sources.get(outlet.casefold())
        if values["outlet"] is None:
            cells.error("outlet", f"no source {outlet!r} (give the group outlet's slug or name)")
    values["campaign"] = None
    if campaign := cells.text("campaign"):
        values["campaign"] = lookups.campaigns.get(campaign)
        if values["campaign"] is None:
            cells.error("campaign", f"no campaign with the slug {campaign!r}")
    values["linked_arrest_id"] = cells.value("linked_arrest", parse_int, minimum=1, maximum=2**63 - 1)
    claimed = []
    for part in filter(None, (p.strip() for p in cells.text("claimed_incidents").split(";"))):
        if part.isascii() and part.isdigit() and len(part) <= 18:
            claimed.append(int(part))
        else:
            cells.error("claimed_incidents", f"{part!r} is not an incident id (ids separated by ;)")
    return Row(number, record_id, values, place, province, source, report, claimed, location_precision)


def _check_references(rows: list[Row], errors: list[RowError]) -> dict[int, Activity]:
    ids = {row.record_id for row in rows if row.record_id}
    existing = Activity.objects.in_bulk(ids)
    incidents = set(
        Incident.objects.filter(pk__in={i for row in rows for i in row.claimed}).values_list("pk", flat=True)
    )
    arrest_ids = {row.values["linked_arrest_id"] for row in rows if row.values["linked_arrest_id"]}
    arrests = set(Activity.objects.filter(pk__in=arrest_ids, kind=ActivityKind.ARREST).values_list("pk", flat=True))
    for row in rows:
        if row.record_id and row.record_id not in existing:
            errors.append(
                RowError(row.number, "id", f"no activity record with id {row.record_id} (leave id empty to add one)")
            )
        missing = [str(pk) for pk in row.claimed if pk not in incidents]
        if missing:
            errors.append(RowError(row.number, "claimed_incidents", f"no incident with id {', '.join(missing)}"))
        arrest = row.values["linked_arrest_id"]
        if arrest and arrest not in arrests:
            errors.append(RowError(row.number, "linked_arrest", f"no arrest record with id {arrest}"))
    return existing


def _validate(row: Row, existing: dict[int, Activity], errors: list[RowError]) -> None:
    """The model's own rules (kind-specific fields, dates, required details), as cell errors."""
    activity = Activity(**row.values)
    if row.record_id in existing:
        activity.pk = row.record_id
    try:
        activity.full_clean(exclude=["place", "province", "status", "linked_arrest"], validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = "linked_arrest" if name == "linked_arrest_id" else name
            errors.extend(RowError(row.number, column, message) for message in messages)
    if row.claimed and row.values["kind"] != ActivityKind.MEDIA_RELEASE:
        errors.append(RowError(row.number, "claimed_incidents", "only a media release claims attacks"))


def _place(spec: dict | None, precision: str, cache: dict) -> Place | None:
    if spec is None:
        return None
    key = (spec["name"].casefold(), spec["country"])
    if key in cache:
        return cache[key]
    place = (
        Place.objects.filter(name__iexact=spec["name"], country=spec["country"]).order_by("id").first()
        or Place.objects.filter(aliases__icontains=spec["name"], country=spec["country"]).order_by("id").first()
    )
    if place is None:
        place = Place(name=spec["name"], country=spec["country"], location_precision=precision)
        if spec["latitude"] is not None:
            place.latitude, place.longitude, place.geocoder = spec["latitude"], spec["longitude"], GeocoderKind.IMPORT
        elif found := geocode_offline(spec["name"], spec["country"]):
            place.latitude, place.longitude, place.gazetteer_id = found
            place.geocoder = GeocoderKind.GAZETTEER
        place.save()
    cache[key] = place
    return place


def _write(rows: list[Row], existing: dict[int, Activity], status: str, result: ActivityImportResult, user) -> None:
    places: dict = {}
    written: dict[int, Activity] = dict(existing)
    seen: set[int] = set()  # ids already counted (rows sharing an id are one record's reports)
    for row in rows:
        activity = written.get(row.record_id) if row.record_id else None
        if activity is None:
            activity = Activity(status=status)
            result.created += 1
        elif row.record_id not in seen:
            result.updated += 1
        seen.add(row.record_id)
        for name, value in row.values.items():
            setattr(activity, name, value)
        activity.place = _place(row.place, row.location_precision, places)
        activity.province = row.province
        if status == IncidentStatus.PUBLISHED:
            activity.status = IncidentStatus.PUBLISHED
        activity.save(acting_user=user)  # the workflow stamps published_at and the authors
        if row.record_id:
            written[row.record_id] = activity
        if row.claimed:
            activity.claimed_incidents.add(*row.claimed)
        if row.source:
            ActivityReport.objects.update_or_create(
                activity=activity,
                source=row.source,
                title=row.report["title"],
                defaults={"published_on": row.report["published_on"], "is_claim": row.source.is_group_media},
            )
            result.reports += 1


def import_activity(
    source, filename: str = "", *, dry_run: bool = False, status: str = IncidentStatus.DRAFT, user=None
):
    if status not in IMPORT_STATUSES:
        raise ValueError(f"status must be one of {', '.join(IMPORT_STATUSES)}")
    workflow.check_creation(status, user, noun=Activity.record_noun)  # before reading anything
    result = ActivityImportResult(dry_run=dry_run)
    with open_table(source, filename) as table:
        result.errors.extend(table.file_errors)
        if result.errors:
            return result
        missing = [column for column in COMMON_COLUMNS if column not in table.header]
        if missing:
            result.errors.append(RowError(None, "", f"missing column(s): {', '.join(missing)}"))
        unknown = [column for column in table.header if column and column not in KNOWN_COLUMNS]
        if unknown:
            result.errors.append(
                RowError(None, "", f"unknown column(s): {', '.join(unknown)} (see docs/import-export.md)")
            )
        if result.errors:
            return result
        lookups, rows = _Lookups(), []
        for number, raw, cell_errors in table.rows():
            result.errors.extend(cell_errors)
            row = _parse_row(number, raw, result.errors, lookups)
            rows.append(row)
    result.rows = len(rows)
    if not rows and not result.errors:
        result.errors.append(RowError(None, "", "the file has no data rows"))
    existing = _check_references(rows, result.errors)
    for row in rows:
        _validate(row, existing, result.errors)
    result.errors.sort(key=lambda error: (error.row or 0, error.column))
    if result.errors:
        return result
    with transaction.atomic():
        _write(rows, existing, status, result, user)
        if dry_run:
            transaction.set_rollback(True)
    return result
