"""What several benchmarks share: percentiles, a throwaway PostgreSQL server, the bot offline."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from bot.app import build_application, offline
from bot.fakegram import FakeBotAPI, FakeRequest, FakeTelegram
from bot.settings import Settings
from models.db import make_engine


def percentile(values: list[float], share: float) -> float:
    """The value ``share`` of the way up ``values`` in order (0.95: p95), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@contextmanager
def throwaway_postgres() -> Iterator[Callable[[str], str]]:
    """A throwaway PostgreSQL server (pgserver, fsync off as in the tests) in a folder of its
    own; yields a function making a database by name and giving its URL."""
    with warnings.catch_warnings():  # pgserver says where its sockets go, when imported
        warnings.filterwarnings("ignore", "XDG_RUNTIME_DIR is not set")
        from pgserver.postgres_server import get_server  # defined (and typed) there

    data = Path(tempfile.mkdtemp(prefix="duban-bench-pg-"))
    try:
        server = get_server(data, cleanup_mode="stop")
        try:
            base = server.get_uri()
            admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                    connection.execute(text(f"ALTER SYSTEM SET {setting} = off"))
                connection.execute(text("SELECT pg_reload_conf()"))

            def database(name: str) -> str:
                with admin.connect() as connection:
                    connection.execute(text(f"CREATE DATABASE {name}"))
                return base.replace("/postgres?", f"/{name}?")

            yield database
            admin.dispose()
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(data, ignore_errors=True)


@asynccontextmanager
async def bot_offline(url: str, *, now: datetime) -> AsyncIterator[FakeTelegram]:
    """The bot's Application on the ledger at ``url``, its clock stopped at ``now``, started
    without polling and talking to the in-process fake Bot API; yields the people's side."""
    settings = Settings(_env_file=None, database_url=url, telegram_bot_token=None)
    api = FakeBotAPI()
    application = build_application(settings, request=FakeRequest(api), now=lambda: now)
    async with offline(application):
        yield FakeTelegram(application, api)
