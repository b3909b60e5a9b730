"""The bot's speed and size: 我的待办 on a 10,000-task ledger, memory and time to first reply.

1. Handler time: 10,000 tasks (bench.xlsx_10k's workbook) and 1,000 people on SQLite; people
   ask 我的待办 through Application.process_update with the in-process fake Bot API.
2. A started `python -m bot run` against the fake Bot API HTTP server (tests/): seconds from
   process start to the first reply, and its resident memory once up.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from bench.harness import bot_offline, percentile
from bench.xlsx_10k import DEPARTMENTS, build
from bot.app import services_of
from bot.fakegram import user
from bot.settings import PROJECT_ROOT
from handlers.todos import PAGE_SIZE
from ledger.importing import import_document
from models.access import my_tasks
from models.db import make_engine, session_scope, upgrade
from models.queries import ensure_department
from models.tables import Person, Role

NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
PEOPLE = 1_000
ASKS = 400
WARM_UP = 20
TOKEN = "123456789:BenchTokenNotReal"


def _ledger(folder: Path) -> str:
    """10,000 tasks from the workbook, and people up to 1,000, every one bound to Telegram."""
    source = folder / "tasks.xlsx"
    build(source)
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    upgrade(make_engine(url))
    import_document(source, database_url=url, now=NOW, zone=ZoneInfo("Asia/Shanghai"))
    engine = make_engine(url)
    with session_scope(engine) as session:
        departments = [ensure_department(session, name=name).id for name in DEPARTMENTS]
        existing = len(session.exec(select(Person.id)).all())
        session.add(Person(name="督办员", role=Role.admin, created_at=NOW))
        for n in range(PEOPLE - existing - 1):
            department = departments[n % len(departments)]
            session.add(Person(name=f"员工{n:04d}", department_id=department, created_at=NOW))
        session.flush()
        for person in session.exec(select(Person)).all():
            assert person.id is not None
            person.telegram_user_id = 10_000 + person.id
            person.telegram_chat_id = person.telegram_user_id
            person.language = "zh_CN"
            session.add(person)
    engine.dispose()
    return url


def _line(label: str, values: list[float]) -> str:
    return (
        f"  {label:<22} n={len(values):<4} p50 {statistics.median(values) * 1000:6.1f} ms"
        f"   p95 {percentile(values, 0.95) * 1000:6.1f} ms"
    )


async def _handler_times(url: str) -> tuple[dict[str, list[float]], list[float]]:
    """Seconds per 我的待办 by role (through process_update), and of my_tasks alone."""
    timings: dict[str, list[float]] = {}
    queries: list[float] = []
    async with bot_offline(url, now=NOW) as telegram:
        engine = services_of(telegram.application).engine
        with session_scope(engine) as session:
            people = list(session.exec(select(Person)).all())
        by_role = {role: [p for p in people if p.role == role] for role in Role}
        rng = random.Random(4)
        for round_ in range(WARM_UP + ASKS):
            # Most askers are staff; leaders and the admin see the most, so they ask often too.
            role = rng.choice([Role.staff, Role.staff, Role.leader, Role.admin])
            person = rng.choice(by_role[role])
            assert person.telegram_user_id is not None
            start = time.perf_counter()
            calls = await telegram.send(user(person.telegram_user_id, person.name), "我的待办")
            elapsed = time.perf_counter() - start
            assert calls and calls[-1].error is None, calls
            with session_scope(engine) as session:
                start = time.perf_counter()
                my_tasks(session, person=person, limit=PAGE_SIZE)
                query = time.perf_counter() - start
            if round_ >= WARM_UP:
                timings.setdefault(role, []).append(elapsed)
                timings.setdefault("all", []).append(elapsed)
                queries.append(query)
            telegram.api.calls.clear()
    return timings, queries


def _memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        line.split(":")[0]: int(line.split()[1])
        for line in status.splitlines()
        if line.startswith(("VmRSS", "VmHWM"))
    }


def _start_up(url: str) -> dict[str, float]:
    """Time to first reply and memory of `python -m bot run`; then the first topic search."""
    from bot.fakegram_http import FakeBotAPIServer

    figures: dict[str, float] = {}
    with FakeBotAPIServer(token=TOKEN) as server:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(PROJECT_ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": server.url,
            "DATABASE_URL": url,
        }
        asker = user(10_001, "郑昌盛")
        server.say(asker, "我的待办")  # waiting before the bot even starts
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            server.wait_for(lambda call: call.method == "sendMessage", timeout=60)
            figures["first_reply"] = time.monotonic() - start
            time.sleep(0.5)  # settle
            memory = _memory(process.pid)
            figures["rss"], figures["peak"] = memory["VmRSS"], memory["VmHWM"]
            since = server.mark()
            start = time.monotonic()
            server.say(asker, "/search 科普活动")  # the first search loads jieba's dictionary
            server.wait_for(lambda call: call.method == "sendMessage", since=since, timeout=60)
            figures["first_search"] = time.monotonic() - start
            figures["rss_after_search"] = _memory(process.pid)["VmRSS"]
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = _ledger(Path(folder))
        timings, queries = asyncio.run(_handler_times(url))
        print(
            f"bot: 我的待办 on 10,000 tasks and {PEOPLE:,} people (SQLite), "
            f"{len(timings['all'])} asks through process_update (target: p95 <= 10 ms):"
        )
        for group in ("all", Role.staff, Role.leader, Role.admin):
            print(_line(f"handler, {group}", timings[group]))
        print(_line("of which access.my_tasks", queries))
        figures = _start_up(url)
        print(
            f"bot: `python -m bot run` first reply {figures['first_reply']:.2f} s after process "
            f"start (target <= 2 s); RSS {figures['rss'] / 1024:.0f} MB, peak "
            f"{figures['peak'] / 1024:.0f} MB (target <= 150 MB)"
        )
        print(
            f"bot: the first topic search (jieba loads) took {figures['first_search']:.2f} s; "
            f"RSS after it {figures['rss_after_search'] / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
