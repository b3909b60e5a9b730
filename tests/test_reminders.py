"""The reminder engine through the real Application, database and fake Bot API, on a set clock."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.app import SENDER_KEY, run_sweep
from bot.cli import main
from bot.fakegram import Call, html_to_text
from models.db import session_scope
from models.reminders import NewStage, claim
from models.tables import Delivery, Person, Reminder, Role, Task, TaskLeader
from nlu.calendar import BUILT_IN
from scheduler.sender import Limits, TelegramSender
from tests.conftest import SEED_004
from tests.test_bot_support import Harness, answers, running_bot, text_of

ZONE = ZoneInfo("Asia/Shanghai")


def at(moment: str) -> datetime:
    """An office-time moment as the UTC instant the bot's clock holds."""
    return datetime.fromisoformat(moment).replace(tzinfo=ZONE).astimezone(UTC)


# The simulated clock jumps days in milliseconds; Telegram's pace (1 message a second to a
# chat, tested in test_sender) would make each simulated day wait a real second.
UNHURRIED = Limits(per_second=10_000, private_per_second=10_000, group_per_minute=600_000)


def unhurried(harness: Harness) -> Harness:
    harness.application.bot_data[SENDER_KEY] = TelegramSender(
        harness.application.bot, limits=UNHURRIED
    )
    return harness


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield unhurried(harness)


def digests(calls: list[Call], chat_id: int | None = None) -> list[Call]:
    return [
        call
        for call in calls
        if call.method == "sendMessage"
        and call.error is None
        and (chat_id is None or call.params["chat_id"] == chat_id)
    ]


async def sweep_at(bot: Harness, moment: str) -> list[Call]:
    bot.clock.now = at(moment)
    start = len(bot.api.calls)
    await run_sweep(bot.application)
    return bot.api.calls[start:]


def zheng(bot: Harness) -> int:
    user = bot.person("郑昌盛", language="zh_CN")
    return int(user["id"])


async def test_a_leader_gets_one_digest_on_a_tier_day_and_never_twice(bot: Harness) -> None:
    chat = zheng(bot)
    calls = await sweep_at(bot, "2025-12-22 10:00")  # 7 working days before 2025-12-31
    (digest,) = digests(calls, chat)
    text = text_of([digest])
    assert text.startswith("2025-12-22 的提醒")
    assert "还有 7 个工作日" in text and "第1项" in text
    labels = [button["text"] for button in digest.buttons]
    assert labels[:4] == ["收到", "报告进度", "明天再提醒", "下周再提醒"]
    assert any(label.startswith("查看") for label in labels)
    assert digests(await sweep_at(bot, "2025-12-22 10:01")) == []  # the same minute's twin
    assert digests(await sweep_at(bot, "2025-12-22 17:30")) == []  # one digest a day


async def test_unacknowledged_reminders_come_once_more_the_next_working_day(bot: Harness) -> None:
    chat = zheng(bot)
    first = digests(await sweep_at(bot, "2025-12-22 09:00"), chat)
    again = digests(await sweep_at(bot, "2025-12-23 09:00"), chat)
    assert len(first) == len(again) == 1
    assert "第1项" in text_of(again)
    assert digests(await sweep_at(bot, "2025-12-24 09:00"), chat) == []  # not until the next tier
    tier = digests(await sweep_at(bot, "2025-12-26 09:00"), chat)  # 3 working days before
    assert "还有 3 个工作日" in text_of(tier)


async def test_acknowledged_reminders_are_not_repeated(bot: Harness) -> None:
    chat = zheng(bot)
    (first,) = digests(await sweep_at(bot, "2025-12-22 09:00"), chat)
    pressed = await bot.press(bot.users["郑昌盛"], first, "收到")
    assert answers(pressed)[0].params["text"] == "知道了，这些提醒不再重复。"
    assert digests(await sweep_at(bot, "2025-12-23 09:00"), chat) == []


