"""Import a dataset file into the database: one code path for `manage.py import_incidents`, the
admin upload, background import jobs and the ACLED/UCDP syncs (ipwatch.sync.runner).

- All or nothing: the whole file runs in one transaction. Any bad row makes the import roll back;
  every bad row is reported (parsing carries on after the first error, writing stops).
- Dry run: the same run, rolled back at the end, so its counts are exactly what a real run does.
- Idempotent: incidents are keyed on (external_source, external_id). An unchanged row writes
  nothing; a changed row updates the incident, and django-simple-history records the change. A
  change to a published incident is not written: it waits for a reviewer as a PendingChange
  (core/pending.py); a merged incident is left as it is.
- The workflow holds: new incidents are drafts unless the acting user may publish (importing as
  published is publishing).
- Places are matched or created, and geocoded from the offline gazetteer only (never online).
- After the rows: possible duplicates among the created incidents are listed (never merged), the
  search text of what was written is refreshed, and, once committed, the public cache is
  invalidated (bulk writes send no signals). ``phase`` reports each of these steps to a job.
- Constant memory: rows stream from the file and are written in batches (bulk_create /
  bulk_update with history); the place cache is bounded.
"""

import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ipwatch.core import search, workflow
from ipwatch.core.cache import invalidate_public_cache
from ipwatch.core.choices import ChangeOrigin, GeocoderKind, IncidentStatus
from ipwatch.core.dates import period_start
from ipwatch.core.duplicates import LONGEST_PERIOD, find_pairs
from ipwatch.core.models import Campaign, Incident, Place, Province
from ipwatch.core.pending import needs_review, propose
from ipwatch.geocoding.service import geocode_name

from .errors import RowError
from .history import write_history
from .parsing import parse_file
from .provinces import ProvinceMap
from .records import OWNED_FIELDS, IncidentRecord, PlaceRecord

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# The steps after the rows, as a job's progress shows them.
DUPLICATES_PHASE = "checking possible duplicates"
SEARCH_PHASE = "updating the search index"
COMMIT_PHASE = "saving (commit)"
PLACE_CACHE_SIZE = 20_000
UPDATE_FIELDS = [*OWNED_FIELDS, "place", "province", "updated_at", "updated_by"]
IMPORT_STATUSES = (IncidentStatus.DRAFT, IncidentStatus.PUBLISHED)
PRECISION_ORDER = ["exact", "near", "district", "province", "country"]  # finest first


def geocode_offline(name: str, country: str) -> tuple[float, float, str] | None:
    """(lat, lon, gazetteer id) from the geocoding service's offline gazetteer (never online), or None.

    As `ipwatch.geocoding.service.geocode_place` does, a fuzzy guess (it may be the wrong town) is
    not written to a place, nor is an ambiguous name: the place is created without coordinates.
    """
    try:
        result = geocode_name(name, country=country, online=False)
    except Exception:  # a gazetteer problem must not abort an import; the place stays uncoded
        logger.warning("offline geocoding failed for %r (%s)", name, country, exc_info=True)
        return None
    best = result.best
    if best is None or best.how == "fuzzy" or result.ambiguous:
        return None
    return float(best.lat), float(best.lon), best.source


@dataclass
class ImportResult:
    format: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    pending_review: int = 0  # changes to published incidents stored for a reviewer, not applied
    skipped_other_actor: int = 0
    skipped_no_province: int = 0
    places_created: int = 0
    places_geocoded: int = 0
    places_without_coordinates: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Likely duplicates of the incidents this import created (e.g. the GTD row of an attack already
    # imported from ACLED): listed for the editors, never merged automatically.
    possible_duplicates: list = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list, repr=False)
    updated_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def written_ids(self) -> list[int]:
        """Incidents created or updated (a finished job links to them)."""
        return [*self.created_ids, *self.updated_ids]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def skipped(self) -> int:
        return self.skipped_other_actor + self.skipped_no_province

    def _pending_text(self) -> str:
        if not self.pending_review:
            return ""
        return (
            f", {self.pending_review} changes to published incidents awaiting a reviewer "
            "(the public keeps the published version)"
        )

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} rows: {self.created} incidents {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged{self._pending_text()}; "
            f"{self.skipped} skipped ({self.skipped_other_actor} other actors, "
            f"{self.skipped_no_province} with no province); {self.places_created} places {verb} created "
            f"({self.places_geocoded} geocoded offline, {self.places_without_coordinates} without coordinates)"
            + (
                f"; {len(self.possible_duplicates)} possible duplicate pair(s) to check (manage.py find_duplicates)"
                if self.possible_duplicates
                else ""
            )
        )


