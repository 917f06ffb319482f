"""Real-browser test plumbing: headless Debian Chromium driven by Playwright against pytest-django's
live_server. Loaded as a pytest plugin from tests/conftest.py.

Fixtures
- ``browser`` (session): one Chromium for the run. Missing Chromium → skip, or fail with CI=true.
- ``page_watch``: a fresh browser context and page on the live server, watched: every request is
  recorded and any to another host is blocked and fails the test, as does any JS dialog
  (alert/confirm/prompt), console error, uncaught exception or CSP violation.
- ``page``: ``page_watch.page``, for tests that need nothing else.

Helpers: ``page_watch.goto("/map/")`` (relative to the live server), ``page_watch.login(user)``,
``page_watch.assert_clean()`` (mid-test check; teardown checks again), ``save_screenshot(page, name)``
(var/screenshots/<name>.png; look at them).

Every test using ``page``/``page_watch``/``browser`` is marked ``browser`` automatically
(``pytest -m "not browser"`` skips them).
"""

import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("IPWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI containers; Chromium's sandbox refuses root
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",  # no update checks, safe-browsing lists, metrics…
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "pw-for-tests-only"  # the conftest users' password
# Schemes that never leave the machine.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}
# Reported once per failing CSP-checked page; see PageWatch.on_violation.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver; `make system-deps`)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI=true, so browser tests fail instead of skipping", pytrace=False)
    pytest.skip(message)


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save var/screenshots/<name>.png (and return its path)."""
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"screenshot name {name!r}: use letters, digits, '.', '-', '_'")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


class PageWatch:
    """A page on the live server and everything it did that a test should fail on."""

    def __init__(self, context, live_server_url: str):
        self.context = context
        self.base_url = live_server_url.rstrip("/")
        self.origin = urlsplit(self.base_url).netloc
        self.requests: list[str] = []
        self.foreign_requests: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.allowed_console: list[re.Pattern] = []
        self.reported: set[str] = set()
        context.add_init_script(CSP_LISTENER)
        context.route(self._is_foreign, self._block)
        self.page = context.new_page()
        self.page.on("request", self._on_request)
        self.page.on("dialog", self._on_dialog)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    # -- recording -------------------------------------------------------------------------------
    def _is_foreign(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in LOCAL_SCHEMES and parts.netloc != self.origin

    def _block(self, route):
        self.foreign_requests.append(route.request.url)
        route.abort("blockedbyclient")

    def _on_request(self, request):
        self.requests.append(request.url)
        if self._is_foreign(request.url) and request.url not in self.foreign_requests:
            self.foreign_requests.append(request.url)

    def _on_dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message):
        if message.type != "error":
            return
        text = message.text
        if any(pattern.search(text) for pattern in self.allowed_console):
            return
        # Blocked foreign requests are already reported, with their URL.
        if "ERR_BLOCKED_BY_CLIENT" in text and self.foreign_requests:
            return
        self.console_errors.append(text)

    # -- use -------------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, **kwargs):
        """Open ``path`` on the live server; fail on an HTTP error status."""
        response = self.page.goto(self.url(path), **kwargs)
        assert response is not None and response.status < 400, f"{path}: HTTP {response and response.status}"
        return response

    def allow_console_error(self, pattern: str):
        """Tolerate console errors matching ``pattern`` (e.g. a 404 the test provokes on purpose)."""
        self.allowed_console.append(re.compile(pattern))

    def login(self, username: str, password: str, next_path: str = "/admin/"):
        """Log in through the admin login form, as a person would."""
        self.goto(f"/admin/login/?next={next_path}")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("input[type=submit], button[type=submit]")
        assert "/admin/login/" not in self.page.url, f"login as {username} failed"

    def problems(self) -> list[str]:
        found = []
        found += [f"request to another host: {url}" for url in self.foreign_requests]
        found += [f"JS dialog: {text}" for text in self.dialogs]
        found += [f"console error: {text}" for text in self.console_errors]
        found += [f"uncaught exception: {text}" for text in self.page_errors]
        return found

    def assert_clean(self):
        # Each problem fails the test once (not again at teardown).
        problems = [problem for problem in self.problems() if problem not in self.reported]
        self.reported.update(problems)
        assert not problems, "browser problems on " + self.page.url + ":\n  " + "\n  ".join(problems)


def pytest_configure(config):
    """Keep Django's database connections per thread, even while Playwright runs.

    Between calls Playwright's sync API marks its event loop as running in the main thread. Django's
    connection store (asgiref Local, thread-critical) then switches from thread-local to per-context
    storage and opens *new* connections, which lack the test database's state: the serialized-
    rollback data (Editors/Reviewers/Analysts groups, restored after each live_server test) and,
    worse, a mismatch makes the next flush re-create content types that the next restore then
    inserts again (IntegrityError). Plain thread-local storage is what the test suite needs: it has
    no async views, and live_server runs in its own thread.
    """
    from django.db import connections

    connections._connections = threading.local()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def fast_password_hashing(settings):
    """Browser tests log in through forms; a cheap hasher first keeps them quick. PBKDF2 stays
    listed so users created before the switch still verify. (Tests only: production is unchanged.)"""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def page_watch(browser, live_server, django_db_serialized_rollback, fast_password_hashing):
    """A watched page in a fresh context (own cookies) on the live server; fails the test on problems.

    live_server makes the test transactional (tables are flushed afterwards); the serialized
    rollback restores what migrations created (the Editors/Reviewers/Analysts groups) for each test.
    """
    yield from watched_context(browser, live_server, viewport={"width": 1280, "height": 900}, locale="en-GB")


def watched_context(browser, live_server, **context_options):
    """Yield a PageWatch on a fresh browser context; after the test, fail on problems and close it."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(15_000)
    watch = PageWatch(context, live_server.url)
    yield watch
    try:
        watch.assert_clean()
    finally:
        context.close()


@pytest.fixture
def page(page_watch):
    return page_watch.page


@pytest.fixture
def logged_in_editor(page_watch, editor, sample_data):
    """page_watch logged in to the admin as the conftest editor, with the sample data loaded."""
    page_watch.login("editor", PASSWORD)
    return page_watch


def pytest_collection_modifyitems(items):
    for item in items:
        if {"browser", "page", "page_watch"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
