"""Production-like load test: gunicorn (2 workers, DEBUG off, collected static files) on a throwaway
PostgreSQL 15 with the sample data and 10,000 SYNTHETIC incidents, driven by 20 concurrent clients.

    .venv/bin/python bench/load.py                # the recorded run (docs/benchmarks.md, "Load")
    .venv/bin/python bench/load.py --requests 100 --incidents 1000   # a quick look
    .venv/bin/python bench/load.py --servers 2    # two app servers, one PostgreSQL, one Redis cache

With --servers N (N ≥ 2) it starts a Debian redis-server on a free loopback port, runs N gunicorn app
servers on the same database with CACHE_URL=redis://…, and spreads the clients' requests over them
in turn, as a load balancer would.

Bounded: each URL gets a fixed number of requests or a time limit, whichever comes first, and the
whole run stops by itself. Only 127.0.0.1 is contacted. For each URL it prints requests/s, latency
percentiles and errors at 20 clients, beside the same URL fetched by a single sequential client
(the naive baseline: no concurrency, so no queueing). A 404 means the page is not built yet and
is reported as "missing", not as an error.
"""

import argparse
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_URLS = ["/", "/map/", "/api/incidents.geojson", "/api/timeline.json", "/incidents/"]
HOST = "127.0.0.1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=10_000, help="synthetic incidents to generate")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=400, help="requests per URL under load")
    parser.add_argument("--baseline-requests", type=int, default=30, help="sequential requests per URL (1 client)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per URL, at most")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (per app server)")
    parser.add_argument("--servers", type=int, default=1, help="app servers sharing the database (and Redis if 2+)")
    parser.add_argument("--url", action="append", dest="urls", help="URL path to load (repeatable)")
    parser.add_argument(
        "--sqlite", action="store_true", help="use a temporary SQLite file instead of a throwaway PostgreSQL"
    )
    return parser.parse_args()


