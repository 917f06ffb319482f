"""Online geocoding through geopy, with a fake geopy geocoder (never the network)."""

import pytest
from geopy import exc as geopy_exc
from geopy.location import Location
from geopy.point import Point

from ipwatch.geocoding import online, service
from ipwatch.geocoding.models import GeocodeCache
from ipwatch.geocoding.online import OnlineGeocoder


class FakeGeocoder:
    """Stands in for geopy's Nominatim/GeoNames: records calls, answers from a script."""

    def __init__(self, answer=None, error=None):
        self.answer = answer if answer is not None else []
        self.error = error
        self.calls = []

    def geocode(self, query, **kwargs):
        self.calls.append((query, kwargs))
        if self.error is not None:
            raise self.error
        return self.answer


def nominatim_location(name="Jabril Baba camp", lat=27.05, lon=14.40, osm_id=123):
    raw = {
        "osm_type": "way",
        "osm_id": osm_id,
        "name": name,
        "lat": str(lat),
        "lon": str(lon),
        "address": {"country_code": "ly", "state": "Sabha"},
    }
    return Location(f"{name}, Sabha, Libya", Point(lat, lon), raw)


@pytest.fixture
def fake():
    return FakeGeocoder(answer=[nominatim_location()])


@pytest.fixture
def geocoder(fake):
    return OnlineGeocoder(service="nominatim", geocoder=fake, min_delay_seconds=0)


@pytest.mark.django_db
class TestLookup:
    def test_success(self, geocoder, fake):
        result = geocoder.lookup("Jabril Baba camp", "LY")
        assert result.resolved
        assert result.best.source == "nominatim:way/123"
        assert (result.best.lat, result.best.lon, result.best.country, result.best.admin1) == (
            27.05,
            14.4,
            "LY",
            "Sabha",
        )
        assert result.best.how == "online"
        query, kwargs = fake.calls[0]
        assert query == "Jabril Baba camp"
        assert kwargs["country_codes"] == "ly"
        assert kwargs["exactly_one"] is False

    def test_second_call_is_answered_from_the_database(self, geocoder, fake):
        geocoder.lookup("Jabril Baba camp", "LY")
        again = geocoder.lookup("jabril-baba  CAMP", "ly")  # same question, other spelling of it
        assert len(fake.calls) == 1
        assert again.best.source == "nominatim:way/123"
        assert again.best.how == "online (cached)"
        row = GeocodeCache.objects.get()
        assert (row.found, row.hits, row.country) == (True, 1, "LY")

    def test_not_found_is_cached_too(self, fake, geocoder):
        fake.answer = []
        first = geocoder.lookup("Nowhere at all", "LY")
        second = geocoder.lookup("Nowhere at all", "LY")
        assert not first.resolved and not second.resolved
        assert second.error == "Nominatim has no place named 'Nowhere at all' in LY"
        assert len(fake.calls) == 1
        assert not GeocodeCache.objects.get().found

    def test_timeout_gives_a_clear_message_and_is_not_cached(self, fake, geocoder):
        fake.error = geopy_exc.GeocoderTimedOut("Service timed out")
        result = geocoder.lookup("Jabril Baba camp", "LY")
        assert not result.resolved
        assert "did not answer in time" in result.error
        assert not GeocodeCache.objects.exists()
        geocoder.lookup("Jabril Baba camp", "LY")
        assert len(fake.calls) == 2  # asked again next time

    @pytest.mark.parametrize(
        ("error", "message"),
        [
            (geopy_exc.GeocoderUnavailable("Connection refused"), "could not reach Nominatim"),
            (geopy_exc.GeocoderRateLimited("Too many requests"), "rate limit"),
            (geopy_exc.GeocoderServiceError("HTTP 500"), "Nominatim failed"),
        ],
    )
    def test_service_errors(self, fake, geocoder, error, message):
        fake.error = error
        result = geocoder.lookup("Jabril Baba camp")
        assert not result.resolved
        assert message in result.error


@pytest.mark.django_db
def test_geonames_when_a_username_is_configured(settings):
    settings.IPWATCH_GEONAMES_USERNAME = "ipwatch-tests"
    assert online.service_name() == "geonames"
    real = online.make_geopy_geocoder("geonames")  # constructing it sends nothing
    assert real.username == "ipwatch-tests"
    raw = {"name": "Tongo Tongo", "countryCode": "NE", "adminName1": "Tillaberi", "geonameId": 42}
    fake = FakeGeocoder(answer=[Location("Tongo Tongo, Niger", Point(15.05, 1.84), raw)])
    result = OnlineGeocoder(geocoder=fake, min_delay_seconds=0).lookup("Tongo Tongo", "NE")
    assert result.best.source == "geonames-api:42"
    assert result.best.admin1 == "Tillaberi"
    assert fake.calls[0][1]["country"] == "NE"


def test_nominatim_is_identified_limited_and_timed(settings):
    settings.IPWATCH_GEONAMES_USERNAME = ""
    settings.IPWATCH_GEOCODE_TIMEOUT = 3.0
    assert online.service_name() == "nominatim"
    real = online.make_geopy_geocoder("nominatim")
    assert real.headers["User-Agent"] == settings.IPWATCH_GEOCODE_USER_AGENT
    assert "ipwatch" in real.headers["User-Agent"]
    assert real.timeout == 3.0
    assert OnlineGeocoder()._delay >= 1.0  # ≤ 1 request per second


@pytest.mark.django_db
class TestOfflineFirst:
    @pytest.fixture
    def online_fake(self, monkeypatch, fake):
        monkeypatch.setattr(
            online, "get_online_geocoder", lambda: OnlineGeocoder("nominatim", geocoder=fake, min_delay_seconds=0)
        )
        return fake

    def test_online_is_off_by_default(self, online_fake, settings):
        settings.IPWATCH_GEOCODE_ONLINE = False
        result = service.geocode_name("Jabril Baba camp", country="LY")
        assert not result.resolved
        assert online_fake.calls == []

    def test_online_flag_asks_when_offline_finds_nothing(self, online_fake):
        result = service.geocode_name("Jabril Baba camp", country="LY", online=True)
        assert result.best.source == "nominatim:way/123"
        assert len(online_fake.calls) == 1

    def test_setting_enables_online(self, online_fake, settings):
        settings.IPWATCH_GEOCODE_ONLINE = True
        assert service.geocode_name("Jabril Baba camp", country="LY").resolved

    def test_offline_answer_is_not_sent_online(self, online_fake):
        assert service.geocode_name("Sebha", country="LY", online=True).best.source == "geonames:2212775"
        assert online_fake.calls == []

    def test_online_error_leaves_the_name_unresolved(self, online_fake):
        online_fake.error = geopy_exc.GeocoderTimedOut("timed out")
        result = service.geocode_name("Jabril Baba camp", country="LY", online=True)
        assert not result.resolved
        assert "no place named 'Jabril Baba camp' in LY; online: Nominatim did not answer in time" in result.error
