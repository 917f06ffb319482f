"""The OpenAPI 3.1 description of every public JSON, CSV, GeoJSON, XLSX and Atom endpoint, served at
/api/openapi.json and rendered for people at /api/. Built from the same vocabularies, filter
parameters and column lists as the endpoints, so it cannot drift far; tests validate the document
(openapi-spec-validator) and validate real responses against its schemas (jsonschema)."""

from django.urls import reverse

from ipwatch.activity import csvformat as activity_csv
from ipwatch.activity.choices import ActivityKind
from ipwatch.activity.filters import MAX_KIND_VALUES
from ipwatch.activity.geojson import PROPERTY_NAMES as ACTIVITY_PROPERTY_NAMES
from ipwatch.core import codebook
from ipwatch.core.choices import DatePrecision, IncidentType, LocationPrecision
from ipwatch.core.citation import ANY_REF_PATTERN
from ipwatch.core.dates import MONTH, WEEK, YEAR
from ipwatch.core.filters import MAX_IDS, MAX_PROVINCE_VALUES, MAX_Q_LENGTH
from ipwatch.maps.geojson import PROPERTY_NAMES
from ipwatch.timeline.aggregation import GROUPS

NULLABLE_INT = {"type": ["integer", "null"], "minimum": 0}
NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}


def _param(name, description, schema):
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)
    return parameter


FILTER_PARAMETERS = [
    _param(
        "province",
        "Province slug; repeat for several (province=fezzan&province=libya).",
        {"type": "array", "items": {"type": "string"}, "maxItems": MAX_PROVINCE_VALUES},
    ),
    _param("country", "ISO 3166-1 alpha-2 code of the place's country, e.g. LY.", {"type": "string"}),
    _param("since", "Incidents on or after this date (YYYY-MM-DD; an incident is placed by its start).", DATE),
    _param("until", "Incidents on or before this date (YYYY-MM-DD).", DATE),
    _param(
        "type",
        "Incident type; repeatable.",
        {"type": "array", "items": {"type": "string", "enum": [value for value, _ in IncidentType.choices]}},
    ),
    _param("claimed", "yes: claimed by IS; no: not claimed.", {"type": "string", "enum": ["yes", "no"]}),
    _param(
        "q",
        "Search: summaries, place names in any spelling (aliases, Arabic, the gazetteer's alternate spellings), "
        "provinces, report titles and quotes, source names. Case- and diacritic-insensitive; every word must "
        "start a word of the incident's text.",
        {"type": "string", "maxLength": MAX_Q_LENGTH},
    ),
    _param("bbox", "minlon,minlat,maxlon,maxlat (WGS84).", {"type": "string", "example": "9,24,20,33"}),
    _param("id", f"Incident ids separated by commas (at most {MAX_IDS}).", {"type": "string", "example": "12,13"}),
]

KIND_PARAMETER = {
    **_param(
        "kind",
        "Activity kinds, comma-separated (kind=media_release,territory) or repeated; every kind when absent. "
        "An unknown slug is a 400 naming `kind`.",
        {
            "type": "array",
            "items": {"type": "string", "enum": ActivityKind.slugs()},
            "maxItems": MAX_KIND_VALUES,
        },
    ),
    "style": "form",
    "explode": False,
}
ACTIVITY_DATES = (
    "since/until match a dated record by its date and a territory by the overlap of its held period "
    "(an unknown start is open); type= and claimed= narrow the attacks only."
)
DATA_AS_OF_HEADER = {
    "Data-As-Of": {
        "description": "Date of the latest published incident (the JSON answers' `data_as_of`); absent when "
        "nothing is published.",
        "schema": {"type": "string", "format": "date"},
    }
}

