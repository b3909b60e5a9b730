"""The weekly digest through the real Application, database and fake Bot API, on a set clock."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import select

from bot.app import run_sweep, run_weekly
from bot.cli import main
from bot.fakegram import Call, html_to_text
from bot.settings import Settings
from ledger.importing import import_document
from ledger.weekly import MAX_CHARS, Section, office_weekly_text
from models.db import session_scope
from models.queries import TaskView, record_event
from models.reminders import ChasedTask, claim
from models.tables import Delivery, ProgressReport, Role, Target, Task, TaskStatus
from nlu.calendar import BUILT_IN
from nlu.i18n import translator
from scheduler.weekly import WEEKLY, standing, weekly_day
from tests.conftest import SEED_004
from tests.test_bot_console import converse
from tests.test_bot_support import NOW, Harness, running_bot, text_of
from tests.test_reminders import ZONE, at, digests, unhurried

# Seed 004 on Monday 2025-12-29: 郑昌盛 leads 9 tasks due on Wednesday 12-31 and one overdue
# since 09-30 (No. 33); the office has 31 tasks due that week and 7 overdue.


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield unhurried(harness)


async def weekly_at(bot: Harness, moment: str) -> list[Call]:
    """The weekly job at that office-time moment: what it sent."""
    bot.clock.now = at(moment)
    start = len(bot.api.calls)
    await run_weekly(bot.application)
    return bot.api.calls[start:]


def zheng(bot: Harness) -> int:
    return int(bot.person("郑昌盛", language="zh_CN")["id"])


def weekly_rows(bot: Harness) -> list[Delivery]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Delivery).where(Delivery.kind == WEEKLY)))


def section(text: str, title: str) -> str:
    """A digest's text from the heading ``title`` on."""
    return text[text.index(title) :]


def test_the_digest_day_is_the_first_working_day_from_monday() -> None:
    assert weekly_day(BUILT_IN, date(2025, 12, 31)) == date(2025, 12, 29)
    # 2025-10-06 is in the National Day break (10-01..10-08): the week starts on Thursday.
    assert weekly_day(BUILT_IN, date(2025, 10, 6)) == date(2025, 10, 9)
    # Spring Festival 2026 (02-15..02-23) takes the whole week of 02-16: no weekly digest.
    assert weekly_day(BUILT_IN, date(2026, 2, 18)) is None
    assert weekly_day(BUILT_IN, date(2025, 12, 22), weekday=4) == date(2025, 12, 26)
    # Friday 2026-01-02 is in the New Year break; Sunday 01-04 is its 调休 working day.
    assert weekly_day(BUILT_IN, date(2025, 12, 29), weekday=4) == date(2026, 1, 4)


def test_a_task_stands_in_the_week_by_its_deadline_or_this_weeks_occurrence() -> None:
    week = (date(2025, 12, 1), date(2025, 12, 7))

    def task(due: date | None, kind: str = "by", recurrence: str | None = None) -> ChasedTask:
        return ChasedTask(1, "1", due, kind, recurrence, "open", (7,))

    assert standing(task(date(2025, 12, 7)), week) == ("this_week", date(2025, 12, 7))
    assert standing(task(date(2025, 11, 30)), week) == ("overdue", date(2025, 11, 30))
    assert standing(task(date(2025, 12, 8)), week) is None
    monthly = task(date(2025, 1, 5), "recurring", "monthly")  # 每月5日前: never overdue
    assert standing(monthly, week) == ("this_week", date(2025, 12, 5))
    assert standing(monthly, (date(2025, 12, 8), date(2025, 12, 14))) is None
    assert standing(task(date(2025, 1, 1), "recurring", "daily"), week) is None  # open-ended
    assert standing(task(None, "continuous"), week) is None


