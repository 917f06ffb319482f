"""Incidents as an RFC 7946 GeoJSON FeatureCollection.

One serialiser for every caller: the API ``/api/incidents.geojson`` (ipwatch.maps.views) and the
``export_incidents --format geojson`` command. Give it an already filtered queryset of incidents the
caller may show (``Incident.objects.published()`` for anything public)::

    from ipwatch.maps.geojson import feature_collection_json, iter_feature_collection
    text = feature_collection_json(queryset, base_url="https://ipwatch.example")
    for chunk in iter_feature_collection(queryset):  # the same text in pieces, for writing files
        out.write(chunk)

Each incident with coordinates becomes (incidents without coordinates are left out and counted in the
collection's ``without_coordinates`` member)::

    {"type": "Feature", "id": 12,
     "geometry": {"type": "Point", "coordinates": [14.4283, 27.0377]},   # [lon, lat], 5 decimals
     "properties": {"id", "date", "date_precision", "place", "country", "province", "province_name",
                    "incident_type", "killed", "wounded", "claim_status", "location_precision",
                    "date_display", "url", "claimed_killed", "claimed_wounded",
                    "claimed_killed_or_wounded", "synthetic"}}

``killed``/``wounded`` are the editors' best estimates from independent reporting
(Incident.killed_best/wounded_best); ``claimed_*`` are the highest figures in the group's own claims
(Report rows with is_claim), null when no claim gave one; ``synthetic`` marks generated test data.
``properties=`` narrows the properties to a subset (the map loads only what it draws).

It stays fast at 100,000 incidents: one query for the rows (through the database cursor, skipping the
ORM's per-value conversions), one more only when claimed figures are asked for, then string building
with every repeated value (places' coordinates, provinces, types, dates…) JSON-encoded once. Features come
in id order. See docs/benchmarks.md (## Map).

``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e``, ``\\u0026``: the same JSON strings, but
stored text such as ``</script>`` can never close a script element or be sniffed as HTML.
"""

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from operator import itemgetter

from django.db import connections
from django.db.models import Count, Max, Q, Sum

from ipwatch.core.dates import format_at_precision
from ipwatch.core.models import Report

COORDINATE_DECIMALS = 5
CHUNK_FEATURES = 2000  # features per yielded chunk

# Properties read straight from a column, in output order.
COLUMN_PROPERTIES = {
    "id": "id",
    "date": "date",
    "date_precision": "date_precision",
    "place": "place__name",
    "country": "place__country",
    "province": "province__slug",
    "province_name": "province__name",
    "incident_type": "incident_type",
    "killed": "killed_best",
    "wounded": "wounded_best",
    "claim_status": "claim_status",
    "location_precision": "place__location_precision",
}
CLAIM_PROPERTIES = ("claimed_killed", "claimed_wounded", "claimed_killed_or_wounded")
# Properties computed from other values, written after the column ones.
COMPUTED_PROPERTIES = ("date_display", "url", *CLAIM_PROPERTIES, "synthetic")
PROPERTY_NAMES = (*COLUMN_PROPERTIES, *COMPUTED_PROPERTIES)
# What /map/ needs to draw markers (colour, size, hollow, synthetic count); popups fetch the rest.
MAP_PROPERTIES = ("province", "killed", "wounded", "location_precision", "synthetic")

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class UnknownProperty(ValueError):
    def __init__(self, names):
        self.names = names
        super().__init__(
            f"unknown propert{'y' if len(names) == 1 else 'ies'} {', '.join(sorted(names))}; "
            f"choose from {', '.join(PROPERTY_NAMES)}"
        )


def select_properties(names: Iterable[str] | None) -> tuple[str, ...]:
    """The requested properties in output order (all when ``names`` is None); UnknownProperty if any is unknown."""
    if names is None:
        return PROPERTY_NAMES
    wanted = set(names)
    unknown = wanted - set(PROPERTY_NAMES)
    if unknown:
        raise UnknownProperty(unknown)
    return tuple(name for name in PROPERTY_NAMES if name in wanted)


def incident_url(base_url: str, incident_id: int) -> str:
    """The incident page, as Incident.get_absolute_url() gives it ("/incidents/<id>/")."""
    return f"{base_url}/incidents/{incident_id}/"


def located(queryset):
    return queryset.filter(place__latitude__isnull=False, place__longitude__isnull=False)


def count_without_coordinates(queryset) -> int:
    return queryset.filter(Q(place__isnull=True) | Q(place__latitude__isnull=True)).count()


def collection_stats(queryset) -> dict:
    """Counts and change markers of ``queryset``, in one aggregate query.

    The API builds its ETag on them: the sum of ids changes when incidents enter or leave the set (even
    through QuerySet.update(), which leaves updated_at alone), the coordinate sums when a place moves.
    """
    return queryset.order_by().aggregate(
        total=Count("pk"),
        without_coordinates=Count("pk", filter=Q(place__isnull=True) | Q(place__latitude__isnull=True)),
        synthetic=Count("pk", filter=Q(is_synthetic=True)),
        id_sum=Sum("pk"),
        last_updated=Max("updated_at"),
        latitude_sum=Sum("place__latitude"),
        longitude_sum=Sum("place__longitude"),
    )


class _EncodedValues(dict):
    """value → its JSON text, encoded on first use (dates as ISO strings)."""

    def __missing__(self, value):
        text = _encode(value.isoformat() if isinstance(value, dt.date) else value)
        self[value] = text
        return text


class _DateDisplays(dict):
    """(date, precision) → JSON text of the date at its precision ("Oct 2018")."""

    def __missing__(self, key):
        date, precision = key
        if isinstance(date, str):  # SQLite hands dates over as text
            date = dt.date.fromisoformat(date)
        text = _encode(format_at_precision(date, precision))
        self[key] = text
        return text


