"""Benchmark /api/timeline.json against a naive Python loop over all incidents.

    python bench/timeline.py                       # SQLite and PostgreSQL, 1k / 10k / 100k incidents
    python bench/timeline.py --sizes 1000,10000 --backends sqlite

Each backend runs in a child process on a throwaway database: a temporary SQLite file, or a
throwaway PostgreSQL 15 cluster started by scripts/with-postgres.sh (as `make test` does). The
database gets the real sample data plus SYNTHETIC incidents from `generate_synthetic` (labelled
synthetic, never real). Ours is the full request through the Django test client (routing,
filters, the GROUP BY query, JSON); the naive approach loads every published incident and
buckets it in Python. The table shows the median of --repeat runs after one warm-up.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["granularity=month", "granularity=week", "granularity=year&group=type", ""]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated incident counts")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (median shown)")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of the naive loop")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# Child process: one backend ----------------------------------------------------------------------


def naive_timeline(granularity: str, group: str = "province") -> dict:
    """What one would write without the database: load every incident, bucket it in Python."""
    from ipwatch.core.dates import period_label
    from ipwatch.core.models import Incident
    from ipwatch.timeline.aggregation import place_in_period

    points = defaultdict(lambda: {"incidents": 0, "killed": 0, "wounded": 0})
    uncertain = defaultdict(lambda: {"incidents": 0, "killed": 0, "wounded": 0})
    for incident in Incident.objects.published().select_related("province"):
        key = incident.province.slug if incident.province else "_none"
        if group == "type":
            key = incident.incident_type
        placement = place_in_period(incident.date_precision, incident.date, granularity)
        if placement.uncertain:
            target = uncertain[(key, period_label(placement.start, placement.uncertain))]
        else:
            target = points[(key, period_label(placement.start, granularity))]
        target["incidents"] += 1
        target["killed"] += incident.killed_best or 0
        target["wounded"] += incident.wounded_best or 0
    return {"points": dict(points), "uncertain": dict(uncertain)}


def timed(function, repeat: int) -> tuple[float, float]:
    """(median, fastest) wall-clock milliseconds after one warm-up run (query plans, caches).

    The fastest run is the better estimate on a shared machine; the median shows the spread."""
    function()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000, min(runs) * 1000


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipwatch.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from ipwatch.core.models import Incident
    from ipwatch.core.sample_data import load_sample_data
    from ipwatch.core.synthetic import generate_synthetic

    call_command("migrate", verbosity=0)
    load_sample_data()
    client = Client()
    api = reverse("timeline:api-timeline")
    backend = connection.vendor
    present = 0
    for size in [int(s) for s in args.sizes.split(",")]:
        if size > present:
            generate_synthetic(size - present, seed=size)
            present = size
        if backend == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        published = Incident.objects.published().count()
        for query in QUERIES:
            response = client.get(f"{api}?{query}")
            assert response.status_code == 200, response.content[:300]
            payload = response.json()
            counted = sum(p["incidents"] for s in payload["series"] for p in s["points"]) + sum(
                u["incidents"] for u in payload["uncertain"]
            )
            assert counted == published, (query, counted, published)  # the API's invariant
            ours = timed(lambda q=query: client.get(f"{api}?{q}"), args.repeat)
            granularity = payload["granularity"]
            group = "type" if "group=type" in query else "province"
            naive_payload = naive_timeline(granularity, group)
            naive_total = sum(v["incidents"] for part in naive_payload.values() for v in part.values())
            assert naive_total == published
            naive = timed(lambda g=granularity, gr=group: naive_timeline(g, gr), args.naive_repeat)
            print(
                json.dumps(
                    {
                        "backend": backend,
                        "incidents": size,
                        "published": published,
                        "query": query or "(auto)",
                        "granularity": granularity,
                        "ours_ms": round(ours[0], 1),
                        "ours_min_ms": round(ours[1], 1),
                        "naive_ms": round(naive[0], 1),
                        "naive_min_ms": round(naive[1], 1),
                        "bytes": len(response.content),
                    }
                ),
                flush=True,
            )


# Parent: run each backend in its own process ----------------------------------------------------


def run_backend(backend: str, args) -> list[dict]:
    worker_args = ["--sizes", args.sizes, "--repeat", str(args.repeat), "--naive-repeat", str(args.naive_repeat)]
    label = f"generating up to {args.sizes.split(',')[-1]} synthetic incidents"
    return run_worker(backend, Path(__file__).resolve(), worker_args, label)


def run_worker(backend: str, script: Path, worker_args: list[str], label: str) -> list[dict]:
    """Run ``script --worker …`` on a throwaway database of ``backend``; its JSON lines, parsed.

    SQLite: a temporary file. PostgreSQL: a throwaway cluster from scripts/with-postgres.sh."""
    command = [sys.executable, "-W", "ignore", str(script), "--worker", *worker_args]
    with tempfile.TemporaryDirectory(prefix="ipwatch-bench-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
            "LOG_LEVEL": "WARNING",
            "BENCH_TMP": tmp,
        }
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), *command]
        print(f"… {backend}: {label}", file=sys.stderr)
        output = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return [json.loads(line) for line in output.stdout.splitlines() if line.startswith("{")]


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'backend':<10} {'incidents':>9} {'query':<28} {'bars per':<8} {'ours ms (min)':>15} "
        f"{'naive ms (min)':>16} {'speed-up':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        speedup = row["naive_min_ms"] / row["ours_min_ms"] if row["ours_min_ms"] else float("inf")
        ours = f"{row['ours_ms']:.1f} ({row['ours_min_ms']:.1f})"
        naive = f"{row['naive_ms']:.1f} ({row['naive_min_ms']:.1f})"
        print(
            f"{row['backend']:<10} {row['incidents']:>9,} {row['query']:<28} {row['granularity']:<8} "
            f"{ours:>15} {naive:>16} {speedup:>7.1f}x"
        )
    print("median of the timed runs, fastest in brackets; speed-up from the fastest runs")


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    rows = []
    load_before = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    for backend in args.backends.split(","):
        rows += run_backend(backend.strip(), args)
    print_table(rows)
    if load_before:
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        print(f"load average before: {' '.join(load_before)}, after: {' '.join(load_after)} (2 cores, shared)")


if __name__ == "__main__":
    main()