class _Rollback(Exception):
    pass


class Writer:
    """bulk_create / bulk_update in batches, each with its history rows (see history.py). With
    `simple_history_utils` it uses simple_history's bulk_*_with_history instead (the bench compares)."""

    def __init__(self, batch_size: int, user, reason: str, now: dt.datetime, simple_history_utils: bool = False):
        self.batch_size, self.user, self.reason, self.now = batch_size, user, reason, now
        # Our history writer needs the new rows' ids back from bulk_create (SQLite ≥ 3.35, PostgreSQL).
        self.simple_history_utils = simple_history_utils or not connection.features.can_return_rows_from_bulk_insert

    def create(self, model, objs) -> None:
        if self.simple_history_utils:
            bulk_create_with_history(
                objs, model, batch_size=self.batch_size, default_user=self.user, default_change_reason=self.reason,
                default_date=self.now,
            )  # fmt: skip
            return
        model.objects.bulk_create(objs, batch_size=self.batch_size)
        write_history(objs, model, "+", self.user, self.reason, self.now)

    def update(self, model, objs, fields) -> None:
        if self.simple_history_utils:
            bulk_update_with_history(
                objs, model, fields, batch_size=self.batch_size, default_user=self.user,
                default_change_reason=self.reason, default_date=self.now,
            )  # fmt: skip
            return
        model.objects.bulk_update(objs, fields, batch_size=self.batch_size)
        write_history(objs, model, "~", self.user, self.reason, self.now)


class PlaceResolver:
    """Finds or creates the Place for each record: same name and country, else same coordinates,
    else a new place from the row's coordinates, else one geocoded offline, else one without
    coordinates. Remembers recent answers in a bounded cache."""

    def __init__(self, result: ImportResult, writer: Writer):
        self.result = result
        self.writer = writer
        self.cache: OrderedDict[tuple, int] = OrderedDict()

    def _remember(self, key: tuple, place_id: int) -> None:
        self.cache[key] = place_id
        self.cache.move_to_end(key)
        if len(self.cache) > PLACE_CACHE_SIZE:
            self.cache.popitem(last=False)

    def _cached(self, place: PlaceRecord) -> int | None:
        for key in _keys(place):
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        return None

    def _load(self, places: list[PlaceRecord]) -> None:
        names = {p.name for p in places}
        countries = {p.country for p in places}
        found = list(
            Place.objects.filter(country__in=countries, name__in=names)
            .order_by()
            .values_list("id", "name", "country", "latitude", "longitude")
        )
        coordinates = [p for p in places if p.latitude is not None]
        if coordinates:
            found += (
                Place.objects.filter(  # country__in: the (country, name) index narrows the search
                    country__in={p.country for p in coordinates},
                    latitude__in={p.latitude for p in coordinates},
                    longitude__in={p.longitude for p in coordinates},
                )
                .order_by()
                .values_list("id", "name", "country", "latitude", "longitude")
            )
        # Oldest first, so that when two places share a key the first one made wins.
        for place_id, name, country, latitude, longitude in sorted(found, reverse=True):
            for key in _keys(PlaceRecord(name=name, country=country, latitude=latitude, longitude=longitude)):
                self._remember(key, place_id)

    def resolve(self, records: list[IncidentRecord]) -> list[int | None]:
        places = [record.place for record in records if record.place is not None]
        missing = [p for p in places if self._cached(p) is None]
        if missing:
            self._load(missing)
        # Rows without coordinates whose name is new: ask the offline gazetteer once per name.
        geocoded = []
        for place in places:
            if place.latitude is None and self._cached(place) is None:
                found = geocode_offline(place.name, place.country)
                if found:
                    place.latitude, place.longitude, gazetteer_id = found
                    # A town's point, but never more precise than the row was (GTD specificity 5 is
                    # "somewhere in the country" even when the name geocodes to a town).
                    place.precision = max(place.precision, "near", key=PRECISION_ORDER.index)
                    geocoded.append((place, gazetteer_id))
        if geocoded:
            self._load([place for place, _ in geocoded])
        gazetteer_ids = {id(place): gid for place, gid in geocoded}
        new: dict[tuple, Place] = {}
        for place in places:
            if self._cached(place) is not None or any(key in new for key in _keys(place)):
                continue
            if id(place) in gazetteer_ids:
                geocoder, gazetteer_id = GeocoderKind.GAZETTEER, gazetteer_ids[id(place)]
            elif place.latitude is not None:
                geocoder, gazetteer_id = GeocoderKind.IMPORT, ""
            else:
                geocoder, gazetteer_id = GeocoderKind.NONE, ""
            obj = Place(
                name=place.name[:200],
                name_ar=place.name_ar[:200],
                country=place.country,
                admin1=place.admin1[:200],
                latitude=place.latitude,
                longitude=place.longitude,
                location_precision=place.precision,
                geocoder=geocoder,
                gazetteer_id=gazetteer_id[:50],
            )
            for key in _keys(place):
                new[key] = obj
        created = list({id(obj): obj for obj in new.values()}.values())
        if created:
            self.writer.create(Place, created)
            self.result.places_created += len(created)
            self.result.places_geocoded += sum(obj.geocoder == GeocoderKind.GAZETTEER for obj in created)
            self.result.places_without_coordinates += sum(obj.latitude is None for obj in created)
            for key, obj in new.items():
                self._remember(key, obj.pk)
        return [self._cached(record.place) if record.place is not None else None for record in records]


