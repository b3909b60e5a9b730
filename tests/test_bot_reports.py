"""Reporting by message through the real Application: progress, completion review, extensions.

The acceptance of the reporting issue, step by step, with the people of seed 004: staff of 市科技馆
report the 科普大篷车 task, staff of 学会部 report 第5项 done and its lead leader decides, and
an extension of 第20项 is asked for and granted. Nothing is recorded before 确认.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlmodel import select

from bot.fakegram import Call
from models.db import session_scope
from models.tables import (
    AuditEvent,
    ExtensionRequest,
    ProgressReport,
    Role,
    Target,
    Task,
    TaskAlias,
    TaskStatus,
)
from tests.test_bot_support import Harness, answers, last, running_bot, sent, text_of
from tests.test_reminders import digests, sweep_at, unhurried


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


def task(bot: Harness, number: str) -> Task:
    with session_scope(bot.engine) as session:
        found = session.exec(select(Task).where(Task.number == number)).one()
        session.expunge(found)
        return found


def achieved(bot: Harness, number: str, metric: str) -> float:
    with session_scope(bot.engine) as session:
        found = session.exec(
            select(Target)
            .join(Task, Task.id == Target.task_id)  # type: ignore[arg-type]
            .where(Task.number == number, Target.metric == metric)
        ).one()
        return found.achieved


def reports(bot: Harness) -> list[ProgressReport]:
    with session_scope(bot.engine) as session:
        found = list(session.exec(select(ProgressReport)))
        for report in found:
            session.expunge(report)
        return found


def to(calls: list[Call], chat_id: int) -> list[Call]:
    return [call for call in sent(calls) if call.params.get("chat_id") == chat_id]


# --- progress ---------------------------------------------------------------------------------


async def test_a_progress_report_in_words_is_confirmed_then_shows_against_its_target(
    bot: Harness,
) -> None:
    liu = bot.person("刘洋", department="市科技馆")
    calls = await bot.say(liu, "科普大篷车已经跑了25场")
    summary = last(calls)
    assert "No. 15" in text_of(calls)
    assert "科普大篷车巡展 25/40 场 (62%)" in text_of(calls)
    assert achieved(bot, "15", "科普大篷车巡展") == 0  # nothing before 确认
    assert reports(bot) == []

    calls = await bot.press(liu, summary, "Confirm")
    assert "Recorded" in text_of(calls)
    assert achieved(bot, "15", "科普大篷车巡展") == 25
    assert task(bot, "15").status == TaskStatus.in_progress
    text = text_of(await bot.say(liu, "/task 15"))
    assert "科普大篷车巡展 25/40 场 (62%)" in text
    assert "刘洋 · progress reported · 科普大篷车巡展 25/40场" in text  # in the history
    listed = text_of(await bot.say(liu, "我的待办"))
    assert "25/40" in listed or "in progress" in listed


async def test_a_note_and_a_photo_sent_at_the_summary_are_kept_with_the_report(
    bot: Harness,
) -> None:
    liu = bot.person("刘洋", department="市科技馆")
    await bot.say(liu, "第15项 大篷车跑了30场")
    calls = await bot.say(liu, "其中5场在阳新")
    assert "Note: 其中5场在阳新" in text_of(calls)
    calls = await bot.telegram.send_photo(liu, "photo-file-1", caption="现场照片")
    assert "Attachments: 1" in text_of(calls)
    await bot.press(liu, last(calls), "Confirm")
    (report,) = reports(bot)
    assert report.value == 30
    assert report.note == "其中5场在阳新\n现场照片"
    assert "photo-file-1" in report.attachments


async def test_a_report_on_another_task_at_the_summary_replaces_the_unconfirmed_one(
    bot: Harness,
) -> None:
    liu = bot.person("刘洋", department="市科技馆")
    await bot.say(liu, "大篷车跑了25场")
    calls = await bot.say(liu, "第16项完成了3场")
    assert "No. 16" in text_of(calls) and "Note:" not in text_of(calls)
    # Task 16 counts two things in 场: which one is asked, not guessed.
    assert "Which target does it count towards?" in text_of(calls)
    calls = await bot.press(liu, last(calls), 1)  # 在展厅内开展科普讲解及科普实验 0/12 场
    await bot.press(liu, last(calls), "Confirm")
    (report,) = reports(bot)
    assert report.value == 3 and achieved(bot, "15", "科普大篷车巡展") == 0
    assert achieved(bot, "16", "在展厅内开展科普讲解及科普实验") == 3


async def test_an_amount_no_target_counts_is_kept_in_the_words(bot: Harness) -> None:
    liu = bot.person("刘洋", department="市科技馆")
    calls = await bot.say(liu, "第15项培训讲解员20名")
    assert "no target of this task counts 名" in text_of(calls)
    await bot.press(liu, last(calls), "Confirm")
    (report,) = reports(bot)
    assert report.value is None and report.text == "第15项培训讲解员20名"


async def test_report_asks_for_the_task_and_the_amount_when_the_message_gives_neither(
    bot: Harness,
) -> None:
    liu = bot.person("刘洋", department="市科技馆")
    calls = await bot.say(liu, "/report")
    assert "Which task" in text_of(calls)
    calls = await bot.press(liu, last(calls), 0)  # the first task offered
    assert "How far along" in text_of(calls)
    calls = await bot.say(liu, "百分之五十")
    assert "Progress: 50%" in text_of(calls)
    await bot.press(liu, last(calls), "Confirm")
    (report,) = reports(bot)
    assert report.percent == 50


async def test_cancel_ends_a_report_anywhere_and_records_nothing(bot: Harness) -> None:
    liu = bot.person("刘洋", department="市科技馆")
    await bot.say(liu, "大篷车跑了25场")
    calls = await bot.say(liu, "/cancel")
    assert "Nothing was recorded" in text_of(calls)
    assert reports(bot) == []
    # The conversation is over: a plain question is answered as a question again.
    assert "Your open tasks" in text_of(await bot.say(liu, "我的待办"))


async def test_someone_elses_task_is_refused_and_nothing_is_recorded(bot: Harness) -> None:
    zhang = bot.person("张伟", department="学会部")
    calls = await bot.say(zhang, "第15项跑了25场")
    assert "can't find a task numbered 15 that you may see" in text_of(calls)
    wang = bot.person("王芳", department="普及部（中心）")
    calls = await bot.say(wang, "科普大篷车已经跑了25场")  # 15 is 市科技馆's, not hers
    assert "No. 15" in text_of(calls) and "belongs to 市科技馆" in text_of(calls)
    assert "Nothing was recorded" in text_of(calls)
    assert reports(bot) == []
    assert achieved(bot, "15", "科普大篷车巡展") == 0


# --- completion review ---------------------------------------------------------------------


async def test_done_goes_to_the_lead_leader_who_approves_and_the_reporter_is_told(
    bot: Harness,
) -> None:
    zhang = bot.person("张伟", department="学会部")
    chen = bot.person("陈汉平")
    calls = await bot.say(zhang, "第5项办完了")
    assert "No. 5" in text_of(calls)
    calls = await bot.press(zhang, last(calls), "Confirm")
    assert "Sent for review" in text_of(to(calls, zhang["id"]))
    (request,) = to(calls, chen["id"])
    assert task(bot, "5").status == TaskStatus.pending_review

    # Someone else pressing 通过 is refused; the lead leader's press decides.
    refused = await bot.press(zhang, request, "Approve")
    assert answers(refused) and task(bot, "5").status == TaskStatus.pending_review
    calls = await bot.press(chen, request, "Approve")
    assert task(bot, "5").status == TaskStatus.done
    assert "approved" in text_of(to(calls, zhang["id"]))
    approve = request.buttons[0]["callback_data"]
    again = await bot.forge(chen, request, approve)  # the same button again, from an old copy
    assert "already been decided" in str(answers(again)[0].params.get("text", ""))


async def test_a_returned_completion_needs_a_reason_and_goes_back_in_progress(
    bot: Harness,
) -> None:
    zhang = bot.person("张伟", department="学会部")
    chen = bot.person("陈汉平")
    calls = await bot.say(zhang, "第21项完成")
    calls = await bot.press(zhang, last(calls), "Confirm")
    (request,) = to(calls, chen["id"])
    calls = await bot.press(chen, request, "Return")
    assert "reason" in text_of(calls)
    calls = await bot.say(chen, "签约仪式的材料还没交")
    assert task(bot, "21").status == TaskStatus.in_progress
    assert "签约仪式的材料还没交" in text_of(to(calls, zhang["id"]))


# --- extensions ----------------------------------------------------------------------------


async def test_an_extension_is_echoed_confirmed_and_granted_by_the_lead_leader(
    bot: Harness,
) -> None:
    liu = bot.person("刘洋", department="市科技馆")
    li = bot.person("李麟")
    calls = await bot.say(liu, "第20项推迟到明年3月")
    assert "2025-12-31 → 2026-03-31" in text_of(calls)
    calls = await bot.press(liu, last(calls), "Confirm")
    (request,) = to(calls, li["id"])
    assert task(bot, "20").due == date(2025, 12, 31)
    calls = await bot.press(li, request, "Grant")
    assert task(bot, "20").due == date(2026, 3, 31)
    assert "2026-03-31" in text_of(to(calls, liu["id"]))
    with session_scope(bot.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "task.extended" in actions


async def test_the_lead_leader_may_grant_another_date(bot: Harness) -> None:
    liu = bot.person("刘洋", department="市科技馆")
    li = bot.person("李麟")
    calls = await bot.say(liu, "第20项申请延期到明年6月底")
    calls = await bot.press(liu, last(calls), "Confirm")
    (request,) = to(calls, li["id"])
    await bot.press(li, request, "Grant another date")
    await bot.say(li, "明年3月15日")
    assert task(bot, "20").due == date(2026, 3, 15)
    with session_scope(bot.engine) as session:
        stored = session.exec(select(ExtensionRequest)).one()
    assert stored.granted_due == date(2026, 3, 15)
    assert stored.requested_due == date(2026, 6, 30)


async def test_an_extension_asked_after_the_deadline_is_marked_late(bot: Harness) -> None:
    zhao = bot.person("赵敏", department="组宣部")
    calls = await bot.say(zhao, "第30项申请延期到7月底")  # due 2025-02-28, today 05-26
    assert "late" in text_of(calls)
    await bot.press(zhao, last(calls), "Confirm")
    with session_scope(bot.engine) as session:
        stored = session.exec(select(ExtensionRequest)).one()
    assert stored.late and stored.requested_due == date(2025, 7, 31)


# --- candidates and aliases ------------------------------------------------------------------


async def test_a_picked_candidate_teaches_the_phrase(bot: Harness) -> None:
    zhou = bot.person("周婷", role=Role.admin)
    calls = await bot.say(zhou, "院士工作站那个")
    assert "Which task do you mean?" in text_of(calls)
    choice = last(calls)
    calls = await bot.press(zhou, choice, 0)
    picked = text_of(calls)
    with session_scope(bot.engine) as session:
        assert session.exec(select(TaskAlias)).all()
    again = text_of(await bot.say(zhou, "院士工作站那个"))
    assert "Which task" not in again
    assert again.splitlines()[0] == picked.splitlines()[0]


# --- restarts --------------------------------------------------------------------------------


async def test_a_half_finished_report_survives_a_restart(database_url: str) -> None:
    async with running_bot(database_url) as first:
        liu = first.person("刘洋", department="市科技馆")
        summary = first.telegram.message(last(await first.say(liu, "大篷车跑了25场")))
    async with running_bot(database_url, seed=False) as second:
        second.api.messages[(summary["chat"]["id"], summary["message_id"])] = summary
        calls = await second.telegram.press(liu, summary, "Confirm")
        assert "Recorded" in text_of(calls)
        assert second.errors == []
    assert achieved(second, "15", "科普大篷车巡展") == 25


async def test_an_idle_report_ends_politely_and_records_nothing(database_url: str) -> None:
    async with running_bot(database_url, report_idle_minutes=0.005) as bot:  # 0.3 s
        assert bot.application.job_queue is not None
        await bot.application.job_queue.start()  # the timeout is a job, as in `bot run`
        try:
            liu = bot.person("刘洋", department="市科技馆")
            start = len(bot.api.calls)  # before: on a busy host the timeout may beat `say` home
            await bot.say(liu, "大篷车跑了25场")
            for _ in range(100):
                if "timed out" in text_of(bot.api.calls[start:]):
                    break
                await asyncio.sleep(0.1)
            assert "timed out" in text_of(bot.api.calls[start:])
            assert reports(bot) == []
            # The conversation is over: a question is a question again.
            assert "Your open tasks" in text_of(await bot.say(liu, "我的待办"))
        finally:
            await bot.application.job_queue.stop()
        assert bot.errors == []


# --- from a reminder digest --------------------------------------------------------------------


async def test_report_progress_under_a_digest_offers_its_tasks_and_leaves_it_as_it_was(
    bot: Harness,
) -> None:
    unhurried(bot)
    li = bot.person("李麟")
    (digest,) = digests(await sweep_at(bot, "2025-12-22 10:00"), li["id"])
    calls = await bot.press(li, digest, "Report progress")
    assert "Which task do you mean?" in text_of(calls)
    assert all(call.method != "editMessageText" for call in calls)  # the digest stays
    offered = [button["text"] for button in last(calls).buttons]
    assert any(label.startswith("No. 15") for label in offered)
    calls = await bot.press(li, last(calls), next(b for b in offered if b.startswith("No. 15")))
    assert "How far along" in text_of(calls)
    calls = await bot.say(li, "大篷车36场")
    assert "科普大篷车巡展 36/40 场 (90%)" in text_of(calls)
    await bot.press(li, last(calls), "Confirm")
    assert achieved(bot, "15", "科普大篷车巡展") == 36


async def test_someone_elses_digest_button_is_refused(bot: Harness) -> None:
    unhurried(bot)
    li = bot.person("李麟")
    (digest,) = digests(await sweep_at(bot, "2025-12-22 10:00"), li["id"])
    zheng = bot.person("郑昌盛")
    report = next(b["callback_data"] for b in digest.buttons if b["callback_data"][:3] == "rp:")
    calls = await bot.forge(zheng, digest, report)
    assert "no longer works" in str(answers(calls)[0].params.get("text"))
    assert reports(bot) == []
