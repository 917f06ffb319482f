"""Incidents as an RFC 7946 GeoJSON FeatureCollection.

One serialiser for every caller: the API ``/api/incidents.geojson`` (ipwatch.maps.views) and the
``export_incidents --format geojson`` command. Give it an already filtered queryset of incidents the
caller may show (``Incident.objects.published()`` for anything public)::

    from ipwatch.maps.geojson import feature_collection_json, iter_feature_collection
    text = feature_collection_json(queryset, base_url="https://ipwatch.example")
    for chunk in iter_feature_collection(queryset):  # the same text, in pieces, for files
        out.write(chunk)

It stays fast at 100,000 incidents: two queries whatever the number of rows (the incidents with their
place and province via ``values_list``, and the claimed figures aggregated in SQL from Report rows),
then plain string building; see docs/benchmarks.md (## Map).

Output, per incident with coordinates (incidents without coordinates are left out and counted in the
collection's ``without_coordinates`` member)::

    {"type": "Feature", "id": 12,
     "geometry": {"type": "Point", "coordinates": [14.4283, 27.0377]},   # [lon, lat], 5 decimals
     "properties": {"id", "date", "date_precision", "date_display", "place", "country", "province",
                    "province_name", "incident_type", "killed", "wounded", "claim_status",
                    "location_precision", "url", "claimed_killed", "claimed_wounded",
                    "claimed_killed_or_wounded", "synthetic"}}

``killed``/``wounded`` are the editors' best estimates from independent reporting
(Incident.killed_best/wounded_best); ``claimed_*`` are the highest figures in the group's own claims
(Report rows with is_claim), null when no claim gave one.

The characters ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e`` and ``\\u0026``: still the
same JSON strings, but text such as ``</script>`` can never end a script element or be sniffed as HTML.
"""

import json
from collections.abc import Iterator

from django.db.models import Count, Max, Q, Sum

from ipwatch.core.dates import format_at_precision
from ipwatch.core.models import Report

COORDINATE_DECIMALS = 5
CHUNK_FEATURES = 2000  # features per yielded chunk

PROPERTY_NAMES = (
    "id",
    "date",
    "date_precision",
    "date_display",
    "place",
    "country",
    "province",
    "province_name",
    "incident_type",
    "killed",
    "wounded",
    "claim_status",
    "location_precision",
    "url",
    "claimed_killed",
    "claimed_wounded",
    "claimed_killed_or_wounded",
    "synthetic",
)

_ROW_FIELDS = (
    "id",
    "date",
    "date_precision",
    "place__name",
    "place__country",
    "place__longitude",
    "place__latitude",
    "place__location_precision",
    "province__slug",
    "province__name",
    "incident_type",
    "killed_best",
    "wounded_best",
    "claim_status",
    "is_synthetic",
)

# One template per feature; %s slots are filled with JSON-encoded values (see _features()).
_FEATURE = (
    '{"type":"Feature","id":%d,"geometry":{"type":"Point","coordinates":[%s,%s]},'
    '"properties":{"id":%d,"date":"%s","date_precision":%s,"date_display":%s,"place":%s,"country":%s,'
    '"province":%s,"province_name":%s,"incident_type":%s,"killed":%s,"wounded":%s,"claim_status":%s,'
    '"location_precision":%s,"url":%s,"claimed_killed":%s,"claimed_wounded":%s,'
    '"claimed_killed_or_wounded":%s,"synthetic":%s}}'
)

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_NO_CLAIM = ("null", "null", "null")


def _html_safe(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def incident_url(base_url: str, incident_id: int) -> str:
    """The incident page, as Incident.get_absolute_url() gives it ("/incidents/<id>/")."""
    return f"{base_url}/incidents/{incident_id}/"


def located(queryset):
    return queryset.filter(place__latitude__isnull=False, place__longitude__isnull=False)


def count_without_coordinates(queryset) -> int:
    return queryset.filter(Q(place__isnull=True) | Q(place__latitude__isnull=True)).count()


def claimed_figures(queryset) -> dict[int, tuple[str, str, str]]:
    """{incident id: (claimed_killed, claimed_wounded, claimed_killed_or_wounded) as JSON text}, one query."""
    claims = (
        Report.objects.filter(is_claim=True, incident__in=queryset.order_by().values("pk"))
        .values("incident_id")
        .annotate(killed=Max("killed"), wounded=Max("wounded"), killed_or_wounded=Max("killed_or_wounded"))
        .order_by()
        .values_list("incident_id", "killed", "wounded", "killed_or_wounded")
    )
    return {
        incident_id: (_encode(killed), _encode(wounded), _encode(killed_or_wounded))
        for incident_id, killed, wounded, killed_or_wounded in claims
    }


def _features(queryset, base_url: str) -> Iterator[str]:
    queryset = located(queryset)
    claims = claimed_figures(queryset)
    rows = queryset.order_by("date", "id").values_list(*_ROW_FIELDS)
    url_prefix = _encode(incident_url(base_url, 0))[:-3]  # '"…/incidents/' without the '0/"'
    encoded: dict = {}  # repeated values (provinces, types, dates…) are encoded once

    def enc(value) -> str:
        try:
            return encoded[value]
        except KeyError:
            encoded[value] = text = _encode(value)
            return text

    date_texts: dict = {}
    for (
        pk,
        date,
        date_precision,
        place,
        country,
        lon,
        lat,
        location_precision,
        province,
        province_name,
        incident_type,
        killed,
        wounded,
        claim_status,
        synthetic,
    ) in rows:
        date_key = (date, date_precision)
        if date_key not in date_texts:
            date_texts[date_key] = (date.isoformat(), enc(format_at_precision(date, date_precision)))
        iso_date, date_display = date_texts[date_key]
        claimed = claims.get(pk, _NO_CLAIM)
        yield _FEATURE % (
            pk,
            repr(round(lon, COORDINATE_DECIMALS)),
            repr(round(lat, COORDINATE_DECIMALS)),
            pk,
            iso_date,
            enc(date_precision),
            date_display,
            enc(place),
            enc(country),
            enc(province),
            enc(province_name),
            enc(incident_type),
            enc(killed),
            enc(wounded),
            enc(claim_status),
            enc(location_precision),
            f'{url_prefix}{pk}/"',
            claimed[0],
            claimed[1],
            claimed[2],
            "true" if synthetic else "false",
        )


def iter_feature_collection(queryset, *, base_url: str = "", without_coordinates: int | None = None) -> Iterator[str]:
    """The FeatureCollection of ``queryset`` as chunks of JSON text (join them for the document).

    ``base_url`` (e.g. "https://ipwatch.example", no trailing slash) makes the incident links absolute.
    ``without_coordinates`` saves a query when the caller has already counted the incidents left out.
    """
    if without_coordinates is None:
        without_coordinates = count_without_coordinates(queryset)
    yield f'{{"type":"FeatureCollection","without_coordinates":{int(without_coordinates)},"features":['
    chunk: list[str] = []
    first = True
    for feature in _features(queryset, base_url):
        chunk.append(feature)
        if len(chunk) >= CHUNK_FEATURES:
            yield ("" if first else ",") + _html_safe(",".join(chunk))
            first = False
            chunk = []
    if chunk:
        yield ("" if first else ",") + _html_safe(",".join(chunk))
    yield "]}"


def feature_collection_json(queryset, *, base_url: str = "", without_coordinates: int | None = None) -> str:
    """The whole FeatureCollection of ``queryset`` as one JSON string."""
    return "".join(iter_feature_collection(queryset, base_url=base_url, without_coordinates=without_coordinates))


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