async def test_a_leader_gets_the_week_ahead_and_the_overdue_on_monday_at_half_past_eight(
    bot: Harness,
) -> None:
    chat = zheng(bot)
    assert digests(await weekly_at(bot, "2025-12-29 08:29")) == []
    (weekly,) = digests(await weekly_at(bot, "2025-12-29 08:30"), chat)
    text = text_of([weekly])
    assert text.startswith("本周工作提示")
    assert "本周到期（2025-12-29 至 2026-01-04）：9" in text
    assert "第1项" in text and "2025-12-31 还剩 2 天" in text
    assert "……另有 1 项。" in text  # 8 shown, the ninth counted
    overdue = section(text, "逾期任务：1")
    assert "第33项" in overdue and "已逾期 90 天" in overdue
    assert text.index("本周到期") < text.index("逾期任务")
    assert weekly.buttons == []
    assert all(html_to_text(line) is not None for line in weekly.text.splitlines())
    (row,) = weekly_rows(bot)
    assert (row.day, row.status, row.message_id) == (date(2025, 12, 29), "sent", 1)


async def test_the_weekly_digest_goes_out_once_a_week_and_on_its_day_only(bot: Harness) -> None:
    chat = zheng(bot)
    assert digests(await weekly_at(bot, "2025-12-29 09:15"), chat)  # started late that day
    assert digests(await weekly_at(bot, "2025-12-29 09:16")) == []  # a second run
    assert digests(await weekly_at(bot, "2025-12-29 17:00")) == []
    assert digests(await weekly_at(bot, "2025-12-30 08:30")) == []  # Tuesday
    assert digests(await weekly_at(bot, "2026-01-05 08:30"), chat)  # next week's
    assert len(weekly_rows(bot)) == 2


async def test_a_monday_missed_is_not_sent_on_tuesday(bot: Harness) -> None:
    zheng(bot)
    assert digests(await weekly_at(bot, "2025-12-30 08:30")) == []
    assert digests(await weekly_at(bot, "2026-01-04 12:00")) == []  # Sunday
    assert weekly_rows(bot) == []


async def test_two_bots_on_one_database_send_each_weekly_digest_once(database_url: str) -> None:
    async with running_bot(database_url) as one, running_bot(database_url, seed=False) as two:
        for harness in (one, two):
            unhurried(harness)
            harness.clock.now = at("2025-12-29 08:30")
        chat = zheng(one)
        two.api = one.api  # both talk to the same Telegram
        start = len(one.api.calls)
        await asyncio.gather(run_weekly(one.application), run_weekly(two.application))
        assert len(digests(one.api.calls[start:], chat)) == 1
        await run_weekly(two.application)  # a restart of the second, later that morning
        assert len(digests(one.api.calls[start:], chat)) == 1
        assert len(weekly_rows(one)) == 1


async def test_a_weekly_claim_a_crash_left_is_sent_once_more_and_never_twice(
    bot: Harness,
) -> None:
    chat = zheng(bot)
    person_id = bot.stored("郑昌盛").id
    assert person_id is not None
    crashed = claim(
        bot.engine,
        person_id=person_id,
        kind=WEEKLY,
        day=date(2025, 12, 29),
        now=at("2025-12-29 08:30"),
    )
    assert crashed is not None
    assert digests(await weekly_at(bot, "2025-12-29 08:35"), chat) == []  # maybe still sending
    bot.clock.now = at("2025-12-29 09:00")
    await run_sweep(bot.application)  # the daily sweep leaves a weekly claim alone
    resent = digests(await weekly_at(bot, "2025-12-29 09:01"), chat)
    assert len(resent) == 1 and "本周工作提示" in text_of(resent)
    assert digests(await weekly_at(bot, "2025-12-29 09:30"), chat) == []
    (row,) = weekly_rows(bot)
    assert (row.id, row.status, row.attempts) == (crashed, "sent", 2)


