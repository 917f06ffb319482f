"""Online geocoding through geopy, used only when allowed (``--online`` or IPWATCH_GEOCODE_ONLINE).

Nominatim by default (descriptive user agent, ≤ 1 request per second, timeout); GeoNames when
IPWATCH_GEONAMES_USERNAME is set. Every answer, found or not, is stored in ``GeocodeCache`` so no
name is asked twice. A timeout, an unreachable service or a refusal (rate limit, bad username)
becomes a clear error on the result: it never raises to the caller.
"""

import logging
import threading

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter

from . import normalize
from .models import GeocodeCache
from .results import GeocodeResult, Match

logger = logging.getLogger(__name__)

# Nominatim's usage policy: at most one request per second, an identifying user agent.
MIN_DELAY_SECONDS = {"nominatim": 1.0, "geonames": 1.0}
ONLINE_SCORE = 0.75  # an online answer is a good guess, not a checked gazetteer row
MAX_RESULTS = 5


def service_name() -> str:
    return "geonames" if getattr(settings, "IPWATCH_GEONAMES_USERNAME", "") else "nominatim"


def make_geopy_geocoder(service: str):
    """The real geopy geocoder (tests replace this function with one returning a fake)."""
    timeout = settings.IPWATCH_GEOCODE_TIMEOUT
    user_agent = settings.IPWATCH_GEOCODE_USER_AGENT
    if service == "geonames":
        from geopy.geocoders import GeoNames

        return GeoNames(username=settings.IPWATCH_GEONAMES_USERNAME, timeout=timeout, user_agent=user_agent)
    from geopy.geocoders import Nominatim

    return Nominatim(user_agent=user_agent, timeout=timeout)


_shared_limiters: dict[tuple, RateLimiter] = {}
_shared_lock = threading.Lock()


def _limiter(geocoder, delay: float) -> RateLimiter:
    # No retries and no swallowing: errors must reach us to be reported (and not cached).
    return RateLimiter(geocoder.geocode, min_delay_seconds=delay, max_retries=0, swallow_exceptions=False)


def _shared_limiter(service: str, delay: float) -> RateLimiter:
    """One geopy geocoder and rate limiter per service and process, so lookups keep the pace."""
    key = (
        service,
        settings.IPWATCH_GEONAMES_USERNAME,
        settings.IPWATCH_GEOCODE_USER_AGENT,
        settings.IPWATCH_GEOCODE_TIMEOUT,
        delay,
    )
    with _shared_lock:
        if key not in _shared_limiters:
            _shared_limiters[key] = _limiter(make_geopy_geocoder(service), delay)
        return _shared_limiters[key]


def get_online_geocoder() -> "OnlineGeocoder":
    """The configured online geocoder (tests replace this with one wrapping a fake geopy geocoder)."""
    return OnlineGeocoder()


