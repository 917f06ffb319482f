"""One sync run, ACLED or UCDP: read every page first (to a temporary file), then import them through
the file importer — the same formats, province map and (dataset, event id) idempotency as
`import_incidents` — and apply ACLED's deletions, all in one transaction with the new cursor.

So a run that fails anywhere (credentials, a malformed page, a bad row) writes nothing and the next
run starts from the same place; and the same rows give the same incidents whether they came through
the API or a downloaded file.
"""

import csv
import datetime as dt
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.models import Incident
from ipwatch.core.workflow import SYSTEM
from ipwatch.exchange.importer import Importer, ImportResult

from .acled import AcledClient
from .http import Http, SyncFailed
from .models import SyncSource, SyncState
from .ucdp import UcdpClient

__all__ = ["SyncFailed", "SyncResult", "sync"]
CHUNK = 1000


@dataclass
class SyncResult:
    source: str
    dry_run: bool
    pages: int = 0
    rows: int = 0
    imported: ImportResult | None = None
    deleted_seen: int = 0
    retracted: int = 0
    noted: int = 0
    waited: list[float] = field(default_factory=list)
    cursor: dict = field(default_factory=dict)

    @property
    def written_ids(self) -> list[int]:
        return self.imported.written_ids if self.imported else []

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        text = f"{self.source.upper()}: {self.pages} page(s), {self.rows} rows read. "
        text += self.imported.summary() if self.imported else "Nothing to import."
        if self.source == SyncSource.ACLED:
            text += (
                f". Deletions: {self.deleted_seen} event(s) deleted by ACLED; {self.retracted} published incident(s) "
                f"{verb} retracted, {self.noted} unpublished one(s) noted"
            )
        if self.waited:
            text += f". Rate limited {len(self.waited)} time(s), waited {sum(self.waited):.0f} s in all"
        return text


