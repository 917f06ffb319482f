"""The real worker as its own process (`manage.py db_worker`) on this pass's database engine: a worker
killed half-way through an import leaves nothing written, and the next job runs normally."""

import csv
import json
import re
from pathlib import Path

from tests.processes import ProcessDatabase

DATA = Path(__file__).parent / "data"
ROWS = 2500  # importer batches of 1000: two batches are written inside the transaction before the crash
CRASH_AFTER = 2200


def synthetic_acled_file(path: Path) -> Path:
    with open(DATA / "acled_synthetic_sample.csv", encoding="utf-8", newline="") as handle:
        template = next(csv.DictReader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(template))
        writer.writeheader()
        for n in range(ROWS):
            writer.writerow({**template, "event_id_cnty": f"SYN-CRASH-{n}", "is_synthetic": "1",
                             "notes": f"SYNTHETIC crash-test row {n} (not real)."})  # fmt: skip
    return path


def queue(db: ProcessDatabase, path: Path, fmt: str) -> int:
    output = db.manage("import_incidents", str(path), "--format", fmt, "--background").stdout
    return int(re.search(r"Queued job #(\d+)", output).group(1))


def worker(db: ProcessDatabase, **env):
    return db.manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", check=False, extra_env=env)


def job_state(db: ProcessDatabase, job_id: int) -> str:
    return db.query("SELECT state FROM jobs_job WHERE id = ?", (job_id,))[0][0]


def test_a_worker_killed_half_way_leaves_nothing_written(process_db, tmp_path):
    db = process_db
    job_id = queue(db, synthetic_acled_file(tmp_path / "acled_crash.csv"), "acled")
    died = worker(db, IPWATCH_JOBS_CRASH_AFTER_ROWS=str(CRASH_AFTER))
    assert died.returncode == 70, died.stdout + died.stderr
    reported = json.loads((db.workdir / "jobs" / f"progress-{job_id}.json").read_text())
    assert reported["done"] >= CRASH_AFTER and reported["total"] == ROWS  # it got that far before dying
    assert db.query("SELECT count(*) FROM core_incident WHERE external_id LIKE ?", ("SYN-CRASH-%",)) == [(0,)]
    assert job_state(db, job_id) == "running"  # the admin shows it as stalled once silent for long

    next_job = queue(db, DATA / "ucdp_synthetic_sample.csv", "ucdp")
    finished = worker(db)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert job_state(db, next_job) == "succeeded"
    assert db.query("SELECT count(*) FROM core_incident WHERE external_source = 'ucdp'") == [(3,)]


GEOCODE_PLACES = ("Sebha", "Fuqaha", "Al-Baghuz Fawqani")  # all in the offline gazetteer


def test_a_geocoding_worker_killed_half_way_keeps_the_places_it_finished_and_resumes(process_db):
    """Geocoding writes each place on its own: a worker dying after the second place leaves two
    places geocoded and the third untouched (none half-written); the next run takes up the rest."""
    db = process_db
    names = [f"{name} (crash test)" for name in GEOCODE_PLACES]
    create = "from ipwatch.core.models import Place\n" + "".join(
        f"Place.objects.create(name={name!r}, aliases=[{plain!r}], country={country!r})\n"
        for name, plain, country in zip(names, GEOCODE_PLACES, ("LY", "LY", "SY"), strict=True)
    )
    db.manage("shell", "-c", create)
    pending_before = db.query("SELECT count(*) FROM core_place WHERE latitude IS NULL")[0][0]
    mine = "SELECT name FROM core_place WHERE name LIKE ? AND latitude IS NOT NULL ORDER BY id"

    first = int(re.search(r"Queued job #(\d+)", db.manage("geocode", "--pending", "--background").stdout).group(1))
    died = worker(db, IPWATCH_JOBS_CRASH_AFTER_ROWS=str(pending_before - 1))  # after the second of mine
    assert died.returncode == 70, died.stdout + died.stderr
    assert [row[0] for row in db.query(mine, ("%(crash test)",))] == names[:2]
    assert job_state(db, first) == "running"

    second = int(re.search(r"Queued job #(\d+)", db.manage("geocode", "--pending", "--background").stdout).group(1))
    finished = worker(db)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert job_state(db, second) == "succeeded"
    assert [row[0] for row in db.query(mine, ("%(crash test)",))] == names
