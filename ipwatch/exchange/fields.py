"""Cell parsers shared by every format. Each takes the cell's text (already stripped) and returns a
Python value, or raises FieldError with a message that reads after "row N, column C: "."""

import datetime as dt
import math
import re

from ipwatch.core.countries import UnknownCountry, country_code, country_from_iso_number, country_from_name
from ipwatch.core.dates import DATE_RANGE_TEXT, in_record_range

from .errors import FieldError

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# 2019-05-04, optionally followed by a time as UCDP and spreadsheets write it ("2019-05-04 00:00:00.000").
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
# 04 May 2019, 4 May 2019, 04-May-2019, 4 September 2019 (ACLED's own export format).
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4})$")


def parse_date(text: str) -> dt.date:
    """ISO dates (with or without a time part) and ACLED's "04 May 2019"."""
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DAY_MONTH_YEAR.match(text)
        month = _MONTHS.get(match.group(2).lower()) if match else None
        if not month:
            raise FieldError(f"{text!r} is not a date")
        day, year = int(match.group(1)), int(match.group(3))
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise FieldError(f"{text!r} is not a date") from None
    if not in_record_range(date):
        raise FieldError(f"{text!r} is outside the years {DATE_RANGE_TEXT}")
    return date


def parse_int(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number. "4.0" is accepted (spreadsheets and pandas write counts that way)."""
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise FieldError(f"{text!r} is not a whole number") from None
        if not math.isfinite(number) or number != int(number):
            raise FieldError(f"{text!r} is not a whole number") from None
        value = int(number)
    if minimum is not None and value < minimum:
        raise FieldError(f"{text!r} is below the minimum of {minimum}")
    if maximum is not None and value > maximum:
        raise FieldError(f"{text!r} is above the maximum of {maximum}")
    return value


# The largest value of the incident count fields (PositiveIntegerField: a 32-bit signed integer on
# PostgreSQL; SQLite overflows past 64 bits), so a count the database cannot store is a cell error.
MAX_COUNT = 2_147_483_647


def parse_count(text: str) -> int:
    """A count of people (killed, wounded…): a whole number from 0 to MAX_COUNT."""
    return parse_int(text, minimum=0, maximum=MAX_COUNT)


# Incident.external_id's max_length: a longer event id is a cell error, not a DataError on PostgreSQL.
MAX_EVENT_ID_LENGTH = 100


def parse_event_id(text: str) -> str:
    """A dataset's own event id (the import key), at most MAX_EVENT_ID_LENGTH characters."""
    if len(text) > MAX_EVENT_ID_LENGTH:
        raise FieldError(
            f"{text[:20]!r}… is {len(text)} characters long (an event id may have at most {MAX_EVENT_ID_LENGTH})"
        )
    return text


def parse_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FieldError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise FieldError(f"{text!r} is not a number")
    return value


def parse_latitude(text: str) -> float:
    value = parse_float(text)
    if not -90 <= value <= 90:
        raise FieldError(f"{text!r} is not a latitude (must be between -90 and 90)")
    return value


def parse_longitude(text: str) -> float:
    value = parse_float(text)
    if not -180 <= value <= 180:
        raise FieldError(f"{text!r} is not a longitude (must be between -180 and 180)")
    return value


_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}


def parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise FieldError(f"{text!r} is not yes/no (use 1/0, true/false or yes/no)")


def parse_choice(text: str, choices: dict[str, str], what: str):
    """Look a code up in a small table: {"1": "day", …}. `what` names the vocabulary in the message."""
    try:
        return choices[text]
    except KeyError:
        allowed = ", ".join(choices)
        raise FieldError(f"{text!r} is not a valid {what} (expected one of {allowed})") from None


def _country(lookup, text: str) -> str:
    """``lookup(text)`` (a core.countries reader), its UnknownCountry as the cell's FieldError."""
    try:
        return lookup(text)
    except UnknownCountry as exc:
        raise FieldError(str(exc)) from None


def parse_country_name(text: str) -> str:
    """A country as the datasets name it ("Libya", UCDP's "DR Congo (Zaire)") → its ISO code."""
    return _country(country_from_name, text)


def parse_country_number(text: str) -> str:
    """ACLED's ISO 3166 numeric `iso` column ("434") → its ISO alpha-2 code ("LY")."""
    return _country(country_from_iso_number, text)


def parse_country_code(text: str) -> str:
    """The ipwatch CSV carries the ISO code the model stores: no names or aliases ("UK" is not GB's code)."""
    return _country(country_code, text)
