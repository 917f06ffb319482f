"""Real processes for the tests that need them: a database of their own (a temporary SQLite file, or a
fresh database on the PostgreSQL server of the PostgreSQL pass) migrated and loaded with the sample
data, `manage.py` subprocesses (workers, commands), gunicorn app servers and a Debian redis-server,
each on a free loopback port, stopped at the end of the test.

A missing program skips its tests, or fails them with CI=true.
"""

import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def require(program: str) -> str:
    path = shutil.which(program) or (program if Path(program).is_file() else None)
    if path is None:
        message = f"{program} is not installed (scripts/ensure-system-packages.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI=true, so this fails instead of skipping", pytrace=False)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_postgres() -> bool:
    return (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://"))


class ProcessDatabase:
    """A database the test's subprocesses share, with its environment and a way to query it."""

    def __init__(self, url: str, workdir: Path):
        self.url, self.workdir = url, workdir
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": "tests-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_MANIFEST": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "IPWATCH_IMPORT_DIR": str(workdir / "imports"),
            "IPWATCH_JOBS_DIR": str(workdir / "jobs"),
            "PUBLIC_CACHE_STAMP_FILE": str(workdir / "public-cache-version"),
            "CONN_MAX_AGE": "0",
        }

    def manage(self, *args, check=True, extra_env=None, timeout=180) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [PYTHON, "manage.py", *args], cwd=ROOT, env={**self.env, **(extra_env or {})}, capture_output=True,
            text=True, check=check, timeout=timeout,
        )  # fmt: skip

    def query(self, sql: str, params=()) -> list[tuple]:
        if is_postgres():
            import psycopg

            with psycopg.connect(self.url) as connection:
                return connection.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(urlsplit(self.url).path) as connection:
            return connection.execute(sql, params).fetchall()


@contextmanager
def process_database(workdir: Path):
    if is_postgres():
        import psycopg

        server = os.environ["DATABASE_URL"]
        name = f"ipwatch_procs_{secrets.token_hex(4)}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(server)
        url = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        url = f"sqlite:///{workdir / 'processes.sqlite3'}"
    database = ProcessDatabase(url, workdir)
    try:
        database.manage("migrate", "--noinput", "-v", "0")
        database.manage("load_sample_data", "-v", "0")
        yield database
    finally:
        if is_postgres():
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for_http(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before answering")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url} within {seconds:.0f} s")


@contextmanager
def running(args: list[str], env: dict, log: Path):
    """A background process, terminated (then killed) at the end."""
    with open(log, "w") as output:
        # S603: programs and arguments this harness chose.
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def redis_server(workdir: Path):
    program = require("redis-server")
    port = free_port()
    args = [
        program,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
    ]
    with running(args, dict(os.environ), workdir / "redis.log") as process:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (workdir / "redis.log").read_text()[-500:]
                    raise RuntimeError(f"redis-server did not start: {log}") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0", client


@contextmanager
def app_server(database: ProcessDatabase, env: dict, name: str):
    port = free_port()
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    args = [gunicorn, "ipwatch.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"]
    with running(args, {**database.env, **env}, database.workdir / f"{name}.log") as process:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/about/", process)
        yield base