ERROR_RESPONSE = {
    "description": "A malformed parameter; `errors` names each one with its message.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _csv_schema(columns) -> dict:
    return _csv_columns([column.name for column in columns])


def _csv_columns(names) -> dict:
    return {"type": "string", "description": "CSV (UTF-8, header row) with the columns: " + ", ".join(names)}


def _csv_ok(schema) -> dict:
    return {**_ok("text/csv", schema), "headers": DATA_AS_OF_HEADER}


def _feature_properties() -> dict:
    types = {
        "id": {"type": "integer"},
        "ref": {"type": "string", "pattern": r"^IPW-\d{6,}$"},
        "date": DATE,
        "date_precision": {"type": "string", "enum": ["day", "week", "month", "year"]},
        "date_display": {"type": "string"},
        "place": NULLABLE_STRING,
        "country": NULLABLE_STRING,
        "location_precision": NULLABLE_STRING,
        "province": NULLABLE_STRING,
        "province_name": NULLABLE_STRING,
        "incident_type": {"type": "string"},
        "claim_status": {"type": "string"},
        "killed": NULLABLE_INT,
        "wounded": NULLABLE_INT,
        "url": {"type": "string"},
        "claimed_killed": NULLABLE_INT,
        "claimed_wounded": NULLABLE_INT,
        "claimed_killed_or_wounded": NULLABLE_INT,
        "synthetic": {"type": "boolean"},
    }
    return {name: types[name] for name in PROPERTY_NAMES}


PRECISION = {"type": "string", "enum": DatePrecision.values}
NULLABLE_PRECISION = {"type": ["string", "null"], "enum": [*DatePrecision.values, None]}


def _activity_properties() -> dict:
    types = {
        "id": {"type": "integer", "description": "The record's id in its own table (attacks: the incident id)."},
        "ref": {
            "type": "string",
            "pattern": ANY_REF_PATTERN,
            "description": "Stable citation identifier: IPW-000123 (attack), IPW-A-000004 (other kinds).",
        },
        "kind": {"type": "string", "enum": ActivityKind.slugs()},
        "title": {"type": "string"},
        "date": {**NULLABLE_STRING, "format": "date", "description": "First day of the period; null: unknown start."},
        "date_precision": PRECISION,
        "date_display": {**NULLABLE_STRING, "description": "The date at its precision, never finer."},
        "end_date": {**NULLABLE_STRING, "format": "date", "description": "Territory: held until (its period)."},
        "end_date_precision": NULLABLE_PRECISION,
        "period_display": {"type": "string"},
        "place": NULLABLE_STRING,
        "country": {**NULLABLE_STRING, "description": "ISO 3166-1 alpha-2."},
        "location_precision": {"type": ["string", "null"], "enum": [*LocationPrecision.values, None]},
        "province": {**NULLABLE_STRING, "description": "Province slug; null when not attributed."},
        "province_name": NULLABLE_STRING,
        "url": {"type": "string", "format": "uri"},
        "synthetic": {"type": "boolean"},
    }
    return {name: types[name] for name in ACTIVITY_PROPERTY_NAMES}


POINT_FIGURES = {
    "incidents": {"type": "integer", "minimum": 0},
    "killed": {"type": "integer", "minimum": 0, "description": "Sum of the known best estimates."},
    "wounded": {"type": "integer", "minimum": 0, "description": "Sum of the known best estimates."},
    "killed_unknown": {"type": "integer", "minimum": 0, "description": "Incidents whose killed figure is unknown."},
    "wounded_unknown": {"type": "integer", "minimum": 0, "description": "Incidents whose wounded figure is unknown."},
}
DATA_AS_OF = {
    "type": ["string", "null"],
    "format": "date",
    "description": "Date of the latest published incident: what activity is measured against (null: no data).",
}


def _collection(feature: str) -> dict:
    """An RFC 7946 FeatureCollection of ``feature``s with ipwatch's foreign members."""
    return {
        "type": "object",
        "required": ["type", "data_as_of", "without_coordinates", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "data_as_of": DATA_AS_OF,
            "without_coordinates": {
                "type": "integer",
                "minimum": 0,
                "description": "Matching records left out because no coordinates are known for their place.",
            },
            "features": {"type": "array", "items": {"$ref": f"#/components/schemas/{feature}"}},
        },
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "errors"],
        "properties": {
            "error": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    "FeatureCollection": _collection("Feature"),
    "MapData": {
        "type": "object",
        "required": ["format", "data_as_of", "total", "without_coordinates", "legend", "places", "columns"],
        "properties": {
            "format": {"const": "ipwatch-map/1"},
            "data_as_of": DATA_AS_OF,
            "total": {"type": "integer", "minimum": 0},
            "without_coordinates": {"type": "integer", "minimum": 0},
            "legend": {
                "type": "object",
                "required": ["province", "location_precision"],
                "properties": {
                    "province": {"type": "array", "items": {"type": "string"}, "description": '"" = no province'},
                    "location_precision": {"type": "array", "items": {"type": "string"}},
                },
            },
            "places": {
                "type": "array",
                "description": "[longitude, latitude, legend.location_precision index], rounded to that precision",
                "items": {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3},
            },
            "columns": {
                "type": "object",
                "required": ["id", "day", "place", "province", "size", "synthetic"],
                "description": (
                    "One entry per located incident, in id order: id (the step from the previous id), day "
                    "(days since 1970-01-01), place (index into places), province (index into "
                    "legend.province), size (killed + wounded where known, null when both are unknown), "
                    "synthetic (1 for generated test data)."
                ),
                "additionalProperties": {"type": "array", "items": {"type": ["integer", "null"]}},
            },
        },
    },
    "Feature": {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "integer"},
            "geometry": {"$ref": "#/components/schemas/Point"},
            "properties": {"type": "object", "properties": _feature_properties(), "additionalProperties": False},
        },
    },
    "ActivityFeatureCollection": _collection("ActivityFeature"),
    "ActivityFeature": {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string", "pattern": "^(" + "|".join(ActivityKind.slugs()) + r")-\d+$"},
            "geometry": {"$ref": "#/components/schemas/Point"},
            "properties": {
                "type": "object",
                "required": list(ACTIVITY_PROPERTY_NAMES),
                "properties": _activity_properties(),
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
    "Point": {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"const": "Point"},
            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        },
    },
    "Timeline": {
        "type": "object",
        "required": ["granularity", "group", "periods", "series", "uncertain", "milestones", "total", "data_as_of"],
        "properties": {
            "granularity": {"type": "string", "enum": [WEEK, MONTH, YEAR]},
            "group": {"type": "string", "enum": list(GROUPS)},
            "data_as_of": DATA_AS_OF,
            "total": {"type": "integer", "minimum": 0},
            "periods": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["period", "since", "until"],
                    "properties": {"period": {"type": "string"}, "since": DATE, "until": DATE},
                },
            },
            "series": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "label", "color", "points"],
                    "properties": {
                        "key": {"type": "string"},
                        "label": {"type": "string"},
                        "color": {"type": "string"},
                        "points": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["period", *POINT_FIGURES],
                                "properties": {"period": {"type": "string"}, **POINT_FIGURES},
                                "additionalProperties": False,
                            },
                        },
                    },
                },
            },
            "uncertain": {
                "type": "array",
                "description": "Incidents whose date is coarser than the granularity, per month or year band.",
                "items": {
                    "type": "object",
                    "required": ["period", "precision", "key", "since", "until", *POINT_FIGURES],
                    "properties": {
                        "period": {"type": "string"},
                        "precision": {"type": "string"},
                        "key": {"type": "string"},
                        "label": {"type": "string"},
                        "since": DATE,
                        "until": DATE,
                        "first_period": {"type": "string"},
                        "last_period": {"type": "string"},
                        **POINT_FIGURES,
                    },
                },
            },
            "milestones": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["date", "title"],
                    "properties": {
                        "date": DATE,
                        "date_precision": {"type": "string"},
                        "title": {"type": "string"},
                        "province": NULLABLE_STRING,
                    },
                },
            },
            "synthetic": {"type": "integer", "minimum": 0},
            "spans": {
                "type": "array",
                "description": "With kind=territory: each held period (never in the bars).",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "since", "until", "display", "url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "place": NULLABLE_STRING,
                        "province": NULLABLE_STRING,
                        "since": {**NULLABLE_STRING, "format": "date"},
                        "since_precision": NULLABLE_PRECISION,
                        "until": {**NULLABLE_STRING, "format": "date"},
                        "until_precision": NULLABLE_PRECISION,
                        "display": {"type": "string"},
                        "first_period": NULLABLE_STRING,
                        "last_period": NULLABLE_STRING,
                        "url": {"type": "string"},
                    },
                    "additionalProperties": False,
                },
            },
        },
    },
    "DataPackage": {
        "type": "object",
        "required": ["name", "resources", "data_as_of"],
        "properties": {
            "name": {"type": "string"},
            "data_as_of": DATA_AS_OF,
            "resources": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "path", "schema"],
                    "properties": {
                        "name": {"type": "string"},
                        "path": {"type": "string"},
                        "schema": {
                            "type": "object",
                            "required": ["fields"],
                            "properties": {"fields": {"type": "array", "items": {"type": "object"}}},
                        },
                    },
                },
            },
        },
    },
}


