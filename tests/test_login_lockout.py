"""Login brute-force protection (django-axes): admin and analyst logins lock after 5 failures per
username + address; the correct password is refused while locked; other users are unaffected."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY

PASSWORD = "pw-for-tests-only"
LOGIN_URLS = ["/admin/login/", "/accounts/login/"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Dozens of logins here: a cheap hasher keeps the file fast (production hashing is unchanged)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def attempt(client, url, username, password, address="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOGIN_URLS)
class TestLockout:
    def test_correct_password_works_before_any_failure(self, client, editor, url):
        response = attempt(client, url, "editor", PASSWORD)
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(editor.pk)

    def test_sixth_attempt_with_the_right_password_is_refused(self, client, editor, url):
        assert settings.AXES_FAILURE_LIMIT == 5
        for _ in range(4):
            response = attempt(client, url, "editor", "wrong")
            assert response.status_code == 200  # the form again, with its error
        fifth = attempt(client, url, "editor", "wrong")
        assert fifth.status_code == 429
        sixth = attempt(client, url, "editor", PASSWORD)
        assert sixth.status_code == 429
        assert SESSION_KEY not in client.session
        page = sixth.content.decode()
        assert "Too many failed logins" in page
        assert "locked for 15 minutes" in page
        assert "editor" in page
        assert "registration/locked_out.html" in [template.name for template in sixth.templates]

    def test_lockout_is_per_username_and_address(self, client, editor, reviewer, url):
        for _ in range(5):
            attempt(client, url, "editor", "wrong")
        # The same username from another address, and another username from the same address, still work.
        assert attempt(client, url, "editor", PASSWORD, address="198.51.100.9").status_code == 302
        client.logout()
        assert attempt(client, url, "reviewer", PASSWORD).status_code == 302

    def test_a_success_resets_the_failure_count(self, client, editor, url):
        for _ in range(4):
            attempt(client, url, "editor", "wrong")
        assert attempt(client, url, "editor", PASSWORD).status_code == 302
        client.logout()
        for _ in range(4):
            assert attempt(client, url, "editor", "wrong").status_code == 200

    def test_failures_are_recorded_for_the_admin(self, client, editor, url):
        attempt(client, url, "editor", "wrong")
        record = AccessAttempt.objects.get()
        assert (record.username, record.ip_address, record.failures_since_start) == ("editor", "203.0.113.7", 1)
        assert "wrong" not in str(record.post_data)


@pytest.mark.django_db
def test_behind_the_tls_proxy_failures_count_against_the_forwarded_client(client, editor, settings):
    settings.BEHIND_TLS_PROXY = True
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50",  # forged left part, proxy-appended right part
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.50"


@pytest.mark.django_db
def test_test_client_logins_still_work(client, editor):
    """force_login bypasses authentication; login() authenticates without a request, which Axes skips."""
    assert client.login(username="editor", password=PASSWORD)
    client.logout()
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_login_page_extends_the_site_layout(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Analyst login" in page
    assert 'class="site-header"' in page
    assert 'name="csrfmiddlewaretoken"' in page
