"""UCDP's API (ucdp.uu.se/apidocs): GET {UCDP_API_URL}/gedevents/{version}?pagesize=N&page=P.

- Versions: the yearly GED release ("25.1") or a monthly candidate release ("26.0.8").
- Access token: since February 2026 the API wants one (requested from UCDP), sent as the
  `x-ucdp-access-token` header; without it the answer is 401. A mirror may not need it.
- Paging: `page` counts from 0, `pagesize` is at most 1000; the answer is {"TotalCount", "TotalPages",
  "PreviousPageUrl", "NextPageUrl", "Result": [{column: value}]}, the GED CSV's columns.
- Filters: `StartDate`/`EndDate` (YYYY-MM-DD) on the event's dates.
- Limits: 5,000 requests a day; rate-limited answers are retried (see http.py).
"""

from collections.abc import Iterator

from .http import Http, SyncFailed, json_of

PAGE_SIZE = 1000


class UcdpClient:
    def __init__(self, base_url: str, token: str, version: str, http: Http, page_size: int | None = None):
        self.base_url, self.token, self.version, self.http = base_url.rstrip("/"), token, version, http
        self.page_size = page_size or PAGE_SIZE

    def events(self, start_date: str | None) -> Iterator[list[dict]]:
        url = f"{self.base_url}/gedevents/{self.version}"
        headers = {"x-ucdp-access-token": self.token} if self.token else {}
        page = 0
        while True:
            params = {"pagesize": self.page_size, "page": page}
            if start_date:
                params["StartDate"] = start_date
            what = f"UCDP GED {self.version}, page {page}"
            response = self.http.request("GET", url, params=params, headers=headers, what=what)
            if response.status_code in (401, 403):
                if not self.token:
                    raise SyncFailed(
                        f"{what}: UCDP requires an access token (HTTP {response.status_code}): set UCDP_TOKEN to the "
                        "token UCDP issued you (ucdp.uu.se/apidocs)"
                    )
                raise SyncFailed(f"{what}: UCDP refused UCDP_TOKEN (HTTP {response.status_code})")
            if response.status_code == 404:
                raise SyncFailed(f"{what}: UCDP has no GED version {self.version!r} (HTTP 404)")
            if response.status_code != 200:
                raise SyncFailed(f"{what}: HTTP {response.status_code}: {response.text[:200]!r}")
            payload = json_of(response, what)
            rows = payload.get("Result") if isinstance(payload, dict) else None
            pages = payload.get("TotalPages") if isinstance(payload, dict) else None
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows) or not isinstance(pages, int):
                raise SyncFailed(f"{what}: the answer is not a GED page (Result list and TotalPages expected)")
            yield rows
            page += 1
            if page >= pages or not rows:
                return