def _get(summary, description, parameters, responses, tag):
    return {
        "get": {
            "summary": summary,
            "description": description,
            "tags": [tag],
            "parameters": parameters,
            "responses": responses,
        }
    }


def _ok(media_type, schema, description="OK"):
    return {"description": description, "content": {media_type: {"schema": schema}}}


def _revalidated(media_type, schema, *, filtered=True):
    """The answers of a data endpoint with a weak ETag: 200, 304 when If-None-Match matches, and
    400 for a malformed filter where it takes filters."""
    responses = {
        "200": _ok(media_type, schema),
        "304": {"description": "Not modified (If-None-Match matched the ETag)."},
    }
    if filtered:
        responses["400"] = ERROR_RESPONSE
    return responses


def route(name: str, *parameters: str) -> str:
    """A named route's path as the URLconf writes it, each parameter as OpenAPI's ``{parameter}``."""
    markers = {parameter: f"openapi-{parameter}" for parameter in parameters}
    path = reverse(name, kwargs=markers)
    for parameter, marker in markers.items():
        path = path.replace(marker, f"{{{parameter}}}")
    return path


def document(base_url: str = "") -> dict:
    filters = FILTER_PARAMETERS
    csv_incidents = _csv_schema(codebook.incident_columns())
    csv_reports = _csv_schema(codebook.report_columns())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ipwatch public API",
            "version": "1",
            "description": (
                "Read-only access to published incidents attributed to or claimed for the Islamic State's "
                "provinces, and their other activity. No authentication. Unknown figures are null/blank, never "
                "zero. Every JSON answer carries `data_as_of` and every CSV the `Data-As-Of` header. Columns and "
                f"codes: {reverse('public:codebook')}."
            ),
            "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": base_url or "/"}],
        "tags": [{"name": "data"}, {"name": "open data files"}, {"name": "feeds"}],
        "paths": {
            route("maps:incidents-geojson"): _get(
                "Published incidents as GeoJSON",
                "RFC 7946 FeatureCollection of the located incidents (the others are counted in "
                "`without_coordinates`). Weak ETag; send If-None-Match to revalidate.",
                [
                    *filters,
                    _param(
                        "properties",
                        "Comma-separated subset of the feature properties.",
                        {"type": "string", "example": "id,ref,date,killed"},
                    ),
                ],
                _revalidated("application/geo+json", {"$ref": "#/components/schemas/FeatureCollection"}),
                "data",
            ),
            route("maps:incidents-map-data"): _get(
                "What the map draws, compact",
                "The data /map/ loads: per located incident only its place, day, province, marker size and "
                "synthetic flag, as columns of integers with a legend (a tenth of the GeoJSON's bytes). "
                "Same filters as /api/incidents.geojson; for anything else use that.",
                filters,
                _revalidated("application/json", {"$ref": "#/components/schemas/MapData"}),
                "data",
            ),
            route("timeline:api-timeline"): _get(
                "Incidents and casualties per period",
                "Counts per week, month or year and per province or incident type; incidents known only to a "
                "coarser period are in `uncertain` bands. killed/wounded sum the known best estimates and "
                "killed_unknown/wounded_unknown count the incidents whose figure is unknown.",
                [
                    *filters,
                    _param(
                        "granularity",
                        "auto (default), week, month or year.",
                        {"type": "string", "enum": ["auto", WEEK, MONTH, YEAR]},
                    ),
                    _param(
                        "group",
                        "province (default), type, or kind (activity kind).",
                        {"type": "string", "enum": list(GROUPS)},
                    ),
                    {
                        **KIND_PARAMETER,
                        "description": "Activity kinds to count (default: attacks only, so the counts stay those "
                        "of the incidents); territory comes back as `spans`.",
                    },
                ],
                {"200": _ok("application/json", {"$ref": "#/components/schemas/Timeline"}), "400": ERROR_RESPONSE},
                "data",
            ),
            route("exchange:incidents-csv"): _get(
                "Published incidents as CSV",
                "The ipwatch CSV (re-importable), one row per incident, with `incident_ref`.",
                filters,
                {"200": _csv_ok(csv_incidents), "400": ERROR_RESPONSE},
                "open data files",
            ),
            route("exchange:reports-csv"): _get(
                "Each source's report of the published incidents, as CSV",
                "One row per report, with that source's own figures; url blank for the group's media.",
                filters,
                {"200": _csv_ok(csv_reports), "400": ERROR_RESPONSE},
                "open data files",
            ),
            route("exchange:incidents-xlsx"): _get(
                "Incidents, reports and codebook as one workbook",
                "Sheets incidents, reports and codebook.",
                filters,
                {
                    "200": _ok(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        {"type": "string", "contentEncoding": "binary"},
                    ),
                    "400": ERROR_RESPONSE,
                },
                "open data files",
            ),
            route("exchange:datapackage"): _get(
                "Frictionless Data Package describing the CSVs",
                "Table schemas of incidents.csv and reports.csv (types, codes, constraints).",
                [],
                {"200": _ok("application/json", {"$ref": "#/components/schemas/DataPackage"})},
                "open data files",
            ),
            route("activity:geojson"): _get(
                "Published activity of every kind as GeoJSON",
                "RFC 7946 FeatureCollection of published records of every kind: attacks (the incidents) and media "
                "releases, designations, arrests, legal cases, pledges, leadership events and territory held. "
                "Feature ids are `<kind>-<id>`; records without coordinates are counted in `without_coordinates`. "
                "Every filter of /api/incidents.geojson plus `kind`; " + ACTIVITY_DATES + " Weak ETag.",
                [*filters, KIND_PARAMETER],
                _revalidated("application/geo+json", {"$ref": "#/components/schemas/ActivityFeatureCollection"}),
                "data",
            ),
            route("activity:csv"): _get(
                "Published activity of every kind as CSV",
                "One row per (record, report): a record with three reports is three rows sharing its `id`; `ref` "
                "is its stable citation identifier. Re-importable with `import_activity` (attacks excepted). "
                "The same filters as /api/activity.geojson; " + ACTIVITY_DATES,
                [*filters, KIND_PARAMETER],
                {"200": _csv_ok(_csv_columns(activity_csv.EXPORT_COLUMNS)), "400": ERROR_RESPONSE},
                "open data files",
            ),
            route("maps:basemap-labels"): _get(
                "Place and region names drawn on the offline basemap",
                "The same for every request (not incident data); cached a day and revalidated by ETag.",
                [],
                _revalidated("application/json", {"type": "object"}, filtered=False),
                "data",
            ),
            route("public:openapi"): _get(
                "This document", "", [], {"200": _ok("application/json", {"type": "object"})}, "data"
            ),
            route("public:incidents-feed"): _get(
                "Atom feed of the newest published incidents",
                "Atom 1.0; accepts the same filters.",
                filters,
                {"200": _ok("application/atom+xml", {"type": "string"}), "400": ERROR_RESPONSE},
                "feeds",
            ),
            route("public:province-feed", "slug"): {
                "parameters": [
                    {
                        "name": "slug",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "Province slug, e.g. fezzan.",
                    }
                ],
                **_get(
                    "Atom feed of one province's newest published incidents",
                    "Atom 1.0; accepts the same filters.",
                    filters,
                    {
                        "200": _ok("application/atom+xml", {"type": "string"}),
                        "400": ERROR_RESPONSE,
                        "404": {"description": "No such province."},
                    },
                    "feeds",
                ),
            },
        },
        "components": {"schemas": SCHEMAS},
    }
