"""`import_incidents --background` against the foreground import of the same SYNTHETIC file.

    .venv/bin/python bench/background_import.py                    # 100,000 rows, SQLite then PostgreSQL
    .venv/bin/python bench/background_import.py --rows 10000 --backends sqlite

For each backend: a fresh database (a temporary SQLite file; a throwaway PostgreSQL 15 cluster from
scripts/with-postgres.sh), migrated, with the sample data. The foreground import runs first and its
incidents are fingerprinted; then, in a second fresh database, the same file goes through
`import_incidents --background` and a real `manage.py db_worker --batch` process while this script
samples the job's progress (rows done / total) as the admin shows it. Prints a table and checks
that both give the same incidents (same count, same fingerprint of every owned field and place).
The file comes from bench/import.py's generator (var/bench/acled_synthetic_<N>.csv; every row says
SYNTHETIC and has is_synthetic=1).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def generate(rows: int) -> Path:
    """bench/import.py's SYNTHETIC ACLED file generator (a module named `import` cannot be imported plainly)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_import", Path(__file__).with_name("import.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(rows)


FINGERPRINT = """
from hashlib import sha256
from ipwatch.core.models import Incident
rows = Incident.objects.filter(external_source="acled").order_by("external_id").values_list(
    "external_id", "date", "date_precision", "incident_type", "target_type", "summary", "killed_best", "status",
    "province__slug", "place__name", "place__latitude", "place__longitude")
digest = sha256()
for row in rows.iterator():
    digest.update(repr(row).encode())
print(rows.count(), digest.hexdigest()[:16])
"""


def manage(env, *args, capture=True) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return done.stdout if capture else ""


def fresh(env: dict) -> None:
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_sample_data", "-v", "0")


def measure(env: dict, second_url: str, path: Path) -> list[str]:
    fresh(env)
    started = time.perf_counter()
    manage(env, "import_incidents", str(path), "--format", "acled", "-v", "0")
    foreground = time.perf_counter() - started
    fg_print = manage(env, "shell", "-c", FINGERPRINT).strip().splitlines()[-1]
    print(f"  foreground: {foreground:.1f} s, {fg_print}", flush=True)

    env = {**env, "DATABASE_URL": second_url}  # the background run gets a fresh database of its own
    fresh(env)
    started = time.perf_counter()
    queued = manage(env, "import_incidents", str(path), "--format", "acled", "--background")
    job = int(re.search(r"Queued job #(\d+)", queued).group(1))
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    samples = []
    probe = (
        "from ipwatch.jobs.models import Job; j = Job.objects.get(pk=%d); d, t = j.live_progress(); "
        "p = j.live_phase(); print(j.state, d, t, (f'{p.phase}: {p.phase_done}/{p.phase_total}' if p.phase_total "
        "else p.phase) if p else '')"
    ).replace("pk=%d", f"pk={job}")
    while worker.poll() is None:
        time.sleep(10)
        state, done, total, *step = manage(env, "shell", "-c", probe).strip().splitlines()[-1].split(maxsplit=3)
        step_text = f", {step[0]}" if step else ""
        samples.append(f"{time.perf_counter() - started:.0f}s: {done}/{total} ({state}{step_text})")
    background = time.perf_counter() - started
    state, done, total = manage(env, "shell", "-c", probe).strip().splitlines()[-1].split()[:3]
    bg_print = manage(env, "shell", "-c", FINGERPRINT).strip().splitlines()[-1]
    same = "yes" if fg_print == bg_print else f"NO ({fg_print} vs {bg_print})"
    print(f"  progress samples: {'; '.join(samples) or '(finished before the first sample)'}")
    return [f"{foreground:.1f}", f"{background:.1f}", f"{state} {done}/{total}", fg_print.split()[0], same]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    path = generate(args.rows)
    backends = args.backends.split(",")
    if os.environ.get("IPWATCH_BENCH_BACKEND"):
        backends = [os.environ["IPWATCH_BENCH_BACKEND"]]
    results = []
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="ipwatch-bg-") as workdir:
            env = {**os.environ, "SECRET_KEY": "bench-only", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
                   "IPWATCH_IMPORT_DIR": f"{workdir}/imports", "IPWATCH_JOBS_DIR": f"{workdir}/jobs",
                   "STATIC_MANIFEST": "0", "LOG_LEVEL": "ERROR"}  # fmt: skip
            if backend == "postgresql" and not env.get("DATABASE_URL", "").startswith("postgres"):
                script = ROOT / "scripts" / "with-postgres.sh"
                rerun = [PYTHON, str(Path(__file__).resolve()), "--rows", str(args.rows), "--backends", "postgresql"]
                subprocess.run(["bash", str(script), *rerun], check=True)
                continue
            if backend == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
                second = f"sqlite:///{workdir}/bench-background.sqlite3"
            else:
                import psycopg

                with psycopg.connect(env["DATABASE_URL"], autocommit=True) as admin:
                    admin.execute("CREATE DATABASE ipwatch_bench_background")
                second = env["DATABASE_URL"].rsplit("/", 1)[0] + "/ipwatch_bench_background"
            print(f"{backend}: {args.rows:,} rows…", flush=True)
            results.append([backend, f"{args.rows:,}", *measure(env, second, path)])
    if results:
        print("| backend | rows | foreground s | --background + worker s | job at the end | incidents | same result |")
        print("|---|---:|---:|---:|---|---:|---|")
        for row in results:
            print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