def _unix(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


class RowSpool:
    """API rows → a CSV with the union of their columns, spooled on disk (constant memory)."""

    def __init__(self):
        self.directory = tempfile.TemporaryDirectory(prefix="ipwatch-sync-")
        self.jsonl = Path(self.directory.name) / "rows.jsonl"
        self.handle = open(self.jsonl, "w", encoding="utf-8")  # noqa: SIM115 - closed in to_csv
        self.columns: dict[str, None] = {}
        self.count = 0

    def add(self, rows: list[dict]) -> None:
        for row in rows:
            self.columns.update(dict.fromkeys(row))
            self.handle.write(json.dumps(row) + "\n")
        self.count += len(rows)

    def to_csv(self, name: str) -> Path:
        self.handle.close()
        path = Path(self.directory.name) / name
        with open(self.jsonl, encoding="utf-8") as rows, open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            columns = list(self.columns)
            writer.writerow(columns)
            for line in rows:
                row = json.loads(line)
                writer.writerow([_cell(row.get(column)) for column in columns])
        return path

    def close(self) -> None:
        self.handle.close()
        self.directory.cleanup()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    # UCDP's API writes dates as 2019-05-04T00:00:00(.000Z); its CSV as "2019-05-04 00:00:00.000".
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":
        text = text.removesuffix("Z")
    return text


def _state(source: str) -> SyncState:
    """The stored state, or an unsaved new one: it is saved with the run's writes, or not at all."""
    return SyncState.objects.filter(source=source).first() or SyncState(source=source)


def sync(
    source: str,
    *,
    since: str | None = None,
    countries: list[str] | tuple = (),
    version: str | None = None,
    dry_run: bool = False,
    progress=None,
    user=None,
    sleep=None,
) -> SyncResult:
    """Run one sync. `since` is an ISO date; raises SyncFailed (nothing written) when anything is wrong."""
    since_date = dt.date.fromisoformat(since) if since else None
    http = Http(sleep=sleep) if sleep else Http()
    result = SyncResult(source=source, dry_run=dry_run, waited=http.waited)
    state = _state(source)
    spool = RowSpool()

    def reading(pages: int) -> None:
        # Reading every page comes before any row is written: report it, or a long run (rate limits)
        # would look stalled in the admin.
        if progress is not None:
            progress.phase(f"reading {source.upper()} pages", pages)

    try:
        if source == SyncSource.ACLED:
            client = AcledClient(settings.ACLED_API_URL, settings.ACLED_EMAIL, settings.ACLED_PASSWORD, http)
            events_since = _unix(since_date) if since_date else state.cursor.get("timestamp")
            deletions_since = _unix(since_date) if since_date else state.cursor.get("deleted_timestamp")
            newest = events_since
            for rows in client.events(events_since, list(countries)):
                result.pages += 1
                spool.add(rows)
                reading(result.pages)
                stamps = [int(row["timestamp"]) for row in rows if str(row.get("timestamp") or "").isdigit()]
                newest = max([newest or 0, *stamps]) or None
            deleted, newest_deleted = [], deletions_since
            for rows in client.deletions(deletions_since):
                for row in rows:
                    event_id = str(row.get("event_id_cnty") or "")
                    if not event_id:
                        raise SyncFailed("ACLED deletions: a row has no event_id_cnty")
                    deleted.append(event_id)
                    stamp = str(row.get("deleted_timestamp") or "")
                    if stamp.isdigit():
                        newest_deleted = max(newest_deleted or 0, int(stamp))
            result.deleted_seen = len(deleted)
            result.cursor = {"timestamp": newest, "deleted_timestamp": newest_deleted}
            label = f"ACLED API sync {timezone.now():%Y-%m-%d %H:%M}"
        elif source == SyncSource.UCDP:
            version = version or settings.UCDP_GED_VERSION
            client = UcdpClient(settings.UCDP_API_URL, settings.UCDP_TOKEN, version, http)
            start = since_date.isoformat() if since_date else None
            if start is None and state.cursor.get("version") == version:
                start = state.cursor.get("latest_date")
            latest = start
            for rows in client.events(start):
                result.pages += 1
                spool.add(rows)
                reading(result.pages)
                dates = [_cell(row.get("date_start"))[:10] for row in rows if row.get("date_start")]
                latest = max([latest or "", *dates]) or None
            deleted = []
            result.cursor = {"version": version, "latest_date": latest}
            label = f"UCDP GED {version} API sync {timezone.now():%Y-%m-%d %H:%M}"
        else:
            raise SyncFailed(f"unknown sync source {source!r}")
        result.rows = spool.count
        if progress is not None:
            progress.total = spool.count
            progress.phase("")  # pages read: from now on the rows are the progress
        path = spool.to_csv(f"{source}-api.csv")
        with transaction.atomic():
            if spool.count:
                importer = Importer(
                    source,
                    user=user,
                    progress=progress.step if progress is not None else None,
                    phase=progress.phase if progress is not None else None,
                    reason=label,
                )
                result.imported = importer.run(str(path), filename=path.name, dry_run=dry_run)
                if not result.imported.ok:
                    errors = result.imported.errors
                    shown = "; ".join(str(error) for error in errors[:5])
                    raise SyncFailed(
                        f"{len(errors)} bad row(s) in the {source.upper()} answer, nothing written: {shown}"
                    )
            if deleted:
                result.retracted, result.noted = retract_deleted(source, deleted, dry_run)
            if not dry_run:
                state.cursor = result.cursor
                state.last_run_at = timezone.now()
                state.last_summary = result.summary()
                state.save()
    finally:
        spool.close()
    return result


def retract_deleted(source: str, event_ids: list[str], dry_run: bool) -> tuple[int, int]:
    """Published incidents of events the dataset deleted are retracted (off the public site, history
    kept); unpublished ones get a line in their internal notes for the editor to decide.

    The retraction is the workflow's own transition, made by the system (the dataset withdrew the
    event; whoever queued the sync need not be a reviewer), with the deletion as the history reason.
    It is direct rather than a pending change for a reviewer: pending changes carry field values and
    never a status, and a published record must not keep citing an event its source has withdrawn
    while it waits. A reviewer can re-publish it (retracted → published) if other sources carry it.
    """
    retracted = noted = 0
    note = f"{source.upper()} deleted this event from its dataset ({timezone.now():%Y-%m-%d})."
    for start in range(0, len(event_ids), CHUNK):
        chunk = event_ids[start : start + CHUNK]
        for incident in Incident.objects.filter(external_source=source, external_id__in=chunk):
            if incident.status == IncidentStatus.RETRACTED or note in incident.internal_notes:
                continue
            published = incident.status == IncidentStatus.PUBLISHED
            if published:
                retracted += 1
            else:
                noted += 1
            if dry_run:
                continue
            incident.internal_notes = f"{incident.internal_notes}\n{note}".strip()
            incident._change_reason = f"{source.upper()} deletions endpoint: event {incident.external_id}"
            incident.transition(IncidentStatus.RETRACTED if published else incident.status, SYSTEM)
    return retracted, noted