async def test_an_admin_gets_the_office_with_its_silent_tasks(bot: Harness) -> None:
    admin = int(bot.person("王芳", role=Role.admin)["id"])
    with session_scope(bot.engine) as session:
        tasks = {t.number: t for t in session.exec(select(Task)) if t.number}
        # Three tasks moved in the last 30 days: a report, an audit event, a change.
        session.add(
            ProgressReport(
                task_id=tasks["30"].id, text="座谈会已筹备", created_at=at("2025-12-20 10:00")
            )
        )
        record_event(
            session, at=at("2025-12-15 10:00"), action="task.nudged", task_id=tasks["3"].id
        )
        tasks["32"].updated_at = at("2025-12-10 10:00")
        session.add(tasks["32"])
        open_tasks = sum(1 for t in session.exec(select(Task)) if t.status == TaskStatus.open)
    (office,) = digests(await weekly_at(bot, "2025-12-29 08:30"), admin)
    text = text_of([office])
    assert text.startswith("The office this week")
    assert f"Due this week: 31 · overdue: 7 · silent: {open_tasks - 3}" in text
    assert "Due this week (2025-12-29 – 2026-01-04): 31" in text
    assert "Overdue tasks: 7" in text
    silent = section(text, f"Silent for 30 days: {open_tasks - 3}")
    assert "No progress report and no change since 2025-11-29." in silent
    assert "No. 33 " in silent and "李义词、郑昌盛、陈汉平" in silent  # whom to ask
    for moved in ("No. 30 ", "No. 3 ", "No. 32 "):
        assert moved not in silent and moved in text  # still overdue, no longer silent
    assert len(office.text) <= MAX_CHARS
    assert all(html_to_text(line) is not None for line in office.text.splitlines())


async def test_nobody_with_nothing_to_report_gets_a_weekly_digest(bot: Harness) -> None:
    chat = zheng(bot)
    admin = int(bot.person("王芳", role=Role.admin)["id"])
    with session_scope(bot.engine) as session:
        for task in session.exec(select(Task)):
            task.status = TaskStatus.done
            session.add(task)
    assert digests(await weekly_at(bot, "2025-12-29 08:30"), chat) == []
    assert digests(await weekly_at(bot, "2025-12-29 08:30"), admin) == []
    assert weekly_rows(bot) == []


async def test_a_holiday_monday_sends_on_the_first_working_day_that_week(bot: Harness) -> None:
    chat = zheng(bot)
    for moment in ("2025-10-06 08:30", "2025-10-08 10:00", "2025-10-09 08:29"):
        assert digests(await weekly_at(bot, moment)) == [], moment
    (weekly,) = digests(await weekly_at(bot, "2025-10-09 08:30"), chat)
    text = text_of([weekly])
    assert "逾期任务：1" in text and "第33项" in text
    assert "本周到期" not in text  # nothing of his falls due that week
    assert digests(await weekly_at(bot, "2025-10-11 08:30")) == []  # the 调休 Saturday
    assert digests(await weekly_at(bot, "2025-10-13 08:30"), chat)  # the next Monday
    assert [row.day for row in weekly_rows(bot)] == [date(2025, 10, 6), date(2025, 10, 13)]


def test_the_office_view_is_capped_within_a_message() -> None:
    _ = translator("zh_CN")
    now = datetime(2025, 5, 26, tzinfo=UTC)

    def view(number: int) -> TaskView:
        task = Task(
            id=number,
            plan_id=1,
            seq=number,
            number=str(number),
            content="组织开展科普活动" * 10,
            due=date(2025, 12, 31),
            created_at=now,
            updated_at=now,
        )
        targets = [
            Target(task_id=number, text="", metric="巡展" * 40, value=40, unit="场")
            for _ in range(2)
        ]
        return TaskView(task, leaders=["郑昌盛", "陈汉平", "李麟"], targets=targets)

    many = Section([view(n) for n in range(1, 9)], 300)
    text = office_weekly_text(
        many,
        many,
        many,
        silent_days=30,
        silent_since=date(2025, 11, 29),
        today=date(2025, 12, 29),
        _=_,
    )
    assert len(text) <= MAX_CHARS
    assert "本周到期 300 项 · 逾期 300 项 · 长期无进展 300 项" in text
    assert text.count("……另有") == 3


def plan(start: str, end: str) -> list[dict[str, Any]]:
    """`reminders plan --json` over that span."""
    out = io.StringIO()
    assert main(["reminders", "plan", "--from", start, "--to", end, "--json"], out=out) == 0
    rows: list[dict[str, Any]] = json.loads(out.getvalue())
    return rows


