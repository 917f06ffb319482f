"""Stored XSS payloads in an incident summary, a place name and a source name never execute, on any
public page or in the admin: the page_watch fixture fails on any JS dialog, console error (a CSP
violation is one) or request to another host."""

import pytest
from django.test import Client

from ipwatch.core.choices import ClaimStatus, IncidentStatus, SourceKind
from ipwatch.core.models import Place, Report, Source

from .browser import save_screenshot
from .public_urls import public_routes, real_values

PAYLOADS = "<img src=x onerror=alert(1)> </script><script>alert(1)</script>"
SUMMARY = f"Hostile summary \"{PAYLOADS}\" & 'quotes' \u2028 end"


@pytest.fixture
def hostile_incident(sample_data, make_incident, make_province):
    place = Place.objects.create(
        name=f"Place {PAYLOADS}", country="LY", latitude=27.5, longitude=14.5, location_precision="near"
    )
    source = Source.objects.create(name=f"Source {PAYLOADS}", slug="hostile-source", kind=SourceKind.NEWS_OUTLET)
    incident = make_incident(
        place=place,
        province=make_province(name=f"Province {PAYLOADS}", slug="hostile-province"),
        summary=SUMMARY,
        claim_status=ClaimStatus.CLAIMED,
        status=IncidentStatus.PUBLISHED,
    )
    Report.objects.create(incident=incident, source=source, title=f"Report {PAYLOADS}", is_claim=True, killed=1)
    return incident


def pages_to_visit():
    """Every public page that answers 200, each path parameter with every real value that works."""
    client = Client()
    for route in public_routes():
        candidates = [[]]
        for converter, name in route.parameters:
            candidates = [[*chosen, (name, value)] for chosen in candidates for value in real_values(converter)]
        for chosen in candidates[:60]:
            path = route.fill(dict(chosen))
            response = client.get(path)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                yield path


def test_payloads_never_run_on_public_pages(page_watch, hostile_incident):
    visited = []
    for path in pages_to_visit():
        page_watch.goto(path)
        visited.append(path)
        page_watch.assert_clean()
    assert hostile_incident.get_absolute_url() in visited
    page_watch.goto(hostile_incident.get_absolute_url())
    # Shown as text, exactly as stored.
    assert PAYLOADS in page_watch.page.locator("main").inner_text()
    assert page_watch.page.locator("main img").count() == 0
    save_screenshot(page_watch.page, "xss-incident-page")


def test_payloads_never_run_in_the_admin(page_watch, hostile_incident, admin_user):
    page_watch.login("admin", "password")
    source = Source.objects.get(slug="hostile-source")
    for path in [
        "/admin/core/incident/",
        f"/admin/core/incident/{hostile_incident.pk}/change/",
        f"/admin/core/incident/{hostile_incident.pk}/history/",
        "/admin/core/place/",
        f"/admin/core/place/{hostile_incident.place_id}/change/",
        "/admin/core/source/",
        f"/admin/core/source/{source.pk}/change/",
        "/admin/core/province/",
        "/admin/core/incident/?q=Hostile",
    ]:
        page_watch.goto(path)
        page_watch.assert_clean()
    # The autocomplete renders place names from JSON: open it and search for the hostile place.
    page_watch.goto(f"/admin/core/incident/{hostile_incident.pk}/change/")
    page_watch.page.locator(".select2-selection").first.click()
    page_watch.page.locator(".select2-search__field").fill("Place")
    option = page_watch.page.locator(".select2-results__option", has_text="onerror").first
    option.wait_for()
    assert PAYLOADS in option.inner_text()
    page_watch.page.keyboard.press("Escape")
    save_screenshot(page_watch.page, "xss-admin-incident-change")
    # An admin change page re-saved with the payloads keeps them as text.
    with page_watch.page.expect_navigation():
        page_watch.page.click("input[name=_continue]")
    assert page_watch.page.locator(".messagelist .success").count() == 1
    hostile_incident.refresh_from_db()
    assert hostile_incident.summary == SUMMARY
