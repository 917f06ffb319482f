"""Requests per second for public pages under gunicorn, with the public cache on and off.

Starts gunicorn (2 sync workers, 127.0.0.1 only) twice against the same database — once with
the public cache (PUBLIC_CACHE_TIMEOUT=600, local-memory cache) and once without
(PUBLIC_CACHE_TIMEOUT=0: every request renders, the naive approach) — and fires a bounded number
of GET requests at each URL from a few client threads. Prints a table side by side.

    .venv/bin/python bench/cache.py                      # uses DATABASE_URL or var/ipwatch.sqlite3
    .venv/bin/python bench/cache.py --requests 300 --seconds 15 --concurrency 4 --url / --url /api/incidents.geojson

Bounded: at most --requests per URL and configuration, and never longer than --seconds each.
Populate the database first, e.g. `manage.py migrate && manage.py load_sample_data &&
manage.py generate_synthetic --incidents 5000 --seed 1` (synthetic data, labelled as such).
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from load import free_port, wait_until_up  # bench/load.py: the same gunicorn start-up

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URLS = ["/", "/api/incidents.geojson"]


def fetch(port: int, url: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def load(port: int, url: str, requests: int, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def worker():
        while True:
            with lock:
                if remaining[0] <= 0 or time.monotonic() > deadline:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            status, _ = fetch(port, url)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall if wall else 0.0,
        "median_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0,
        "statuses": statuses,
    }


def run_configuration(label: str, env_overrides: dict, args) -> dict:
    port = free_port()
    env = {**os.environ, **env_overrides}
    env.setdefault("DEBUG", "0")
    env.setdefault("SECRET_KEY", "bench-only-not-secret")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    env.setdefault("STATIC_MANIFEST", "0")  # no collectstatic needed
    env.setdefault("SECURE_SSL_REDIRECT", "0")  # gunicorn on loopback speaks plain HTTP; else every answer is a 301
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "ipwatch.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port, process)
        results = {}
        for url in args.url:
            # Warm-up: the first requests fill each worker's cache (or connection, for the naive run).
            for _ in range(4):
                fetch(port, url)
            results[url] = load(port, url, args.requests, args.seconds, args.concurrency)
            print(
                f"  {label:9} {url:28} {results[url]['rps']:8.1f} req/s  {results[url]['statuses']}", file=sys.stderr
            )
        return results
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", action="append", help="path to measure (repeatable); default / and the GeoJSON API")
    parser.add_argument("--requests", type=int, default=300, help="max requests per URL and configuration")
    parser.add_argument("--seconds", type=float, default=15.0, help="max seconds per URL and configuration")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    args = parser.parse_args()
    args.url = args.url or DEFAULT_URLS
    if args.requests < 1 or args.requests > 5000 or args.concurrency < 1 or args.concurrency > 16:
        parser.error("keep the load bounded: 1 ≤ --requests ≤ 5000, 1 ≤ --concurrency ≤ 16")

    print("uncached (PUBLIC_CACHE_TIMEOUT=0) …", file=sys.stderr)
    naive = run_configuration("uncached", {"PUBLIC_CACHE_TIMEOUT": "0"}, args)
    print("cached (locmem, PUBLIC_CACHE_TIMEOUT=600) …", file=sys.stderr)
    cached = run_configuration("cached", {"PUBLIC_CACHE_TIMEOUT": "600", "CACHE_URL": "locmem://"}, args)

    limits = f"≤{args.requests} requests / ≤{args.seconds:g}s per cell"
    print(f"gunicorn 2 sync workers, {args.concurrency} client threads, {limits}")
    print()
    print("| URL | uncached req/s | cached req/s | speed-up | uncached median / p95 ms | cached median / p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for url in args.url:
        before, after = naive[url], cached[url]
        speedup = after["rps"] / before["rps"] if before["rps"] else float("nan")
        print(
            f"| `{url}` | {before['rps']:.1f} | {after['rps']:.1f} | {speedup:.1f}× "
            f"| {before['median_ms']:.1f} / {before['p95_ms']:.1f} "
            f"| {after['median_ms']:.1f} / {after['p95_ms']:.1f} |"
        )
    bad = {
        f"{label} {url}": result["statuses"]
        for label, results in (("uncached", naive), ("cached", cached))
        for url, result in results.items()
        if set(result["statuses"]) - {200}
    }
    if bad:
        print(f"\nwarning: non-200 answers: {bad}", file=sys.stderr)


if __name__ == "__main__":
    main()
