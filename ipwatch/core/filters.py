"""The incident filters shared by the map and its APIs, the timeline and claims pages, the incident
list, the feeds and the exports (and, through ActivityFilterSet, the activity readers).

Parameters (a contract other tooling relies on): province (repeatable slug), country (ISO2),
since, until (YYYY-MM-DD), type (repeatable), claimed (yes/no), q, bbox=minlon,minlat,maxlon,maxlat,
id=12,13 (incident ids, at most MAX_IDS; the map fetches a popup's details with it).

Each is validated here (with limits on length and repeats) and applied through the queryset's own
vocabulary; a bad value raises InvalidFilter, which pages show beside the form and APIs answer with
a 400 JSON naming the parameter (``invalid_filter_response``, ``rejects_invalid_filters``).
"""

import functools

import django_filters
from django import forms
from django.http import JsonResponse

from .choices import IncidentType
from .countries import UnknownCountry, country_code
from .dates import EARLIEST_DATE, LATEST_DATE
from .models import Incident, Province

# Abuse limits: a search longer than any real query, or hundreds of repeated values, only costs the
# database work (each value becomes an IN-list entry or a LIKE pattern). 400, naming the parameter.
MAX_Q_LENGTH = 200
MAX_PROVINCE_VALUES = 50  # more than the group ever announced "provinces"
MAX_TYPE_VALUES = len(IncidentType.choices)


