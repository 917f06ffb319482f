"""Period labels and where each date precision lands (pure functions, no database)."""

import datetime as dt

import pytest

from ipwatch.core.dates import (
    auto_granularity,
    parse_period_label,
    period_bounds,
    period_label,
    periods_between,
)
from ipwatch.timeline.aggregation import place_in_period

D = dt.date


@pytest.mark.parametrize(
    ("day", "granularity", "label"),
    [
        (D(2019, 5, 4), "week", "2019-W18"),  # Saturday of the week starting Monday 29 Apr
        (D(2019, 4, 29), "week", "2019-W18"),
        (D(2019, 5, 6), "week", "2019-W19"),
        (D(2018, 12, 31), "week", "2019-W01"),  # ISO week-year, not the calendar year
        (D(2021, 1, 3), "week", "2020-W53"),
        (D(2019, 5, 4), "month", "2019-05"),
        (D(2019, 5, 4), "year", "2019"),
    ],
)
def test_period_labels(day, granularity, label):
    assert period_label(day, granularity) == label
    assert parse_period_label(label)[0] == granularity


def test_period_bounds():
    assert period_bounds("2019-W18") == (D(2019, 4, 29), D(2019, 5, 5))
    assert period_bounds("2019-02") == (D(2019, 2, 1), D(2019, 2, 28))
    assert period_bounds("2020") == (D(2020, 1, 1), D(2020, 12, 31))
    with pytest.raises(ValueError):
        parse_period_label("May 2019")


def test_periods_between_is_continuous():
    assert periods_between(D(2019, 4, 28), D(2019, 5, 14), "week") == ["2019-W17", "2019-W18", "2019-W19", "2019-W20"]
    assert periods_between(D(2018, 11, 30), D(2019, 2, 1), "month") == ["2018-11", "2018-12", "2019-01", "2019-02"]


@pytest.mark.parametrize(
    ("first", "last", "granularity"),
    [
        (D(2019, 1, 1), D(2019, 6, 1), "week"),
        (D(2018, 10, 1), D(2019, 5, 4), "month"),
        (D(2014, 1, 1), D(2019, 12, 31), "month"),
        (D(2014, 1, 1), D(2025, 12, 31), "year"),
        (None, None, "month"),
    ],
)
def test_auto_granularity_from_span(first, last, granularity):
    assert auto_granularity(first, last) == granularity


class TestPlaceInPeriod:
    def test_day_precision_goes_to_its_period(self):
        placement = place_in_period("day", D(2019, 5, 4), "week")
        assert placement.start == D(2019, 4, 29)
        assert placement.uncertain is None

    def test_month_precision_is_never_put_on_a_week(self):
        placement = place_in_period("month", D(2019, 5, 1), "week")
        assert (placement.start, placement.uncertain) == (D(2019, 5, 1), "month")

    def test_month_precision_counts_in_its_month_and_year(self):
        assert place_in_period("month", D(2019, 5, 1), "month").start == D(2019, 5, 1)
        assert place_in_period("month", D(2019, 5, 1), "year").start == D(2019, 1, 1)

    def test_year_precision_is_uncertain_below_a_year(self):
        for granularity in ("week", "month"):
            placement = place_in_period("year", D(2019, 1, 1), granularity)
            assert (placement.start, placement.uncertain) == (D(2019, 1, 1), "year")
        assert place_in_period("year", D(2019, 1, 1), "year").uncertain is None

    def test_week_precision_goes_to_the_month_holding_most_of_its_days(self):
        # Week of Mon 29 Jul 2019: Thursday is 1 Aug, so four of its days are in August.
        assert place_in_period("week", D(2019, 7, 29), "month").start == D(2019, 8, 1)
        # Week of Mon 26 Aug 2019: Thursday 29 Aug, so August.
        assert place_in_period("week", D(2019, 8, 26), "month").start == D(2019, 8, 1)
        # Week of Mon 30 Dec 2019 belongs to 2020 (ISO 8601).
        assert place_in_period("week", D(2019, 12, 30), "year").start == D(2020, 1, 1)
        assert place_in_period("week", D(2019, 12, 30), "week").start == D(2019, 12, 30)