async def test_snoozed_reminders_come_back_on_the_day_chosen(bot: Harness) -> None:
    chat = zheng(bot)
    (first,) = digests(await sweep_at(bot, "2025-12-22 09:00"), chat)
    bot.clock.now = at("2025-12-22 11:00")
    pressed = await bot.press(bot.users["郑昌盛"], first, "下周再提醒")
    assert "2025-12-29" in answers(pressed)[0].params["text"]
    for day in ("2025-12-23", "2025-12-24", "2025-12-25"):
        assert digests(await sweep_at(bot, f"{day} 09:00"), chat) == []
    # 12-26 is the 3-day tier of the same tasks: a new stage is not held back by a snooze.
    assert digests(await sweep_at(bot, "2025-12-26 09:00"), chat)
    back = digests(await sweep_at(bot, "2025-12-29 09:00"), chat)
    assert len(back) == 1


async def test_nothing_goes_out_on_a_holiday_or_outside_office_hours(bot: Harness) -> None:
    chat = zheng(bot)
    assert digests(await sweep_at(bot, "2025-10-01 10:00"), chat) == []  # National Day
    assert digests(await sweep_at(bot, "2025-09-29 08:59"), chat) == []
    assert digests(await sweep_at(bot, "2025-09-29 18:00"), chat) == []
    assert digests(await sweep_at(bot, "2025-09-29 09:00"), chat)  # 1 working day before 9-30


async def test_a_person_who_blocked_the_bot_is_marked_and_the_office_told_once(
    bot: Harness,
) -> None:
    chat = zheng(bot)
    clerk = int(bot.person("王督办", role=Role.admin, language="zh_CN")["id"])
    bot.api.blocked.add(chat)
    calls = await sweep_at(bot, "2025-12-22 09:00")
    assert [c.error for c in calls if c.params.get("chat_id") == chat] == [
        "Forbidden: bot was blocked by the user"
    ]
    assert not bot.stored("郑昌盛").reachable
    (notice,) = [c for c in digests(calls, clerk) if "无法把提醒送达" in text_of([c])]
    assert "无法把提醒送达郑昌盛" in text_of([notice]) and "/start" in text_of([notice])
    calls = await sweep_at(bot, "2025-12-23 09:00")
    assert [c for c in calls if c.params.get("chat_id") == chat] == []
    assert not any("无法把提醒送达" in text_of([c]) for c in digests(calls, clerk))  # once
    bot.api.blocked.discard(chat)
    await bot.say(bot.users["郑昌盛"], "我的待办")  # back: writing to the bot again
    assert bot.stored("郑昌盛").reachable
    assert digests(await sweep_at(bot, "2025-12-26 09:00"), chat)


async def test_a_claim_a_crash_left_is_sent_once_more_and_never_twice(bot: Harness) -> None:
    chat = zheng(bot)
    with session_scope(bot.engine) as session:
        person = session.exec(select(Person).where(Person.name == "郑昌盛")).one()
        task = session.exec(select(Task).where(Task.number == "1")).one()
        assert person.id is not None and task.id is not None
        ids = (person.id, task.id)
    # The bot claimed today's digest at 09:00 and died before sending it.
    crashed = claim(
        bot.engine,
        person_id=ids[0],
        kind="digest",
        day=date(2025, 12, 22),
        now=at("2025-12-22 09:00"),
        stages=[NewStage(ids[1], "before:7", date(2025, 12, 31))],
    )
    assert crashed is not None
    assert digests(await sweep_at(bot, "2025-12-22 09:05"), chat) == []  # maybe still sending
    resent = digests(await sweep_at(bot, "2025-12-22 09:11"), chat)
    assert len(resent) == 1 and "第1项" in text_of(resent)
    assert digests(await sweep_at(bot, "2025-12-22 09:30"), chat) == []
    with session_scope(bot.engine) as session:
        delivery = session.get(Delivery, crashed)
        assert delivery is not None and (delivery.status, delivery.attempts) == ("sent", 2)


