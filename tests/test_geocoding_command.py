"""manage.py geocode NAME… [--country CC] [--online] [--json] and manage.py geocode --pending."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ipwatch.core.choices import GeocoderKind

REPO = Path(__file__).resolve().parent.parent


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("geocode", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("geocode", *args, stdout=out, stderr=err)
    return out.getvalue(), failure.value


class TestNames:
    def test_text_output(self):
        out, _ = run("Sebha", "El Fogha", "--country", "LY")
        lines = out.splitlines()
        assert lines[0].startswith("Sebha → Sabha (LY, Sabha) 27.0377, 14.4283")
        assert "geonames:2212775" in lines[0]
        assert lines[1].startswith("El Fogha → Al-Fuqaha (LY, Al Jufrah) 27.8330, 16.3500")

    def test_text_output_says_ambiguous(self):
        out, _ = run("Sabha")
        assert "AMBIGUOUS, also: Şabḩā (JO" in out

    def test_json_output(self):
        out, _ = run("Sebha", "سرت", "--country", "LY", "--json")
        data = json.loads(out)
        assert [row["query"] for row in data] == ["Sebha", "سرت"]
        sebha = data[0]
        for key in ("query", "name", "country", "admin1", "lat", "lon", "score", "source", "alternatives"):
            assert key in sebha
        assert (sebha["name"], sebha["country"], sebha["lat"], sebha["lon"]) == ("Sabha", "LY", 27.03766, 14.42832)
        assert data[1]["source"] == "geonames:2210554"
        assert "error" not in sebha

    def test_json_unresolved_name_has_null_coordinates_and_exit_status_1(self):
        out, failure = run_failing("Sebha", "Xyzzyville", "--json")
        assert failure.returncode == 1
        assert "1 of 2 names not resolved" in str(failure)
        data = json.loads(out)
        assert data[1]["lat"] is None and data[1]["lon"] is None
        assert data[1]["error"] == "no place matches 'Xyzzyville'"

    def test_json_alternatives_when_ambiguous(self):
        data = json.loads(run("Sabha", "--json")[0])
        assert data[0]["ambiguous"] is True
        assert data[0]["alternatives"][0]["country"] == "JO"

    def test_province_narrows(self, make_province):
        make_province(slug="north-lebanon-test", countries=["LB"])
        out, _ = run("Tripoli", "--province", "north-lebanon-test")
        assert "(LB, Liban-Nord)" in out

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["Sebha", "--country", "XX"], "--country 'XX' is not an ISO 3166-1 alpha-2 code"),
            ([], "give at least one NAME"),
            (["Sebha", "--pending"], "either NAME… or --pending"),
            (["Sebha", "--province", "nowhere"], "--province 'nowhere': no province"),
        ],
    )
    def test_bad_arguments(self, args, message, db):
        with pytest.raises(CommandError, match=message):
            call_command("geocode", *args, stdout=StringIO())

    @pytest.mark.django_db
    def test_online_flag_uses_the_service_once_then_its_cache(self, monkeypatch):
        from geopy.location import Location
        from geopy.point import Point

        from ipwatch.geocoding import online

        calls = []

        class FakeNominatim:
            def geocode(self, query, **kwargs):
                calls.append(query)
                raw = {"osm_type": "way", "osm_id": 7, "name": "Jabril Baba", "address": {"country_code": "ly"}}
                return [Location("Jabril Baba, Sabha, Libya", Point(27.05, 14.4), raw)]

        fake = online.OnlineGeocoder("nominatim", geocoder=FakeNominatim(), min_delay_seconds=0)
        monkeypatch.setattr(online, "get_online_geocoder", lambda: fake)
        first = json.loads(run("Jabril Baba camp", "--country", "LY", "--online", "--json")[0])[0]
        second = json.loads(run("Jabril Baba camp", "--country", "LY", "--online", "--json")[0])[0]
        assert first["source"] == second["source"] == "nominatim:way/7"
        assert (first["how"], second["how"]) == ("online", "online (cached)")
        assert calls == ["Jabril Baba camp"]
        _out, failure = run_failing("Jabril Baba camp", "--country", "LY")  # offline only: not found
        assert failure.returncode == 1

    def test_process_exit_status(self):
        """As tooling sees it: exit 1 when a name is unresolved, the JSON still on stdout."""
        done = subprocess.run(
            [sys.executable, "manage.py", "geocode", "Sebha", "Xyzzyville", "--country", "LY", "--json"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1, done.stderr
        assert [row["lat"] for row in json.loads(done.stdout)] == [27.03766, None]
        assert "1 of 2 names not resolved" in done.stderr


@pytest.mark.django_db
class TestPending:
    def test_geocodes_places_without_coordinates_and_reports_the_rest(self, make_place):
        sebha = make_place(name="Sebha", country="LY", latitude=None, longitude=None)
        arabic = make_place(name="سرت", country="LY", latitude=None, longitude=None, admin1="")
        unknown = make_place(name="Jabril Baba camp", country="LY", latitude=None, longitude=None)
        placed = make_place(name="Somewhere", country="LY", latitude=30.0, longitude=15.0)
        out, failure = run_failing("--pending")
        assert failure.returncode == 1
        assert "Geocoded 2 of 3 places without coordinates." in out
        assert f"#{unknown.pk} Jabril Baba camp (LY): no place named 'Jabril Baba camp' in LY" in out
        sebha.refresh_from_db()
        assert (sebha.latitude, sebha.longitude) == (27.03766, 14.42832)
        assert (sebha.geocoder, sebha.gazetteer_id) == (GeocoderKind.GAZETTEER, "geonames:2212775")
        arabic.refresh_from_db()
        assert arabic.gazetteer_id == "geonames:2210554"
        assert arabic.admin1 == "Surt"
        placed.refresh_from_db()
        assert (placed.latitude, placed.longitude) == (30.0, 15.0)

    def test_progress_bar_and_success(self, make_place):
        make_place(name="Al-Baghuz Fawqani", country="SY", latitude=None, longitude=None)
        out, err = run("--pending")
        assert "Geocoded 1 of 1 places" in out
        assert "geocoding" in err and "1/1" in err  # tqdm's bar, on stderr

    def test_pending_json(self, make_place):
        place = make_place(name="Fuqaha", country="LY", latitude=None, longitude=None)
        data = json.loads(run("--pending", "--json")[0])
        assert data[0]["place_id"] == place.pk
        assert data[0]["applied"] is True
        assert data[0]["source"] == "supplement:al-fuqaha"

    def test_nothing_pending(self):
        out, _ = run("--pending")
        assert "Geocoded 0 of 0 places" in out

    def test_low_scores_are_not_applied(self, make_place):
        place = make_place(name="Bir al-Abed", country="EG", latitude=None, longitude=None)
        out, _failure = run_failing("--pending")
        assert "pick it by hand" in out
        place.refresh_from_db()
        assert place.latitude is None

    def test_query_count(self, make_place, django_assert_max_num_queries):
        for _ in range(3):
            make_place(name="Sebha", country="LY", latitude=None, longitude=None)
        # count + iterate, then per place its own transaction (a savepoint and its release here, inside
        # the test's transaction) around one update and one history row, the search text of the
        # incidents and of the activity records at that place, and the public cache's data-as-of token
        with django_assert_max_num_queries(2 + 3 * 7):
            run("--pending")
