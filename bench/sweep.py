"""One reminder sweep over 100,000 open tasks and 10,000 people, on SQLite and on PostgreSQL.

The cost of a sweep should follow what is due, not the size of the ledger: each backend gets a
ledger of 10,000 and one of 100,000 open tasks with the same tasks due. In both, 1,000 tasks are
in a reminder stage on the benchmark day and not reminded yet (one digest to each of 300
leaders), 1,000 more are in the 30-working-day window and already reminded (their stage sent and
acknowledged on the last working day), and all the others are due months ahead. The rows are in
random order, so the due ones are spread through the table as in a ledger built over years.

Measured warm, several runs each, every run from the nothing-sent-yet state (the day's
deliveries and stages deleted before it) and after a garbage collection, so that a pause for
the ledger builder's garbage does not land in one of them:

* plan: ``scheduler.sweep.due_digests`` alone, the queries and the policy;
* sweep: a whole ``sweep`` that claims, renders, sends and records the 300 digests. The sender
  is TelegramSender to the in-process fake Bot API with Telegram's limits lifted: at Telegram's
  pace 300 digests take about 10 s by design, and that part is ``bench delivery``'s;
* again: a second sweep the same minute, everything already sent: the steady state that runs
  every minute of office hours.

PostgreSQL is a throwaway pgserver (fsync off, as in the tests), analysed after the load as
autovacuum would; SQLite is a temporary file, not analysed, as the bot leaves it.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, delete, insert, text
from sqlmodel import col, select
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bench.harness import throwaway_postgres
from bench.ledger_gen import add_plan
from bot.fakegram import FakeBotAPI, FakeRequest
from models.calendar_days import calendar_days
from models.db import make_engine, session_scope, upgrade
from models.queries import insert_tasks
from models.tables import Delivery, DeliveryStatus, Person, Reminder, Role, TaskLeader
from nlu.calendar import WorkCalendar
from scheduler.policy import Deadline, escalation, reminder_horizon, stage
from scheduler.sender import Limits, TelegramSender
from scheduler.sweep import DEFAULT_POLICY, DIGEST, due_digests, stage_key, sweep

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 12, 22, 10, 0, tzinfo=ZONE).astimezone(UTC)  # a Monday, office hours
TODAY = NOW.astimezone(ZONE).date()
LAST_WORKDAY = date(2025, 12, 19)
PEOPLE = 10_000
DUE = 1_000  # tasks in a stage today, not reminded yet
DIGESTS = 300  # the leaders they are spread over
REMINDED = 1_000  # tasks in the window whose stage went out on the last working day
SIZES = (10_000, 100_000)
RUNS = 5
WARM_UP = 2
TARGET = 1.0  # seconds
TOKEN = "123456789:BenchTokenNotReal"
# Telegram's pace is bench delivery's; here the sender only shapes and hands over each message.
UNHURRIED = Limits(per_second=1e6, private_per_second=1e6, group_per_minute=1e8)
MEASURES = {
    "plan": "due_digests alone",
    "sweep": f"sweep sending {DIGESTS} digests",
    "again": "second sweep, all sent",
}


@dataclass
class Figures:
    backend: str
    size: int
    build: float
    times: dict[str, list[float]]


def _deadline_of(n: int, horizon: date) -> tuple[date | None, str, str | None]:
    """Task ``n``'s deadline in the group it belongs to: (due, due_kind, recurrence)."""
    window = (horizon - TODAY).days + 20  # from 20 days overdue to the horizon
    if n < DUE + REMINDED:
        k = n % DUE
        if k < 100:
            return None, "continuous", None  # a monthly progress request
        if n >= DUE and k < 200:
            return date(2025, 3, 31), "recurring", "quarterly"  # 每季度末: 12-31 is 7 days off
        return horizon - timedelta(days=k % window), "by", None
    return horizon + timedelta(days=30 + n % 700), "by", None  # months to two years ahead


