"""Login brute-force protection glue for django-axes (settings: the security section)."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, for logins that arrive over HTTP.

    Every web login (admin, /accounts/login/) passes the request to authenticate(), so it is
    counted and locked out. authenticate() without a request (Django's test client ``login()``,
    a shell) has no client address to count against; plain Axes raises there, this backend lets
    the next backend decide instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The address failures are counted against.

    Behind the TLS proxy (BEHIND_TLS_PROXY=1) every connection comes from the proxy, so the client
    is the right-most X-Forwarded-For entry: the one our proxy appended (entries left of it are
    whatever the client chose to send). Otherwise the socket's peer address.
    """
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page shown once a username+address is locked (HTTP 429 Too Many Requests)."""
    from axes.helpers import get_client_username, get_failure_limit

    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
