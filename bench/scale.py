"""How the answers to four everyday asks grow with the ledger: 1k, 10k and 100k tasks.

The ledger is bench.ledger_gen's synthetic one (people = tasks / 10), on SQLite (a file in a
temporary folder) and on PostgreSQL (a throwaway pgserver, fsync off as in the tests), with
statistics gathered after the load as a deployment would have them (SQLite ANALYZE; PostgreSQL
VACUUM ANALYZE, what autovacuum does after a bulk load). The asks:

* 我的待办 from a leader who leads exactly 20 open tasks;
* /search 大篷车 from the admin: exactly 20 open tasks mention it;
* /search 青少年 from the admin: no task does;
* 逾期的 from the admin, who sees the whole ledger (a good part of it is overdue).

Each ask is a text message through Application.process_update, with the in-process fake Bot
API, timed from the update to the reply sent; warm-up first, then several runs of each ask in
turn, each ledger in a process of its own (a bot serves one ledger). The SQL statements each
ask executes are counted (the goal: 2–3). Every answer is checked once per ledger (its count
and the tasks it lists), so no figure is printed for a wrong one. Benchmarks are not tests:
nothing is asserted about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from bench.harness import bot_offline, percentile, throwaway_postgres
from bench.ledger_gen import NOW, SyntheticLedger, build_ledger
from bot.app import services_of
from bot.fakegram import Call, FakeTelegram, html_to_text, user
from handlers.todos import PAGE_SIZE
from models.access import COUNT_CAP
from models.db import make_engine, upgrade

SIZES = (1_000, 10_000, 100_000)
DATABASES = ("sqlite", "postgresql")
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
RUNS = 30
WARM_UP = 5
COUNT = re.compile(r"(\d+\+?)\s*$")  # a list's heading ends with how many it holds
NUMBER = re.compile(r"第(\d+)项")  # how a task line names the task (zh_CN)


@dataclass(frozen=True)
class Ask:
    """A question someone asks the bot, and the tasks its answer should hold."""

    label: str
    text: str
    asker: Callable[[SyntheticLedger], int]  # their Telegram user id
    expected: Callable[[SyntheticLedger], frozenset[str]]  # task numbers
    baseline: str  # the SQLite figures (p50 · p95 ms) at 1k / 10k / 100k


ASKS = (
    Ask(
        "我的待办 (leader, 20 tasks)",
        "我的待办",
        lambda ledger: ledger.quiet_leader,
        lambda ledger: ledger.quiet_tasks,
        "4.5 · 15 / 18 · 24 / 131 · 188",
    ),
    Ask(
        "/search 大篷车 (20 hits)",
        "/search 大篷车",
        lambda ledger: ledger.admin,
        lambda ledger: ledger.caravan_tasks,
        "7 · 20 / 35 · 42 / 259 · 393",
    ),
    Ask(
        "/search 青少年 (0 hits)",
        "/search 青少年",
        lambda ledger: ledger.admin,
        lambda ledger: frozenset(),
        "7 / 30 / 266",
    ),
    Ask(
        "逾期的 (admin)",
        "逾期的",
        lambda ledger: ledger.admin,
        lambda ledger: ledger.overdue_tasks,
        "4–6 / 6–8 / 7–8",
    ),
)


@dataclass
class Figures:
    """One ledger's: how long it took to build, and per ask its times and statement counts."""

    database: str
    size: int
    build: float  # seconds, statistics included
    seconds: dict[str, list[float]] = field(default_factory=dict)
    statements: dict[str, list[int]] = field(default_factory=dict)


class StatementCounter:
    """Counts the statements an engine sends to the database (each executemany once)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _reply(calls: list[Call]) -> str:
    """The text of the message the bot sent in reply; raises when it sent none."""
    sent = [call for call in calls if call.method == "sendMessage" and call.error is None]
    if not sent:
        raise RuntimeError(f"no reply: {calls}")
    return html_to_text(sent[-1].text)


def _check(ask: Ask, ledger: SyntheticLedger, reply: str) -> None:
    """Raise unless ``reply`` says how many tasks the ask should find and lists only those."""
    expected = ask.expected(ledger)
    count = f"{COUNT_CAP}+" if len(expected) > COUNT_CAP else str(len(expected))
    heading, *lines = reply.splitlines()
    said = COUNT.search(heading)
    listed = NUMBER.findall("\n".join(lines))
    right = len(listed) == min(PAGE_SIZE, len(expected)) and set(listed) <= expected
    if said is None or said.group(1) != count or not right:
        raise RuntimeError(
            f"{ledger.tasks:,} tasks, {ask.text}: expected {count} tasks, got:\n{reply}"
        )


async def _ask_all(url: str, ledger: SyntheticLedger, figures: Figures, runs: int) -> None:
    """Warm up, check each answer once, then time ``runs`` rounds of the asks in turn."""
    async with bot_offline(url, now=NOW) as telegram:
        counter = StatementCounter(services_of(telegram.application).engine)
        try:
            for _round in range(WARM_UP):
                for ask in ASKS:
                    await _send(telegram, ask, ledger)
            for ask in ASKS:
                _check(ask, ledger, _reply(await _send(telegram, ask, ledger)))
            gc.collect()
            for _run in range(runs):
                for ask in ASKS:
                    counter.count = 0
                    start = time.perf_counter()
                    await _send(telegram, ask, ledger)
                    elapsed = time.perf_counter() - start
                    figures.seconds.setdefault(ask.label, []).append(elapsed)
                    figures.statements.setdefault(ask.label, []).append(counter.count)
        finally:
            counter.close()


async def _send(telegram: FakeTelegram, ask: Ask, ledger: SyntheticLedger) -> list[Call]:
    calls = await telegram.send(user(ask.asker(ledger), "同事"), ask.text)
    telegram.api.calls.clear()
    return calls


def _analyse(engine: Engine) -> None:
    """Statistics, as a deployment has them: ANALYZE; on PostgreSQL as autovacuum leaves it."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        postgres = engine.dialect.name == "postgresql"
        connection.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))


