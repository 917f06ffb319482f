"""The chart palette is checked with CIEDE2000 (ipwatch/core/palette.py)."""

import pytest

from ipwatch.core.palette import (
    MIN_DELTA_E,
    OTHER_COLOR,
    PALETTE,
    assign_colors,
    ciede2000,
    delta_e,
    min_pairwise_delta_e,
)


@pytest.mark.parametrize(
    "lab1,lab2,expected",
    [  # Sharma, Wu & Dalal (2005), test data pairs 1, 7 and 17
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_every_pair_of_palette_colours_can_be_told_apart():
    assert min_pairwise_delta_e(PALETTE) >= MIN_DELTA_E
    assert min(delta_e(color, OTHER_COLOR) for color in PALETTE) >= MIN_DELTA_E


def test_series_beyond_the_palette_are_grouped_as_other():
    series = [{"key": f"p{i}", "label": f"P{i}", "color": "#000000"} for i in range(17)]
    series.append({"key": "_none", "label": "No province", "color": "#9e9e9e"})
    assign_colors(series)
    assert [entry["color"] for entry in series[: len(PALETTE)]] == list(PALETTE)
    assert all(entry["other"] and entry["color"] == OTHER_COLOR for entry in series[len(PALETTE) : 17])
    assert series[-1]["color"] == "#9e9e9e" and "other" not in series[-1]
