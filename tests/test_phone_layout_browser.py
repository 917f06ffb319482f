"""Every public page at phone size (390×844, a mobile viewport) in headless Chromium: nothing
scrolls sideways (wide tables scroll inside their own box), and on /map/ the map comes first with the
filters in a folded panel. Screenshots of the map, the timeline and a province page at phone and
desktop sizes are saved for a person to look at (var/screenshots/)."""

import pytest

from ipwatch.core.models import Incident
from tests.browser import save_screenshot, watched_context
from tests.public_urls import public_routes, working_values

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "en-GB"}
# With is_mobile, window.innerWidth grows to the content's width when a page overflows, so the check
# compares the document's scroll width with the layout viewport (clientWidth stays 390).
OVERFLOW = "() => [document.scrollingElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def phone(browser, live_server, django_db_serialized_rollback, fast_password_hashing):
    yield from watched_context(browser, live_server, **PHONE)


def html_pages(client):
    """Every public route filled with a real value, HTML pages answering 200 only (the APIs and
    downloads are not laid out)."""
    paths = []
    for route in public_routes():
        paths.append(route.fill(working_values(client, route)))
    incident = Incident.objects.published().order_by("pk").first()
    paths.append(f"/incidents/{incident.pk}/")
    pages = []
    for path in dict.fromkeys(paths):
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(path)
    return pages


def test_no_public_page_scrolls_sideways_on_a_phone(phone, client, sample_data):
    checked, wide = [], []
    for path in html_pages(client):
        phone.goto(path)
        phone.page.wait_for_load_state("load")
        scroll_width, client_width = phone.page.evaluate(OVERFLOW)
        checked.append(path)
        if scroll_width > client_width:
            wide.append(f"{path}: {scroll_width}px wide in a {client_width}px viewport")
    assert len(checked) >= 10, checked
    for required in ("/", "/map/", "/timeline/", "/incidents/", "/claims/", "/provinces/", "/provinces/fezzan/"):
        assert required in checked
    assert not wide, "\n".join(wide)


def test_phone_map_comes_first_with_filters_folded(phone, sample_data):
    page = phone.page
    phone.goto("/map/")
    page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.state === 'loaded'")
    map_box = page.locator(".folium-map").bounding_box()
    filters_box = page.locator("#ipw-map-filters").bounding_box()
    assert map_box["y"] < filters_box["y"]
    assert map_box["y"] < 250  # right under the header, not ~870 px down
    assert map_box["width"] <= 390
    assert page.locator("#ipw-map-filters details").get_attribute("open") is None
    assert not page.locator("#ipw-f-since").is_visible()
    page.click("#ipw-map-filters summary")
    assert page.locator("#ipw-f-since").is_visible()
    page.click("#ipw-map-filters summary")
    save_screenshot(page, "phone-map", full_page=False)
    phone.assert_clean()


@pytest.mark.parametrize("path,name", [("/timeline/", "timeline"), ("/provinces/fezzan/", "province-fezzan")])
def test_phone_and_desktop_screenshots(phone, page_watch, sample_data, path, name):
    phone.goto(path)
    phone.page.wait_for_load_state("networkidle")
    save_screenshot(phone.page, f"phone-{name}")
    page_watch.goto(path)
    page_watch.page.wait_for_load_state("networkidle")
    save_screenshot(page_watch.page, f"desktop-{name}")
    page_watch.goto("/map/")
    page_watch.page.wait_for_function("() => document.querySelector('.folium-map')?.dataset.state === 'loaded'")
    save_screenshot(page_watch.page, "desktop-map", full_page=False)


@pytest.mark.parametrize("path,form", [("/activity/", "#activity-filters"), ("/incidents/", "#incident-filters")])
def test_phone_list_filters_fold_unless_a_field_is_invalid(phone, sample_data, path, form):
    """The lists show their error box beside the panel, so an invalid field is what keeps it open."""
    page = phone.page
    phone.goto(path)
    assert page.locator(f"{form} details").get_attribute("open") is None
    assert not page.locator("#f-since").is_visible()
    phone.allow_console_error("status of 400")  # the page itself answers 400, as it should
    assert page.goto(phone.url(f"{path}?since=2019-13-01")).status == 400
    assert page.locator(f"{form} details").get_attribute("open") is not None
    assert page.locator("#f-since").is_visible() and page.locator("#f-since").input_value() == "2019-13-01"
    phone.assert_clean()
