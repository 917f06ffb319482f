"""/map/ view state in headless Chromium: the time control moves the markers and the URL without a
reload, a copied URL (#map=ZOOM/LAT/LON, filters, hidden provinces, time window) restores exactly
what was shown, back/forward step through time-window changes."""

import datetime as dt

import pytest

from tests.browser import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

MAP = "document.querySelector('.folium-map')"


def wait_loaded(page):
    page.wait_for_function(f"() => {MAP}?.dataset.state === 'loaded' && {MAP}.dataset.basemap === 'loaded'")


@pytest.fixture
def monthly(make_incident, make_province):
    """One incident on the 10th of every month of 2018 and 2019 (24), all in one province."""
    province = make_province(name="Fezzan", slug="fezzan", color="#c0392b")
    other = make_province(name="Barqa", slug="barqa", color="#1f618d")
    for year in (2018, 2019):
        for month in range(1, 13):
            make_incident(province=province, date=dt.date(year, month, 10))
    make_incident(province=other, date=dt.date(2019, 6, 1))
    return province


def visible(page) -> int:
    return int(page.evaluate(f"() => {MAP}.dataset.visibleCount"))


def test_time_control_moves_markers_and_url_without_reload(page_watch, live_server, monthly):
    page = page_watch.page
    page_watch.goto("/map/")
    wait_loaded(page)
    assert visible(page) == 25
    page.evaluate("() => { window.notReloaded = true; }")
    control = page.locator("#ipw-time-control")
    assert control.is_visible()
    assert control.locator("rect").count() >= 12  # a histogram bar per month (or finer)

    # Drag the start handle (a range input) to the middle: fewer markers, since= in the URL.
    page.evaluate(
        """() => { const input = document.querySelector('.ipw-time-from');
                   input.value = String(Math.floor(+input.max / 2));
                   input.dispatchEvent(new Event('input', {bubbles: true}));
                   input.dispatchEvent(new Event('change', {bubbles: true})); }"""
    )
    page.wait_for_function("() => /[?&]since=\\d{4}-\\d{2}-\\d{2}/.test(location.search)")
    middle = visible(page)
    assert 0 < middle < 25
    # The filter form's dates follow the window, and the control says how many are shown.
    since = page.evaluate("() => new URLSearchParams(location.search).get('since')")
    assert page.input_value("#ipw-f-since") == since
    assert f"{middle} shown" in page.locator(".ipw-time-range").inner_text()
    assert page.evaluate("() => window.notReloaded") is True

    # Step forward: the window keeps its width and moves; back/forward restore the windows.
    before = page.evaluate("() => location.search")
    page.click(".ipw-time-back")
    page.wait_for_function("(s) => location.search !== s", arg=before)
    stepped = page.evaluate("() => location.search")
    assert visible(page) >= middle - 1  # a week earlier: about as many
    page.go_back()
    page.wait_for_function("(s) => location.search === s", arg=before)
    page.wait_for_function(f"(n) => +{MAP}.dataset.visibleCount === n", arg=middle)
    page.go_forward()
    page.wait_for_function("(s) => location.search === s", arg=stepped)
    assert page.evaluate("() => window.notReloaded") is True

    # Play moves the window by itself; pause stops it.
    page.click(".ipw-time-all")
    page.wait_for_function(f"() => +{MAP}.dataset.visibleCount === 25")
    page.click(".ipw-time-play")
    page.wait_for_function(f"() => +{MAP}.dataset.visibleCount < 25")
    first = page.evaluate("() => document.querySelector('#ipw-time-control').dataset.window")
    page.wait_for_function("(w) => document.querySelector('#ipw-time-control').dataset.window !== w", arg=first)
    page.click(".ipw-time-play")  # pause
    assert page.locator("#ipw-time-control[data-playing]").count() == 0
    save_screenshot(page, "map-time-control")
    page_watch.assert_clean()


def test_copied_url_restores_view_filters_layers_and_time(page_watch, live_server, monthly):
    page = page_watch.page
    url = "/map/?province=fezzan&province=barqa&since=2019-01-01&until=2019-06-30&hide=barqa#map=8/27.04/14.43"
    page_watch.goto(url)
    wait_loaded(page)
    view = page.evaluate(
        "() => { const m = window.ipwatchIncidentLayer.map; const c = m.getCenter();"
        " return [m.getZoom(), c.lat, c.lng]; }"
    )
    assert view[0] == 8
    assert abs(view[1] - 27.04) < 0.01 and abs(view[2] - 14.43) < 0.01
    # Six Fezzan incidents in Jan–Jun 2019; Barqa's is hidden from the legend.
    page.wait_for_function(f"() => +{MAP}.dataset.visibleCount === 6")
    assert page.locator("#ipw-f-province input[value=fezzan]").is_checked()
    assert page.locator("#ipw-f-province input[value=barqa]").is_checked()
    assert not page.locator("#ipw-map-legend input[value=barqa]").is_checked()
    assert page.locator("#ipw-time-control").get_attribute("data-window") == "2019-01-01/2019-06-30"
    # The URL still says exactly that (nothing was rewritten away).
    current = page.evaluate("() => location.search + location.hash")
    for part in ("since=2019-01-01", "until=2019-06-30", "hide=barqa", "#map=8/27.04/14.43"):
        assert part in current

    # Panning rewrites the hash; the copy of that URL opens the same view.
    page.evaluate("() => window.ipwatchIncidentLayer.map.setView([26.5, 15.2], 9, {animate: false}) && null")
    page.wait_for_function("() => location.hash.startsWith('#map=9/26.5')")
    copied = page.evaluate("() => location.href")
    page.goto(copied)
    wait_loaded(page)
    assert page.evaluate("() => window.ipwatchIncidentLayer.map.getZoom()") == 9
    page.wait_for_function(f"() => +{MAP}.dataset.visibleCount === 6")
    page_watch.assert_clean()


def test_no_request_to_another_host_and_only_local_assets(page_watch, live_server, monthly):
    page_watch.goto("/map/#map=8/27.04/14.43")
    wait_loaded(page_watch.page)
    page_watch.assert_clean()
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in page_watch.requests)
