"""Local stand-ins for ACLED's and UCDP's APIs (pytest-httpserver), answering in their documented
formats from rows recorded as the services send them. No network: the sync's *_API_URL settings
point at 127.0.0.1.

ACLED: POST /oauth/token (password and refresh_token grants), GET /api/acled/read and
/api/deleted/read with limit/page. UCDP: GET /api/gedevents/<version> with pagesize/page and the
x-ucdp-access-token header.
"""

import csv
import functools
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug import Response

from ipwatch.core.models import Incident
from ipwatch.sync import acled, ucdp

DATA = Path(__file__).parent / "data"


def csv_rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run_sync(command: str, *args) -> str:
    """Run a sync command (``sync_acled``, ``sync_ucdp``) as the tests' user would; its output."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def sync_and_incidents(source: str):
    """For a source's tests: its sync command as a function returning the output, and its incidents."""
    return functools.partial(run_sync, f"sync_{source}"), functools.partial(
        Incident.objects.filter, external_source=source
    )


def _json(payload, status=200, headers=None) -> Response:
    return Response(json.dumps(payload), status=status, headers=headers, content_type="application/json")


class FakeApi:
    """What both fakes share: serving a sync from this machine, with short pages and no real back-off."""

    url_setting = ""
    sync_module = None

    def credentials(self) -> dict:
        return {}

    def serve(self, httpserver, settings, monkeypatch, page_size: int):
        """Answer on ``httpserver``, point the sync's settings here and page ``page_size`` rows at a time."""
        setattr(settings, self.url_setting, self.install(httpserver))
        for name, value in self.credentials().items():
            setattr(settings, name, value)
        settings.IPWATCH_SYNC_BACKOFF = 0.01
        monkeypatch.setattr(self.sync_module, "PAGE_SIZE", page_size)
        return self


@dataclass
class FakeAcled(FakeApi):
    events: list[dict]
    deleted: list[dict] = field(default_factory=list)
    email: str = "analyst@example.org"
    password: str = "correct horse"
    token_uses: int = 1000  # requests an access token serves before it "expires" (401)
    scripted: dict = field(default_factory=dict)  # (path, page) → Response served once, before the real one
    requests: list = field(default_factory=list)  # (path, args) of every data request
    grants: list = field(default_factory=list)
    _tokens: dict = field(default_factory=dict)  # access token → remaining uses
    _count: int = 0

    url_setting = "ACLED_API_URL"
    sync_module = acled

    def credentials(self) -> dict:
        return {"ACLED_EMAIL": self.email, "ACLED_PASSWORD": self.password}

    def install(self, httpserver) -> str:
        httpserver.expect_request("/oauth/token", method="POST").respond_with_handler(self.token)
        httpserver.expect_request("/api/acled/read").respond_with_handler(lambda r: self.read(r, self.events))
        httpserver.expect_request("/api/deleted/read").respond_with_handler(lambda r: self.read(r, self.deleted))
        return httpserver.url_for("/").rstrip("/")

    def token(self, request):
        form = request.form
        self.grants.append(form.get("grant_type"))
        if form.get("client_id") != "acled":
            return _json({"error": "invalid_client"}, 401)
        if form.get("grant_type") == "password":
            if (form.get("username"), form.get("password")) != (self.email, self.password):
                return _json(
                    {"error": "invalid_grant", "error_description": "The user credentials were incorrect."}, 400
                )
        elif form.get("grant_type") == "refresh_token":
            if not form.get("refresh_token", "").startswith("refresh-"):
                return _json({"error": "invalid_grant"}, 400)
        else:
            return _json({"error": "unsupported_grant_type"}, 400)
        self._count += 1
        access = f"access-{self._count}"
        self._tokens[access] = self.token_uses
        return _json(
            {
                "token_type": "Bearer",
                "expires_in": 86400,
                "access_token": access,
                "refresh_token": f"refresh-{self._count}",
            }
        )

    def read(self, request, rows):
        match = re.fullmatch(r"Bearer (\S+)", request.headers.get("Authorization", ""))
        token = match.group(1) if match else ""
        if self._tokens.get(token, 0) <= 0:
            return _json({"error": "invalid_token", "message": "The access token has expired"}, 401)
        self._tokens[token] -= 1
        args = request.args.to_dict()
        self.requests.append((request.path, args))
        page, limit = int(args.get("page", 1)), int(args.get("limit", 5000))
        scripted = self.scripted.pop((request.path, page), None)
        if scripted is not None:
            return scripted
        selected = rows
        if "timestamp" in args:
            selected = [row for row in rows if int(row["timestamp"]) >= int(args["timestamp"])]
        if "deleted_timestamp" in args:
            selected = [row for row in rows if int(row["deleted_timestamp"]) >= int(args["deleted_timestamp"])]
        if "iso" in args:
            selected = [row for row in selected if row.get("iso") in args["iso"].split("|")]
        chunk = selected[(page - 1) * limit : page * limit]
        return _json({"status": 200, "success": True, "last_update": 1, "count": len(chunk), "data": chunk})


def ucdp_json_row(row: dict) -> dict:
    """A GED CSV row as the API sends it: numbers as numbers, dates as 2019-05-04T00:00:00.000Z."""
    out = {}
    for key, value in row.items():
        if key in ("date_start", "date_end") and value:
            out[key] = value[:10] + "T00:00:00.000Z"
        elif re.fullmatch(r"-?\d+", value or ""):
            out[key] = int(value)
        elif re.fullmatch(r"-?\d+\.\d+", value or ""):
            out[key] = float(value)
        else:
            out[key] = value
    return out


@dataclass
class FakeUcdp(FakeApi):
    events: list[dict]
    version: str = "25.1"
    token: str | None = "ucdp-token"  # None: this server needs no token
    scripted: dict = field(default_factory=dict)  # page → Response served once
    requests: list = field(default_factory=list)

    url_setting = "UCDP_API_URL"
    sync_module = ucdp

    def credentials(self) -> dict:
        return {"UCDP_TOKEN": self.token, "UCDP_GED_VERSION": self.version}

    def install(self, httpserver) -> str:
        httpserver.expect_request(re.compile(r"^/api/gedevents/.+$")).respond_with_handler(self.read)
        return httpserver.url_for("/api")

    def read(self, request):
        if self.token and request.headers.get("x-ucdp-access-token") != self.token:
            return Response("API token required. Add header: x-ucdp-access-token", status=401)
        version = request.path.rsplit("/", 1)[1]
        if version != self.version:
            return Response("Not found", status=404)
        args = request.args.to_dict()
        self.requests.append(args)
        page, size = int(args.get("page", 0)), int(args.get("pagesize", 1000))
        if page in self.scripted:
            return self.scripted.pop(page)
        rows = self.events
        if "StartDate" in args:
            rows = [row for row in rows if row["date_start"][:10] >= args["StartDate"]]
        pages = max(1, -(-len(rows) // size))
        return _json(
            {
                "TotalCount": len(rows),
                "TotalPages": pages,
                "PreviousPageUrl": "",
                "NextPageUrl": ""
                if page + 1 >= pages
                else f"https://ucdpapi.pcr.uu.se/api/gedevents/{version}?page={page + 1}",
                "Result": rows[page * size : (page + 1) * size],
            }
        )
