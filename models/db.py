"""Engines, sessions and schema upgrades: the one way to reach the database.

SQLAlchemy and alembic are imported where they are used, not at the top: `python -m bot
parse-date` asks this module only whether there is a database file, and a ledger already at
the newest schema never needs alembic (a tenth of a second to import, on top of SQLAlchemy).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine
    from sqlmodel import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# A SQLite URL as SQLAlchemy reads it: its file is the path after sqlite:///, up to any query.
_SQLITE_URL = re.compile(r"sqlite(?:\+\w+)?://(?:/(?P<database>[^?]*))?(?:\?.*)?", re.DOTALL)
# A migration script's header lines: revision = "0008", down_revision = "0007" (or a tuple).
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def nothing_stored_at(url: str) -> bool:
    """True when ``url`` is a SQLite database in memory or in a file that does not exist.

    Told without importing SQLAlchemy, so that reading nothing costs nothing.
    """
    found = _SQLITE_URL.fullmatch(url)
    if found is None:
        return False  # another database: only connecting tells
    database = unquote(found["database"] or "")
    return not database or database == ":memory:" or not Path(database).is_file()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and foreign keys, its folder is created."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No ping before every checkout: that is a round trip per ask. Connections are renewed
    # after half an hour instead, well before a server or a firewall drops idle ones.
    return create_engine(url, pool_recycle=1800)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls everything back on error."""
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _alembic_config(engine: Engine | None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the app does this on start)."""
    if revision == "head" and current_revision(engine) == head_revision():
        return  # the usual case: one query, and alembic is never imported
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


@contextmanager
def ledger_engine(url: str) -> Iterator[Engine]:
    """An engine on ``url`` with the schema brought up to date, disposed when the block ends."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


@cache
def head_revision() -> str | None:
    """The newest schema revision the code knows.

    Read from the scripts' ``revision`` and ``down_revision`` lines, as alembic reads them but
    without importing it: a start on a ledger at head then never loads alembic. Read rather
    than written down here, so that a new migration is the head as soon as it is added or
    merged. Scripts whose lines name no single head (two heads, a header written another way)
    are left to alembic, to find the head or to say what is wrong.
    """
    heads = script_heads(MIGRATIONS / "versions")
    if heads is not None and len(heads) <= 1:
        return next(iter(heads), None)
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


def script_heads(versions: Path) -> set[str] | None:
    """The revisions no script in ``versions`` revises; None if a script's header is unread."""
    parents: dict[str, list[str]] = {}
    for script in versions.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            return None
        parents[revision[1]] = _QUOTED.findall(down[1])
    return set(parents) - {parent for found in parents.values() for parent in found}


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    from sqlalchemy import inspect, text

    # alembic's own table, read as alembic's MigrationContext reads it, without importing it.
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        query = text("SELECT version_num FROM alembic_version")
        revision: str | None = connection.execute(query).scalar_one_or_none()
        return revision