class OnlineGeocoder:
    def __init__(self, service: str | None = None, geocoder=None, min_delay_seconds: float | None = None):
        """``geocoder``: a geopy geocoder to use instead of the shared real one (tests)."""
        self.service = service or service_name()
        delay = MIN_DELAY_SECONDS[self.service] if min_delay_seconds is None else min_delay_seconds
        self._geocode = _limiter(geocoder, delay) if geocoder is not None else None
        self._delay = delay

    @property
    def label(self) -> str:
        return {"nominatim": "Nominatim", "geonames": "GeoNames"}.get(self.service, self.service)

    def lookup(self, query: str, country: str | None = None) -> GeocodeResult:
        query = (query or "").strip()
        country = (country or "").strip().upper()
        result = GeocodeResult(query=query, country=country)
        key = normalize.exact_key(query)[:255]
        if not key:
            result.error = "empty place name"
            return result
        cached = GeocodeCache.objects.filter(service=self.service, query_key=key, country=country).first()
        if cached is not None:
            GeocodeCache.objects.filter(pk=cached.pk).update(hits=F("hits") + 1)
            return self._result(result, cached.results, from_cache=True)
        try:
            matches = self._ask(query, country)
        except geopy_exc.GeopyError as error:
            result.error = self.describe_error(error)
            logger.warning("online geocoding of %r failed: %s", query, result.error)
            return result
        try:
            with transaction.atomic():
                GeocodeCache.objects.create(
                    service=self.service,
                    query_key=key,
                    country=country,
                    query=query[:255],
                    found=bool(matches),
                    results=matches,
                )
        except IntegrityError:  # another process asked the same question meanwhile
            pass
        return self._result(result, matches, from_cache=False)

    def _ask(self, query: str, country: str) -> list[dict]:
        geocode = self._geocode or _shared_limiter(self.service, self._delay)
        if self.service == "geonames":
            kwargs = {"exactly_one": False, **({"country": country} if country else {})}
        else:
            kwargs = {"exactly_one": False, "limit": MAX_RESULTS, "addressdetails": True, "language": "en"}
            if country:
                kwargs["country_codes"] = country.lower()
        locations = geocode(query, **kwargs) or []
        if not isinstance(locations, list):
            locations = [locations]
        return [self._as_dict(location) for location in locations[:MAX_RESULTS]]

    def _as_dict(self, location) -> dict:
        raw = getattr(location, "raw", {}) or {}
        if self.service == "geonames":
            name = raw.get("name") or location.address
            country = raw.get("countryCode", "")
            admin1 = raw.get("adminName1", "")
            source = f"geonames-api:{raw.get('geonameId', '')}"
        else:
            address = raw.get("address") or {}
            name = raw.get("name") or (location.address or "").split(",")[0]
            country = (address.get("country_code") or "").upper()
            admin1 = address.get("state") or address.get("region") or ""
            source = f"nominatim:{raw.get('osm_type', '')}/{raw.get('osm_id', '')}"
        return {
            "name": name,
            "country": country,
            "admin1": admin1,
            "lat": float(location.latitude),
            "lon": float(location.longitude),
            "source": source,
            "address": location.address or "",
        }

    def _result(self, result: GeocodeResult, matches: list[dict], from_cache: bool) -> GeocodeResult:
        found = [
            Match(
                name=m["name"],
                country=m.get("country", ""),
                admin1=m.get("admin1", ""),
                lat=m["lat"],
                lon=m["lon"],
                score=ONLINE_SCORE,
                source=m["source"],
                matched=m.get("address", ""),
                how="online (cached)" if from_cache else "online",
            )
            for m in matches
        ]
        if not found:
            where = f" in {result.country}" if result.country else ""
            result.error = f"{self.label} has no place named {result.query!r}{where}"
            return result
        best, others = found[0], found[1:]
        result.best = best
        result.alternatives = [m for m in others if m.km_to(best) > 25]
        result.note = f"from {self.label}" + (" (cached answer)" if from_cache else "")
        return result

    def describe_error(self, error: Exception) -> str:
        service = self.label
        if isinstance(error, geopy_exc.GeocoderTimedOut):
            return (
                f"{service} did not answer in time (timeout {settings.IPWATCH_GEOCODE_TIMEOUT:g} s); left un-geocoded"
            )
        if isinstance(error, geopy_exc.GeocoderRateLimited | geopy_exc.GeocoderQuotaExceeded):
            return f"{service} refused the request: rate limit or quota exceeded; try again later"
        if isinstance(error, geopy_exc.GeocoderAuthenticationFailure | geopy_exc.GeocoderInsufficientPrivileges):
            return f"{service} rejected the credentials (check IPWATCH_GEONAMES_USERNAME): {error}"
        if isinstance(error, geopy_exc.GeocoderUnavailable):
            return f"could not reach {service} (network or service down): {error}"
        if isinstance(error, geopy_exc.ConfigurationError):
            return f"{service} is not configured correctly: {error}"
        return f"{service} failed: {error}"
