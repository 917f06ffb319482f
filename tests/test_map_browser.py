"""/map/ in a real browser (headless Debian Chromium through Playwright): markers and clusters show,
stored markup in popups stays text, filters live in the URL, and nothing is fetched from another host."""

import re

import pytest

from ipwatch.core.choices import ClaimStatus, LocationPrecision, SourceKind
from ipwatch.core.models import Source
from tests.browser import save_screenshot

IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
SCRIPT_PAYLOAD = "</script><script>alert(1)</script>"

# page_watch (tests/browser.py) fails the test on any request to another host, JS dialog (an alert
# from a payload would be one), console error, uncaught exception or CSP violation.
pytestmark = pytest.mark.django_db(transaction=True)


def wait_until_loaded(page):
    page.wait_for_function(
        "() => { const m = document.querySelector('.folium-map');"
        " return m && ['loaded', 'empty', 'error'].includes(m.dataset.state) && m.dataset.basemap === 'loaded'; }"
    )


def click_incident(page, incident_id):
    """Click the canvas marker of one incident (found through Leaflet, as a user would see it)."""
    point = page.evaluate(
        """(id) => {
            const layer = window.ipwatchIncidentLayer;
            let found = null;
            layer.layer.eachLayer((marker) => {
                if (marker.feature && marker.feature.id === id) found = marker;
            });
            if (!found) return null;
            const p = layer.map.latLngToContainerPoint(found.getLatLng());
            const box = layer.map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        incident_id,
    )
    assert point, f"incident {incident_id} is not drawn as a single marker"
    page.mouse.click(*point)
    page.wait_for_selector(".leaflet-popup-content .ipw-popup")  # details fetched and shown


def test_markers_clusters_and_escaped_popups(page_watch, live_server, make_incident, make_place, make_province):
    page = page_watch.page
    fezzan = make_province(name="Fezzan", slug="fezzan", color="#c0392b")
    for n in range(25):  # close together: drawn as clusters at the fitted zoom
        make_incident(province=fezzan, place=make_place(latitude=27.0 + n / 100, longitude=14.4 + n / 100))
    amaq = Source.objects.create(name=f"Amaq {SCRIPT_PAYLOAD}", slug="amaq", kind=SourceKind.GROUP_MEDIA)
    payload_province = make_province(name=f"Province {IMG_PAYLOAD}", slug="payload", color="#2980b9")
    payload = make_incident(
        province=payload_province,
        place=make_place(name=f"{IMG_PAYLOAD} {SCRIPT_PAYLOAD}", country="IQ", latitude=36.34, longitude=43.13),
        summary=f"{IMG_PAYLOAD} {SCRIPT_PAYLOAD}",
        claim_status=ClaimStatus.CLAIMED,
        killed_best=2,
        reports=[{"source": amaq, "is_claim": True, "killed_or_wounded": 16}],
    )
    borno = make_place(name="Borno", country="NG", latitude=11.5, longitude=13.0, location_precision="district")
    district = make_incident(province=fezzan, place=borno)
    assert district.place.location_precision == LocationPrecision.DISTRICT

    page_watch.goto("/map/")
    wait_until_loaded(page)
    save_screenshot(page, "map-browser-test")
    assert page.locator(".folium-map").get_attribute("data-feature-count") == "27"
    assert page.locator("#ipw-map-status").inner_text().startswith("27 incidents on the map")
    assert page.locator(".ipw-cluster").count() >= 1
    drawn = page.evaluate(
        "() => window.ipwatchIncidentLayer.layer.getLayers().filter((m) => m instanceof L.CircleMarker).length"
    )
    assert drawn >= 2  # the payload and the district incident stand alone

    click_incident(page, payload.pk)
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert IMG_PAYLOAD in text
    assert SCRIPT_PAYLOAD in text
    assert f"Province {IMG_PAYLOAD}" in text
    assert "Claimed by IS" in text
    assert re.search(r"Killed or wounded\s+16", text)
    assert popup.locator("img").count() == 0
    assert popup.locator("a", has_text="Incident page").get_attribute("href") == (
        f"{live_server.url}/incidents/{payload.pk}/"
    )
    assert f"Province {IMG_PAYLOAD}" in page.locator(".ipw-legend").inner_text()

    page.click(".leaflet-popup-close-button")
    page.wait_for_selector(".leaflet-popup-content", state="detached")
    page.evaluate("() => window.ipwatchIncidentLayer.fitToData()")  # undo the popup's auto-pan
    click_incident(page, district.pk)
    assert "Location known only to district level" in page.locator(".leaflet-popup-content").inner_text()

    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    page_watch.assert_clean()  # no alert dialog, no CSP violation, nothing from another host


def test_filters_live_in_the_url_and_back_forward_work(page_watch, live_server, make_incident, make_province):
    page = page_watch.page
    barqa = make_province(name="Barqa", slug="barqa")
    fezzan = make_province(name="Fezzan", slug="fezzan")
    make_incident(province=barqa)
    make_incident(province=fezzan)
    make_incident(province=fezzan)

    page_watch.goto("/map/")
    wait_until_loaded(page)
    count = page.locator(".folium-map")
    assert count.get_attribute("data-feature-count") == "3"

    page.check("#ipw-f-province input[value=fezzan]")  # a chip applies at once
    page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.featureCount === '2'")
    page.wait_for_function("() => /[?]province=fezzan#map=/.test(window.location.href)")
    assert page.locator("#ipw-map-download").get_attribute("href") == "/api/incidents.geojson?province=fezzan"

    page.fill("#ipw-f-q", "no such text anywhere")
    page.click("button[type=submit]")
    page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.state === 'empty'")
    assert page.locator(".ipw-empty").is_visible()
    assert page.locator(".ipw-empty").inner_text() == "No incidents match."

    page.go_back()
    page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.featureCount === '2'")
    assert "/map/?province=fezzan#map=" in page.url
    assert page.input_value("#ipw-f-q") == ""
    assert not page.locator(".ipw-empty").is_visible()

    page.go_back()
    page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.featureCount === '3'")
    assert page.locator("#ipw-f-province input:checked").count() == 0

    page.go_forward()
    page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.featureCount === '2'")

    # A bad filter in the URL: the page and the API answer 400 naming the parameter.
    page_watch.allow_console_error(r"status of 400")
    page.goto(live_server.url + "/map/?since=yesterday")
    page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.state === 'error'")
    assert "since:" in page.locator("#ipw-map-errors").inner_text()