def _build(engine: Engine, size: int) -> None:
    """The ledger: PEOPLE people on Telegram, ``size`` open tasks, the reminded ones' rows."""
    rng = random.Random(size)
    calendar = WorkCalendar()
    horizon = reminder_horizon(TODAY, calendar, DEFAULT_POLICY)
    created = NOW - timedelta(days=400)
    with session_scope(engine) as session:
        connection = session.connection()
        plan_id = add_plan(session, title="基准台账", year=2025, at=created)
        connection.execute(
            insert(Person),
            [
                {
                    "name": f"领导{n:05d}",
                    "role": Role.leader,
                    "telegram_user_id": 1_000_000 + n,
                    "telegram_chat_id": 1_000_000 + n,
                    "language": "zh_CN",
                    "reachable": True,
                    "created_at": created,
                }
                for n in range(PEOPLE)
            ],
        )
        people = list(session.exec(select(Person.id)).all())
        chased = rng.sample(people, DIGESTS)  # the leaders with something due today
        order = list(range(size))
        rng.shuffle(order)  # the due tasks anywhere in the table, not in one block
        deadlines = [_deadline_of(n, horizon) for n in order]
        rows: list[dict[str, object]] = []
        for seq, (n, (due, kind, recurrence)) in enumerate(
            zip(order, deadlines, strict=True), start=1
        ):
            rows.append(
                {
                    "plan_id": plan_id,
                    "seq": seq,
                    "number": str(seq),
                    "content": f"第{n}项任务：组织开展科普活动不少于{n % 50 + 1}场，按季度报送进展",
                    "due": due,
                    "due_text": None if due is None else due.isoformat(),
                    "due_kind": kind,
                    "recurrence": recurrence,
                    "status": "in_progress" if n % 3 else "open",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        ids = insert_tasks(session, rows=rows)
        leaders: list[dict[str, object]] = []
        sent: dict[int, list[tuple[int, str, date]]] = {}  # person -> stages already reminded
        for task_id, n, deadline in zip(ids, order, deadlines, strict=True):
            if n < DUE:
                leaders.append(
                    {"task_id": task_id, "person_id": chased[n % DIGESTS], "position": 0}
                )
                continue
            lead = rng.choice(people)
            leaders.append({"task_id": task_id, "person_id": lead, "position": 0})
            if n < DUE + REMINDED:
                chase = stage(Deadline(*deadline), TODAY, calendar, DEFAULT_POLICY)
                assert chase is not None and chase.due is not None
                sent.setdefault(lead, []).append((task_id, stage_key(chase), chase.due))
                late = escalation(Deadline(*deadline), TODAY, calendar, DEFAULT_POLICY)
                if late is not None and late.due is not None:  # escalated already, too
                    sent[lead].append((task_id, stage_key(late), late.due))
            elif n % 3 == 0:  # some tasks have a second leader
                second = rng.choice(people)
                if second != lead:
                    leaders.append({"task_id": task_id, "person_id": second, "position": 1})
        connection.execute(insert(TaskLeader), leaders)
        at = NOW - timedelta(days=3, hours=1)  # 09:00 on the last working day, a Friday
        for person_id, stages in sent.items():
            delivery = Delivery(
                person_id=person_id,
                kind=DIGEST,
                day=LAST_WORKDAY,
                status=DeliveryStatus.sent,
                claimed_at=at,
                sent_at=at,
                chat_id=1,
                message_id=1,
                acknowledged_at=at + timedelta(hours=1),
            )
            session.add(delivery)
            session.flush()
            connection.execute(
                insert(Reminder),
                [
                    {
                        "task_id": task_id,
                        "person_id": person_id,
                        "kind": kind,
                        "day": day,
                        "created_at": at,
                        "delivery_id": delivery.id,
                    }
                    for task_id, kind, day in stages
                ],
            )
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )


def _forget_today(engine: Engine) -> None:
    """Back to nothing sent yet: today's deliveries and the stages they carried deleted."""
    today = select(Delivery.id).where(Delivery.day == TODAY)
    with session_scope(engine) as session:
        session.execute(delete(Reminder).where(col(Reminder.delivery_id).in_(today)))
        session.execute(delete(Delivery).where(col(Delivery.day) == TODAY))


def _plan_once(engine: Engine) -> float:
    """Seconds of due_digests, with a calendar of its own as each sweep has (and its spans
    counted afresh: scheduler.policy remembers them per calendar)."""
    with session_scope(engine) as session:
        calendar = WorkCalendar(calendar_days(session))
        gc.collect()
        start = time.perf_counter()
        digests = due_digests(
            session, today=TODAY, calendar=calendar, policy=DEFAULT_POLICY, zone=ZONE
        )
        elapsed = time.perf_counter() - start
    assert len(digests) == DIGESTS and sum(map(len, digests.values())) == DUE, len(digests)
    return elapsed


async def _sweeps(engine: Engine, runs: int) -> tuple[list[float], list[float]]:
    """Seconds of each first sweep (all 300 digests to send) and of its same-minute twin."""
    api = FakeBotAPI()
    bot = ExtBot(TOKEN, request=FakeRequest(api), defaults=Defaults(parse_mode=ParseMode.HTML))
    firsts: list[float] = []
    agains: list[float] = []
    async with bot:
        sender = TelegramSender(bot, limits=UNHURRIED)
        for run in range(WARM_UP + runs):
            _forget_today(engine)
            api.calls.clear()
            api.messages.clear()
            gc.collect()
            start = time.perf_counter()
            report = await sweep(engine, sender, now=NOW, zone=ZONE, default_language="zh_CN")
            first = time.perf_counter() - start
            assert len(report.sent) == DIGESTS and not report.failed, report
            start = time.perf_counter()
            report = await sweep(engine, sender, now=NOW, zone=ZONE, default_language="zh_CN")
            again = time.perf_counter() - start
            assert not report.sent, report
            if run >= WARM_UP:
                firsts.append(first)
                agains.append(again)
    return firsts, agains


def _measure(backend: str, url: str, size: int) -> Figures:
    engine = make_engine(url)
    try:
        upgrade(engine)
        start = time.perf_counter()
        _build(engine, size)
        build = time.perf_counter() - start
        plans = [_plan_once(engine) for _ in range(WARM_UP + RUNS)][WARM_UP:]
        firsts, agains = asyncio.run(_sweeps(engine, RUNS))
    finally:
        engine.dispose()
    return Figures(backend, size, build, {"plan": plans, "sweep": firsts, "again": agains})


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    results: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="duban-bench-sweep-") as folder:
        for size in SIZES:
            url = f"sqlite:///{Path(folder) / f'ledger_{size}.sqlite'}"
            results.append(_measure("SQLite", url, size))
    with throwaway_postgres() as database:
        for size in SIZES:
            results.append(_measure("PostgreSQL", database(f"bench_{size}"), size))
    print(
        f"sweep: the reminder sweep of {TODAY} 10:00 (Asia/Shanghai), {PEOPLE:,} people on "
        f"Telegram; in every ledger {DUE:,} tasks due a reminder for {DIGESTS} leaders, "
        f"{REMINDED:,} in the window already reminded, the rest due months ahead."
    )
    print(
        f"  Warm, median and max of {RUNS} runs, each from nothing sent yet. Digests go through "
        f"TelegramSender to the in-process fake Bot API with Telegram's limits lifted (its "
        f"pace, ~{DIGESTS / 30:.0f} s for {DIGESTS} digests, is bench delivery's)."
    )
    print(f"  Target <= {TARGET:.0f} s; 100k/10k near 1: the cost follows what is due.")
    built = ", ".join(f"{f.backend} {f.size:,} in {f.build:.1f} s" for f in results)
    print(f"  Ledgers built (not timed below): {built}.")
    by_key = {(f.backend, f.size): f for f in results}
    for figures in results:
        for measure, label in MEASURES.items():
            values = figures.times[measure]
            median, worst = statistics.median(values), max(values)
            ratio = ""
            smaller = by_key.get((figures.backend, SIZES[0]))
            if figures.size != SIZES[0] and smaller is not None:
                base = statistics.median(smaller.times[measure])
                ratio = f"  100k/10k {median / base:.2f}"
            verdict = "ok" if worst <= TARGET else "MISSED"
            print(
                f"  {figures.backend:<10} {figures.size:>7,} tasks  {label:<28} median "
                f"{_ms(median)}  max {_ms(worst)}  (target <= {TARGET:.0f} s: {verdict}){ratio}"
            )


if __name__ == "__main__":
    main()
