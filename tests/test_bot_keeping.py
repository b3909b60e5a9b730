"""The clerk keeps the ledger in chat, through the real Application and the fake Bot API:
/unassigned and its pickers, changes said in words, new tasks, cancels, and who may."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlmodel import select

from bot.fakegram import html_to_text
from models.db import session_scope
from models.people import task_history
from models.tables import (
    AuditEvent,
    Department,
    DepartmentRole,
    Person,
    Role,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)
from tests.test_bot_reports import to
from tests.test_bot_support import Harness, answers, last, running_bot, text_of
from tests.test_reminders import digests, sweep_at, unhurried


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


def stored(bot: Harness, number: str) -> Task:
    with session_scope(bot.engine) as session:
        found = session.exec(select(Task).where(Task.number == number)).one()
        session.expunge(found)
        return found


def leaders_of(bot: Harness, number: str) -> list[str]:
    with session_scope(bot.engine) as session:
        return list(
            session.exec(
                select(Person.name)
                .join(TaskLeader, TaskLeader.person_id == Person.id)  # type: ignore[arg-type]
                .join(Task, Task.id == TaskLeader.task_id)  # type: ignore[arg-type]
                .where(Task.number == number)
                .order_by(TaskLeader.position)  # type: ignore[arg-type]
            )
        )


def lead_of(bot: Harness, number: str) -> list[str]:
    with session_scope(bot.engine) as session:
        return list(
            session.exec(
                select(Department.name)
                .join(TaskDepartment, TaskDepartment.department_id == Department.id)  # type: ignore[arg-type]
                .join(Task, Task.id == TaskDepartment.task_id)  # type: ignore[arg-type]
                .where(Task.number == number, TaskDepartment.role == DepartmentRole.lead)
                .order_by(TaskDepartment.position)  # type: ignore[arg-type]
            )
        )


def changes(bot: Harness) -> list[AuditEvent]:
    with session_scope(bot.engine) as session:
        found = list(
            session.exec(
                select(AuditEvent).where(
                    AuditEvent.action.in_(("task.changed", "task.added", "task.withdrawn"))  # type: ignore[attr-defined]
                )
            )
        )
        for event in found:
            session.expunge(event)
        return found


async def test_unassigned_lists_what_the_document_left_open_and_a_picker_fills_it(
    bot: Harness,
) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    li = bot.person("李麟")
    calls = await bot.say(clerk, "/unassigned")
    text = text_of(calls)
    assert "Tasks left open: 1" in text  # seed 004's task 20 names no lead department
    assert "No. 20" in text and "missing: lead department" in text

    calls = await bot.press(clerk, last(calls), "No. 20")
    assert "Lead: (none)" in text_of(calls)
    calls = await bot.press(clerk, last(calls), "Lead department")
    assert "Which department leads No. 20?" in text_of(calls)
    calls = await bot.press(clerk, last(calls), "普及部（中心）")
    assert "lead departments: - → 普及部（中心）" in text_of(calls)
    assert "nothing missing" in text_of(calls)
    assert lead_of(bot, "20") == ["普及部（中心）"]
    told = to(calls, li["id"])
    assert len(told) == 1 and "周婷 changed" in told[0].text  # the leader, once

    calls = await bot.say(clerk, "/unassigned")
    assert "Every task has a leader, a lead and a deadline." in text_of(calls)


async def test_a_deadline_typed_after_the_button_is_echoed_as_a_date_before_it_is_saved(
    bot: Harness,
) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    calls = await bot.say(clerk, "/unassigned")
    calls = await bot.press(clerk, last(calls), "No. 20")
    calls = await bot.press(clerk, last(calls), "Deadline")
    assert "By when must" in text_of(calls)
    calls = await bot.say(clerk, "过几天")
    assert "I can't read a date" in text_of(calls)
    calls = await bot.say(clerk, "下周五")
    assert "deadline → 2025-06-06（下周五）" in text_of(calls)
    calls = await bot.say(clerk, "9月底前完成")  # a report elsewhere: here, the date corrected
    assert "deadline → 2025-09-30（9月底前完成）" in text_of(calls)
    assert stored(bot, "20").due == date(2025, 12, 31)  # nothing before 确认
    calls = await bot.press(clerk, last(calls), "Confirm")
    assert "deadline: 2025-12-31 → 2025-09-30" in text_of(calls)
    assert stored(bot, "20").due == date(2025, 9, 30)
    with session_scope(bot.engine) as session:
        task = stored(bot, "20")
        assert task.id is not None
        actions = [event.action for event, _ in task_history(session, task_id=task.id)]
    assert actions[-1] == "task.changed"


async def test_the_clerk_assigns_by_words_and_it_is_confirmed_first(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    chen, li = bot.person("陈汉平"), bot.person("李麟")
    calls = await bot.say(clerk, "第3项由李麟负责，牵头改为组宣部，6月底前完成")
    text = text_of(calls)
    assert "Change No. 3" in text
    assert "leaders → 李麟" in text and "lead departments → 组宣部" in text
    assert "deadline → 2025-06-30" in text
    assert leaders_of(bot, "3") == ["陈汉平"]  # nothing before 确认
    calls = await bot.press(clerk, last(calls), "Confirm")
    assert leaders_of(bot, "3") == ["李麟"]
    assert lead_of(bot, "3") == ["组宣部"]
    assert stored(bot, "3").due == date(2025, 6, 30)
    # The old leader and the new are each told once, in one message.
    assert len(to(calls, chen["id"])) == 1 and len(to(calls, li["id"])) == 1
    (event,) = changes(bot)
    assert event.action == "task.changed" and "leader: 陈汉平 -> 李麟" in event.detail
    assert "No. 3 " not in text_of(await bot.say(chen, "我的待办"))
    assert "No. 3 " in text_of(await bot.say(li, "我的待办"))


async def test_a_name_the_ledger_lacks_is_offered_back_never_invented(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    calls = await bot.say(clerk, "第3项由李林负责")
    text = text_of(calls)
    assert "I don't know the leader 李林" in text and "李麟" in text
    assert "Nothing was changed" in text
    assert leaders_of(bot, "3") == ["陈汉平"] and changes(bot) == []


async def test_staff_cannot_change_the_ledger_and_a_leader_only_their_departments(
    bot: Harness,
) -> None:
    zhang = bot.person("张伟", department="学会部")
    calls = await bot.say(zhang, "第3项牵头改为组宣部")
    assert "Only the office clerk changes the ledger" in text_of(calls)
    chen = bot.person("陈汉平")
    calls = await bot.say(chen, "第3项截止时间改为6月30日")  # a leader does not set deadlines
    assert "Only the office clerk changes the ledger" in text_of(calls)
    # 陈汉平 oversees 学会部 and 组宣部 (he leads tasks they lead): he may move task 3.
    calls = await bot.say(chen, "第3项改由组宣部牵头")
    calls = await bot.press(chen, last(calls), "Confirm")
    assert lead_of(bot, "3") == ["组宣部"]
    # 市科技馆 is 李麟's, not his.
    calls = await bot.say(chen, "第3项改由市科技馆牵头")
    assert "Only the office clerk changes the ledger" in text_of(calls)
    assert lead_of(bot, "3") == ["组宣部"]


async def test_a_forged_picker_press_by_staff_changes_nothing(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    zhang = bot.person("张伟", department="学会部")
    calls = await bot.say(clerk, "/unassigned")
    task = stored(bot, "20")
    with session_scope(bot.engine) as session:
        department = session.exec(select(Department).where(Department.name == "学会部")).one()
    calls = await bot.forge(zhang, last(calls), f"kp:D:{task.id}:{department.id}")
    assert "Only the office clerk and the leaders" in answers(calls)[-1].params["text"]
    assert lead_of(bot, "20") == []


async def test_a_task_added_by_one_message_continues_the_numbering(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    li = bot.person("李麟")
    calls = await bot.say(clerk, "新增任务：组织全市科普讲解大赛，普及部牵头，李麟负责，9月底前")
    text = text_of(calls)
    assert "Add task 43" in text
    assert "Content: 组织全市科普讲解大赛" in text
    assert "Lead: 普及部\n" in text and "Leaders: 李麟" in text  # seed 004 has 普及部 too
    assert "Deadline: 2025-09-30" in text
    calls = await bot.press(clerk, last(calls), "Confirm")
    assert "Added No. 43" in text_of(calls)
    task = stored(bot, "43")
    assert task.content == "组织全市科普讲解大赛" and task.due == date(2025, 9, 30)
    assert leaders_of(bot, "43") == ["李麟"] and lead_of(bot, "43") == ["普及部"]
    assert len(to(calls, li["id"])) == 1
    assert "No. 43" in text_of(await bot.say(li, "我的待办"))


async def test_adding_is_the_clerks_alone(bot: Harness) -> None:
    li = bot.person("李麟")
    calls = await bot.say(li, "新增任务：组织全市科普讲解大赛，普及部牵头，9月底前")
    assert "Only the office clerk adds tasks" in text_of(calls)


async def test_a_cancel_asks_for_its_reason_and_stops_the_task(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    calls = await bot.say(clerk, "取消第5项")
    assert "Why is No. 5 " in text_of(calls) and "cancelled? Type the reason." in text_of(calls)
    calls = await bot.say(clerk, "上级通知不再开展")
    assert "reason: 上级通知不再开展" in text_of(calls)
    assert stored(bot, "5").status == TaskStatus.open
    calls = await bot.press(clerk, last(calls), "Confirm")
    assert stored(bot, "5").status == TaskStatus.cancelled
    assert [(e.action, e.detail) for e in changes(bot)] == [("task.withdrawn", "上级通知不再开展")]


async def test_cancel_at_the_preview_changes_nothing(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    calls = await bot.say(clerk, "第3项由李麟负责")
    calls = await bot.press(clerk, last(calls), "Cancel")
    assert "Nothing was changed" in text_of(calls)
    assert leaders_of(bot, "3") == ["陈汉平"] and changes(bot) == []


async def test_reminders_follow_a_changed_deadline_and_leader(bot: Harness) -> None:
    unhurried(bot)
    clerk = bot.person("周婷", role=Role.admin)
    li = bot.person("李麟")
    calls = await bot.say(clerk, "第3项由李麟负责，截止时间改为2025年9月30日")
    await bot.press(clerk, last(calls), "Confirm")
    # The new leader is reminded of task 3 at a tier of the new date, not the old one.
    (digest,) = digests(await sweep_at(bot, "2025-09-19 10:00"), li["id"])
    assert "No. 3 " in html_to_text(digest.text)


async def test_a_deadline_made_open_ended_is_no_longer_missing(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    calls = await bot.say(clerk, "第20项期限改为持续推进")
    assert "deadline → 持续推进" in text_of(calls)
    await bot.press(clerk, last(calls), "Confirm")
    task = stored(bot, "20")
    assert (task.due, task.due_kind, task.due_text) == (None, "continuous", "持续推进")
    calls = await bot.say(clerk, "第5项去掉学会部")  # 学会部 leads task 5: it goes from there
    assert "Change No. 5" in text_of(calls)
    await bot.press(clerk, last(calls), "Confirm")
    assert lead_of(bot, "5") == []
