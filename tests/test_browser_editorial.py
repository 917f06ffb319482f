"""An editor in headless Chromium: adds a place by dropping and dragging a pin on the place form's
map (and sees the gazetteer's choice), then merges a duplicate incident from the "possible
duplicates" list. Screenshots of the admin forms at desktop and phone width."""

import datetime as dt

import pytest

from ipwatch.core.choices import IncidentStatus, IncidentType
from ipwatch.core.models import Incident, Place, Province, Report, Source

from .browser import PASSWORD, SCREENSHOT_DIR, save_screenshot


def test_editor_adds_a_place_by_pin(logged_in_editor):
    watch, page = logged_in_editor, logged_in_editor.page
    watch.goto("/admin/core/place/add/")
    page.fill("#id_country", "LY")
    page.fill("#id_name", "Synthetic pin test place")
    page.locator("#place-pin-map[data-ready='1']").wait_for()
    page.locator("#place-pin-map[data-basemap='loaded']").wait_for()
    box = page.locator("#place-pin-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    dropped = (float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude")))
    assert page.input_value("#id_geocoder") == "manual"
    # Drag the pin 60 px east: the longitude follows it.
    pin = page.locator("#place-pin-map .leaflet-marker-icon").bounding_box()
    x, y = pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y, steps=5)
    page.mouse.move(x + 60, y, steps=5)
    page.mouse.up()
    page.wait_for_function(f"() => parseFloat(document.getElementById('id_longitude').value) > {dropped[1] + 0.1}")
    latitude, longitude = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert abs(latitude - dropped[0]) < 0.5
    assert "Pin at" in page.locator("#place-pin-status").inner_text()
    save_screenshot(page, "admin-place-pin")
    with page.expect_navigation():
        page.click("input[name=_save]")
    place = Place.objects.get(name="Synthetic pin test place")
    assert (round(place.latitude, 5), round(place.longitude, 5)) == (round(latitude, 5), round(longitude, 5))
    assert place.geocoder == "manual"
    watch.assert_clean()


def test_place_map_shows_the_gazetteers_choice_and_alternatives(logged_in_editor):
    watch, page = logged_in_editor, logged_in_editor.page
    watch.goto("/admin/core/place/add/")
    page.locator("#place-pin-map[data-ready='1']").wait_for()
    page.fill("#id_name", "Sabha")  # Sabha, Libya and Sabha, Jordan: an ambiguous name without a country
    choice = page.locator(".place-pin-choice", has_text="Gazetteer's choice")
    choice.wait_for()
    assert page.locator(".place-pin-choice", has_text="Alternative").count() >= 1
    choice.click()
    assert page.input_value("#id_geocoder") == "gazetteer"
    assert page.input_value("#id_gazetteer_id").startswith("geonames:")
    assert page.locator("#place-pin-map .leaflet-marker-icon").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    save_screenshot(page, "admin-place-pin-390")
    watch.assert_clean()


@pytest.fixture
def duplicate_drafts(sample_data):
    """Two drafts of one (synthetic) attack, as an ACLED row and a GTD row would give it."""
    place = Place.objects.get(name="Sebha")
    province = Province.objects.get(slug="fezzan")
    common = {
        "date": dt.date(2021, 3, 9),
        "place": place,
        "province": province,
        "incident_type": IncidentType.RAID,
        "status": IncidentStatus.DRAFT,
        "is_synthetic": True,
    }
    keep = Incident.objects.create(**common, summary="SYNTHETIC test raid (ACLED-style row).", external_source="acled",
                                   external_id="SYN-DUP-1")  # fmt: skip
    dup = Incident.objects.create(**common, summary="SYNTHETIC test raid (GTD-style row).", external_source="gtd",
                                  external_id="SYN-DUP-2", killed_best=2)  # fmt: skip
    Report.objects.create(incident=dup, source=Source.objects.exclude(kind="group_media").first(), title="Synthetic")
    return keep, dup


def test_editor_merges_a_duplicate(logged_in_editor, duplicate_drafts):
    watch, page = logged_in_editor, logged_in_editor.page
    keep, dup = duplicate_drafts
    watch.goto(f"/admin/core/incident/{keep.pk}/change/")
    listed = page.locator(".possible-duplicates li", has_text=f"#{dup.pk}")
    assert listed.count() == 1
    save_screenshot(page, "admin-incident-possible-duplicates")
    with page.expect_navigation():
        listed.locator("a.merge-link").click()
    assert page.locator(".merge-table tr.differs").count() >= 1
    save_screenshot(page, "admin-incident-merge")
    page.set_viewport_size({"width": 390, "height": 844})
    save_screenshot(page, "admin-incident-merge-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.check(f"input[name=survivor][value='{keep.pk}']")
    with page.expect_navigation():
        page.click(".merge-page input[type=submit]")
    assert f"Merged incident {dup.pk} into {keep.pk}" in page.locator(".messagelist").inner_text()
    dup.refresh_from_db()
    assert dup.merged_into_id == keep.pk and dup.status == IncidentStatus.MERGED
    assert keep.reports.count() == 1
    watch.assert_clean()


def test_choosing_group_media_ticks_is_claim_and_grades_f(logged_in_editor, duplicate_drafts):
    watch, page = logged_in_editor, logged_in_editor.page
    keep, _ = duplicate_drafts
    watch.goto(f"/admin/core/incident/{keep.pk}/change/")
    page.locator(".add-row a").first.click()
    page.locator("#reports-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Amaq")
    page.locator(".select2-results__option", has_text="Amaq").first.click()
    page.wait_for_function("() => document.getElementById('id_reports-0-is_claim').checked")
    assert page.input_value("#id_reports-0-source_reliability") == "F"
    page.uncheck("#id_reports-0-is_claim")
    assert "its report is a claim" in page.locator("#reports-0 .claim-mismatch").inner_text()
    page.locator("#reports-group").screenshot(path=str(SCREENSHOT_DIR / "admin-incident-report-inline.png"))
    watch.assert_clean()


def test_reviewer_sees_a_pending_change_as_a_diff(page_watch, reviewer, editor, sample_data):
    from ipwatch.core.choices import ChangeOrigin
    from ipwatch.core.pending import propose

    incident = Incident.objects.get(place__name="Sebha")
    pending = propose(
        incident, {"killed_best": 2, "summary": incident.summary + " (edited)"}, ChangeOrigin.EDITOR, editor
    )
    page_watch.login("reviewer", PASSWORD)
    page_watch.goto("/admin/core/pendingchange/")
    page = page_watch.page
    assert page.locator("#result_list tbody tr").count() == 1
    page_watch.goto(f"/admin/core/pendingchange/{pending.pk}/change/")
    assert page.locator(".pending-diff td.new", has_text="(edited)").count() == 1
    save_screenshot(page, "admin-pending-change")
    page.set_viewport_size({"width": 390, "height": 844})
    save_screenshot(page, "admin-pending-change-390")
    with page.expect_navigation():
        page.click("input[value^='Accept']")
    assert "accepted" in page.locator(".messagelist").inner_text()
    incident.refresh_from_db()
    assert incident.killed_best == 2
    page_watch.assert_clean()
