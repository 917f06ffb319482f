"""Incidents out: the ipwatch CSV (which `import_incidents --format ipwatch` reads back) and GeoJSON.

Both stream: rows come from the database in chunks (`.iterator()`) and go out as they are made,
so memory does not grow with the number of incidents.
"""

import json
from collections.abc import Iterable, Iterator

from ipwatch.core.citation import incident_ref
from ipwatch.core.models import Incident

from . import csvwriter
from .formats.ipwatch import COLUMNS, NUMERIC_COLUMNS

CHUNK_SIZE = 2000


def export_queryset(queryset):
    """Only the columns the exports write, with place and province joined in."""
    return queryset.select_related("place", "province", "campaign").order_by("date", "id")


def location_values(place, province) -> dict:
    """Where a record happened, as every export writes it (None where it is not known)."""
    return {
        "province": province.slug if province else None,
        "place": place.name if place else None,
        "country": place.country if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "location_precision": place.location_precision if place else None,
    }


def incident_values(incident: Incident, base_url: str = "") -> dict:
    place, province = incident.place, incident.province
    return {
        "id": incident.pk,
        "incident_ref": incident_ref(incident.pk),
        "external_source": incident.external_source,
        "external_id": incident.external_id,
        "date": incident.date.isoformat(),
        "date_precision": incident.date_precision,
        "end_date": incident.end_date.isoformat() if incident.end_date else None,
        **location_values(place, province),
        "province_name": province.name if province else None,
        "place_ar": place.name_ar if place else None,
        "admin1": place.admin1 if place else None,
        "incident_type": incident.incident_type,
        "target_type": incident.target_type,
        "claim_status": incident.claim_status,
        "campaign": incident.campaign.slug if incident.campaign_id else None,
        "killed_low": incident.killed_low,
        "killed_best": incident.killed_best,
        "killed_high": incident.killed_high,
        "wounded_low": incident.wounded_low,
        "wounded_best": incident.wounded_best,
        "wounded_high": incident.wounded_high,
        "kidnapped": incident.kidnapped,
        "summary": incident.summary,
        "is_synthetic": incident.is_synthetic,
        "url": base_url + incident.get_absolute_url(),
    }


def csv_lines(incidents: Iterable[Incident], base_url: str = "", extra_columns: tuple[str, ...] = ()) -> Iterator[str]:
    """The ipwatch CSV; ``extra_columns`` (incident text fields such as status and internal_notes,
    for the analysts' export only) are appended after the standard columns, formula-guarded."""
    rows = (
        {**incident_values(incident, base_url), **{column: getattr(incident, column) for column in extra_columns}}
        for incident in incidents
    )
    return csvwriter.lines([*COLUMNS, *extra_columns], rows, NUMERIC_COLUMNS)


# GeoJSON -----------------------------------------------------------------------------------------
# Why a second GeoJSON writer beside the map API's (ipwatch/maps/geojson.py): that one is built for
# the map (lean properties, points only, incidents without coordinates counted, not listed); this
# file export keeps every incident (null geometry when unlocated, as RFC 7946 allows) with the
# CSV's full attribute set, so a GeoJSON export loses nothing the CSV has.
GEOJSON_PROPERTIES = [c for c in COLUMNS if c not in ("latitude", "longitude")]


def geojson_feature(incident: Incident, base_url: str = "") -> dict:
    values = incident_values(incident, base_url)
    latitude, longitude = values["latitude"], values["longitude"]
    geometry = None
    if latitude is not None and longitude is not None:
        geometry = {"type": "Point", "coordinates": [longitude, latitude]}
    return {
        "type": "Feature",
        "id": incident.pk,
        "incident_ref": incident_ref(incident.pk),
        "geometry": geometry,
        "properties": {name: values[name] for name in GEOJSON_PROPERTIES},
    }


def geojson_chunks(incidents: Iterable[Incident], base_url: str = "") -> Iterator[str]:
    """A FeatureCollection, written feature by feature. UTF-8 as is (ensure_ascii=False): Arabic
    names stay readable, as GeoJSON (RFC 7946) requires UTF-8."""
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for incident in incidents:
        feature = json.dumps(geojson_feature(incident, base_url), ensure_ascii=False)
        yield feature if first else ",\n" + feature
        first = False
    yield "\n]}\n"


def iterate(queryset) -> Iterator[Incident]:
    return export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE)
