"""The embedded SQLite default stays usable while something writes: readers read during a long
write transaction (an import) instead of failing with "database is locked", and a second writer
waits for the first instead of failing at once.

These open their own connections, configured exactly as the project's (settings.DATABASES), on a
database file: the test database is in memory, where neither WAL nor file locks exist. (PostgreSQL
lets readers read during a write by design: MVCC.)
"""

import contextlib
import threading

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking only")


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    with django_db_blocker.unblock():  # our own connections to our own file, not the test database
        yield


@contextlib.contextmanager
def project_connections(path, *aliases):
    """Connections built from the project's settings for the default database, on `path`, one per
    alias; closed at the end."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    settings = {**connections["default"].settings_dict, "NAME": str(path)}
    wrappers = [DatabaseWrapper(settings, alias=alias) for alias in aliases]
    try:
        for wrapper in wrappers:
            wrapper.ensure_connection()
        yield wrappers
    finally:
        for wrapper in wrappers:
            wrapper.close()


@pytest.fixture
def database_file(tmp_path):
    path = tmp_path / "concurrency.sqlite3"
    with project_connections(path, "setup") as (setup,):
        setup.connection.execute("CREATE TABLE incident (id INTEGER PRIMARY KEY, summary TEXT)")
        setup.connection.execute("INSERT INTO incident (summary) VALUES ('committed before the import')")
    return path


def test_the_database_runs_in_wal_mode_with_a_busy_timeout(database_file):
    with project_connections(database_file, "check") as (db,):
        assert db.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000


def test_a_reader_reads_while_an_import_holds_its_write_lock(database_file):
    with project_connections(database_file, "writer", "reader") as (writer, reader):
        # What a big import does once its changes outgrow the page cache: the exclusive lock. With
        # a rollback journal every reader then fails ("database is locked") until it commits.
        writer.connection.execute("BEGIN EXCLUSIVE")
        writer.connection.executemany(
            "INSERT INTO incident (summary) VALUES (?)", [(f"imported {n}",) for n in range(20_000)]
        )
        # Without WAL this read waits out the busy timeout and fails ("database is locked"): the
        # import only commits below, after the read.
        count = reader.connection.execute("SELECT count(*) FROM incident").fetchone()[0]
        assert count == 1  # the last committed state, without waiting for the import
        writer.connection.execute("COMMIT")
        assert reader.connection.execute("SELECT count(*) FROM incident").fetchone()[0] == 20_001


def test_a_second_writer_waits_for_the_first(database_file):
    with project_connections(database_file, "first", "second") as (first, second):
        first.connection.execute("BEGIN IMMEDIATE")
        first.connection.execute("INSERT INTO incident (summary) VALUES ('first writer')")
        threading.Timer(0.5, lambda: first.connection.execute("COMMIT")).start()
        # Without a busy timeout this fails at once with "database is locked".
        second.connection.execute("INSERT INTO incident (summary) VALUES ('second writer')")
        summaries = [row[0] for row in second.connection.execute("SELECT summary FROM incident ORDER BY id")]
        assert summaries[-2:] == ["first writer", "second writer"]


def test_write_transactions_take_their_lock_when_they_begin():
    # Two DEFERRED transactions that both read then write deadlock; SQLite then answers one of
    # them "database is locked" at once, whatever the busy timeout. IMMEDIATE makes it wait.
    assert connections["default"].settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