def _measure(database: str, url: str, size: int, runs: int) -> Figures:
    engine = make_engine(url)
    try:
        upgrade(engine)
        start = time.perf_counter()
        ledger = build_ledger(engine, tasks=size)
        _analyse(engine)
        build = time.perf_counter() - start
    finally:
        engine.dispose()
    figures = Figures(NAMES[database], size, build)
    asyncio.run(_ask_all(url, ledger, figures, runs))
    print(f"  … {figures.database} {size:,} tasks: built in {build:.1f} s, asked", flush=True)
    return figures


def _isolated(database: str, url: str, size: int, runs: int) -> Figures:
    """``_measure`` in a fresh process: a bot process serves one ledger, and what the bot keeps
    per process (ledger.understanding's task index of each ledger) must not weigh on the next."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(_measure, database, url, size, runs).result()


def _ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    return f"{milliseconds:.1f}" if milliseconds < 100 else f"{milliseconds:.0f}"


def _size(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _statements(counts: Sequence[list[int]]) -> str:
    """ "3" when every run at every size took 3; else per size, with a range if runs differ."""
    spans = [f"{min(c)}" if min(c) == max(c) else f"{min(c)}–{max(c)}" for c in counts]
    return spans[0] if len(set(spans)) == 1 else " / ".join(spans)


def _table(results: list[Figures], sizes: Sequence[int]) -> list[str]:
    first, last = _size(sizes[0]), _size(sizes[-1])
    lines = [
        "| ask | database | "
        + " | ".join(f"{_size(size)} p50 · p95" for size in sizes)
        + f" | {last}/{first} p50 | SQL statements | issue baseline, SQLite "
        + " / ".join(_size(size) for size in SIZES)
        + " |",
        "|" + " --- |" * (len(sizes) + 5),
    ]
    for ask in ASKS:
        for database in dict.fromkeys(figures.database for figures in results):
            row = [f for f in results if f.database == database]
            times = [f.seconds[ask.label] for f in row]
            cells = [f"{_ms(statistics.median(t))} · {_ms(percentile(t, 0.95))}" for t in times]
            ratio = statistics.median(times[-1]) / statistics.median(times[0])
            baseline = ask.baseline if database == "SQLite" else ""
            counts = _statements([f.statements[ask.label] for f in row])
            lines.append(
                f"| {ask.label} | {database} | {' | '.join(cells)} | {ratio:.1f}× "
                f"| {counts} | {baseline} |"
            )
    return lines


def _options(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench scale", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="ledger sizes in tasks, comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help="sqlite, postgresql or both (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each ask")
    options = parser.parse_args(list(argv))
    options.sizes = sorted(int(size.replace("_", "")) for size in options.sizes.split(","))
    options.databases = [name.strip().lower() for name in options.databases.split(",")]
    unknown = set(options.databases) - set(DATABASES)
    if unknown:
        parser.error(f"unknown database {', '.join(sorted(unknown))}")
    return options


def main(argv: Sequence[str] = ()) -> None:
    """The full table (every size, both databases) unless ``argv`` narrows it."""
    options = _options(argv)
    sizes: list[int] = options.sizes
    runs: int = options.runs
    results: list[Figures] = []
    load = os.getloadavg()[0]
    print(f"scale: 4 asks on synthetic ledgers of {', '.join(f'{s:,}' for s in sizes)} tasks")
    if "sqlite" in options.databases:
        with tempfile.TemporaryDirectory(prefix="duban-bench-scale-") as folder:
            for size in sizes:
                url = f"sqlite:///{Path(folder) / f'ledger_{size}.sqlite'}"
                results.append(_isolated("sqlite", url, size, runs))
    if "postgresql" in options.databases:
        with throwaway_postgres() as database:
            for size in sizes:
                url = database(f"bench_scale_{size}")
                results.append(_isolated("postgresql", url, size, runs))
    print()
    print(
        f"Milliseconds from update to reply through Application.process_update (fake Bot API), "
        f"p50 · p95 of {runs} runs after {WARM_UP} to warm up; people = tasks / 10; "
        f"SQL statements per ask (goal: 2–3)."
    )
    print()
    for line in _table(results, sizes):
        print(line)
    print()
    for name in dict.fromkeys(figures.database for figures in results):
        built = ", ".join(f"{_size(f.size)} {f.build:.1f} s" for f in results if f.database == name)
        print(f"Ledger built (synthetic, with statistics) on {name}: {built}.")
    # Other work on the machine (the PostgreSQL server is one) shows in the figures.
    print(
        f"Machine: {os.cpu_count()} CPUs, load average (1 min) {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end."
    )


if __name__ == "__main__":
    main(sys.argv[1:])
