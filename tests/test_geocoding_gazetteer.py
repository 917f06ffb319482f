"""The offline gazetteer and its name matching (no database, no network).

The gazetteer is loaded once per test process (get_gazetteer()); every test shares it.
"""

import pytest

from ipwatch.geocoding import normalize
from ipwatch.geocoding.build_extract import keep_alias
from ipwatch.geocoding.gazetteer import (
    SupplementError,
    get_gazetteer,
    load,
    read_supplement,
)
from ipwatch.geocoding.results import distance_km

SEBHA = "geonames:2212775"
SIRTE = "geonames:2210554"
FUQAHA = "supplement:al-fuqaha"
BAGHUZ = "supplement:al-baghuz-fawqani"
MOSUL = "geonames:99072"
SABHA_JORDAN = "geonames:247176"


@pytest.fixture(scope="module")
def gazetteer():
    return get_gazetteer()


# Every spelling of Sebha, Sirte and Al-Fuqaha that reports use, in both scripts, with the country an
# editor would give and without.
VARIANTS = [
    *[(name, SEBHA) for name in ["Sebha", "Sabha", "Sabhā", "Sebhā", "سبها"]],
    *[(name, SIRTE) for name in ["Sirte", "Surt", "Sirt", "سرت"]],
    *[(name, FUQAHA) for name in ["Al-Fuqaha", "Fuqaha", "El-Foqaha", "El Fogha", "Al Fuqahā'", "الفقهاء"]],
]


@pytest.mark.parametrize(("name", "source"), VARIANTS)
def test_spelling_variants_resolve_with_country_hint(gazetteer, name, source):
    result = gazetteer.geocode(name, country="LY")
    assert result.best is not None, result.error
    assert result.best.source == source
    assert not result.ambiguous
    assert result.best.score >= 0.85


@pytest.mark.parametrize(("name", "source"), VARIANTS)
def test_spelling_variants_resolve_without_country_hint(gazetteer, name, source):
    result = gazetteer.geocode(name)
    assert result.best is not None, result.error
    assert result.best.source == source


def test_fuqaha_coordinates_come_from_the_supplement(gazetteer):
    best = gazetteer.geocode("El Fogha", country="LY").best
    assert (best.lat, best.lon) == (27.833, 16.350)
    assert best.admin1 == "Al Jufrah"


@pytest.mark.parametrize(("name", "source"), [("Mosul", MOSUL), ("Al Mawsil", MOSUL), ("Baghuz", BAGHUZ)])
def test_other_press_spellings(gazetteer, name, source):
    assert gazetteer.geocode(name).best.source == source


def test_baghuz_is_within_a_km_of_its_reported_coordinates(gazetteer):
    best = gazetteer.geocode("Al-Baghuz Fawqani", country="SY").best
    assert distance_km(best.lat, best.lon, 34.4586, 40.9506) < 1


class TestAmbiguity:
    def test_sabha_without_country_says_jordan_too(self, gazetteer):
        result = gazetteer.geocode("Sabha")
        assert result.ambiguous
        assert result.best.source == SEBHA  # the bigger town wins the tie…
        assert SABHA_JORDAN in [alt.source for alt in result.alternatives]  # …and the other is named
        assert result.best.score < 1.0
        assert "ambiguous" in result.summary()

    def test_country_hint_resolves_it(self, gazetteer):
        result = gazetteer.geocode("Sabha", country="LY")
        assert not result.ambiguous
        assert result.alternatives == []
        assert result.best.score == 1.0
        assert gazetteer.geocode("Sabha", country="JO").best.source == SABHA_JORDAN

    def test_province_countries_narrow_the_choice(self, gazetteer):
        assert gazetteer.geocode("Tripoli").best.country == "LY"  # population breaks the tie
        assert gazetteer.geocode("Tripoli", countries=["LB"]).best.country == "LB"

    def test_province_countries_fall_back_to_everywhere(self, gazetteer):
        result = gazetteer.geocode("Mosul", countries=["LY"])
        assert result.best.source == MOSUL
        assert "no match in LY" in result.note

    def test_ambiguity_within_one_country(self, gazetteer):
        result = gazetteer.geocode("Suran", country="SY")  # Şūrān in Hama and in Aleppo governorates
        assert result.ambiguous
        assert {result.best.admin1, result.alternatives[0].admin1} == {"Hama", "Aleppo"}


class TestArabicScript:
    def test_arabic_with_article(self, gazetteer):
        assert gazetteer.geocode("الموصل").best.source == MOSUL

    def test_arabic_with_vowel_marks(self, gazetteer):
        assert gazetteer.geocode("سَبْها", country="LY").best.source == SEBHA

    def test_arabic_without_hamza(self, gazetteer):
        assert gazetteer.geocode("الفقها").best.source == FUQAHA


class TestUnknownNames:
    @pytest.mark.parametrize("name", ["Xyzzyville", "Notaplace", "Jabril Baba", "Foo", "Zzzzzz"])
    def test_unknown_name_is_not_guessed(self, gazetteer, name):
        result = gazetteer.geocode(name)
        assert result.best is None
        assert result.error

    def test_name_only_elsewhere_with_country_hint(self, gazetteer):
        result = gazetteer.geocode("Sabha", country="TD")
        assert result.best is None
        assert "in TD" in result.error
        assert SEBHA in [alt.source for alt in result.alternatives]

    def test_empty_name(self, gazetteer):
        assert gazetteer.geocode("  ").error == "empty place name"
        assert gazetteer.geocode("—").best is None

    def test_json_shape_when_nothing_matches(self, gazetteer):
        data = gazetteer.geocode("Xyzzyville", country="LY").to_dict()
        assert data["lat"] is None and data["lon"] is None and data["name"] is None
        assert "Xyzzyville" in data["error"]
        assert data["alternatives"] == []


