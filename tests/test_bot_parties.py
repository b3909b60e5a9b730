"""Shared tasks in chat, through the real Application: each party reports its own part.

Seed 004's task 18 is led by 普及部（中心） with 学会部 responsible, under 陈汉平; task 33 has
three leaders, 李义词 leading. A responsible department saying its part is done does not close
the task: the chat says so before 确认 and after, and the lead leader hears of it once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import ProgressReport, ReportStatus, Role, Task, TaskStatus
from tests.test_bot_reports import reports, task, to
from tests.test_bot_support import Harness, last, running_bot, text_of
from tests.test_reminders import digests, sweep_at, unhurried


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield unhurried(harness)
        assert harness.errors == []


def waiting_for_review(bot: Harness) -> list[ProgressReport]:
    return [report for report in reports(bot) if report.status == ReportStatus.submitted]


async def test_a_responsible_departments_done_marks_only_its_part_and_tells_the_lead_leader(
    bot: Harness,
) -> None:
    zhang = bot.person("张伟", department="学会部")
    chen = bot.person("陈汉平")
    calls = await bot.say(zhang, "第18项我们部分完成了")
    summary = text_of(calls)
    assert "Report 学会部's part of this task as done." in summary
    assert "only 学会部's part is recorded as done" in summary
    assert "until its lead 普及部（中心） closes it" in summary
    assert reports(bot) == []  # nothing before 确认

    calls = await bot.press(zhang, last(calls), "Confirm")
    said = text_of(to(calls, zhang["id"]))
    assert "Recorded: 学会部's part of No. 18" in said and "The task stays open" in said
    (told,) = to(calls, chen["id"])
    assert "张伟 reports that 学会部's part of this task is done" in text_of([told])
    assert told.buttons == []  # nothing for him to decide
    assert task(bot, "18").status == TaskStatus.in_progress
    assert waiting_for_review(bot) == []

    # Said once more (a photo forgotten, say): recorded again, the lead leader not told again.
    calls = await bot.say(zhang, "第18项办完了")
    calls = await bot.press(zhang, last(calls), "Confirm")
    assert "学会部's part of No. 18" in text_of(to(calls, zhang["id"]))
    assert to(calls, chen["id"]) == []
    assert task(bot, "18").status == TaskStatus.in_progress


async def test_the_lead_departments_done_still_goes_to_review_and_closes_the_task(
    bot: Harness,
) -> None:
    zhang = bot.person("张伟", department="学会部")
    wang = bot.person("王芳", department="普及部（中心）")
    chen = bot.person("陈汉平")
    calls = await bot.say(zhang, "第18项办完了")
    await bot.press(zhang, last(calls), "Confirm")

    calls = await bot.say(wang, "第18项办完了")
    summary = text_of(calls)
    assert "Report this task as done." in summary
    assert "After you confirm, 陈汉平 will review it." in summary
    calls = await bot.press(wang, last(calls), "Confirm")
    assert "Sent for review" in text_of(to(calls, wang["id"]))
    (request,) = to(calls, chen["id"])
    assert task(bot, "18").status == TaskStatus.pending_review
    await bot.press(chen, request, "Approve")
    assert task(bot, "18").status == TaskStatus.done


async def test_the_task_view_shows_each_partys_part_and_its_last_report(bot: Harness) -> None:
    zhang = bot.person("张伟", department="学会部")
    chen = bot.person("陈汉平")
    calls = await bot.say(zhang, "第18项我们部分完成了")
    await bot.press(zhang, last(calls), "Confirm")

    shown = text_of(await bot.say(chen, "第18项"))
    assert "Each party's part" in shown
    assert "• 陈汉平 (lead) · not reported" in shown
    assert "• 普及部（中心） (lead) · not reported" in shown
    assert "• 学会部 · part done 2025-05-26" in shown
    assert "reported their part done · 学会部" in shown  # in its history too
    # A task with one leader and one department shares nothing: no list of parties.
    alone = text_of(await bot.say(chen, "第4项"))
    assert "No. 4" in alone and "Each party's part" not in alone


async def test_a_leader_whose_part_is_done_is_no_longer_chased_and_the_lead_still_is(
    bot: Harness,
) -> None:
    lead = bot.person("李义词", language="zh_CN")
    zheng = bot.person("郑昌盛", language="zh_CN")
    calls = await bot.say(zheng, "第33项我这部分办完了")
    assert "仅记录郑昌盛承担的部分已完成" in text_of(calls)
    calls = await bot.press(zheng, last(calls), "确认")
    assert "由牵头方 组宣部 办结" in text_of(to(calls, zheng["id"]))
    (told,) = to(calls, lead["id"])
    assert "郑昌盛承担的部分已完成" in text_of([told])
    with session_scope(bot.engine) as session:
        status = session.exec(select(Task.status).where(Task.number == "33")).one()
    assert status == TaskStatus.in_progress

    # Task 33 is due 2025-09-30: the day before, its lead leader is reminded, 郑昌盛 is not.
    calls = await sweep_at(bot, "2025-09-29 09:00")
    assert any("第33项" in text_of([call]) for call in digests(calls, lead["id"]))
    assert not any("第33项" in text_of([call]) for call in digests(calls, zheng["id"]))
    # Nor does the clerk's 一键催办 reach him for it.
    clerk = bot.person("王督办", role=Role.admin, language="zh_CN")
    calls = await bot.say(clerk, "/nudge 33")
    assert digests(calls, zheng["id"]) == [] and len(digests(calls, lead["id"])) == 1
    assert "郑昌盛" not in text_of(digests(calls, clerk["id"]))
