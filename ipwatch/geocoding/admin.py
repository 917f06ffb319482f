"""Geocoding in the Place admin: offline geocoding on save, a bulk action, suggestions as you type.

The Place admin's lists and search are core's ``PlaceAdmin``; this app registers Place with a
subclass of it that adds geocoding (core leaves Place unregistered for this).
"""

import logging

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from ipwatch.core.admin import PlaceAdmin
from ipwatch.core.models import Place

from .models import GeocodeCache
from .service import geocode_place

logger = logging.getLogger(__name__)


def _alternatives(result) -> str:
    if not result or not result.alternatives:
        return ""
    label = "Ambiguous name; also" if result.ambiguous else "Also"
    return f" {label}: " + "; ".join(alt.describe() for alt in result.alternatives) + "."


@admin.register(Place)
class GeocodingPlaceAdmin(PlaceAdmin):
    actions = ["geocode_selected", "geocode_selected_in_background"]
    readonly_fields = ["pin_map"]
    fieldsets = [
        (None, {"fields": ["name", "name_ar", "aliases", ("country", "admin1")]}),
        (
            "Where",
            {
                "fields": [
                    "pin_map",
                    ("latitude", "longitude"),
                    ("location_precision", "geocoder"),
                    ("gazetteer_id", "verified"),
                ]
            },
        ),
    ]

    class Media:
        js = [
            "vendor/leaflet/leaflet.js",
            "vendor/topojson-client/topojson-client.min.js",
            "geocoding/place_suggest.js",
            "js/country-outlines.js",
            "geocoding/place_map.js",
        ]
        css = {"all": ["vendor/leaflet/leaflet.css", "geocoding/place_suggest.css"]}

    @admin.display(description="map")
    def pin_map(self, place):
        return format_html(
            '<div class="place-pin"><div id="place-pin-map" data-basemap-url="{}" data-icon-path="{}" '
            'data-suggest-url="{}" role="application" aria-label="Map: click to drop a pin, drag it to the place">'
            '</div><p id="place-pin-status" class="help" aria-live="polite"></p>'
            '<ul id="place-pin-choices"></ul></div>',
            static("vendor/world-atlas/countries-50m.json"),
            static("vendor/leaflet/images/"),
            reverse("geocoding:suggest"),
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "name" and field is not None:
            # The script finds the name box by this attribute and asks this URL as the editor types.
            field.widget.attrs.update({"data-geocode-suggest": reverse("geocoding:suggest"), "autocomplete": "off"})
        return field

    def save_model(self, request, obj, form, change):
        outcome = None
        if not obj.has_coordinates:
            try:
                # Offline only: a save must never wait on (or fail because of) a web service.
                outcome = geocode_place(obj, online=False, save=False)
            except Exception:  # never block a save because geocoding broke
                logger.exception("geocoding place %r on save failed", obj.name)
                messages.warning(request, "Automatic geocoding failed; the place was saved without coordinates.")
        super().save_model(request, obj, form, change)
        if outcome is None:
            return
        if outcome.applied:
            level = messages.WARNING if outcome.result.ambiguous else messages.SUCCESS
            messages.add_message(
                request,
                level,
                f"Geocoded offline: {outcome.result.best.describe()} "
                f"(score {outcome.result.best.score:.2f}, {outcome.result.best.source}, "
                f"{outcome.result.best.how} match).{_alternatives(outcome.result)} "
                "Check it and tick “verified”, or correct the coordinates.",
            )
        else:
            messages.warning(
                request,
                f"Saved without coordinates: {outcome.reason}.{_alternatives(outcome.result)}",
            )

    @admin.action(description="Geocode selected places", permissions=["change"])
    def geocode_selected(self, request, queryset):
        geocoded, skipped, unresolved = [], 0, []
        for place in queryset.order_by("pk"):
            if place.has_coordinates:
                skipped += 1
                continue
            try:
                outcome = geocode_place(place)  # online too when IPWATCH_GEOCODE_ONLINE is on
            except Exception as exc:
                logger.exception("geocoding place %r failed", place.name)
                unresolved.append(f"{place.name} ({place.country}): geocoding failed ({exc.__class__.__name__})")
                continue
            if outcome.applied:
                best = outcome.result.best
                geocoded.append(f"{place.name} → {best.describe()} [{best.score:.2f}]{_alternatives(outcome.result)}")
            else:
                unresolved.append(f"{place.name} ({place.country}): {outcome.reason}")
        summary = f"Geocoded {len(geocoded)} place(s)"
        if skipped:
            summary += f"; {skipped} already had coordinates and were left alone"
        if geocoded or not unresolved:
            messages.success(request, summary + ".")
        for line in geocoded:
            messages.info(request, line)
        if unresolved:
            messages.warning(request, f"{len(unresolved)} place(s) not geocoded: " + " | ".join(unresolved))

    @admin.action(
        description="Geocode selected places in the background (a job; for many places)", permissions=["change"]
    )
    def geocode_selected_in_background(self, request, queryset):
        """Online answers come at one a second: hundreds of places outlast a request, so a worker
        geocodes them and the job's page shows the progress and the places it could not resolve."""
        from ipwatch.jobs.runners import enqueue_geocoding

        ids = list(queryset.filter(latitude__isnull=True).order_by("pk").values_list("pk", flat=True))
        if not ids:
            messages.warning(request, "Every selected place already has coordinates: nothing to geocode.")
            return None
        job = enqueue_geocoding(place_ids=ids, user=request.user)
        messages.success(
            request, f"Geocoding of {len(ids):,} place(s) queued as job #{job.pk}; its progress shows here."
        )
        return redirect(reverse("admin:jobs_job_change", args=[job.pk]))


@admin.register(GeocodeCache)
class GeocodeCacheAdmin(admin.ModelAdmin):
    list_display = ["query", "country", "service", "found", "best", "hits", "created_at"]
    list_filter = ["service", "found", "country"]
    search_fields = ["query", "query_key"]
    readonly_fields = ["service", "query_key", "country", "query", "found", "results", "hits", "created_at"]

    @admin.display(description="best answer")
    def best(self, row):
        if not row.results:
            return "—"
        first = row.results[0]
        return format_html(
            "{} ({}) {}, {}", first["name"], first.get("country", ""), f"{first['lat']:.4f}", f"{first['lon']:.4f}"
        )

    def has_add_permission(self, request):
        return False
