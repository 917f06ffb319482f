"""The admin in headless Chromium under the production CSP: login, changelist, change form with
its autocomplete widgets and inline reports; no console error, CSP violation or foreign request."""

from ipwatch.core.models import Incident

from .browser import save_screenshot


def test_editor_logs_in_and_sees_the_sample_incidents(logged_in_editor):
    watch, page = logged_in_editor, logged_in_editor.page
    assert page.locator("#user-tools").inner_text().upper().startswith("WELCOME")
    watch.goto("/admin/core/incident/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == Incident.objects.count()
    assert "Sebha" in page.locator("#result_list").inner_text()
    save_screenshot(page, "admin-incident-changelist")
    watch.assert_clean()


def test_incident_change_form_scripts_run_under_the_policy(logged_in_editor):
    watch, page = logged_in_editor, logged_in_editor.page
    incident = Incident.objects.get(place__name="Sebha")
    watch.goto(f"/admin/core/incident/{incident.pk}/change/")
    # Admin JavaScript ran: the collapsible "Record" fieldset and the select2 autocomplete exist.
    page.locator("fieldset.collapse summary, fieldset.collapse h2").first.click()
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("Seb")
    page.locator(".select2-results__option", has_text="Sebha").first.wait_for()
    page.keyboard.press("Escape")
    # The inline "Add another report" link is added by inlines.js.
    assert page.locator(".add-row a").count() >= 1
    save_screenshot(page, "admin-incident-change")
    watch.assert_clean()


def test_wrong_password_shows_the_admin_error_not_a_crash(page_watch, editor):
    page_watch.goto("/admin/login/")
    page_watch.page.fill("#id_username", "editor")
    page_watch.page.fill("#id_password", "wrong")
    page_watch.page.click("input[type=submit]")
    assert "correct username and password" in page_watch.page.locator(".errornote").inner_text()


def test_csp_violations_are_caught(page_watch):
    """The plumbing itself: an inline script without the nonce is reported as a CSP violation."""
    page_watch.goto("/accounts/login/")
    # Wait for the violation itself, however long the browser takes to report it.
    with page_watch.page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page_watch.page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }"
        )
    assert any("Content Security Policy" in error for error in page_watch.console_errors)
    page_watch.console_errors.clear()


def test_analyst_login_locks_after_five_failures(page_watch, analyst):
    page = page_watch.page
    page_watch.allow_console_error("status of 429")  # the lockout page's own HTTP status
    page_watch.goto("/accounts/login/")
    for _ in range(5):  # each failure re-renders the form (the fifth, the lockout page)
        page.fill("#id_username", "analyst")
        page.fill("#id_password", "wrong")
        with page.expect_navigation():
            page.click("button[type=submit]")
    assert "Too many failed logins" in page.locator("main").inner_text()
    save_screenshot(page, "login-locked-out")
