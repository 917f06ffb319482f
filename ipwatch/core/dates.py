"""Dates known to a precision: an incident known only to "late October 2018" is stored as the
first day of its period with month precision, and always shown at that precision."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from .choices import DatePrecision

# Every record date and every date filter lies in these years: outside them a date is a typing
# mistake, and year 9999 would overflow period arithmetic (the next month of December 9999).
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
DATE_RANGE_TEXT = f"{EARLIEST_DATE.year}–{LATEST_DATE.year}"


def in_record_range(date: dt.date) -> bool:
    return EARLIEST_DATE <= date <= LATEST_DATE


def validate_record_date(value: dt.date) -> None:
    if value is not None and not in_record_range(value):
        raise ValidationError(
            "%(date)s is outside the years %(range)s",
            code="date_out_of_range",
            params={"date": value.isoformat(), "range": DATE_RANGE_TEXT},
        )


class RecordDateField(models.DateField):
    """A DateField whose values lie in EARLIEST_DATE..LATEST_DATE (model validation, so admin
    forms name the field). Use it for every date of every record kind."""

    default_validators = [validate_record_date]


def period_start(date: dt.date, precision: str) -> dt.date:
    if precision == DatePrecision.WEEK:
        return date - dt.timedelta(days=date.weekday())
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    return date


def next_month_start(date: dt.date) -> dt.date:
    """The first day of the month after ``date``'s."""
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def as_date(value):
    """A date from what a database hands back for a date expression: SQLite gives ISO text, some
    backends a datetime for a truncated date. None stays None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def period_end(date: dt.date, precision: str) -> dt.date:
    start = period_start(date, precision)
    if precision == DatePrecision.WEEK:
        return start + dt.timedelta(days=6)
    if precision == DatePrecision.MONTH:
        return next_month_start(start) - dt.timedelta(days=1)
    if precision == DatePrecision.YEAR:
        return start.replace(month=12, day=31)
    return start


def format_at_precision(date: dt.date | None, precision: str) -> str:
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{date.year}"
    if precision == DatePrecision.MONTH:
        return date.strftime("%b %Y")
    if precision == DatePrecision.WEEK:
        start = period_start(date, precision)
        return f"week of {start.day} {start.strftime('%b %Y')}"
    return f"{date.day} {date.strftime('%b %Y')}"
