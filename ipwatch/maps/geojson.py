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
     "properties": {"id", "ref", "date", "date_precision", "date_display", "place", "country",
                    "location_precision", "province", "province_name", "incident_type", "claim_status",
                    "killed", "wounded", "url", "claimed_killed", "claimed_wounded",
                    "claimed_killed_or_wounded", "synthetic"}}

``ref`` is the incident's stable citation identifier ("IPW-000012", see ipwatch.core.citation).
``killed``/``wounded`` are the editors' best estimates from independent reporting
(Incident.killed_best/wounded_best); ``claimed_*`` are the highest figures in the group's own claims
(Report rows with is_claim), null when no claim gave one; ``synthetic`` marks generated test data.
The ``properties`` argument (``?properties=`` in the API) narrows them to a subset: the map loads only
what it draws.

It stays fast at 100,000 incidents: one query for the rows (through the database cursor, skipping the
ORM's per-value conversions; the claimed figures are joined into it, aggregated per incident), then
string building where what many incidents share (a place with its coordinates, a province, a date) is
encoded once. Features come in id order. See docs/benchmarks.md (## Map).

``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e``, ``\\u0026``: the same JSON strings, but
stored text such as ``</script>`` can never close a script element or be sniffed as HTML.
"""

import json
from collections.abc import Iterable, Iterator

from django.db import connections
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse

from ipwatch.core.citation import incident_ref
from ipwatch.core.dates import as_date, format_at_precision
from ipwatch.core.models import Report
from ipwatch.core.querysets import unlocated

COORDINATE_DECIMALS = 5
CHUNK_FEATURES = 2000  # features per yielded chunk

# Every property, in output order. Properties that depend on the same thing sit together, so that
# each group is encoded once per date, place or province rather than once per incident.
DATE_PROPERTIES = ("date", "date_precision", "date_display")
PLACE_PROPERTIES = ("place", "country", "location_precision")
PROVINCE_PROPERTIES = ("province", "province_name")
INCIDENT_PROPERTIES = ("incident_type", "claim_status", "killed", "wounded")
CLAIM_PROPERTIES = ("claimed_killed", "claimed_wounded", "claimed_killed_or_wounded")
PROPERTY_NAMES = (
    "id",
    "ref",
    *DATE_PROPERTIES,
    *PLACE_PROPERTIES,
    *PROVINCE_PROPERTIES,
    *INCIDENT_PROPERTIES,
    "url",
    *CLAIM_PROPERTIES,
    "synthetic",
)
# What /map/ needs to draw markers (colour, size, hollow, synthetic count); popups fetch the rest.
MAP_PROPERTIES = ("date", "location_precision", "province", "killed", "wounded", "synthetic")

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
    return base_url + reverse("public:incident-detail", kwargs={"pk": incident_id})


def count_without_coordinates(queryset) -> int:
    return queryset.without_coordinates().count()


def collection_stats(queryset) -> dict:
    """Counts and change markers of ``queryset``, in one aggregate query.

    The API builds its ETag on them: the sum of ids changes when incidents enter or leave the set (even
    through QuerySet.update(), which leaves updated_at alone), the coordinate sums when a place moves.
    """
    return queryset.order_by().aggregate(
        total=Count("pk"),
        without_coordinates=Count("pk", filter=unlocated()),
        synthetic=Count("pk", filter=Q(is_synthetic=True)),
        id_sum=Sum("pk"),
        last_updated=Max("updated_at"),
        latitude_sum=Sum("place__latitude"),
        longitude_sum=Sum("place__longitude"),
    )


class _EncodedValues(dict):
    """value → its JSON text, encoded on first use."""

    def __missing__(self, value):
        text = self[value] = _encode(value)
        return text


def _fragment(names, values) -> str:
    """'"name":value,…' for the wanted ``names`` (values already JSON text)."""
    return ",".join(f'"{name}":{value}' for name, value in zip(names, values, strict=True))


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
        figures = ", ".join(f"claim_totals.{quote(name)}" for name in ("killed", "wounded", "killed_or_wounded"))
        on = f"claim_totals.{quote('incident_id')} = incident_rows.{quote('id')}"
        join = f"LEFT JOIN ({claims_sql}) claim_totals ON {on}"
        # Compiled from querysets: every value is in params.
        sql = f"SELECT incident_rows.*, {figures} FROM ({sql}) incident_rows {join}"  # noqa: S608
        params = (*params, *claims_params)
    else:
        sql = f"SELECT * FROM ({sql}) incident_rows"  # noqa: S608
    sql += f" ORDER BY incident_rows.{quote('id')}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk_size):
            yield from batch


# Columns read for each group of properties.
_FIELDS = {
    "row": ["id", "place_id", "place__longitude", "place__latitude", "province_id", "is_synthetic"],
    "date": ["date", "date_precision"],
    "place": ["place__name", "place__country", "place__location_precision"],
    "province": ["province__slug", "province__name"],
    "incident": ["incident_type", "claim_status", "killed_best", "wounded_best"],
}


def _features(queryset, base_url: str, properties: tuple[str, ...]) -> Iterator[str]:
    wanted = set(properties)
    fields = [field for group in _FIELDS.values() for field in group]
    at = {field: index for index, field in enumerate(fields)}
    claims_at = len(fields)  # claimed figures come after the fields, when asked for

    date_names = [name for name in DATE_PROPERTIES if name in wanted]
    place_names = [name for name in PLACE_PROPERTIES if name in wanted]
    province_names = [name for name in PROVINCE_PROPERTIES if name in wanted]
    incident_names = [name for name in INCIDENT_PROPERTIES if name in wanted]
    claim_names = [name for name in CLAIM_PROPERTIES if name in wanted]
    incident_columns = [
        at[field] for name, field in zip(INCIDENT_PROPERTIES, _FIELDS["incident"], strict=True) if name in wanted
    ]
    claim_columns = [claims_at + CLAIM_PROPERTIES.index(name) for name in claim_names]

    encoded = _EncodedValues()
    lookup = encoded.__getitem__

    # Fragments of JSON text shared by many incidents, built on first use.
    dates: dict = {}
    places: dict = {}  # place id → (lon, lat, fragment)
    provinces: dict = {}

    def date_fragment(date, precision):
        values = {
            "date": _encode(as_date(date).isoformat()),
            "date_precision": lookup(precision),
            "date_display": _encode(format_at_precision(as_date(date), precision)),
        }
        return _fragment(date_names, [values[name] for name in date_names])

    def place_fragment(row):
        name, country, precision = (row[at[field]] for field in _FIELDS["place"])
        values = {"place": lookup(name), "country": lookup(country), "location_precision": lookup(precision)}
        return (
            repr(round(row[at["place__longitude"]], COORDINATE_DECIMALS)),
            repr(round(row[at["place__latitude"]], COORDINATE_DECIMALS)),
            _fragment(place_names, [values[name] for name in place_names]),
        )

    def province_fragment(row):
        values = {"province": lookup(row[at["province__slug"]]), "province_name": lookup(row[at["province__name"]])}
        return _fragment(province_names, [values[name] for name in province_names])

    # Per-incident groups: a %-template each ('"killed":%s,"wounded":%s').
    incident_template = _fragment(incident_names, ["%s"] * len(incident_names))
    claim_template = _fragment(claim_names, ["%s"] * len(claim_names))
    head = '{"type":"Feature","id":%s,"geometry":{"type":"Point","coordinates":[%s,%s]},"properties":{'
    want_id, want_url, want_synthetic = "id" in wanted, "url" in wanted, "synthetic" in wanted
    want_ref = "ref" in wanted
    url_prefix = _encode(incident_url(base_url, 0))[:-3]  # '"…/incidents/' without the '0/"'
    date_at, precision_at, place_at, province_at = at["date"], at["date_precision"], at["place_id"], at["province_id"]
    synthetic_at = at["is_synthetic"]

    for row in _raw_rows(queryset.with_coordinates(), fields, with_claims=bool(claim_columns)):
        pk = row[0]
        parts = [f'"id":{pk}'] if want_id else []
        if want_ref:
            parts.append(f'"ref":"{incident_ref(pk)}"')
        if date_names:
            key = (row[date_at], row[precision_at])
            fragment = dates.get(key)
            if fragment is None:
                fragment = dates[key] = date_fragment(*key)
            parts.append(fragment)
        place = places.get(row[place_at])
        if place is None:
            place = places[row[place_at]] = place_fragment(row)
        if place_names:
            parts.append(place[2])
        if province_names:
            fragment = provinces.get(row[province_at])
            if fragment is None:
                fragment = provinces[row[province_at]] = province_fragment(row)
            parts.append(fragment)
        if incident_names:
            parts.append(incident_template % tuple([lookup(row[i]) for i in incident_columns]))
        if want_url:
            parts.append(f'"url":{url_prefix}{pk}/"')
        if claim_names:
            parts.append(claim_template % tuple([lookup(row[i]) for i in claim_columns]))
        if want_synthetic:
            parts.append('"synthetic":true' if row[synthetic_at] else '"synthetic":false')
        yield head % (pk, place[0], place[1]) + ",".join(parts) + "}}"


def _html_safe(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def iter_feature_collection(
    queryset,
    *,
    base_url: str = "",
    properties: Iterable[str] | None = None,
    without_coordinates: int | None = None,
    data_as_of: str | None = None,
) -> Iterator[str]:
    """The FeatureCollection of ``queryset`` as chunks of JSON text (join them for the document).

    ``base_url`` (e.g. "https://ipwatch.example", no trailing slash) makes the incident links absolute.
    ``properties`` limits the properties (default: all of PROPERTY_NAMES).
    ``without_coordinates`` saves a query when the caller has already counted the incidents left out.
    """
    properties = select_properties(properties)
    if without_coordinates is None:
        without_coordinates = count_without_coordinates(queryset)
    head = {"type": "FeatureCollection", "data_as_of": data_as_of, "without_coordinates": int(without_coordinates)}
    yield _encode(head)[:-1] + ',"features":['
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


def feature_collection_json(queryset, **options) -> str:
    """The whole FeatureCollection of ``queryset`` as one JSON string (options: iter_feature_collection's)."""
    return "".join(iter_feature_collection(queryset, **options))