async def test_two_bots_on_one_database_send_each_digest_once(database_url: str) -> None:
    async with running_bot(database_url) as one, running_bot(database_url, seed=False) as two:
        chat = zheng(one)
        two.api = one.api  # both talk to the same Telegram
        for harness in (one, two):
            harness.clock.now = at("2025-12-22 09:00")
        start = len(one.api.calls)
        await asyncio.gather(run_sweep(one.application), run_sweep(two.application))
        assert len(digests(one.api.calls[start:], chat)) == 1
        with session_scope(one.engine) as session:
            assert len(session.exec(select(Delivery)).all()) == 1


async def test_view_shows_the_task_to_its_leader_and_refuses_anyone_else(bot: Harness) -> None:
    chat = zheng(bot)
    (digest,) = digests(await sweep_at(bot, "2025-12-22 09:00"), chat)
    view = next(b["text"] for b in digest.buttons if b["text"].startswith("查看"))
    shown = await bot.press(bot.users["郑昌盛"], digest, view)
    assert "完成时限" in text_of(shown) or "期限" in text_of(shown)
    stranger = bot.person("李四", role=None, language="zh_CN")
    refused = await bot.press(stranger, digest, "收到")
    assert answers(refused)[0].params["text"] == "这些提醒是发给别人的。"
    with session_scope(bot.engine) as session:
        assert all(d.acknowledged_at is None for d in session.exec(select(Delivery)))


async def test_a_finished_task_is_not_chased(bot: Harness) -> None:
    chat = zheng(bot)
    with session_scope(bot.engine) as session:
        for task in session.exec(select(Task).where(Task.due == date(2025, 12, 31))):
            task.status = "done"
            session.add(task)
    calls = await sweep_at(bot, "2025-12-22 09:00")
    assert all("2025-12-31" not in text_of([call]) for call in digests(calls, chat))


async def test_a_year_day_by_day_calm_digests_on_working_days_only(bot: Harness) -> None:
    with session_scope(bot.engine) as session:
        leaders = [p.name for p in session.exec(select(Person).where(Person.role == "leader"))]
    chats = {int(bot.person(name, language="zh_CN")["id"]): name for name in leaders}
    assert len(chats) >= 4
    day, sent = date(2025, 1, 1), 0
    while day <= date(2025, 12, 31):
        for moment in ("08:30", "09:00", "13:00", "18:30"):
            calls = await sweep_at(bot, f"{day.isoformat()} {moment}")
            mine = digests(calls)
            if mine:  # only inside office hours, only on working days, one per person
                assert moment in ("09:00", "13:00") and BUILT_IN.is_workday(day), day
                sent += len(mine)
            assert len({c.params["chat_id"] for c in mine}) == len(mine), day
        day += timedelta(days=1)
    with session_scope(bot.engine) as session:
        deliveries = session.exec(select(Delivery)).all()
        per_day = [(d.person_id, d.day) for d in deliveries]
        assert len(per_day) == len(set(per_day)) == sent  # at most one digest a day each
        first_sent: dict[tuple[int, int], date] = {}
        for reminder, delivery in session.exec(
            select(Reminder, Delivery).join(Delivery, Reminder.delivery_id == Delivery.id)
        ):
            key = (reminder.task_id, reminder.person_id)
            first_sent[key] = min(first_sent.get(key, delivery.day), delivery.day)
        links = session.exec(
            select(Task, TaskLeader).join(TaskLeader, TaskLeader.task_id == Task.id)
        ).all()
        for task, link in links:
            if task.due is None or task.due_kind == "recurring" or task.due.year != 2025:
                continue
            if task.due < date(2025, 2, 15):
                continue  # fell due before the engine's first weeks: chased as overdue
            key = (link.task_id, link.person_id)
            assert key in first_sent and first_sent[key] <= task.due, (task.number, task.due)


