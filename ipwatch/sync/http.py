"""HTTP for the sync clients: timeouts, and patience with rate limits.

A 429 (rate limited) or a 502/503/504 (busy, maintenance) is retried after the service's
Retry-After, or else after IPWATCH_SYNC_BACKOFF seconds doubled on each try, and the run resumes
where it was. Anything that is not the documented JSON fails the run (SyncFailed) before a write.
"""

import logging
import time
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

RETRIED = {429, 502, 503, 504}
ATTEMPTS = 6
MAX_WAIT = 15 * 60


class SyncFailed(Exception):
    """The run stopped; nothing was written. The message says why, for the command's output and the job."""


class MissingCredentials(SyncFailed):
    pass


def retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class Http:
    def __init__(self, sleep=time.sleep):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "ipwatch-sync/0.1 (research tracker; honours Retry-After)"
        self.sleep = sleep
        self.backoff = float(settings.IPWATCH_SYNC_BACKOFF)
        self.timeout = float(settings.IPWATCH_SYNC_TIMEOUT)
        self.waited: list[float] = []  # each pause, for the summary and the tests

    def request(self, method: str, url: str, *, what: str, **kwargs) -> requests.Response:
        for attempt in range(ATTEMPTS):
            last = attempt == ATTEMPTS - 1
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                if last:
                    raise SyncFailed(f"{what}: cannot reach {url}: {exc}") from exc
                self._pause(self.backoff * 2**attempt, what, f"connection failed ({exc.__class__.__name__})")
                continue
            if response.status_code in RETRIED and not last:
                wait = retry_after(response)
                self._pause(
                    wait if wait is not None else self.backoff * 2**attempt, what, f"HTTP {response.status_code}"
                )
                continue
            if response.status_code in RETRIED:
                raise SyncFailed(f"{what}: still HTTP {response.status_code} after {ATTEMPTS} attempts; try later")
            return response
        raise AssertionError("unreachable")

    def _pause(self, seconds: float, what: str, why: str) -> None:
        seconds = min(seconds, MAX_WAIT)
        logger.warning("%s: %s; waiting %.1f s before trying again", what, why, seconds)
        self.waited.append(seconds)
        self.sleep(seconds)


def json_of(response: requests.Response, what: str):
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "?")
        raise SyncFailed(
            f"{what}: the answer is not JSON (HTTP {response.status_code}, {kind}): {response.text[:200]!r}"
        ) from None
