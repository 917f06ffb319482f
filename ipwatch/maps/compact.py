"""The map's own data: what /map/ draws, and nothing more, in few bytes (``/api/incidents.map.json``).

``/api/incidents.geojson`` is the open format for everyone (every property, one GeoJSON Feature per
incident: ~190 bytes each even with the map's sparse fieldset). The map page needs far less per
incident — where, when, which province, how big the marker is, hollow or not — so this format sends
columns of small integers with a legend, and the popup fetches an incident's full properties from
the GeoJSON API when it is clicked::

    {"format": "ipwatch-map/1", "data_as_of": "…", "total": 3, "without_coordinates": 1,
     "legend": {"province": ["fezzan", ""],                  # "" = no province
                "location_precision": ["exact", "near", "district", "province", "country"]},
     "places": [[14.4283, 27.0377, 1], …],                  # [lon, lat, location_precision index]
     "columns": {"id": [3, 9],                              # ids ascending, each as the step from the last
                 "day": [18021, 17775],                      # days since 1970-01-01 of Incident.date
                 "place": [0, 0], "province": [0, 1],        # indexes into places / legend.province
                 "size": [16, null],                         # killed + wounded where known; null: both unknown
                 "synthetic": [0, 1]}}

Coordinates are rounded to what the place's location precision knows (``DECIMALS``): an exact spot to
~10 m, a town to ~1 km, a district, province or country to ~10 km — the map never places a marker
more finely than the record does. Only published incidents are given (the caller's queryset); stored
text never appears here (province slugs are identifiers), so nothing in it needs escaping.

Built from one ``values_list`` query answered from a covering index and read straight from the
database cursor (no model instances, no per-value conversions), plus the places and province slugs
(small tables); a place and a date shared by many incidents are converted once.
"""

import datetime as dt
import json

from django.db import connections
from django.db.models import CharField
from django.db.models.functions import Cast

from ipwatch.core.choices import LocationPrecision
from ipwatch.core.dates import as_date
from ipwatch.core.models import Place, Province

FORMAT = "ipwatch-map/1"
# Decimal places kept per location precision: never finer than what the record knows.
DECIMALS = {
    LocationPrecision.EXACT: 4,
    LocationPrecision.NEAR: 2,
    LocationPrecision.DISTRICT: 1,
    LocationPrecision.PROVINCE: 1,
    LocationPrecision.COUNTRY: 1,
}
COARSEST = min(DECIMALS.values())  # for a precision this module does not know
PRECISIONS = [choice.value for choice in LocationPrecision]
EPOCH = dt.date(1970, 1, 1).toordinal()

# Read through the covering index incident_map_covering (ipwatch/core/models.py), in id order. The
# date comes as ISO text on both databases (cheaper than a date object per row, parsed once per date).
_FIELDS = ["id", "iso_date", "place_id", "province_id", "killed_best", "wounded_best", "is_synthetic"]
CHUNK_ROWS = 5000

_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def rounded(value: float, precision: str) -> float:
    return round(value, DECIMALS.get(precision, COARSEST))


def _rows(queryset):
    """``values_list(*_FIELDS)`` in id order, from the database cursor without the ORM's per-value
    conversions (dates come as ISO text from SQLite, as dates from PostgreSQL)."""
    rows = queryset.annotate(iso_date=Cast("date", CharField())).order_by("id").values_list(*_FIELDS)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK_ROWS):
            yield from batch


def _places() -> dict:
    """place id → (lon, lat, location precision) of every place with coordinates (one small query;
    joining the place to each incident row would cost more than reading the places once)."""
    rows = Place.objects.with_coordinates().values_list("id", "longitude", "latitude", "location_precision")
    return {pk: (lon, lat, precision) for pk, lon, lat, precision in rows}


def map_data(queryset, *, data_as_of: str | None = None) -> dict:
    """The map data of ``queryset`` (incidents the caller may show) as a dict ready for JSON."""
    slugs = dict(Province.objects.values_list("id", "slug"))
    located = _places()
    precision_index = {value: index for index, value in enumerate(PRECISIONS)}
    province_legend: list[str] = []
    province_at: dict = {}  # province id → legend index
    places: list[list] = []
    place_at: dict = {}  # place id → index in places
    day_of: dict = {}  # the date as the database hands it back → day number

    ids, days, place_column, province_column, sizes, synthetic = [], [], [], [], [], []
    # Bound methods, looked up once: this loop runs once per incident.
    add_id, add_day, add_place, add_province = ids.append, days.append, place_column.append, province_column.append
    add_size, add_synthetic = sizes.append, synthetic.append
    place_of, day_lookup, province_of = place_at.get, day_of.get, province_at.get
    previous_id = 0
    without_coordinates = 0
    for pk, date, place_id, province_id, killed, wounded, is_synthetic in _rows(queryset):
        place = place_of(place_id)
        if place is None:
            if place_id not in located:
                without_coordinates += 1
                continue
            lon, lat, precision = located[place_id]
            place = place_at[place_id] = len(places)
            places.append([rounded(lon, precision), rounded(lat, precision), precision_index.get(precision, -1)])
        add_place(place)
        add_id(pk - previous_id)
        previous_id = pk
        day = day_lookup(date)
        if day is None:
            day = day_of[date] = as_date(date).toordinal() - EPOCH
        add_day(day)
        province = province_of(province_id)
        if province is None:
            province = province_at[province_id] = len(province_legend)
            province_legend.append(slugs.get(province_id, ""))
        add_province(province)
        add_size(None if killed is None and wounded is None else (killed or 0) + (wounded or 0))
        add_synthetic(1 if is_synthetic else 0)
    return {
        "format": FORMAT,
        "data_as_of": data_as_of,
        "total": len(ids),
        "without_coordinates": without_coordinates,
        "legend": {"province": province_legend, "location_precision": PRECISIONS},
        "places": places,
        "columns": {
            "id": ids,
            "day": days,
            "place": place_column,
            "province": province_column,
            "size": sizes,
            "synthetic": synthetic,
        },
    }


def map_data_json(queryset, **options) -> str:
    return _encode(map_data(queryset, **options))
