"""Geocoding in the Place admin: on save, the "Geocode selected places" action, the suggest script."""

import pytest
from django.contrib import admin

from ipwatch.core.choices import GeocoderKind, LocationPrecision
from ipwatch.core.models import Place
from ipwatch.geocoding import admin as geocoding_admin

ADD_URL = "/admin/core/place/add/"
CHANGELIST = "/admin/core/place/"


def place_form(**fields):
    data = {
        "name": "",
        "name_ar": "",
        "aliases": "[]",
        "country": "LY",
        "admin1": "",
        "latitude": "",
        "longitude": "",
        "location_precision": LocationPrecision.NEAR,
        "geocoder": "",
        "gazetteer_id": "",
    }
    data.update(fields)
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_place_admin_is_the_geocoding_subclass():
    assert isinstance(admin.site._registry[Place], geocoding_admin.GeocodingPlaceAdmin)


@pytest.mark.django_db
class TestSave:
    def test_save_without_coordinates_geocodes_offline(self, editor_client):
        response = editor_client.post(ADD_URL, place_form(name="El Fogha"), follow=True)
        assert response.status_code == 200
        place = Place.objects.get(name="El Fogha")
        assert (place.latitude, place.longitude) == (27.833, 16.35)
        assert (place.geocoder, place.gazetteer_id, place.admin1) == (
            GeocoderKind.GAZETTEER,
            "supplement:al-fuqaha",
            "Al Jufrah",
        )
        assert any(
            m.startswith("Geocoded offline: Al-Fuqaha (LY, Al Jufrah) 27.8330, 16.3500") for m in messages_of(response)
        )

    def test_ambiguous_name_shows_the_alternatives(self, editor_client):
        response = editor_client.post(ADD_URL, place_form(name="Suran", country="SY"), follow=True)
        text = " ".join(messages_of(response))
        assert "Ambiguous name; also: Şūrān (SY, " in text
        assert Place.objects.get(name="Suran").has_coordinates

    def test_unknown_name_is_saved_without_coordinates(self, editor_client):
        response = editor_client.post(ADD_URL, place_form(name="Jabril Baba camp"), follow=True)
        place = Place.objects.get(name="Jabril Baba camp")
        assert not place.has_coordinates
        assert any(
            "Saved without coordinates: no place named 'Jabril Baba camp' in LY" in m for m in messages_of(response)
        )

    def test_coordinates_given_by_the_editor_are_kept(self, editor_client):
        editor_client.post(ADD_URL, place_form(name="Sebha", latitude="27.1", longitude="14.5", geocoder="manual"))
        place = Place.objects.get(name="Sebha")
        assert (place.latitude, place.longitude, place.geocoder) == (27.1, 14.5, GeocoderKind.MANUAL)

    def test_a_geocoding_failure_never_blocks_the_save(self, editor_client, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("gazetteer exploded")

        monkeypatch.setattr(geocoding_admin, "geocode_place", broken)
        response = editor_client.post(ADD_URL, place_form(name="Sebha"), follow=True)
        assert Place.objects.filter(name="Sebha", latitude__isnull=True).exists()
        assert "Automatic geocoding failed; the place was saved without coordinates." in messages_of(response)

    def test_save_never_goes_online(self, editor_client, monkeypatch, settings):
        settings.IPWATCH_GEOCODE_ONLINE = True
        from ipwatch.geocoding import online

        def no_network():
            raise AssertionError("the admin save must not call an online service")

        monkeypatch.setattr(online, "get_online_geocoder", no_network)
        editor_client.post(ADD_URL, place_form(name="Jabril Baba camp"))
        assert Place.objects.filter(name="Jabril Baba camp").exists()


@pytest.mark.django_db
class TestAction:
    def test_geocode_selected_places(self, editor_client, make_place):
        sebha = make_place(name="Sebha", country="LY", latitude=None, longitude=None)
        unknown = make_place(name="Jabril Baba camp", country="LY", latitude=None, longitude=None)
        placed = make_place(name="Sirte", country="LY", latitude=31.0, longitude=16.0)
        response = editor_client.post(
            CHANGELIST,
            {"action": "geocode_selected", "_selected_action": [sebha.pk, unknown.pk, placed.pk]},
            follow=True,
        )
        text = messages_of(response)
        assert "Geocoded 1 place(s); 1 already had coordinates and were left alone." in text
        assert any(m.startswith("Sebha → Sabha (LY, Sabha)") for m in text)
        assert any("1 place(s) not geocoded: Jabril Baba camp (LY)" in m for m in text)
        sebha.refresh_from_db()
        assert sebha.gazetteer_id == "geonames:2212775"
        placed.refresh_from_db()
        assert (placed.latitude, placed.longitude) == (31.0, 16.0)

    def test_action_is_offered(self, editor_client, make_place):
        make_place()
        response = editor_client.get(CHANGELIST)
        actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
        assert "geocode_selected" in actions


@pytest.mark.django_db
def test_form_carries_the_suggest_script(editor_client):
    html = editor_client.get(ADD_URL).content.decode()
    assert 'data-geocode-suggest="/geocoding/suggest/"' in html
    assert "geocoding/place_suggest.js" in html
    assert "geocoding/place_suggest.css" in html