def test_the_plan_has_weekly_digests_on_mondays_at_half_past_eight(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    assert main(["import", str(SEED_004), "--today", "2025-05-26"], out=io.StringIO()) == 0
    assert main(["admin", "add", "王芳"], out=io.StringIO()) == 0
    rows = plan("2025-12-01", "2026-01-11")
    weekly = [row for row in rows if row["kind"] == WEEKLY]
    assert weekly and all("week" in row["kind"] for row in weekly)
    moments = {datetime.fromisoformat(row["at"]) for row in weekly}
    assert {m.date() for m in moments} == {
        date(2025, 12, 1),
        date(2025, 12, 8),
        date(2025, 12, 15),
        date(2025, 12, 22),
        date(2025, 12, 29),
        date(2026, 1, 5),
    }
    assert all(m.time() == time(8, 30) and m.utcoffset() == timedelta(hours=8) for m in moments)
    on_29 = {r["person"]: r for r in weekly if r["at"].startswith("2025-12-29")}
    mine = on_29["郑昌盛"]
    assert mine["tasks"][0] == "1" and mine["tasks"][-1] == "33"
    assert mine["stages"] == ["this_week"] * 9 + ["overdue"]
    assert {"this_week", "overdue", "silent"} <= set(on_29["王芳"]["stages"])
    assert any(row["kind"] == "digest" for row in rows)  # the daily digests are still there
    assert [row["at"] for row in rows] == sorted(row["at"] for row in rows)  # in time order
    holiday = plan("2025-10-01", "2025-10-12")
    assert {r["at"] for r in holiday if r["kind"] == WEEKLY} == {"2025-10-09T08:30:00+08:00"}
    monkeypatch.setenv("WEEKLY_DIGEST_AT", "FRI 17:00")
    friday = plan("2025-12-22", "2025-12-28")
    assert {r["at"] for r in friday if r["kind"] == WEEKLY} == {"2025-12-26T17:00:00+08:00"}


async def test_the_reminders_log_lists_the_weekly_digest(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    zheng(bot)
    await weekly_at(bot, "2025-12-29 08:30")
    monkeypatch.setenv("DATABASE_URL", bot.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    out = io.StringIO()
    assert main(["reminders", "log"], out=out) == 0
    assert out.getvalue() == "2025-12-29 08:30  郑昌盛  weekly  sent\n"


async def test_the_console_tick_on_a_monday_morning_shows_the_weekly_digest(
    database_url: str,
) -> None:
    import_document(SEED_004, database_url=database_url, now=NOW, zone=ZONE)
    out = await converse(database_url, "/tick 2025-12-29 08:30", "/tick 2025-12-29 09:00")
    weekly, morning = out.split("郑昌盛> ")[1:]
    assert "Your week ahead" in weekly and "Due this week (2025-12-29 – 2026-01-04): 9" in weekly
    assert "Overdue tasks: 1" in weekly and "Reminders for" not in weekly
    assert "Reminders for 2025-12-29" in morning and "Your week ahead" not in morning


def test_the_weekly_time_is_a_setting_checked_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).weekly_digest == (0, time(8, 30))
    monkeypatch.setenv("WEEKLY_DIGEST_AT", "fri 17:00")
    assert Settings(_env_file=None).weekly_digest == (4, time(17, 0))
    for wrong in ("MONDAY 08:30", "08:30", "MON 25:00", "MON 08:30+08:00"):
        monkeypatch.setenv("WEEKLY_DIGEST_AT", wrong)
        with pytest.raises(ValidationError, match="WEEKLY_DIGEST_AT"):
            Settings(_env_file=None)


async def test_the_application_runs_the_weekly_job_every_minute(bot: Harness) -> None:
    assert bot.application.job_queue is not None
    (job,) = bot.application.job_queue.jobs("weekly-digest")
    assert job.job.trigger.interval == timedelta(seconds=60)