def _claims_per_incident():
    return (
        Report.objects.filter(is_claim=True)
        .values("incident_id")
        .annotate(killed=Max("killed"), wounded=Max("wounded"), killed_or_wounded=Max("killed_or_wounded"))
        .order_by()
        .values_list("incident_id", "killed", "wounded", "killed_or_wounded")
    )


def _raw_rows(queryset, fields: list[str], with_claims: bool, chunk_size: int = CHUNK_FEATURES) -> Iterator[tuple]:
    """Rows of ``queryset.values_list(*fields)`` in id order, straight from the DB cursor without the
    ORM's per-value conversions (the formatting accepts dates as date objects or ISO text).

    ``with_claims`` appends the claimed figures (killed, wounded, killed_or_wounded) to each row,
    joined in the same query to the claims aggregated per incident (one pass over the claim reports,
    where a per-row subquery or an ``IN (…)`` list would look them up 100,000 times).
    """
    rows = queryset.order_by().values_list(*fields)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    if with_claims:
        claims = _claims_per_incident()
        claims_sql, claims_params = claims.query.get_compiler(using=rows.db).as_sql()
        figures = ", ".join(f"claims.{quote(name)}" for name in ("killed", "wounded", "killed_or_wounded"))
        join = f"LEFT JOIN ({claims_sql}) claims ON claims.{quote('incident_id')} = rows.{quote('id')}"
        # Compiled from querysets: every value is in params.
        sql = f"SELECT rows.*, {figures} FROM ({sql}) rows {join} ORDER BY rows.{quote('id')}"  # noqa: S608
        params = (*params, *claims_params)
    else:
        sql = f"SELECT * FROM ({sql}) rows ORDER BY rows.{quote('id')}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk_size):
            yield from batch


def _features(queryset, base_url: str, properties: tuple[str, ...]) -> Iterator[str]:
    wanted = set(properties)
    want_id = "id" in wanted  # written from the row's id, not looked up: every id is different
    column_properties = [name for name in COLUMN_PROPERTIES if name in wanted and name != "id"]
    fields = ["id", "place_id", "place__longitude", "place__latitude"]
    for field in [COLUMN_PROPERTIES[name] for name in column_properties] + ["date", "date_precision", "is_synthetic"]:
        if field not in fields:
            fields.append(field)
    claim_columns = [len(fields) + CLAIM_PROPERTIES.index(name) for name in CLAIM_PROPERTIES if name in wanted]
    queryset = located(queryset)

    template = (
        '{"type":"Feature","id":%s,"geometry":{"type":"Point","coordinates":[%s,%s]},"properties":{'
        + ",".join(f'"{name}":%s' for name in properties)
        + "}}"
    )
    columns = [fields.index(COLUMN_PROPERTIES[name]) for name in column_properties]
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],)) if columns else None
    encoded = _EncodedValues()
    lookup = encoded.__getitem__
    date_displays = _DateDisplays()
    want_date_display = "date_display" in wanted
    want_url = "url" in wanted
    want_synthetic = "synthetic" in wanted
    url_prefix = _encode(incident_url(base_url, 0))[:-3]  # '"…/incidents/' without the '0/"'
    date_index, precision_index = fields.index("date"), fields.index("date_precision")
    synthetic_index = fields.index("is_synthetic")

    coordinates: dict[int, tuple[str, str]] = {}  # place id → rounded [lon, lat] as text
    for row in _raw_rows(queryset, fields, with_claims=bool(claim_columns)):
        pk = row[0]
        try:
            lon, lat = coordinates[row[1]]
        except KeyError:
            lon, lat = coordinates[row[1]] = (
                repr(round(row[2], COORDINATE_DECIMALS)),
                repr(round(row[3], COORDINATE_DECIMALS)),
            )
        values = list(map(lookup, pick(row))) if pick else []
        if want_id:
            values.insert(0, str(pk))
        if want_date_display:
            values.append(date_displays[row[date_index], row[precision_index]])
        if want_url:
            values.append(f'{url_prefix}{pk}/"')
        if claim_columns:
            values.extend(lookup(row[i]) for i in claim_columns)
        if want_synthetic:
            values.append("true" if row[synthetic_index] else "false")
        yield template % (pk, lon, lat, *values)


def _html_safe(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def iter_feature_collection(
    queryset, *, base_url: str = "", properties: Iterable[str] | None = None, without_coordinates: int | None = None
) -> Iterator[str]:
    """The FeatureCollection of ``queryset`` as chunks of JSON text (join them for the document).

    ``base_url`` (e.g. "https://ipwatch.example", no trailing slash) makes the incident links absolute.
    ``properties`` limits the properties (default: all of PROPERTY_NAMES).
    ``without_coordinates`` saves a query when the caller has already counted the incidents left out.
    """
    properties = select_properties(properties)
    if without_coordinates is None:
        without_coordinates = count_without_coordinates(queryset)
    yield f'{{"type":"FeatureCollection","without_coordinates":{int(without_coordinates)},"features":['
    chunk: list[str] = []
    first = True
    for feature in _features(queryset, base_url, properties):
        chunk.append(feature)
        if len(chunk) >= CHUNK_FEATURES:
            yield ("" if first else ",") + _html_safe(",".join(chunk))
            first = False
            chunk = []
    if chunk:
        yield ("" if first else ",") + _html_safe(",".join(chunk))
    yield "]}"


def feature_collection_json(
    queryset, *, base_url: str = "", properties: Iterable[str] | None = None, without_coordinates: int | None = None
) -> str:
    """The whole FeatureCollection of ``queryset`` as one JSON string."""
    return "".join(
        iter_feature_collection(
            queryset, base_url=base_url, properties=properties, without_coordinates=without_coordinates
        )
    )
