"""Where a running job reports its progress while its own writes are still uncommitted.

An import writes inside one transaction (all or nothing), so progress cannot be stored in that
transaction: nobody would see it until the end. It goes to the shared cache instead (Redis when
several hosts run app servers and workers), or, when the cache is per-process local memory, to a
small file under var/jobs/ that every process on the host reads.
"""

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

TIMEOUT = 7 * 24 * 3600


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    at: float  # time.time() of the report
    # The step a job is in after (or besides) its rows, e.g. "checking possible duplicates", with
    # that step's own done / total: the end of a big import is long and must not look stuck.
    phase: str = ""
    phase_done: int = 0
    phase_total: int | None = None


def _per_process() -> bool:
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.locmem import LocMemCache

    return isinstance(caches["default"], LocMemCache | DummyCache)


def _path(job_id: int) -> Path:
    directory = Path(getattr(settings, "IPWATCH_JOBS_DIR", settings.VAR_DIR / "jobs"))
    return directory / f"progress-{int(job_id)}.json"


def _key(job_id: int) -> str:
    return f"ipwatch:job-progress:{int(job_id)}"


def write(job_id: int, done: int, total: int | None, phase: str = "", phase_done: int = 0, phase_total=None) -> None:
    payload = {
        "done": done, "total": total, "at": time.time(),
        "phase": phase, "phase_done": phase_done, "phase_total": phase_total,
    }  # fmt: skip
    if not _per_process():
        caches["default"].set(_key(job_id), payload, TIMEOUT)
        return
    path = _path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(payload), encoding="ascii")
    os.replace(temporary, path)


def read(job_id: int) -> Progress | None:
    if _per_process():
        try:
            payload = json.loads(_path(job_id).read_text(encoding="ascii"))
        except (OSError, ValueError):
            return None
    else:
        payload = caches["default"].get(_key(job_id))
        if payload is None:
            return None
    return Progress(
        int(payload["done"]),
        payload["total"],
        float(payload["at"]),
        payload.get("phase", ""),
        int(payload.get("phase_done", 0)),
        payload.get("phase_total"),
    )


def clear(job_id: int) -> None:
    if _per_process():
        _path(job_id).unlink(missing_ok=True)
    else:
        caches["default"].delete(_key(job_id))


class Reporter:
    """Counts rows and reports at most every `interval` seconds (and always at the end)."""

    def __init__(self, job_id: int, total: int | None = None, interval: float = 0.5):
        self.job_id, self.total, self.interval = job_id, total, interval
        self.done = 0
        self.phase_label, self.phase_done, self.phase_total = "", 0, None
        self._last = 0.0
        crash_after = getattr(settings, "IPWATCH_JOBS_CRASH_AFTER_ROWS", None)
        self.crash_after = int(crash_after) if crash_after else None

    def step(self, rows: int = 1) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self.flush()
        if self.crash_after is not None and self.done >= self.crash_after:
            # Fault injection for the test that a worker dying mid-job leaves nothing half-written:
            # end the process abruptly, as a kill -9 or an out-of-memory kill would.
            self.flush()
            os._exit(70)

    def phase(self, label: str, done: int = 0, total: int | None = None) -> None:
        """Report a step after the rows (or inside one), with its own done / total."""
        changed = label != self.phase_label
        self.phase_label, self.phase_done, self.phase_total = label, done, total
        now = time.monotonic()
        if changed or now - self._last >= self.interval:
            self._last = now
            self.flush()

    def flush(self) -> None:
        write(self.job_id, self.done, self.total, self.phase_label, self.phase_done, self.phase_total)
