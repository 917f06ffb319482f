"""Every public page with the real sample data, in headless Chromium: nothing from another host, no
console error, no CSP violation; small maps draw; a screenshot of each for a person to look at."""

import pytest

from ipwatch.core.models import Incident
from tests.browser import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "overview": "/",
    "incident-list": "/incidents/",
    "province-list": "/provinces/",
    "province-fezzan": "/provinces/fezzan/",
    "sources": "/sources/",
    "about": "/about/",
    "claims": "/claims/",
}


@pytest.mark.parametrize("name", PAGES)
def test_public_page_renders_cleanly(page_watch, sample_data, name):
    page_watch.goto(PAGES[name])
    page_watch.page.wait_for_load_state("networkidle")
    page_watch.assert_clean()
    save_screenshot(page_watch.page, f"public-{name}")


@pytest.mark.parametrize("path", ["/provinces/fezzan/", "incident"])
def test_small_maps_draw_the_incidents(page_watch, sample_data, path):
    if path == "incident":
        path = f"/incidents/{Incident.objects.get(external_id='E1').pk}/"
    page_watch.goto(path)
    page = page_watch.page
    page.wait_for_selector(".small-map-live .leaflet-interactive")
    assert page.locator(".small-map-live .leaflet-interactive").count() >= 1
    page_watch.assert_clean()
    save_screenshot(page, "public-incident-sebha" if "incidents" in path else "public-province-small-map")
