"""The editors' whole path in a real browser: an editor adds an incident at a new place typed as
"El Fogha", accepts the geocoder's suggestion, adds a claim and an independent report, sends it to
review; a reviewer publishes it; the public then finds it on the incident list and the map."""

import pytest

from ipwatch.core.choices import SourceKind
from ipwatch.core.models import Incident, Place, Province, Source
from tests.browser import save_screenshot

PASSWORD = "pw-for-tests-only"  # the conftest users' password
SUMMARY = "Browser-test incident (synthetic, for tests): dawn raid at El Fogha."


@pytest.fixture
def reference_data(db):
    Province.objects.create(name="Fezzan", slug="fezzan", countries=["LY"], color="#c0392b")
    Source.objects.create(name="Amaq News Agency", slug="amaq", kind=SourceKind.GROUP_MEDIA)
    Source.objects.create(name="Libya Observer", slug="libya-observer", kind=SourceKind.NEWS_OUTLET)


def pick_autocomplete(page, field_id: str, text: str):
    """Choose ``text`` in a Django admin (select2) autocomplete, as a person would."""
    page.click(f".select2-selection[aria-labelledby='select2-{field_id}-container']")
    page.fill(".select2-container--open .select2-search__field", text)
    page.locator(".select2-results__option", has_text=text).first.click()


def run_action(page, action: str, summary_fragment: str):
    row = page.locator("#result_list tbody tr", has_text=summary_fragment)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    with page.expect_navigation():
        page.click("button[name=index], .actions button[type=submit]")


def logout(page):
    with page.expect_navigation():
        page.click("#logout-form button")


def test_editor_drafts_reviewer_publishes_public_sees_it(page_watch, editor, reviewer, reference_data):
    page = page_watch.page
    page_watch.login(editor.username, PASSWORD)

    # 1. A new place typed as "El Fogha": the offline gazetteer suggests Al-Fuqaha; accept it.
    page_watch.goto("/admin/core/place/add/")
    page.fill("#id_country", "LY")
    page.fill("#id_name", "El Fogha")
    suggestion = page.locator(".geocode-suggest-list li").first
    suggestion.wait_for()
    assert "27.8330, 16.3500" in suggestion.inner_text()
    suggestion.click()
    assert page.input_value("#id_latitude") == "27.833"
    save_screenshot(page, "admin-place-el-fogha")
    with page.expect_navigation():
        page.click("input[name=_save]")
    place = Place.objects.get(name="El Fogha")
    assert (place.latitude, place.longitude, place.country) == (27.833, 16.35, "LY")

    # 2. The incident, with the group's claim and an independent report side by side.
    page_watch.goto("/admin/core/incident/add/")
    page.fill("#id_date", "2019-04-09")
    pick_autocomplete(page, "id_place", "El Fogha")
    pick_autocomplete(page, "id_province", "Fezzan")
    page.select_option("#id_incident_type", "raid")
    page.fill("#id_summary", SUMMARY)
    page.select_option("#id_claim_status", "claimed")
    add_report = page.locator(".inline-group .add-row a")
    add_report.click()
    pick_autocomplete(page, "id_reports-0-source", "Amaq News Agency")
    page.check("#id_reports-0-is_claim")
    page.fill("#id_reports-0-killed_or_wounded", "16")
    add_report.click()
    pick_autocomplete(page, "id_reports-1-source", "Libya Observer")
    page.fill("#id_reports-1-killed", "2")
    with page.expect_navigation():
        page.click("input[name=_save]")
    incident = Incident.objects.get(summary=SUMMARY)
    assert incident.status == "draft"
    assert sorted(incident.reports.values_list("is_claim", "killed_or_wounded", "killed")) == [
        (False, None, 2),
        (True, 16, None),
    ]

    # 3. Sent to review by the editor, who has no publish action.
    page_watch.goto("/admin/core/incident/")
    assert page.locator("select[name=action] option[value=publish]").count() == 0
    run_action(page, "send_to_review", "El Fogha")
    incident.refresh_from_db()
    assert incident.status == "review"
    logout(page)

    # 4. Published by the reviewer.
    page_watch.login(reviewer.username, PASSWORD)
    page_watch.goto("/admin/core/incident/")
    run_action(page, "publish", "El Fogha")
    incident.refresh_from_db()
    assert incident.status == "published"
    logout(page)

    # 5. The public sees it: on the incident list and its page, and in the map's data.
    page_watch.goto("/incidents/")
    assert "El Fogha" in page.locator("main").inner_text()
    page_watch.goto(f"/incidents/{incident.pk}/")
    body = page.locator("main").inner_text()
    assert "Amaq News Agency" in body and "Libya Observer" in body
    save_screenshot(page, "incident-el-fogha")
    feature_places = page.evaluate(
        "fetch('/api/incidents.geojson').then(r => r.json()).then(d => d.features.map(f => f.properties.place))"
    )
    assert feature_places == ["El Fogha"]
    page_watch.goto("/map/?province=fezzan")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.featureCount === '1'")
    assert page.locator("#ipw-map-status").inner_text().startswith("1 incident on the map")
    save_screenshot(page, "map-el-fogha")