def _keys(place: PlaceRecord) -> list[tuple]:
    keys = [("name", place.name, place.country)]
    if place.latitude is not None and place.longitude is not None:
        keys.append(("at", place.latitude, place.longitude))
    return keys


class Importer:
    def __init__(
        self,
        format_name: str,
        *,
        status: str = IncidentStatus.DRAFT,
        province_map: str | None = None,
        user=None,
        batch_size: int = BATCH_SIZE,
        progress=None,
        phase=None,
        simple_history_utils: bool = False,
        reason: str = "",
    ):
        if status not in IMPORT_STATUSES:
            raise ValueError(f"status must be one of {', '.join(IMPORT_STATUSES)}, not {status!r}")
        # `user` acts: a request's user, or workflow.SYSTEM from the command line. Importing as
        # published is publishing: the workflow refuses it to anyone else (PermissionDenied).
        workflow.check_creation(status, user, noun=Incident.record_noun)
        self.format_name = format_name
        self.status = status
        self.provinces = ProvinceMap.load(province_map)  # may raise ProvinceMapError
        self.actor = user
        self.user = user if getattr(user, "pk", None) else None
        self.batch_size = batch_size
        self.progress = progress  # progress(rows): called for each row read
        # phase(label, done, total): the steps after the rows (duplicates, search index, commit).
        self.phase = phase or (lambda label, done=0, total=None: None)
        self.simple_history_utils = simple_history_utils
        self.fixed_reason = reason  # the history's change reason; default: "Imported from … file …"

    def run(self, source: str | BinaryIO, filename: str = "", dry_run: bool = False) -> ImportResult:
        """Import (or with dry_run, rehearse) the file. Never raises for bad rows: they are in
        `result.errors`, and nothing was written."""
        result = ImportResult(format=self.format_name, dry_run=dry_run)
        name = filename or (source if isinstance(source, str) else "upload")
        self.reason = (self.fixed_reason or f"Imported from {self.format_name} file {str(name).rsplit('/', 1)[-1]}")[
            :100
        ]
        try:
            with transaction.atomic(), workflow.acting_as(self.actor):
                started = timezone.now()
                self._run(source, filename, result)
                if not result.errors:
                    result.possible_duplicates = duplicates_among_created(result.created_ids, self.phase)
                if result.errors or dry_run:
                    raise _Rollback
                # Bulk writes send no signals: the search text of what was written is refreshed here.
                written = Incident.objects.filter(updated_at__gte=started)
                total = len(result.created_ids) + len(result.updated_ids)
                self.phase(SEARCH_PHASE, 0, total)
                search.refresh(written, progress=lambda done: self.phase(SEARCH_PHASE, done, total))
                self.phase(COMMIT_PHASE)
        except _Rollback:
            return result
        # Bulk writes send no model signals: drop cached public pages so the import shows at once.
        invalidate_public_cache()
        return result

    def _run(self, source, filename: str, result: ImportResult) -> None:
        province_ids = dict(Province.objects.values_list("slug", "id"))
        campaign_ids = dict(Campaign.objects.values_list("slug", "id"))
        now = timezone.now()
        writer = Writer(self.batch_size, self.user, self.reason, now, self.simple_history_utils)
        places = PlaceResolver(result, writer)
        batch: list[tuple[IncidentRecord, dict]] = []
        for parsed in parse_file(source, self.format_name, self.provinces, filename):
            if parsed.record or parsed.skip or any(e.row and e.row > 1 for e in parsed.errors):
                result.rows += 1
                if self.progress:
                    self.progress(1)
            if parsed.errors:
                result.errors.extend(parsed.errors)
                continue
            if parsed.skip:
                if parsed.skip.reason == "no province":
                    result.skipped_no_province += 1
                else:
                    result.skipped_other_actor += 1
                continue
            record = parsed.record
            province_id = None
            if record.province:
                province_id = province_ids.get(record.province)
                if province_id is None:
                    result.errors.append(RowError(record.row, record.province_column, _unknown_province(record)))
                    continue
            if record.campaign and record.campaign not in campaign_ids:
                result.errors.append(
                    RowError(record.row, "campaign", f"{record.campaign!r} is not a campaign slug in this database")
                )
                continue
            if result.errors:
                continue  # the import will roll back; keep reading only to report every bad row
            record.date = period_start(record.date, record.date_precision)
            related = {"province_id": province_id}
            if record.campaign is not None:  # only the ipwatch CSV says which campaign ("" for none)
                related["campaign_id"] = campaign_ids.get(record.campaign)
            batch.append((record, related))
            if len(batch) >= self.batch_size:
                self._write(batch, places, writer, result)
                batch = []
        if batch and not result.errors:
            self._write(batch, places, writer, result)

    def _write(self, batch, places: PlaceResolver, writer: Writer, result: ImportResult) -> None:
        now = writer.now
        records = [record for record, _ in batch]
        place_ids = places.resolve(records)
        existing = {}
        by_source: dict[str, list[str]] = {}
        for record in records:
            by_source.setdefault(record.external_source, []).append(record.external_id)
        for source, ids in by_source.items():
            # exclude(external_id="") repeats the unique index's condition so the database can use
            # that (partial) index instead of scanning every incident; order_by() drops the sort.
            lookup = Incident.objects.filter(external_source=source, external_id__in=ids).exclude(external_id="")
            for incident in lookup.order_by():
                existing[(source, incident.external_id)] = incident
        to_create, to_update = [], []
        update_fields = set(UPDATE_FIELDS)
        for (record, related), place_id in zip(batch, place_ids, strict=True):
            values = {**record.owned_values(), **related, "place_id": place_id}
            incident = existing.get((record.external_source, record.external_id))
            if incident is None:
                to_create.append(
                    Incident(
                        **values,
                        status=self.status,
                        external_source=record.external_source,
                        external_id=record.external_id,
                        internal_notes=record.internal_notes,
                        created_by=self.user,
                        updated_by=self.user,
                    )
                )
                continue
            if all(getattr(incident, name) == value for name, value in values.items()):
                result.unchanged += 1
                continue
            if incident.status == IncidentStatus.MERGED:
                result.unchanged += 1  # settled: its reports live on the incident it was merged into
                continue
            if needs_review(incident, None):
                # The public keeps the published version until a reviewer accepts the change.
                propose(incident, values, ChangeOrigin.IMPORT, self.user, self.reason)
                result.pending_review += 1
                continue
            for name, value in values.items():
                setattr(incident, name, value)
            incident.updated_at = now  # bulk_update does not apply auto_now
            incident.updated_by = self.user
            to_update.append(incident)
            update_fields.update(name.removesuffix("_id") for name in related)
        if to_create:
            writer.create(Incident, to_create)
            result.created += len(to_create)
            result.created_ids.extend(incident.pk for incident in to_create if incident.pk)
        if to_update:
            writer.update(Incident, to_update, sorted(update_fields))
            result.updated += len(to_update)
            result.updated_ids.extend(incident.pk for incident in to_update)


def duplicates_among_created(ids: list[int], phase=None) -> list:
    """Candidate pairs that involve an incident just created, compared with everything it may overlap."""
    if not ids:
        return []
    if phase is not None:
        phase(DUPLICATES_PHASE)
    created = Incident.objects.filter(pk__gte=min(ids), pk__lte=max(ids))  # ids from one bulk insert
    span = created.aggregate(first=Min("date"), last=Max("date"))
    nearby = Incident.objects.between(span["first"] - LONGEST_PERIOD, span["last"] + LONGEST_PERIOD)
    report = phase and (lambda done, total: phase(DUPLICATES_PHASE, done, total))
    return find_pairs(nearby, involving=set(ids), progress=report)


def _unknown_province(record: IncidentRecord) -> str:
    if record.actor:
        return (
            f"province {record.province!r} (mapped from {record.actor!r}) is not in the database: "
            "load the provinces (manage.py load_sample_data) or fix the province map"
        )
    return f"{record.province!r} is not a province slug in this database"