@dataclass
class Result:
    url: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # connection errors, timeouts
    elapsed: float = 0.0
    sizes: list[int] = field(default_factory=list)

    @property
    def count(self):
        return sum(self.statuses.values()) + self.failures

    @property
    def missing(self):
        return self.statuses.get(404, 0)

    @property
    def errors(self):
        return self.failures + sum(n for status, n in self.statuses.items() if status >= 400 and status != 404)

    def percentile(self, p):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def fetch(port: int, url: str, timeout: float = 30.0):
    """One GET on a new connection (gunicorn's sync workers close after each response)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", url, headers={"Accept-Encoding": "gzip", "Host": HOST})
        response = connection.getresponse()
        size = len(response.read())
        return response.status, time.perf_counter() - started, size
    finally:
        connection.close()


def run_load(ports: list[int], url: str, clients: int, requests: int, time_limit: float) -> Result:
    """``requests`` GETs of ``url`` from ``clients`` threads, spread over the app servers' ``ports`` in
    turn, stopping early at ``time_limit``."""
    result = Result(url)
    lock = threading.Lock()
    remaining = iter(range(requests))
    deadline = time.perf_counter() + time_limit

    def client():
        while time.perf_counter() < deadline:
            with lock:
                number = next(remaining, None)
                if number is None:
                    return
            try:
                status, latency, size = fetch(ports[number % len(ports)], url)
            except (OSError, http.client.HTTPException):
                with lock:
                    result.failures += 1
                continue
            with lock:
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status < 400:
                    result.latencies.append(latency)
                    result.sizes.append(size)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    result.elapsed = time.perf_counter() - started
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def existing_pages(env) -> list[str]:
    """Two pages the foundation already has, measured beside the targets: a province page and the
    page of the Sebha sample incident."""
    code = (
        "from ipwatch.core.models import Incident; "
        "print(Incident.objects.published().filter(place__name='Sebha').first().get_absolute_url())"
    )
    shown = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return ["/provinces/fezzan/", shown.stdout.strip().splitlines()[-1]]


def wait_until_up(port: int, process, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            fetch(port, "/accounts/login/", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute")


def format_row(load: Result, baseline: Result) -> str:
    if load.count and load.missing == load.count:
        return f"| `{load.url}` | missing (404: page not built yet) | | | | | | | |"
    rate = len(load.latencies) / load.elapsed if load.elapsed else 0
    size = statistics.median(load.sizes) / 1024 if load.sizes else 0
    return (
        f"| `{load.url}` | {rate:.0f} | {load.percentile(50):.0f} | {load.percentile(95):.0f} | "
        f"{load.percentile(99):.0f} | {load.errors} | {load.missing} | {baseline.percentile(50):.0f} | {size:.0f} |"
    )


def log_tail(path: Path, lines: int = 30) -> list[str]:
    return path.read_text(errors="replace").splitlines()[-lines:]


def start_redis(workdir: Path):
    """A throwaway redis-server for the app servers' shared cache; (process, CACHE_URL)."""
    program = shutil.which("redis-server")
    if program is None:
        raise SystemExit("--servers 2+ needs redis-server (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [program, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return process, f"redis://{HOST}:{port}/0"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def main():
    args = parse_args()
    if not args.sqlite and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # Re-run inside a throwaway PostgreSQL 15 cluster (deleted afterwards).
        script = ROOT / "scripts" / "with-postgres.sh"
        os.execvp("bash", ["bash", str(script), PYTHON, str(Path(__file__).resolve()), *sys.argv[1:]])  # noqa: S606

    workdir = Path(tempfile.mkdtemp(prefix="ipwatch-load-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on the loopback: no HTTPS redirect, no Secure-only cookies needed.
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "ERROR",  # not a "Not Found" line per 404
    }
    if args.sqlite:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'load.sqlite3'}"
    database = "PostgreSQL 15" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    processes = []
    try:
        if args.servers > 1:
            redis_process, env["CACHE_URL"] = start_redis(workdir)
            processes.append(redis_process)
        print(f"Preparing: {database}, sample data + {args.incidents} synthetic incidents, collectstatic…", flush=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_sample_data")
        manage(env, "generate_synthetic", "--incidents", str(args.incidents), "--seed", "1", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        urls = args.urls or [*TARGET_URLS, *existing_pages(env)]
        ports = []
        for number in range(args.servers):
            port = free_port()
            log = (workdir / f"gunicorn-{number}.log").open("w")
            gunicorn = subprocess.Popen(
                [str(Path(PYTHON).parent / "gunicorn"), "ipwatch.wsgi", "--workers", str(args.workers),
                 "--bind", f"{HOST}:{port}", "--error-logfile", "-"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            processes.append(gunicorn)
            wait_until_up(port, gunicorn)
            ports.append(port)
        cache = env.get("CACHE_URL", "locmem:// (per process)")
        print(
            f"{args.servers} app server(s) × {args.workers} gunicorn workers on {HOST}:{','.join(map(str, ports))}, "
            f"cache {cache}; {args.clients} clients, {args.requests} requests per URL (at most "
            f"{args.time_limit:.0f} s each)\n",
            flush=True,
        )
        rows = []
        for url in urls:
            for port in ports:
                fetch(port, url)  # warm-up: the first request fills caches and opens DB connections
            baseline = run_load(ports, url, 1, args.baseline_requests, args.time_limit)
            load = run_load(ports, url, args.clients, args.requests, args.time_limit)
            rows.append((load, baseline))
        print(
            f"| URL | req/s at {args.clients} clients | p50 ms | p95 ms | p99 ms | errors | missing (404) "
            "| 1 client p50 ms | response KiB |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for load, baseline in rows:
            print(format_row(load, baseline))
        total_errors = sum(load.errors for load, _ in rows)
        if total_errors:
            for path in sorted(workdir.glob("gunicorn-*.log")):
                print(f"{path.name} (last lines):\n" + "\n".join(log_tail(path)))
        missing = [load.url for load, _ in rows if load.missing]
        print(f"\nerrors: {total_errors}; missing pages: {', '.join(missing) or 'none'}")
        for load, _ in rows:
            unusual = {status: n for status, n in load.statuses.items() if status not in {200, 404}}
            if unusual or load.failures:
                print(f"  {load.url}: statuses {unusual}, connection failures {load.failures}")
        return 1 if total_errors else 0
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