class InvalidFilter(Exception):
    """Raised for malformed filter parameters; ``errors`` maps each parameter to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{param}: {message}" for param, message in errors.items()))


class BBoxField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parts = value.split(",")
        if len(parts) != 4:
            raise forms.ValidationError("bbox must be four numbers: minlon,minlat,maxlon,maxlat")
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
        except ValueError:
            raise forms.ValidationError("bbox must be four numbers: minlon,minlat,maxlon,maxlat") from None
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise forms.ValidationError("bbox longitudes must be within −180..180 and latitudes within −90..90")
        if min_lat > max_lat:
            raise forms.ValidationError("bbox minlat must not exceed maxlat")
        return (min_lon, min_lat, max_lon, max_lat)


class BBoxFilter(django_filters.Filter):
    field_class = BBoxField

    def filter(self, queryset, value):
        return queryset.in_bbox(*value) if value else queryset


MAX_IDS = 500
MAX_ID = 2**63 - 1  # BigAutoField


class IdListField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parts = [part.strip() for part in value.split(",") if part.strip()]
        # ASCII digits only (str.isdigit() also accepts "²"), within the 64-bit range of the ids.
        if not all(part.isascii() and part.isdigit() and len(part) <= 19 for part in parts) or not all(
            0 < int(part) <= MAX_ID for part in parts
        ):
            raise forms.ValidationError("id must be incident ids separated by commas, e.g. 12,13")
        if len(parts) > MAX_IDS:
            raise forms.ValidationError(f"id takes at most {MAX_IDS} ids")
        return [int(part) for part in parts]


class IdListFilter(django_filters.Filter):
    field_class = IdListField

    def filter(self, queryset, value):
        return queryset.filter(pk__in=value) if value else queryset


class CountryField(forms.CharField):
    def clean(self, value):
        value = (super().clean(value) or "").strip()
        try:
            return country_code(value) if value else ""
        except UnknownCountry as exc:
            raise forms.ValidationError(str(exc)) from None


class CountryFilter(django_filters.Filter):
    field_class = CountryField

    def filter(self, queryset, value):
        return queryset.in_country(value) if value else queryset


class LimitedCountMixin:
    """A multiple-value field that refuses more than ``max_values`` values before touching the database."""

    max_values = 0

    def clean(self, value):
        if value and len(value) > self.max_values:
            raise forms.ValidationError(f"at most {self.max_values} values may be given (got {len(value)})")
        return super().clean(value)


class ProvinceSlugsField(LimitedCountMixin, django_filters.ModelMultipleChoiceFilter.field_class):
    max_values = MAX_PROVINCE_VALUES


class ProvinceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = ProvinceSlugsField


class IncidentTypesField(LimitedCountMixin, django_filters.MultipleChoiceFilter.field_class):
    max_values = MAX_TYPE_VALUES


class IncidentTypeFilter(django_filters.MultipleChoiceFilter):
    field_class = IncidentTypesField


ISO_DATE = ["%Y-%m-%d"]
YES_NO = [("yes", "Claimed by IS"), ("no", "Not claimed by IS")]
# The filter parameters pages pass on to each other's links (the incident list, timeline, claims).
FILTER_PARAMS = ("province", "country", "since", "until", "type", "claimed", "q", "bbox")


def filter_params(params) -> list[tuple[str, str]]:
    """The incident-filter parameters of a request, as (name, value) pairs, empty ones dropped."""
    return [(name, value) for name in FILTER_PARAMS for value in params.getlist(name) if value.strip()]


class IncidentFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        for name, value in (("since", since), ("until", until)):
            if value and not EARLIEST_DATE <= value <= LATEST_DATE:
                self.add_error(name, f"{name} must be between {EARLIEST_DATE} and {LATEST_DATE}")
        if since and until and since > until and "until" not in self.errors:
            self.add_error("until", "until must not be before since")
        return cleaned


class IncidentFilterSet(django_filters.FilterSet):
    """Each parameter is validated here and applied through IncidentQuerySet's vocabulary
    (``in_province``, ``between``, ``of_type``…), so every filter rule has one definition."""

    province = ProvinceFilter(
        to_field_name="slug",
        queryset=Province.objects.all(),
        method="filter_province",
        label="Province",
    )
    country = CountryFilter(label="Country (ISO code)")
    since = django_filters.DateFilter(method="filter_since", input_formats=ISO_DATE, label="From")
    until = django_filters.DateFilter(method="filter_until", input_formats=ISO_DATE, label="Until")
    type = IncidentTypeFilter(choices=IncidentType.choices, method="filter_type", label="Type")
    claimed = django_filters.ChoiceFilter(choices=YES_NO, method="filter_claimed", label="Claim status")
    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=MAX_Q_LENGTH)
    bbox = BBoxFilter(label="Bounding box")
    id = IdListFilter(label="Incident ids")

    class Meta:
        model = Incident
        fields = []
        form = IncidentFilterForm

    def filter_province(self, queryset, name, value):
        return queryset.in_province(list(value)) if value else queryset

    def filter_since(self, queryset, name, value):
        return queryset.between(since=value)

    def filter_until(self, queryset, name, value):
        return queryset.between(until=value)

    def filter_type(self, queryset, name, value):
        return queryset.of_type(list(value)) if value else queryset

    def filter_claimed(self, queryset, name, value):
        if value == "yes":
            return queryset.claimed()
        if value == "no":
            return queryset.unclaimed()
        return queryset

    def filter_text(self, queryset, name, value):
        # Every spelling (aliases, Arabic, the gazetteer's alternates), report titles, quotes and
        # source names; case- and diacritic-insensitive. Public text only: never internal notes.
        return queryset.mentioning(value)


def filter_incidents(params, queryset):
    """Return ``queryset`` filtered by ``params`` (a QueryDict), or raise InvalidFilter."""
    filterset = IncidentFilterSet(params, queryset=queryset)
    if not filterset.is_valid():
        raise InvalidFilter(error_messages(filterset))
    return filterset.qs


def error_messages(filterset) -> dict[str, str]:
    return {param: " ".join(str(message) for message in messages) for param, messages in filterset.errors.items()}


def invalid_filter_response(exc: InvalidFilter) -> JsonResponse:
    return JsonResponse({"error": f"invalid parameter: {exc}", "errors": exc.errors}, status=400)


def rejects_invalid_filters(view):
    """For API views: an InvalidFilter the view raises is answered with the 400 JSON naming each
    parameter (``invalid_filter_response``), so the view reads straight through."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InvalidFilter as exc:
            return invalid_filter_response(exc)

    return wrapper
