"""Dates known to a precision, and the calendar periods the timeline counts in.

An incident known only to "late October 2018" is stored as the first day of its period with month
precision, and always shown at that precision. The timeline counts in the same periods: ISO weeks
(Monday first), calendar months and years, labelled with stable strings other tooling relies on:
"2019-W18", "2019-05", "2019".
"""

import datetime as dt
import re

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


WEEK = DatePrecision.WEEK.value
MONTH = DatePrecision.MONTH.value
YEAR = DatePrecision.YEAR.value
GRANULARITIES = (WEEK, MONTH, YEAR)  # the timeline's periods

# Auto choice from the date span: at most ~26 bars of weeks, ~6 years of months, else years.
AUTO_WEEK_MAX_DAYS = 183
AUTO_MONTH_MAX_DAYS = 6 * 366

_WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH_LABEL = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR_LABEL = re.compile(r"^(\d{4})$")


def period_start(date: dt.date, precision: str) -> dt.date:
    """First day of the week, month or year containing ``date`` (``date`` itself for a day)."""
    if precision == WEEK:
        return date - dt.timedelta(days=date.weekday())
    if precision == MONTH:
        return date.replace(day=1)
    if precision == YEAR:
        return date.replace(month=1, day=1)
    return date


def next_month_start(date: dt.date) -> dt.date:
    """The first day of the month after ``date``'s."""
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``month``'s (before it for a negative ``n``)."""
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def next_period_start(start: dt.date, precision: str) -> dt.date:
    """First day of the period after the one starting on ``start``."""
    if precision == WEEK:
        return start + dt.timedelta(days=7)
    if precision == MONTH:
        return next_month_start(start)
    if precision == YEAR:
        return start.replace(year=start.year + 1)
    return start + dt.timedelta(days=1)


def period_end(date: dt.date, precision: str) -> dt.date:
    """Last day of the period containing ``date``."""
    return next_period_start(period_start(date, precision), precision) - dt.timedelta(days=1)


def as_date(value):
    """A date from what a database hands back for a date expression: SQLite gives ISO text, some
    backends a datetime for a truncated date. None stays None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def format_at_precision(date: dt.date | None, precision: str) -> str:
    if date is None:
        return ""
    if precision == YEAR:
        return f"{date.year}"
    if precision == MONTH:
        return date.strftime("%b %Y")
    if precision == WEEK:
        start = period_start(date, precision)
        return f"week of {start.day} {start.strftime('%b %Y')}"
    return f"{date.day} {date.strftime('%b %Y')}"


# Period labels ------------------------------------------------------------------------------


def period_label(day: dt.date, granularity: str) -> str:
    start = period_start(day, granularity)
    if granularity == WEEK:
        # The Monday's ISO year is the week's ISO year (e.g. Mon 2018-12-31 is "2019-W01").
        iso_year, iso_week, _ = start.isocalendar()
        return f"{iso_year}-W{iso_week:02d}"
    if granularity == MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}"


def parse_period_label(label: str) -> tuple[str, dt.date]:
    """Inverse of ``period_label``: ("week"|"month"|"year", first day). Raises ValueError."""
    if match := _WEEK_LABEL.match(label):
        return WEEK, dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    if match := _MONTH_LABEL.match(label):
        return MONTH, dt.date(int(match[1]), int(match[2]), 1)
    if match := _YEAR_LABEL.match(label):
        return YEAR, dt.date(int(match[1]), 1, 1)
    raise ValueError(f"not a period label: {label!r}")


def period_bounds(label: str) -> tuple[dt.date, dt.date]:
    """(first day, last day) of a labelled period, for `since`/`until` links."""
    granularity, start = parse_period_label(label)
    return start, period_end(start, granularity)


def periods_between(first: dt.date, last: dt.date, granularity: str) -> list[str]:
    """Every period label from the one containing ``first`` to the one containing ``last``."""
    labels = []
    current = period_start(first, granularity)
    while current <= last:
        labels.append(period_label(current, granularity))
        current = next_period_start(current, granularity)
    return labels


def auto_granularity(first: dt.date | None, last: dt.date | None) -> str:
    """Weeks for spans up to about six months, months up to about six years, else years."""
    if first is None or last is None:
        return MONTH
    span = (last - first).days
    if span <= AUTO_WEEK_MAX_DAYS:
        return WEEK
    if span <= AUTO_MONTH_MAX_DAYS:
        return MONTH
    return YEAR


def week_of_majority(monday: dt.date) -> dt.date:
    """The Thursday of a week: the day whose month/year holds at least four of the week's days.

    A week-precision incident is counted in the month (year) that holds most of its week, the
    ISO 8601 rule for which year a week belongs to, applied to months too.
    """
    return monday - dt.timedelta(days=monday.weekday()) + dt.timedelta(days=3)
