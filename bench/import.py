"""Import speed and memory: `manage.py import_incidents`'s bulk path against a naive per-row save.

Approaches: naive (per row: get-or-create the place, Model.save() the incident, history by signal);
bulk-simple-history (our batches, with simple_history's bulk_create/update_with_history); bulk (our
batches, history rows by executemany: what the command runs).

    .venv/bin/python bench/import.py                 # SQLite, then PostgreSQL (throwaway cluster)
    .venv/bin/python bench/import.py --backends sqlite --sizes 10000

Generates SYNTHETIC ACLED-format files in var/bench/ (file names and every row say synthetic; rows
carry is_synthetic=1), then imports each into an empty database in a fresh process, so that the peak
resident memory (ru_maxrss) of one run is not inflated by another. Prints a table per backend.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable
SIZES = (10_000, 100_000)
NAIVE_SIZE = 2_000

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "actor2", "country", "iso", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp", "is_synthetic",
]  # fmt: skip
# (actor1, country, iso, admin1, centre lat, centre lon): IS actors the default map knows, and others.
ACTORS = [
    ("Islamic State (Libya)", "Libya", 434, "Sabha", 27.0, 14.4),
    ("Islamic State (Libya)", "Libya", 434, "Surt", 31.2, 16.6),
    ("Islamic State (Libya)", "Libya", 434, "Darnah", 32.7, 22.6),
    ("Islamic State West Africa Province", "Nigeria", 566, "Borno", 12.0, 13.5),
    ("Sinai Province of the Islamic State", "Egypt", 818, "North Sinai", 31.1, 33.8),
    ("Islamic State (Iraq)", "Iraq", 368, "Ninewa", 36.3, 43.1),
    ("Islamic State (Syria)", "Syria", 760, "Deir ez Zor", 35.3, 40.1),
    ("Khorasan Chapter of the Islamic State", "Afghanistan", 4, "Nangarhar", 34.4, 70.4),
    ("Islamic State (Greater Sahara)", "Mali", 466, "Menaka", 15.9, 2.4),
    ("Military Forces of Synthetia", "Libya", 434, "Tripoli", 32.9, 13.2),  # another actor: skipped
]
SUB_EVENTS = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Violence against civilians", "Attack"),
    ("Violence against civilians", "Abduction/forced disappearance"),
]
PLACES_PER_ACTOR = 300  # ~3,000 distinct synthetic places, reused across rows as real data does


def generate(rows: int, seed: int = 8) -> Path:
    path = BENCH_DIR / f"acled_synthetic_{rows}.csv"
    if path.exists():
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_COLUMNS)
        for n in range(rows):
            actor, country, iso, admin1, lat, lon = rng.choice(ACTORS)
            place = rng.randrange(PLACES_PER_ACTOR)
            place_rng = random.Random(f"{actor}{admin1}{place}")  # the same place always has the same point
            event_type, sub_event = rng.choice(SUB_EVENTS)
            day = 1 + rng.randrange(28)
            writer.writerow(
                [
                    f"SYN{n:07d}", f"2019-{1 + n % 12:02d}-{day:02d}", 2019, rng.choice([1, 1, 1, 2, 3]),
                    event_type, sub_event, actor, "", "Civilians (Synthetia)", country, iso, admin1, "",
                    f"Synthetic place {admin1} {place}", round(lat + place_rng.uniform(-1, 1), 4),
                    round(lon + place_rng.uniform(-1, 1), 4), rng.choice([1, 1, 2, 3]), "Synthetic", "Synthetic",
                    f"SYNTHETIC benchmark row {n} (not a real event).", rng.choice([0, 0, 1, 2, 5]), "",
                    1_560_000_000 + n, 1,
                ]
            )  # fmt: skip
    return path


# --- One measurement, in its own process ----------------------------------------------------------
def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipwatch.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()


def reset_database():
    """Empty what an import writes, keep the schema and the provinces."""
    from django.db import connection

    from ipwatch.core.sample_data import load_sample_data

    tables = [
        "core_historicalreport", "core_report", "core_historicalincident", "core_incident",
        "core_historicalplace", "core_place",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    load_sample_data()


def naive_import(path: Path) -> dict:
    """What one would write first: parse (the same parser), then per row get-or-create the place and
    save the incident with Model.save() (history via simple_history's post_save), one row at a time."""
    from django.db import transaction

    from ipwatch.core.dates import period_start
    from ipwatch.core.models import Incident, Place, Province
    from ipwatch.exchange.parsing import parse_file
    from ipwatch.exchange.provinces import ProvinceMap

    created = 0
    with transaction.atomic():
        for parsed in parse_file(str(path), "acled", ProvinceMap.load()):
            record = parsed.record
            if record is None:
                continue
            p = record.place
            place = Place.objects.filter(name=p.name, country=p.country).first() or Place.objects.create(
                name=p.name, country=p.country, admin1=p.admin1, latitude=p.latitude, longitude=p.longitude,
                location_precision=p.precision,
            )  # fmt: skip
            incident = Incident.objects.filter(external_source="acled", external_id=record.external_id).first()
            incident = incident or Incident(external_source="acled", external_id=record.external_id)
            for name, value in record.owned_values().items():
                setattr(incident, name, value)
            incident.date = period_start(record.date, record.date_precision)
            incident.place = place
            incident.province = Province.objects.get(slug=record.province)
            incident.save()
            created += 1
    return {"created": created}


def measure(approach: str, rows: int, repeat_import: bool, trace: bool = False) -> dict:
    import resource
    import tracemalloc

    setup_django()
    from django.db import connection

    reset_database()
    path = generate(rows)
    if repeat_import:  # time the second import of an unchanged file (idempotent path)
        from ipwatch.exchange.importer import Importer

        Importer("acled").run(str(path))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:  # Python's own allocations during the import (slows it down: timings not comparable)
        tracemalloc.start()
    started = time.perf_counter()
    if approach == "naive":
        counts = naive_import(path)
    else:
        from ipwatch.exchange.importer import Importer

        result = Importer("acled", simple_history_utils=approach == "bulk-simple-history").run(str(path))
        assert result.ok, result.errors[:5]
        counts = {"created": result.created, "unchanged": result.unchanged, "skipped": result.skipped}
    elapsed = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "backend": connection.vendor,
        "approach": approach + (" (re-import, unchanged)" if repeat_import else ""),
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed),
        "peak_rss_mb": round(rss_peak / 1024, 1),
        "rss_growth_mb": round((rss_peak - rss_before) / 1024, 1),
        "python_heap_peak_mb": round(traced_peak / 2**20, 1),
        **counts,
    }


