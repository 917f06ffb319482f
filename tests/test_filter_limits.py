"""Abuse limits in the shared incident filters: 400-style errors naming the parameter, checked
before any database work."""

import pytest

from ipwatch.core.filters import MAX_PROVINCE_VALUES, MAX_Q_LENGTH, MAX_TYPE_VALUES, invalid_filter_response
from tests.filter_helpers import rejected, run


@pytest.mark.django_db
class TestFilterLimits:
    def test_q_up_to_the_limit_is_accepted(self, sample_data):
        assert run("q=" + "x" * MAX_Q_LENGTH).count() == 0

    def test_q_over_the_limit_names_q(self, sample_data):
        error = rejected("q=" + "x" * 10_000)
        assert list(error.errors) == ["q"]
        assert "at most 200 characters" in error.errors["q"]

    def test_too_many_provinces_is_refused_without_a_query(self, sample_data, django_assert_num_queries):
        query = "&".join(["province=fezzan"] * (MAX_PROVINCE_VALUES + 1))
        with django_assert_num_queries(0):
            error = rejected(query)
        assert error.errors == {"province": f"at most {MAX_PROVINCE_VALUES} values may be given (got 51)"}

    def test_too_many_types_is_refused(self, sample_data):
        assert list(rejected("&".join(["type=raid"] * (MAX_TYPE_VALUES + 1))).errors) == ["type"]

    def test_repeats_within_the_limits_still_filter(self, sample_data):
        assert run("&".join(["province=fezzan"] * MAX_PROVINCE_VALUES)).count() == 1
        assert run("&".join(["type=raid"] * MAX_TYPE_VALUES)).count() == 3

    @pytest.mark.parametrize(
        ("query", "param"),
        [
            ("q=a%00b", "q"),
            ("province=fez%00zan", "province"),
            ("bbox=nan,nan,nan,nan", "bbox"),
            ("bbox=-inf,-90,inf,90", "bbox"),
            ("since=9999-99-99", "since"),
            ("until=-2019-01-01", "until"),
        ],
    )
    def test_hostile_values_are_errors_not_crashes(self, sample_data, query, param):
        error = rejected(query)
        assert list(error.errors) == [param]
        assert invalid_filter_response(error).status_code == 400
