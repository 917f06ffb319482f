"""Geocoding for the app: offline gazetteer first, an online service only when allowed."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from ipwatch.core.choices import GeocoderKind, LocationPrecision

from . import online as online_module
from .gazetteer import get_gazetteer
from .results import GeocodeResult

logger = logging.getLogger(__name__)


def online_allowed(online: bool | None = None) -> bool:
    return bool(online) if online is not None else bool(getattr(settings, "IPWATCH_GEOCODE_ONLINE", False))


def geocode_name(name: str, country: str | None = None, countries=None, online: bool | None = None) -> GeocodeResult:
    """Offline answer; asks the online service only if allowed and the gazetteer found nothing
    better than a fuzzy guess."""
    result = get_gazetteer().geocode(name, country=country, countries=countries)
    if not online_allowed(online):
        return result
    if result.resolved and result.best.how != "fuzzy":
        return result
    answer = online_module.get_online_geocoder().lookup(name, country)
    if answer.resolved:
        return answer
    # Keep the offline answer (if any) and say why online did not help.
    result.note = "; ".join(filter(None, [result.note, f"online: {answer.error}"]))
    if not result.resolved:
        result.error = f"{result.error}; online: {answer.error}"
    return result


@dataclass
class PlaceOutcome:
    """What geocoding did to one Place: the answer, whether it was applied, and why not."""

    result: GeocodeResult | None
    applied: bool = False
    reason: str = ""

    def message(self, place) -> str:
        if self.applied:
            return f"Geocoded {place.name!r}: {self.result.summary()}"
        return f"{place.name!r} not geocoded: {self.reason}"


def place_names(place) -> list[str]:
    """Spellings to try, in order: the name, the Arabic name, then the aliases."""
    names = [place.name, place.name_ar, *(place.aliases or [])]
    return [n for n in dict.fromkeys(n.strip() for n in names if isinstance(n, str)) if n]


def geocode_place(place, online: bool | None = None, save: bool = True) -> PlaceOutcome:
    """Geocode a Place without coordinates, within its country. Never overwrites coordinates."""
    if place.has_coordinates:
        return PlaceOutcome(None, reason="it already has coordinates")
    names = place_names(place)
    if not names:
        return PlaceOutcome(None, reason="it has no name")
    first = None
    for name in names:
        result = geocode_name(name, country=place.country or None, online=online)
        first = first or result
        if result.resolved:
            break
    else:
        return PlaceOutcome(first, reason=first.error or "no match")
    best = result.best
    if best.how == "fuzzy":
        # A fuzzy guess may be the wrong town: shown, never written to a place by itself.
        return PlaceOutcome(
            result,
            reason=f"only a fuzzy guess, {best.describe()} (score {best.score:.2f}); pick it by hand",
        )
    place.latitude, place.longitude = best.lat, best.lon
    place.geocoder = GeocoderKind.ONLINE if best.how.startswith("online") else GeocoderKind.GAZETTEER
    place.gazetteer_id = best.source[:50]
    place.location_precision = LocationPrecision.NEAR
    if not place.admin1 and best.admin1:
        place.admin1 = best.admin1[:200]
    if save:
        place.save(update_fields=["latitude", "longitude", "geocoder", "gazetteer_id", "location_precision", "admin1"])
    return PlaceOutcome(result, applied=True)


def pending_places(place_ids=None):
    """Places still without coordinates (of `place_ids` when given), in a stable order."""
    from ipwatch.core.models import Place

    places = Place.objects.filter(latitude__isnull=True)
    if place_ids is not None:
        places = places.filter(pk__in=place_ids)
    return places.order_by("pk")


def geocode_places(places, online: bool | None = None, step=None) -> list[tuple]:
    """Geocode each place, [(place, PlaceOutcome)]; `step()` after each.

    Each place is written in a transaction of its own (coordinates and history row together), never
    all in one: online answers come at one a second, and a run that stops half-way keeps the places
    it finished — none half-written — and the next run takes up the places still without
    coordinates (the online answers it already had are in the geocode cache).
    """
    outcomes = []
    for place in places.iterator():
        try:
            with transaction.atomic():
                outcome = geocode_place(place, online=online)
        except Exception as exc:  # one place's failure is reported; the others carry on
            logger.exception("geocoding place %r failed", place.name)
            outcome = PlaceOutcome(None, reason=f"geocoding failed ({exc.__class__.__name__}: {exc})")
        outcomes.append((place, outcome))
        if step is not None:
            step()
    return outcomes