# --- The suite -------------------------------------------------------------------------------------
def run_worker(args: list[str], env: dict) -> dict:
    out = subprocess.run(
        [PYTHON, __file__, "--worker", *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    if out.returncode:
        sys.exit(f"worker {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def suite(sizes: list[int], naive_size: int, runs: int) -> None:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-only")
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    for rows in [*sizes, naive_size]:
        generate(rows)
    measurements = [
        ["--approach", "naive", "--rows", str(naive_size)],
        ["--approach", "bulk-simple-history", "--rows", str(min(sizes))],
        *(["--approach", "bulk", "--rows", str(rows)] for rows in sizes),
        ["--approach", "bulk", "--rows", str(max(sizes)), "--repeat"],
    ]
    # Rounds of every measurement, interleaved, so that a busy spell on this shared machine hits all
    # approaches alike; the table shows each one's median run and the spread.
    rounds = [[run_worker(args, env) for args in measurements] for _ in range(runs)]
    results = []
    for index in range(len(measurements)):
        runs_of = sorted((round_[index] for round_ in rounds), key=lambda r: r["seconds"])
        result = runs_of[len(runs_of) // 2]
        result["spread"] = f"{runs_of[0]['seconds']}–{runs_of[-1]['seconds']}" if runs > 1 else ""
        results.append(result)
    print(f"median of {runs} interleaved run(s); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print_table(results)
    traced = [run_worker(["--approach", "bulk", "--rows", str(rows), "--tracemalloc"], env) for rows in sizes]
    print("\nPython heap peak during the import (tracemalloc; a separate, slower run):\n")
    print("| backend | rows | Python heap peak MB |\n|---|---|---|")
    for result in traced:
        print(f"| {result['backend']} | {result['rows']:,} | {result['python_heap_peak_mb']} |")


def print_table(results: list[dict]) -> None:
    header = ["backend", "approach", "rows", "seconds", "spread s", "rows/s", "peak RSS MB", "RSS growth MB"]
    keys = ["backend", "approach", "rows", "seconds", "spread", "rows_per_s", "peak_rss_mb", "rss_growth_mb"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for result in results:
        print(
            "| "
            + " | ".join(f"{result[key]:,}" if isinstance(result[key], int) else str(result[key]) for key in keys)
            + " |"
        )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--naive-size", type=int, default=NAIVE_SIZE)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is shown)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--suite", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--approach", choices=["bulk", "bulk-simple-history", "naive"])
    parser.add_argument("--rows", type=int)
    parser.add_argument("--repeat", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.worker:
        print(json.dumps(measure(args.approach, args.rows, args.repeat, args.tracemalloc)))
        return
    if args.suite:  # inside a backend's environment (DATABASE_URL set)
        suite(sizes, args.naive_size, args.runs)
        return
    for backend in args.backends.split(","):
        print(f"\n## {backend}\n", flush=True)
        own = [PYTHON, __file__, "--suite", "--sizes", args.sizes, "--naive-size", str(args.naive_size)]
        own += ["--runs", str(args.runs)]
        if backend == "sqlite":
            database = BENCH_DIR / "import-bench.sqlite3"
            BENCH_DIR.mkdir(parents=True, exist_ok=True)
            database.unlink(missing_ok=True)
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
            subprocess.run(own, env=env, check=True, cwd=ROOT)
        elif backend == "postgresql":
            subprocess.run(["bash", "scripts/with-postgres.sh", *own], check=True, cwd=ROOT)
        else:
            sys.exit(f"unknown backend {backend!r}")


if __name__ == "__main__":
    main()
