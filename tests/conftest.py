"""Shared fixtures: a real database on SQLite and on PostgreSQL (a throwaway pgserver)."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.cli import main
from models.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_004 = EXAMPLES / "004_e60f2dc0b4861f44.txt"
TODAY = date(2025, 3, 3)
NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai

# make test runs every database test on both; DUBAN_TEST_POSTGRES=0 skips PostgreSQL locally.
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_ledger() -> Iterator[tuple[str, Engine]]:
    """A PostgreSQL 16 server for this test run and a migrated ledger database on it.

    Its data directory is this run's own: pytest's temp root is shared by every run on the
    machine and prunes old runs' folders, which would delete a running server's files.
    """
    if os.environ.get("DUBAN_TEST_POSTGRES") == "0":
        pytest.skip("DUBAN_TEST_POSTGRES=0")
    import pgserver

    data = Path(tempfile.mkdtemp(prefix="duban-test-pg-"))
    try:
        server = pgserver.get_server(data, cleanup_mode="stop")
        try:
            base = server.get_uri()
            admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                # A throwaway server need not survive a power cut: it need not wait for the disk.
                for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                    connection.execute(text(f"ALTER SYSTEM SET {setting} = off"))
                connection.execute(text("SELECT pg_reload_conf()"))
                connection.execute(text("CREATE DATABASE duban_test"))
            admin.dispose()
            url = base.replace("/postgres?", "/duban_test?")
            ledger = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
            upgrade(ledger)
            yield url, ledger
            ledger.dispose()
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _empty_postgres(ledger: Engine) -> None:
    """Every table of the ledger emptied and its ids restarted; the schema stays.

    Much cheaper than a new database per test. Connections a previous test left open are
    closed first, so nothing it did can hold a lock.
    """
    with ledger.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        tables = connection.execute(
            text(
                # The revision only grows: caches key on it and the database's URL, and must
                # not find the last test's ledger under the same key.
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename NOT IN ('alembic_version', 'ledgerrevision')"
            )
        ).scalars()
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def sqlite_template() -> Iterator[Path]:
    """A migrated SQLite ledger, copied for each test instead of migrating each time.

    Like the PostgreSQL server's, its folder is this run's own, outside pytest's shared root.
    """
    folder = Path(tempfile.mkdtemp(prefix="duban-test-sqlite-"))
    try:
        path = folder / "ledger.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()  # the last connection closing folds the WAL into the file
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated, empty ledger: an SQLite file, or the run's PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "ledger.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url, ledger = request.getfixturevalue("postgres_ledger")
    _empty_postgres(ledger)
    return str(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def run(*argv: str) -> tuple[int, str]:
    """`python -m bot ARGV` in process: its exit code and what it printed."""
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def ledger(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated ledger the command line uses (DATABASE_URL), speaking English."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    return database_url
