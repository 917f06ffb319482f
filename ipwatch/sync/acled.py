"""ACLED's API, as documented at acleddata.com/api-documentation (2025 onwards).

- Authentication: OAuth 2 password grant. POST {ACLED_API_URL}/oauth/token with the myACLED account's
  e-mail as `username`, its `password`, `grant_type=password` and `client_id=acled`; the answer has an
  `access_token` (valid 24 hours), a `refresh_token` (14 days) and `expires_in`. Requests carry
  `Authorization: Bearer <access_token>`. An expired token is renewed with `grant_type=refresh_token`
  (and, if that is refused too, by logging in again).
- Events: GET /api/acled/read?_format=json with `limit` rows per `page` (1, 2, …; 5000 is the
  documented default page size) until a page comes back short. `timestamp` with `timestamp_where=>=`
  asks for events added or changed since a Unix time; `iso` (ISO 3166 numeric, `|`-separated) for
  countries. The answer is {"status": 200, "success": true, "count": n, "data": [{column: value}]},
  the same columns as ACLED's CSV export.
- Deletions: GET /api/deleted/read?_format=json, `deleted_timestamp` with `deleted_timestamp_where=>=`;
  data rows are {"event_id_cnty", "deleted_timestamp"}.
"""

import time
from collections.abc import Iterator

from ipwatch.core.countries import UnknownCountry, iso_number

from .http import Http, MissingCredentials, SyncFailed, json_of

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a URL path, not a secret
READ_PATH = "/api/acled/read"
DELETED_PATH = "/api/deleted/read"
PAGE_SIZE = 5000
CLIENT_ID = "acled"


def iso_numeric(code: str) -> str:
    """ISO 3166 alpha-2 → numeric, as ACLED's `iso` filter takes it ("LY" → "434")."""
    try:
        return str(iso_number(code))
    except UnknownCountry:
        raise SyncFailed(f"--country {code}: not an ISO 3166-1 alpha-2 country code") from None


class AcledClient:
    def __init__(self, base_url: str, email: str, password: str, http: Http, page_size: int | None = None):
        if not email or not password:
            raise MissingCredentials(
                "ACLED credentials missing: set ACLED_EMAIL and ACLED_PASSWORD to the e-mail and password of a "
                "myACLED account with API access (the API uses OAuth with them; API keys are no longer accepted)"
            )
        self.base_url, self.email, self.password, self.http = base_url.rstrip("/"), email, password, http
        self.page_size = page_size or PAGE_SIZE
        self.access_token = self.refresh_token = ""
        self.expires_at = 0.0
        self.logins = self.refreshes = 0

    # Tokens ---------------------------------------------------------------------------------
    def _token(self, fields: dict, what: str) -> None:
        response = self.http.request(
            "POST", self.base_url + TOKEN_PATH, data={**fields, "client_id": CLIENT_ID}, what=what
        )
        if response.status_code in (400, 401, 403):
            raise SyncFailed(
                f"{what}: ACLED refused (HTTP {response.status_code}): {response.text[:200]!r}. Check ACLED_EMAIL "
                "and ACLED_PASSWORD, and that the account has accepted the terms of use and has API access"
            )
        if response.status_code != 200:
            raise SyncFailed(f"{what}: HTTP {response.status_code}: {response.text[:200]!r}")
        payload = json_of(response, what)
        if not isinstance(payload, dict) or not payload.get("access_token"):
            raise SyncFailed(f"{what}: the answer has no access_token")
        self.access_token = payload["access_token"]
        self.refresh_token = payload.get("refresh_token") or ""
        lifetime = float(payload.get("expires_in") or 3600)
        self.expires_at = time.monotonic() + max(0.0, lifetime - 60)  # renew a minute early

    def login(self) -> None:
        self.logins += 1
        self._token(
            {"username": self.email, "password": self.password, "grant_type": "password", "scope": "authenticated"},
            "ACLED login",
        )

    def refresh(self) -> None:
        if not self.refresh_token:
            self.login()
            return
        self.refreshes += 1
        try:
            self._token({"grant_type": "refresh_token", "refresh_token": self.refresh_token}, "ACLED token refresh")
        except SyncFailed:
            self.login()  # the refresh token expired as well: log in again

    # Reading --------------------------------------------------------------------------------
    def _get(self, path: str, params: dict, what: str) -> list[dict]:
        if not self.access_token:
            self.login()
        elif time.monotonic() >= self.expires_at:
            self.refresh()
        for retry in (False, True):
            response = self.http.request(
                "GET", self.base_url + path, params=params, headers={"Authorization": f"Bearer {self.access_token}"},
                what=what,
            )  # fmt: skip
            if response.status_code == 401 and not retry:
                self.refresh()  # expired or revoked early: renew once and ask again
                continue
            break
        if response.status_code != 200:
            raise SyncFailed(f"{what}: HTTP {response.status_code}: {response.text[:200]!r}")
        payload = json_of(response, what)
        if not isinstance(payload, dict) or payload.get("success") is False:
            message = payload.get("error") or payload.get("messages") if isinstance(payload, dict) else payload
            raise SyncFailed(f"{what}: ACLED answered with an error: {str(message)[:300]}")
        data = payload.get("data")
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise SyncFailed(f"{what}: the answer's `data` is not a list of rows")
        return data

    def _pages(self, path: str, params: dict, what: str) -> Iterator[list[dict]]:
        page = 1
        while True:
            rows = self._get(path, {**params, "limit": self.page_size, "page": page}, f"{what}, page {page}")
            yield rows
            if len(rows) < self.page_size:
                return
            page += 1

    def events(self, since: int | None, countries: list[str]) -> Iterator[list[dict]]:
        params = {"_format": "json"}
        if since is not None:
            params.update(timestamp=str(since), timestamp_where=">=")
        if countries:
            params["iso"] = "|".join(iso_numeric(code) for code in countries)
        return self._pages(READ_PATH, params, "ACLED events")

    def deletions(self, since: int | None) -> Iterator[list[dict]]:
        params = {"_format": "json"}
        if since is not None:
            params.update(deleted_timestamp=str(since), deleted_timestamp_where=">=")
        return self._pages(DELETED_PATH, params, "ACLED deletions")