def test_the_plan_of_a_year_reminds_every_leader_before_every_deadline(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    out = io.StringIO()
    assert main(["import", str(SEED_004), "--today", "2025-01-01"], out=out) == 0
    out = io.StringIO()
    assert main(["tasks", "--json"], out=out) == 0
    tasks = json.loads(out.getvalue())
    out = io.StringIO()
    assert (
        main(["reminders", "plan", "--from", "2025-01-01", "--to", "2026-01-31", "--json"], out=out)
        == 0
    )
    planned = json.loads(out.getvalue())
    seen: dict[tuple[str, str], list[date]] = {}
    days_per_person: set[tuple[str, str]] = set()
    for digest in planned:
        if digest["kind"] == "weekly":
            continue  # weekly digests have their own time and rule: tests/test_weekly.py
        at = datetime.fromisoformat(digest["at"])
        assert at.utcoffset() == timedelta(hours=8)
        assert time(9) <= at.time() < time(18) and BUILT_IN.is_workday(at.date())
        key = (digest["person"], at.date().isoformat())
        assert key not in days_per_person  # one digest a person a day
        days_per_person.add(key)
        assert digest["kind"] == "digest"
        for number in digest["tasks"]:
            seen.setdefault((digest["person"], number), []).append(at.date())
    for task in tasks:
        if task["due"] is None or task["kind"] == "recurring" or task["number"] is None:
            continue
        due = date.fromisoformat(task["due"])
        for leader in task["leaders"]:
            days = seen.get((leader, task["number"]), [])
            assert days and min(days) <= due, (task["number"], leader)
    assert main(["reminders", "log"], out=io.StringIO()) == 0  # a plan sends nothing


def test_the_reminders_log_says_what_was_sent_and_what_failed(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_two_sweeps(bot))
    monkeypatch.setenv("DATABASE_URL", str(bot.engine.url.render_as_string(hide_password=False)))
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    out = io.StringIO()
    assert main(["reminders", "log"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert any("郑昌盛  digest  10 tasks  sent" in line for line in lines)
    assert any(
        "陈汉平" in line and "unreachable  (Forbidden: bot was blocked" in line for line in lines
    )
    out = io.StringIO()
    assert main(["reminders", "log", "--person", "郑昌盛"], out=out) == 0
    assert "陈汉平" not in out.getvalue()
    assert main(["reminders", "log", "--person", "无名氏"], out=io.StringIO()) == 2


async def _two_sweeps(bot: Harness) -> None:
    zheng(bot)
    blocked = int(bot.person("陈汉平", language="zh_CN")["id"])
    bot.api.blocked.add(blocked)
    await sweep_at(bot, "2025-12-22 09:00")


async def test_a_task_five_working_days_late_is_escalated_to_its_lead_and_the_office(
    bot: Harness,
) -> None:
    lead = int(bot.person("李义词", language="zh_CN")["id"])
    other = zheng(bot)  # also a leader of task 33, not its lead
    clerk = int(bot.person("王督办", role=Role.admin, language="zh_CN")["id"])
    seen: dict[str, list[str]] = {}
    # Task 33 was due 2025-09-30; 9, 10, 11 (调休), 13 and 14 October are working days 1-5.
    for day in ("2025-10-09", "2025-10-10", "2025-10-11", "2025-10-13", "2025-10-14", "2025-10-15"):
        calls = await sweep_at(bot, f"{day} 09:00")
        for chat, who in ((lead, "lead"), (other, "other"), (clerk, "clerk")):
            for call in digests(calls, chat):
                if "第33项" in text_of([call]):
                    seen.setdefault(who, []).append((day, text_of([call])))
    clerk_days = [day for day, _ in seen["clerk"]]
    assert clerk_days == ["2025-10-14", "2025-10-15"]  # not acknowledged: once more
    assert "已逾期 5 个工作日，已报告牵头领导和督办员" in seen["clerk"][0][1]
    assert "责任领导：李义词、郑昌盛、陈汉平" in seen["clerk"][0][1]
    assert any("已报告牵头领导" in text for day, text in seen["lead"] if day == "2025-10-14")
    assert not any("已报告牵头领导" in text for _, text in seen.get("other", []))


async def test_an_admin_nudges_a_tasks_leaders_now_and_it_shows_in_its_history(
    bot: Harness,
) -> None:
    chat = zheng(bot)
    clerk = bot.person("王督办", role=Role.admin, language="zh_CN")
    bot.clock.now = at("2025-06-03 20:00")  # outside office hours: a nudge goes at once
    calls = await bot.say(clerk, "/nudge 33")
    (nudge,) = digests(calls, chat)
    assert "王督办 请您关注这项任务" in text_of([nudge]) and "第33项" in text_of([nudge])
    assert [b["text"] for b in nudge.buttons] == ["收到", "查看第33项"]
    summary = text_of([c for c in digests(calls) if c.params["chat_id"] == clerk["id"]])
    assert "已催办第33项" in summary
    assert "郑昌盛（已发送）" in summary and "李义词（尚未绑定 Telegram）" in summary
    again = await bot.say(clerk, "/nudge 33")
    assert digests(again, chat) == []  # once a day per leader
    assert "郑昌盛（今天已催办过）" in text_of(digests(again))
    view = await bot.say(clerk, "第33项")
    assert "王督办 · 催办 李义词、郑昌盛、陈汉平" in text_of(view)
    pressed = await bot.press(clerk, digests(view)[-1], "一键催办")
    assert "已催办第33项" in text_of(pressed)


async def test_only_an_admin_may_nudge(bot: Harness) -> None:
    zheng(bot)
    calls = await bot.say(bot.users["郑昌盛"], "/nudge 33")
    assert "只有督办员" in text_of(calls)
    view = await bot.say(bot.users["郑昌盛"], "第33项")
    assert all("一键催办" not in b["text"] for c in digests(view) for b in c.buttons)
    forged = await bot.forge(bot.users["郑昌盛"], digests(view)[-1], "ng:1")
    assert "只有督办员" in text_of(forged)


# PTB 22 warns that RetryAfter.retry_after becomes a timedelta in its next major version.
@pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")
async def test_a_429_storm_delays_the_digests_but_loses_none(database_url: str) -> None:
    async with running_bot(database_url) as bot:  # Telegram's own pace this time
        chats = [zheng(bot)] + [
            int(bot.person(name, language="zh_CN")["id"]) for name in ("陈汉平", "李麟", "李义词")
        ]
        for chat in chats:
            bot.api.flood(chat, retry_after=1, times=2)
        calls = await sweep_at(bot, "2025-12-22 09:00")
        refused = [c for c in calls if c.error and c.error.startswith("Too Many Requests")]
        assert len(refused) == 2 * len(chats)
        assert sorted(c.params["chat_id"] for c in digests(calls)) == sorted(chats)
        with session_scope(bot.engine) as session:
            assert {d.status for d in session.exec(select(Delivery))} == {"sent"}


async def test_the_turn_of_2026_into_2027_counts_the_new_years_holiday(bot: Harness) -> None:
    chat = zheng(bot)
    with session_scope(bot.engine) as session:
        for task in session.exec(select(Task)):
            task.status = "done"  # only the task below is open
            session.add(task)
        task = session.exec(select(Task).where(Task.number == "1")).one()
        task.status, task.due = "open", date(2027, 1, 8)
        session.add(task)
    sent = []
    for day in ("2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01"):
        for moment in (f"{day} 09:00",):
            if digests(await sweep_at(bot, moment), chat):
                sent.append(day)
    for day in ("2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"):
        if digests(await sweep_at(bot, f"{day} 09:00"), chat):
            sent.append(day)
    # The first sweep owes the 14-day stage (the engine starts on 12-28); 7 working days before
    # 2027-01-08 is 2026-12-29, as 1 January 2027 is a holiday; a repeat comes the next working
    # day; 3 days before is 5 January, 1 day before the 7th.
    assert sent == [
        "2026-12-28",
        "2026-12-29",
        "2026-12-30",
        "2027-01-05",
        "2027-01-06",
        "2027-01-07",
        "2027-01-08",
    ]


async def test_a_digest_shows_each_tasks_light(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    (digest,) = digests(await sweep_at(bot, "2025-06-19 10:00"), chen["id"])
    text = html_to_text(digest.text)
    assert "🔴 No. 30 " in text  # overdue since 2025-02-28
    assert "🟢 No. 6 " in text  # due 2025-06-30, 11 days away: on track
    assert "🟡 No. 32 " in text  # due the same day, none of its 3 people yet: behind pace
