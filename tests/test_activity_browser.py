"""/map/ and /timeline/ with every activity kind, in headless Chromium: each kind is its own layer
with its own marker shape, toggled in the legend; no request leaves the site (page_watch fails on any)."""

import datetime as dt

import pytest

from ipwatch.activity.models import Activity
from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Place, Province
from ipwatch.core.workflow import SYSTEM
from tests.browser import save_screenshot
from tests.test_map_browser import wait_until_loaded

pytestmark = pytest.mark.django_db(transaction=True)

EXTRA_KINDS = {  # one synthetic record of each kind the real sample data lacks
    "designation": {"authority": "un_security_council", "designated_name": "Test entity (synthetic)"},
    "arrest": {"people_held": 2},
    "legal_case": {"stage": "trial"},
    "pledge": {"pledge_type": "allegiance"},
}


def every_kind():
    from ipwatch.core.sample_data import load_sample_data

    load_sample_data()
    fezzan = Province.objects.get(slug="fezzan")
    for n, (kind, details) in enumerate(EXTRA_KINDS.items()):
        place = Place.objects.create(
            name=f"Test town {n} (synthetic)", country="LY", latitude=25.0 + n, longitude=12.0 + n * 1.5
        )
        Activity.objects.create(
            acting_user=SYSTEM,
            kind=kind,
            title=f"{kind} <b>test</b> (synthetic)",
            date=dt.date(2019, 6, 1),
            place=place,
            province=fezzan,
            status=IncidentStatus.PUBLISHED,
            is_synthetic=True,
            **details,
        )


def wait_for_activity(page):
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.activityCount !== undefined")


def markers_of(page, kind):
    return page.locator(f".ipw-kind-marker[data-kind='{kind}']").count()


def test_toggling_a_kind_layer_changes_the_markers(page_watch):
    every_kind()
    page = page_watch.page
    page_watch.goto("/map/")
    wait_until_loaded(page)
    wait_for_activity(page)
    for kind in ("media_release", "territory", "designation", "arrest", "legal_case", "pledge"):
        assert markers_of(page, kind) + page.locator(".ipw-kind-cluster").count() >= 1, kind
    areas = "() => window.ipwatchActivityLayers.areas.getLayers().length"
    assert page.evaluate(areas) == 1  # Sirte drawn as a held area
    save_screenshot(page, "map-activity-every-kind")

    before = int(page.locator(".folium-map").get_attribute("data-activity-count"))
    page.locator("input[data-kind='designation']").uncheck()
    page.wait_for_function(f"() => document.querySelector('.folium-map').dataset.activityCount === '{before - 1}'")
    assert markers_of(page, "designation") == 0
    page.locator("input[data-kind='designation']").check()
    page.wait_for_function(f"() => document.querySelector('.folium-map').dataset.activityCount === '{before}'")
    assert markers_of(page, "designation") == 1

    page.locator("input[data-kind='territory']").uncheck()
    page.wait_for_function("() => window.ipwatchActivityLayers.areas.getLayers().length === 0")

    attacks = "() => window.ipwatchIncidentLayer.map.hasLayer(window.ipwatchIncidentLayer.layer)"
    assert page.evaluate(attacks)
    page.locator("input[data-kind='attack']").uncheck()
    assert not page.evaluate(attacks)

    # A popup shows stored text as text.
    page.locator(".ipw-kind-marker[data-kind='arrest']").first.click()
    popup = page.locator(".leaflet-popup-content")
    assert "<b>test</b>" in popup.inner_text()
    assert popup.locator("b").count() == 0


def test_map_and_timeline_with_every_kind_screenshots(page_watch):
    every_kind()
    page = page_watch.page
    kinds = "attack,media_release,designation,arrest,legal_case,pledge,leadership,territory"
    page_watch.goto(f"/timeline/?kind={kinds}&group=kind&granularity=year")
    # Drawn (animation is off): the chart exists once timeline.js has built it, territory spans included.
    page.wait_for_function("window.ipwatchTimeline && window.ipwatchTimeline.chart")
    save_screenshot(page, "timeline-every-kind")
    page.set_viewport_size({"width": 390, "height": 844})
    page_watch.goto("/map/")
    wait_until_loaded(page)
    wait_for_activity(page)
    save_screenshot(page, "map-activity-every-kind-390")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    page_watch.goto("/activity/")
    save_screenshot(page, "activity-list-390")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
