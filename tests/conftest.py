"""Shared fixtures: a real database on SQLite and on PostgreSQL (a throwaway pgserver)."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from models.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_004 = EXAMPLES / "004_e60f2dc0b4861f44.txt"
TODAY = date(2025, 3, 3)
NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai

# make test runs every database test on both; DUBAN_TEST_POSTGRES=0 skips PostgreSQL locally.
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A PostgreSQL 16 server for this test run, with a migrated template database.

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
                connection.execute(text("CREATE DATABASE duban_template"))
            template = make_engine(base.replace("/postgres?", "/duban_template?"))
            upgrade(template)
            template.dispose()
            yield base
            admin.dispose()
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: an SQLite file, or a copy of the PostgreSQL template."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        upgrade(make_engine(url))
        yield url
        return
    base: str = request.getfixturevalue("postgres_template")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE duban_template"))
    yield base.replace("/postgres?", f"/{name}?")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
