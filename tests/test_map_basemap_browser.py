"""The offline basemap in headless Chromium: at zoom 8 on Sebha a reader sees "Sabha" and the towns
around it, first-level boundaries and region names, a scale bar; Arabic names for an Arabic
browser; nothing is requested from another host."""

import pytest

from tests.browser import PageWatch, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SEBHA_ZOOM_8 = "/map/#map=8/27.04/14.43"
READY = (
    "() => { const m = document.querySelector('.folium-map');"
    " return m && m.dataset.basemap === 'loaded' && m.dataset.admin1 === 'loaded' && +m.dataset.labels > 0; }"
)


def label_names(page):
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.ipw-place-label'))"
        ".filter((el) => { const r = el.getBoundingClientRect(); const m = document.querySelector('.folium-map')"
        ".getBoundingClientRect(); return r.left >= m.left && r.right <= m.right && r.top >= m.top"
        " && r.bottom <= m.bottom; }).map((el) => el.textContent)"
    )


def test_place_names_regions_and_scale_at_zoom_8_on_sebha(page_watch, live_server, sample_data):
    page = page_watch.page
    page_watch.goto(SEBHA_ZOOM_8)
    page.wait_for_function(READY)
    names = label_names(page)
    assert "Sabha" in names
    neighbours = {"Ubari", "Murzuk", "Brak", "Al Ghurayfah", "Wādī 'Utbah", "Umm al Arānib", "Tarāghin", "Samnū"}
    assert len(neighbours & set(names)) >= 3, names
    # Labels never overlap one another.
    boxes = page.evaluate(
        "() => Array.from(document.querySelectorAll('.ipw-place-label')).map((el) => {"
        " const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert len(boxes) >= 2
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1), (a, b)
    regions = page.evaluate(
        "() => Array.from(document.querySelectorAll('.ipw-region-label')).map((e) => e.textContent)"
    )
    assert {"Sabha", "Murzuq", "Wadi ash Shati'", "Wadi al Hayat"} & set(regions), regions
    assert page.locator(".leaflet-control-scale-line").first.inner_text().strip().endswith(("km", "m"))
    page.wait_for_load_state("networkidle")
    page_watch.assert_clean()  # no request to another host, no console error
    save_screenshot(page, "map-sebha-zoom8", full_page=False)

    # Zooming out keeps only the larger places.
    page.evaluate("() => window.ipwatchIncidentLayer.map.setZoom(5, {animate: false}) && null")
    page.wait_for_function("() => !document.querySelector('.ipw-place-label[data-name=\"Brak\"]')")
    assert "Sabha" in label_names(page) or "Tripoli" in label_names(page)


def test_arabic_browser_gets_arabic_place_names(browser, live_server, sample_data, django_db_serialized_rollback):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    watch = PageWatch(context, live_server.url)
    try:
        watch.goto(SEBHA_ZOOM_8)
        watch.page.wait_for_function(READY)
        assert "سبها" in label_names(watch.page)
        watch.assert_clean()
    finally:
        context.close()


def test_tile_server_basemap_requests_only_the_configured_host(page_watch, live_server, sample_data, settings):
    """With IPWATCH_TILE_URL the tiles come from that server: pointed at this origin, nothing else is
    asked for (page_watch blocks and fails on any other host)."""
    settings.IPWATCH_TILE_URL = live_server.url + "/static/vendor/leaflet/images/layers.png?{z}/{x}/{y}"
    settings.IPWATCH_TILE_ATTRIBUTION = "Test tiles"
    page_watch.goto("/map/#map=6/27/14")
    page_watch.page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.state === 'loaded'")
    page_watch.page.wait_for_load_state("networkidle")
    assert any("/static/vendor/leaflet/images/layers.png" in url for url in page_watch.requests)
    page_watch.assert_clean()


# Share of the map's visible area where the basemap canvas has drawn land (alpha > 0), read from the
# canvas's own pixels where it overlaps the map on screen: a canvas drawn but shown 0 px wide counts 0.
LAND_SHARE = """() => {
  const map = document.querySelector('.folium-map');
  const canvas = map.querySelector('.leaflet-ipwatch-basemap-pane canvas');
  if (!canvas || !canvas.width) return 0;
  const m = map.getBoundingClientRect(), c = canvas.getBoundingClientRect();
  const left = Math.max(m.left, c.left), right = Math.min(m.right, c.right);
  const top = Math.max(m.top, c.top), bottom = Math.min(m.bottom, c.bottom);
  if (right - left < 1 || bottom - top < 1) return 0;
  const sx = canvas.width / c.width, sy = canvas.height / c.height;
  const data = canvas.getContext('2d').getImageData(
    Math.floor((left - c.left) * sx), Math.floor((top - c.top) * sy),
    Math.floor((right - left) * sx), Math.floor((bottom - top) * sy)).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
  return drawn / (m.width * m.height * sx * sy);
}"""
# Leaflet redraws its canvases on the next animation frame after a move.
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null))))"
COLLAPSED_CANVASES = (
    "() => Array.from(document.querySelectorAll('.folium-map canvas'))"
    ".filter((c) => c.getBoundingClientRect().width < 1).map((c) => c.parentElement.className)"
)


def assert_land_drawn(page, when):
    page.evaluate(NEXT_FRAMES)
    assert page.evaluate(COLLAPSED_CANVASES) == [], when
    share = page.evaluate(LAND_SHARE)
    assert share > 0.3, f"{when}: only {share:.0%} of the map shows land (the sample data is in Libya)"


def assert_scale_clear_of_attribution(page):
    """The two-line attribution of a narrow map must not cover the scale bar beside it."""
    scale = page.locator(".folium-map .leaflet-control-scale").bounding_box()
    credit = page.locator(".folium-map .leaflet-control-attribution").bounding_box()
    assert scale and credit
    assert scale["x"] + scale["width"] <= credit["x"] or scale["y"] + scale["height"] <= credit["y"], (scale, credit)


def test_land_is_drawn_at_phone_tablet_and_desktop_width(
    browser, live_server, sample_data, django_db_serialized_rollback
):
    """The phone stylesheet caps canvases at 100% of their parent; Leaflet's panes have no width, so
    without an exemption the basemap (and the circle markers) were drawn into a 0 px wide canvas."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    watch = PageWatch(context, live_server.url)
    page = watch.page
    try:
        watch.goto("/map/")
        page.wait_for_function(
            "() => { const m = document.querySelector('.folium-map');"
            " return m && m.dataset.basemap === 'loaded' && m.dataset.state === 'loaded'; }"
        )
        assert_land_drawn(page, "390 px, fitted to the data")
        assert_scale_clear_of_attribution(page)
        save_screenshot(page, "map-land-390", full_page=False)
        page.evaluate(
            "() => { const map = window.ipwatchIncidentLayer.map; map.setZoom(map.getZoom() + 1, {animate: false});"
            " map.panBy([60, -40], {animate: false}); }"
        )
        assert_land_drawn(page, "390 px, after zoom and pan")
        for width in (700, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            assert_land_drawn(page, f"{width} px")
            save_screenshot(page, f"map-land-{width}", full_page=False)
        watch.assert_clean()
    finally:
        context.close()
