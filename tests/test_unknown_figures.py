"""Unknown is not zero: one helper (ipwatch.core.figures.Tally) for every page, chart and export."""

import re

import pytest

from ipwatch.core.figures import Tally


def test_tally_display():
    assert Tally.of([3, 4]).display() == "7"
    assert Tally.of([3, None, 4]).display() == "≥ 7 (1 unknown)"
    assert Tally.of([None, None]).display() == "unknown"
    assert Tally.of([None]).display(compact=True) == "—"
    assert Tally.of([]).display() == "0"  # nothing recorded at all is a real zero
    assert Tally.of([None, 2]).value is None and Tally.of([2]).value == 2
    assert Tally(1, 0) + Tally(0, 2) == Tally(1, 2)
    assert Tally.of([None, None]).note == "not known for any of the 2 records"


@pytest.mark.django_db
def test_timeline_points_count_unknown_figures(client, sample_data):
    payload = client.get("/api/timeline.json?granularity=year").json()
    points = [point for series in payload["series"] for point in series["points"]]
    uncertain = payload["uncertain"]
    # Every sample incident has killed known and wounded unknown.
    assert sum(p["killed_unknown"] for p in points + uncertain) == 0
    assert sum(p["wounded_unknown"] for p in points + uncertain) == payload["total"] == 3
    assert all(p["wounded"] == 0 and p["wounded_unknown"] == p["incidents"] for p in points)
    assert payload["data_as_of"] == "2019-05-04"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/timeline/", "/timeline/?granularity=month", "/timeline/?granularity=week"])
def test_no_page_prints_a_zero_made_of_unknowns(client, sample_data, url):
    html = client.get(url).content.decode()
    # The sample data's wounded figures are all unknown: nothing may say "0 wounded" or total them as 0.
    assert not re.search(r"\b0 wounded", html)
    assert 'data-count="wounded">0<' not in html
    if "/timeline/" in url:
        rows = re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)
        counted = [(row, cells) for row in rows if len(cells := re.findall(r'<td class="num">([^<]*)</td>', row)) >= 3]
        assert counted, "the chart table has rows of figures to check"
        for row, cells in counted:
            assert cells[-1] != "0", row  # the wounded column of the chart table


@pytest.mark.django_db
def test_overview_says_unknown(client, sample_data):
    html = client.get("/").content.decode()
    assert 'data-count="killed">7<' in html
    assert 'data-count="wounded">unknown<' in html
    assert "not known for any of the 3 records" in html


@pytest.mark.django_db
def test_timeline_table_gives_lower_bound_and_unknown(client, make_incident):
    make_incident(killed_best=3, wounded_best=2)
    make_incident(killed_best=None, wounded_best=None)
    html = client.get("/timeline/?granularity=year").content.decode()
    assert '<td class="num">≥ 3 (1 unknown)</td>' in html
    assert '<td class="num">≥ 2 (1 unknown)</td>' in html
