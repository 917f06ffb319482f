"""/timeline/ in real headless Chromium: the chart draws from vendored files only, the date-uncertain
band is laid out under its month, hovering shows numbers and clicking a bar opens the incident list."""

import pytest

from tests.browser import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_week_chart_band_hover_and_click(page_watch, sample_data):
    page = page_watch.page
    page_watch.goto("/timeline/?granularity=week")
    page.wait_for_function("window.Chart && Chart.getChart(document.getElementById('incidents-chart'))")
    page_watch.assert_clean()  # nothing from another host, no console error, no CSP violation
    save_screenshot(page, "timeline-week")

    # The Oct 2018 raid (known only to the month) sits in a band across October's weeks.
    band = page.locator("#uncertain-strip.positioned li").first
    assert (
        " ".join(band.inner_text().split())
        == "Oct 2018: 1 incident known only to the month (4 killed, unknown wounded)"
    )
    box = band.bounding_box()
    first_week = page.evaluate(
        """() => { const c = Chart.getChart(document.getElementById('incidents-chart'));
                   const x = c.scales.x;
                   return [x.getPixelForValue(0), x.getPixelForValue(4), x.width / c.data.labels.length]; }"""
    )
    canvas = page.locator("#incidents-chart").bounding_box()
    # Spans 2018-W40 … 2018-W44: from the left edge of the first bar slot to the right edge of the fifth.
    assert abs(box["x"] - (canvas["x"] + first_week[0] - first_week[2] / 2)) < 3
    assert abs(box["x"] + box["width"] - (canvas["x"] + first_week[1] + first_week[2] / 2)) < 3

    # Hover the Sebha bar (Fezzan, 2019-W18) for its numbers, then click it (the chart scrolled
    # into view: the filter panel above it is taller than the window is high).
    page.locator("#incidents-chart").scroll_into_view_if_needed()
    canvas = page.locator("#incidents-chart").bounding_box()
    point = page.evaluate(
        """() => { const c = Chart.getChart(document.getElementById('incidents-chart'));
                   const i = c.data.datasets.findIndex(d => d.key === 'fezzan');
                   const j = c.data.labels.indexOf('2019-W18');
                   const bar = c.getDatasetMeta(i).data[j];
                   return {x: bar.x, y: (bar.y + bar.base) / 2}; }"""
    )
    page.mouse.move(canvas["x"] + point["x"], canvas["y"] + point["y"])
    tooltip = page.evaluate(
        """() => { const t = Chart.getChart(document.getElementById('incidents-chart')).tooltip;
                   return [t.title, t.body.map(b => b.lines.join(' ')), t.footer]; }"""
    )
    assert tooltip[0] == ["2019-W18 (29 Apr 2019 – 5 May 2019)"]
    assert tooltip[1] == ["Fezzan: 1"]
    assert tooltip[2][0].startswith("All incidents: 1")
    with page.expect_navigation():
        page.mouse.click(canvas["x"] + point["x"], canvas["y"] + point["y"])
    assert page.url.endswith("/incidents/?province=fezzan&since=2019-04-29&until=2019-05-05")


def boxes_overlap(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("width", [1280, 390])
def test_milestone_labels_never_overlap(page_watch, sample_data, width):
    """March/April 2019 (al-Baghuz, the Baghdadi video) sit close together: staggered or collapsed."""
    page = page_watch.page
    page.set_viewport_size({"width": width, "height": 900})
    page_watch.goto("/timeline/?since=2019-01-01&until=2019-06-30&granularity=week")
    page.wait_for_function("window.ipwatchTimeline && window.ipwatchTimeline.chart")
    timeline = page.evaluate(
        "() => ({labels: window.ipwatchTimeline.labelBoxes, collapsed: window.ipwatchTimeline.collapsed})"
    )
    labels = timeline["labels"]
    assert len(labels) + len(timeline["collapsed"]) == 2
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not boxes_overlap(a, b), (a, b)
    page.locator(".chart-panel").screenshot(path=str(save_screenshot(page, f"timeline-milestones-{width}")))


def test_selecting_a_span_offers_show_on_map(page_watch, sample_data):
    page = page_watch.page
    page_watch.goto("/timeline/?granularity=month&type=raid")
    page.wait_for_function("window.ipwatchTimeline && window.ipwatchTimeline.chart")
    page.locator("#incidents-chart").scroll_into_view_if_needed()
    canvas = page.locator("#incidents-chart").bounding_box()
    xs = page.evaluate(
        """() => { const c = window.ipwatchTimeline.chart; const x = c.scales.x;
                   return [x.getPixelForValue(0), x.getPixelForValue(c.data.labels.length - 1),
                           (c.chartArea.top + c.chartArea.bottom) / 2]; }"""
    )
    page.mouse.move(canvas["x"] + xs[0], canvas["y"] + xs[2])
    page.mouse.down()
    page.mouse.move(canvas["x"] + xs[1], canvas["y"] + xs[2], steps=5)
    page.mouse.up()
    box = page.locator("#timeline-selection")
    box.wait_for(state="visible")
    assert page.url.endswith("/timeline/?granularity=month&type=raid")  # no navigation
    href = box.locator("[data-map-link]").get_attribute("href")
    assert href == "/map/?type=raid&since=2018-10-01&until=2019-05-31"
    assert "2018-10-01 – 2019-05-31" in box.inner_text()
    with page.expect_navigation():
        box.locator("[data-map-link]").click()
    page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.state === 'loaded'")
    assert "since=" in page.url and "until=" in page.url
    page_watch.assert_clean()
