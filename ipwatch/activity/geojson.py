"""Published activity of every kind as one RFC 7946 FeatureCollection (``/api/activity.geojson``).

Attacks come from core.Incident, the other kinds from Activity: one cursor query each (the map
serialiser's ``_raw_rows``), features built as text with what many records share (a place, a province,
a date) encoded once. Each feature::

    {"type": "Feature", "id": "media_release-4",
     "geometry": {"type": "Point", "coordinates": [lon, lat]},
     "properties": {"id", "ref", "kind", "title", "date", "date_precision", "date_display", "end_date",
                    "end_date_precision", "period_display", "place", "country", "location_precision",
                    "province", "province_name", "url", "synthetic"}}

``id`` is the record's id in its own table (attacks: the incident id, as in /api/incidents.geojson);
the feature id adds the kind so that ids are unique across kinds; ``ref`` is the stable citation
identifier (``IPW-000012`` for an attack, ``IPW-A-000004`` for the other kinds; ipwatch.core.citation).
The collection carries ``data_as_of`` (ipwatch.core.asof) as a foreign member, as the incidents' does.
A territory's ``date`` is the first day it is known to have been held (null when unknown) and
``end_date`` its last known period; records without coordinates are left out and counted in
``without_coordinates``.
"""

from collections.abc import Iterator

from django.urls import reverse

from ipwatch.core.choices import IncidentType
from ipwatch.core.citation import activity_ref, incident_ref
from ipwatch.core.dates import as_date, format_at_precision
from ipwatch.maps.geojson import CHUNK_FEATURES, COORDINATE_DECIMALS, _EncodedValues, _html_safe, _raw_rows

from .choices import ActivityKind

PROPERTY_NAMES = (
    "id",
    "ref",
    "kind",
    "title",
    "date",
    "date_precision",
    "date_display",
    "end_date",
    "end_date_precision",
    "period_display",
    "place",
    "country",
    "location_precision",
    "province",
    "province_name",
    "url",
    "synthetic",
)
COMMON_FIELDS = [
    "id",
    "place_id",
    "place__longitude",
    "place__latitude",
    "province_id",
    "is_synthetic",
    "date",
    "date_precision",
    "place__name",
    "place__country",
    "place__location_precision",
    "province__slug",
    "province__name",
    "end_date",
]
INCIDENT_FIELDS = [*COMMON_FIELDS, "incident_type"]
ACTIVITY_FIELDS = [*COMMON_FIELDS, "end_date_precision", "kind", "title"]
TYPE_LABELS = dict(IncidentType.choices)


def attack_title(incident_type: str, place: str | None) -> str:
    """What an attack is called where every kind is listed together: "Raid / armed assault at Sebha"."""
    label = TYPE_LABELS.get(incident_type, incident_type)
    return f"{label} at {place}" if place else f"{label} (place unknown)"


def period_display(kind, date, precision, end_date, end_precision) -> str:
    start = format_at_precision(date, precision) if date else ""
    if kind != ActivityKind.TERRITORY:
        return start
    end = format_at_precision(end_date, end_precision) if end_date else ""
    if not start:
        return f"until {end}" if end else "dates unknown"
    return f"{start} – {end or 'unknown end'}"


def _features(rows, *, attacks: bool, base_url: str) -> Iterator[str]:
    encode = _EncodedValues()
    lookup = encode.__getitem__
    places, provinces, dates, titles = {}, {}, {}, {}
    path = reverse("public:incident-list" if attacks else "activity:list")
    ref = incident_ref if attacks else activity_ref
    url_prefix = lookup(f"{base_url}{path}")[:-1]
    head = '{"type":"Feature","id":"%s-%s","geometry":{"type":"Point","coordinates":[%s,%s]},"properties":{'
    for row in rows:
        (pk, place_id, lon, lat, province_id, synthetic, date, precision, place_name) = row[:9]
        end_date = row[13]
        if attacks:
            kind, end_precision = ActivityKind.ATTACK.value, ("day" if end_date else None)
            key = (row[14], place_id)
            title = titles.get(key)
            if title is None:
                title = titles[key] = lookup(attack_title(row[14], place_name))
        else:
            end_precision, kind = row[14] or None, row[15]
            title = lookup(row[16])
        place = places.get(place_id)
        if place is None:
            place = places[place_id] = (
                repr(round(lon, COORDINATE_DECIMALS)),
                repr(round(lat, COORDINATE_DECIMALS)),
                f'"place":{lookup(place_name)},"country":{lookup(row[9])},"location_precision":{lookup(row[10])}',
            )
        province = provinces.get(province_id)
        if province is None:
            province = provinces[province_id] = f'"province":{lookup(row[11])},"province_name":{lookup(row[12])}'
        key = (kind, date, precision, end_date, end_precision)
        period = dates.get(key)
        if period is None:
            start, end = as_date(date), as_date(end_date)
            period = dates[key] = (
                f'"date":{lookup(start.isoformat() if start else None)},"date_precision":{lookup(precision)},'
                f'"date_display":{lookup(format_at_precision(start, precision) if start else None)},'
                f'"end_date":{lookup(end.isoformat() if end else None)},"end_date_precision":{lookup(end_precision)},'
                f'"period_display":{lookup(period_display(kind, start, precision, end, end_precision))}'
            )
        yield (
            head % (kind, pk, place[0], place[1])
            + f'"id":{pk},"ref":"{ref(pk)}","kind":"{kind}","title":{title},{period},{place[2]},{province},'
            + f'"url":{url_prefix}{pk}/","synthetic":{"true" if synthetic else "false"}}}}}'
        )


def iter_feature_collection(
    attacks, others, *, base_url: str = "", without_coordinates: int = 0, data_as_of: str | None = None
) -> Iterator[str]:
    """The FeatureCollection as chunks of JSON text: attacks (``attacks``, an Incident queryset or
    None) then the other kinds (``others``, an Activity queryset or None), each in id order."""
    as_of = f'"{data_as_of}"' if data_as_of else "null"  # an ISO date: nothing to escape
    counted = int(without_coordinates)
    yield f'{{"type":"FeatureCollection","data_as_of":{as_of},"without_coordinates":{counted},"features":['
    streams = []
    if attacks is not None:
        rows = _raw_rows(attacks.with_coordinates(), INCIDENT_FIELDS, with_claims=False)
        streams.append(_features(rows, attacks=True, base_url=base_url))
    if others is not None:
        rows = _raw_rows(others.with_coordinates(), ACTIVITY_FIELDS, with_claims=False)
        streams.append(_features(rows, attacks=False, base_url=base_url))
    first = True
    for stream in streams:
        chunk: list[str] = []
        for feature in stream:
            chunk.append(feature)
            if len(chunk) >= CHUNK_FEATURES:
                yield ("" if first else ",") + _html_safe(",".join(chunk))
                first, chunk = False, []
        if chunk:
            yield ("" if first else ",") + _html_safe(",".join(chunk))
            first = False
    yield "]}"


def feature_collection_json(attacks, others, **kwargs) -> str:
    return "".join(iter_feature_collection(attacks, others, **kwargs))