class TestMatchingOrder:
    def test_exact_name_beats_phonetic(self, gazetteer):
        exact, phonetic = gazetteer.geocode("Idlib"), gazetteer.geocode("Edlib")
        assert exact.best.source == phonetic.best.source
        assert (exact.best.how, exact.best.score) == ("name", 1.0)
        assert phonetic.best.how == "phonetic"
        assert phonetic.best.score < exact.best.score

    def test_alias_beats_fuzzy(self, gazetteer):
        assert gazetteer.geocode("El Fogha", country="LY").best.how == "alias"
        fuzzy = gazetteer.geocode("Bir al-Abed", country="EG").best
        assert fuzzy.how == "fuzzy"
        assert fuzzy.score <= 0.8

    def test_bigger_city_wins_over_hamlet_of_the_exact_name(self, gazetteer):
        result = gazetteer.geocode("Ar Ramadi")
        assert result.best.country == "IQ"
        assert result.ambiguous  # Ar Ramādī, Yemen, is named

    @pytest.mark.parametrize(
        ("spelling", "country", "expected_name"),
        [
            ("Telafar", "IQ", "Tall ‘Afar"),
            ("Hajeen", "SY", "Hajīn"),
            ("Deir Ezzor", "SY", "Deir ez-Zor"),
            ("Sheikh Zuweid", "EG", "Ash Shaykh Zuwayd"),
            ("Ijdabiya", "LY", "Ajdabiya"),
            ("Baqouba", "IQ", "Baqubah"),
        ],
    )
    def test_transliteration_swaps(self, gazetteer, spelling, country, expected_name):
        assert gazetteer.geocode(spelling, country=country).best.name == expected_name


class TestSuggest:
    def test_prefix_as_typed(self, gazetteer):
        sources = [m.source for m in gazetteer.suggest("El Fo", country="LY")]
        assert FUQAHA in sources

    def test_whole_name_first(self, gazetteer):
        assert gazetteer.suggest("El Fogha", country="LY")[0].source == FUQAHA

    def test_too_short(self, gazetteer):
        assert gazetteer.suggest("S") == []


class TestNormalisation:
    def test_exact_key_folds_case_diacritics_marks_and_hyphens(self):
        assert normalize.exact_key("Sabhā") == "sabha"
        assert normalize.exact_key("Tall ‘Afar") == "tall afar"
        assert normalize.exact_key("Al Fuqahā'") == "al fuqaha"
        assert normalize.exact_key("  Deir   ez-Zor ") == "deir ez zor"

    def test_articles(self):
        assert normalize.stripped_key("Al-Baghuz Fawqani") == "baghuz fawqani"
        assert normalize.stripped_key("Ash Shaykh Zuwayd") == "shaykh zuwayd"
        assert normalize.stripped_key("El") == "el"  # a name that is only an article is kept

    def test_phonetic_swaps(self):
        assert normalize.phonetic_key("El-Foqaha") == normalize.phonetic_key("Fuqaha")
        assert normalize.phonetic_key("Sebha") == normalize.phonetic_key("Sabhah")
        assert normalize.phonetic_key("Sheikh") == normalize.phonetic_key("Shaykh")
        assert normalize.phonetic_key("Falluja") == normalize.phonetic_key("Fallouja")

    def test_arabic_forms(self):
        assert normalize.exact_key("الفقهاء") == normalize.exact_key("الفقها")
        assert normalize.exact_key("سَبها") == "سبها"
        assert normalize.stripped_key("الموصل") == "موصل"
        assert normalize.is_arabic("سبها") and not normalize.is_arabic("Sabha")

    def test_extract_drops_codes_and_machine_romanisations(self):
        assert keep_alias("Sebha") and keep_alias("سبها") and keep_alias("Sabhā")
        assert not keep_alias("SEB")  # airport code
        assert not keep_alias("sbha")  # lowercase romanisation of سبها
        assert not keep_alias("Сабха")  # Cyrillic


class TestData:
    def test_loaded_once_per_process(self, gazetteer):
        assert get_gazetteer() is gazetteer
        assert len(gazetteer) > 40000

    def test_disk_cache_gives_the_same_index(self, gazetteer):
        again = load()  # the first load wrote var/cache/gazetteer-*.pickle
        assert again.loaded_from == "cache"
        assert len(again) == len(gazetteer)
        assert again.geocode("Sebha", country="LY").best.source == SEBHA

    def test_every_supplement_row_cites_its_coordinates(self):
        entries, _names = read_supplement()
        assert {"supplement:al-fuqaha", "supplement:al-baghuz-fawqani"} <= {e.source for e in entries}
        fuqaha = next(e for e in entries if e.source == FUQAHA)
        assert (fuqaha.lat, fuqaha.lon) == (27.833, 16.350)

    def test_supplement_errors_name_the_row(self, tmp_path):
        bad = tmp_path / "supplement.csv"
        bad.write_text(
            "id,name,name_ar,aliases,country,admin1,latitude,longitude,population,source\n"
            "x,Somewhere,,,LY,,27.1,north,,A map\n",
            encoding="utf-8",
        )
        with pytest.raises(SupplementError, match="row 2: latitude/longitude"):
            read_supplement(bad)
        bad.write_text(
            "id,name,name_ar,aliases,country,admin1,latitude,longitude,population,source\nx,Somewhere,,,LY,,27.1,14,,\n",
            encoding="utf-8",
        )
        with pytest.raises(SupplementError, match="row 2: source is required"):
            read_supplement(bad)
