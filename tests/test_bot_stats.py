"""Where the plan stands, asked in chat (/stats, 完成率多少, 各部室完成情况, 学会部进度怎么样,
陈汉平分管的完成了几项): the figures each person may see, and a chart sent as a photo.

The ledger is seed 004 with a few reports entered: on 26 May tasks 5 and 11 (学会部) are
completed, task 6 (组宣部) has progress and staff of 学会部 report task 21 done (awaiting
review); on 5 June task 3 (学会部, due 31 May) is completed, late. The questions are asked on
5 June, when task 30 (due 28 February) is the one overdue.
"""

from __future__ import annotations

import re
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, col, select

from bot.fakegram import Call
from models.access import OPEN_STATUSES, visible
from models.db import session_scope
from models.reports import record_progress, submit_completion
from models.tables import (
    Department,
    DepartmentRole,
    Person,
    Role,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)
from tests.test_bot_support import BOT_USERNAME, Harness, group, running_bot, text_of

ASKED = datetime(2025, 6, 5, 4, 0, tzinfo=UTC)  # Thursday 5 June, noon in Shanghai
TODAY = date(2025, 6, 5)


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        harness.person("周婷", role=Role.admin)
        harness.person("张三", department="学会部")
        with session_scope(harness.engine) as session:
            clerk, staff = person_id(session, "周婷"), person_id(session, "张三")
            now = harness.clock.now
            for number in ("5", "11"):
                done = task_id(session, number)
                submit_completion(session, task_id=done, person_id=clerk, text="办完了", now=now)
            going = task_id(session, "6")
            record_progress(session, task_id=going, person_id=clerk, text="已筹备", now=now)
            waiting = task_id(session, "21")
            submit_completion(session, task_id=waiting, person_id=staff, text="办完了", now=now)
        harness.clock.now = ASKED
        with session_scope(harness.engine) as session:
            late = task_id(session, "3")
            submit_completion(session, task_id=late, person_id=clerk, text="办完了", now=ASKED)
        yield harness
        assert harness.errors == []


def person_id(session: Session, name: str) -> int:
    found = session.exec(select(Person.id).where(Person.name == name)).one()
    assert found is not None
    return found


def task_id(session: Session, number: str) -> int:
    found = session.exec(select(Task.id).where(Task.number == number)).one()
    assert found is not None
    return found


@dataclass(frozen=True)
class Count:
    """The figures of some tasks, counted here from the ledger's rows."""

    total: int
    done: int
    in_progress: int
    not_started: int
    overdue: int

    def summary(self) -> str:
        rate = f"{self.done / self.total:.0%}"
        return (
            f"Total {self.total}: done {self.done} ({rate}), in progress {self.in_progress}, "
            f"not started {self.not_started}."
        )


def counted(bot: Harness, *where: object) -> Count:
    with session_scope(bot.engine) as session:
        tasks = list(session.exec(select(Task).where(*where)))  # type: ignore[arg-type]
    tasks = [task for task in tasks if task.status != TaskStatus.cancelled]
    statuses = [task.status for task in tasks]
    late = [
        task for task in tasks if task.status in OPEN_STATUSES and task.due and task.due < TODAY
    ]
    return Count(
        total=len(tasks),
        done=statuses.count(TaskStatus.done),
        in_progress=statuses.count(TaskStatus.in_progress)
        + statuses.count(TaskStatus.pending_review),
        not_started=statuses.count(TaskStatus.open),
        overdue=len(late),
    )


def led_by(department: str) -> object:
    return col(Task.id).in_(
        select(TaskDepartment.task_id)
        .join(Department, col(Department.id) == TaskDepartment.department_id)
        .where(Department.name == department, TaskDepartment.role == DepartmentRole.lead)
    )


def of_leader(name: str) -> object:
    return col(Task.id).in_(
        select(TaskLeader.task_id)
        .join(Person, col(Person.id) == TaskLeader.person_id)
        .where(Person.name == name)
    )


def seen_by(bot: Harness, name: str) -> object:
    with session_scope(bot.engine) as session:
        person = session.exec(select(Person).where(Person.name == name)).one()
        ids = list(session.exec(select(Task.id).where(visible(session, person=person))))
    return col(Task.id).in_(ids)


def leads_of(bot: Harness, *where: object) -> set[str]:
    """The lead departments of these tasks."""
    with session_scope(bot.engine) as session:
        ids = list(session.exec(select(Task.id).where(*where)))  # type: ignore[arg-type]
        names = session.exec(
            select(Department.name)
            .join(TaskDepartment, col(Department.id) == TaskDepartment.department_id)
            .where(col(TaskDepartment.task_id).in_(ids), TaskDepartment.role == DepartmentRole.lead)
        )
        return set(names)


def photos(calls: list[Call]) -> list[bytes]:
    found = []
    for call in calls:
        if call.method == "sendPhoto":
            assert call.error is None and call.upload is not None
            assert call.upload.field == "photo"
            found.append(call.upload.content)
    return found


def png_width(png: bytes) -> int:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, _height = struct.unpack(">II", png[16:24])
    return int(width)


def group_lines(text: str) -> dict[str, str]:
    """Each group's line by its name: 学会部 -> "3/7 (43%) · …"."""
    return dict(re.findall(r"^• (.+?) — (.+)$", text, flags=re.MULTILINE))


# --- the whole ledger -------------------------------------------------------------------------


async def test_the_clerk_gets_the_whole_ledgers_figures_and_a_chart(bot: Harness) -> None:
    calls = await bot.say(bot.users["周婷"], "/stats")
    text = text_of(calls)
    everything = counted(bot)
    assert text.startswith("Where the tasks stand · 2025-06-05")
    assert everything.summary() in text
    assert (everything.done, everything.overdue) == (3, 1)  # the setup, as the ledger has it
    assert "Of those in progress, 1 awaiting review." in text
    assert f"Overdue {everything.overdue}. Done on time 2, done late 1." in text
    assert "🔴 red 1" in text and "🟢 green" in text
    # One line per lead department, most tasks first; each as the ledger counts it.
    assert "By lead department" in text
    lines = group_lines(text)
    society = counted(bot, led_by("学会部"))
    assert lines["学会部"].startswith(
        f"{society.done}/{society.total} ({society.done / society.total:.0%})"
    )
    organisation = counted(bot, led_by("组宣部"))
    assert lines["组宣部"].startswith(f"{organisation.done}/{organisation.total} ")
    assert "overdue 1 🔴" in lines["组宣部"]
    totals = [int(line.split("/")[1].split()[0]) for line in lines.values()]
    assert totals == sorted(totals, reverse=True)
    # Then the chart, as a photo wide enough for a phone.
    assert [call.method for call in calls] == ["sendMessage", "sendPhoto"]
    (png,) = photos(calls)
    assert png_width(png) >= 1000


async def test_a_question_in_plain_words_gets_the_same_answer(bot: Harness) -> None:
    by_command = text_of(await bot.say(bot.users["周婷"], "/stats"))
    for question in ("完成率多少", "总体进度", "各部室完成情况", "各部门进度"):
        assert text_of(await bot.say(bot.users["周婷"], question)) == by_command, question


async def test_per_leader(bot: Harness) -> None:
    calls = await bot.say(bot.users["周婷"], "各位领导完成情况")
    text = text_of(calls)
    assert "By leader" in text
    lines = group_lines(text)
    chen = counted(bot, of_leader("陈汉平"))
    assert lines["陈汉平"].startswith(f"{chen.done}/{chen.total} ")
    assert list(lines) == ["陈汉平", "郑昌盛", "李义词", "李麟"]  # most tasks first
    assert len(photos(calls)) == 1


# --- one department, one leader ---------------------------------------------------------------


@pytest.mark.parametrize("question", ["学会部进度怎么样", "学会部完成了几项", "/stats 学会部"])
async def test_one_departments_figures(bot: Harness, question: str) -> None:
    text = text_of(await bot.say(bot.users["周婷"], question))
    society = counted(bot, led_by("学会部"))
    assert text.startswith("Tasks led by 学会部 · 2025-06-05")
    assert society.summary() == "Total 7: done 3 (43%), in progress 1, not started 3."
    assert society.summary() in text
    assert "Done on time 2, done late 1." in text  # task 3 was done after 31 May
    assert set(group_lines(text)) == {"陈汉平", "郑昌盛"}  # its tasks' leaders


@pytest.mark.parametrize(
    "question", ["陈汉平分管的完成了几项", "陈汉平的任务完成情况", "/stats 陈汉平"]
)
async def test_one_leaders_figures(bot: Harness, question: str) -> None:
    text = text_of(await bot.say(bot.users["周婷"], question))
    chen = counted(bot, of_leader("陈汉平"))
    assert text.startswith("Tasks of 陈汉平 · 2025-06-05")
    assert chen.summary() in text
    assert f"Overdue {chen.overdue}." in text
    assert "By lead department" in text and "学会部" in group_lines(text)


async def test_a_name_the_ledger_does_not_know_is_said_and_nothing_drawn(bot: Harness) -> None:
    calls = await bot.say(bot.users["周婷"], "/stats 王五")
    assert text_of(calls) == "I don't know “王五” in the ledger."
    assert photos(calls) == []
    assert "后勤部" in text_of(await bot.say(bot.users["周婷"], "后勤部完成了几项"))


# --- who sees what ----------------------------------------------------------------------------


async def test_a_leader_sees_the_figures_of_their_own_scope(bot: Harness) -> None:
    li = bot.person("李麟")
    text = text_of(await bot.say(li, "/stats"))
    mine = counted(bot, seen_by(bot, "李麟"))
    assert mine.total < counted(bot).total
    assert text.startswith("Where the tasks you may see stand")
    assert mine.summary() in text
    assert set(group_lines(text)) == leads_of(bot, seen_by(bot, "李麟"))
    assert "机关党委" not in group_lines(text)  # none of its tasks are his to see
    # Asking about another leader gives only what they share with him.
    other = text_of(await bot.say(li, "陈汉平分管的完成了几项"))
    shared = counted(bot, seen_by(bot, "李麟"), of_leader("陈汉平"))
    assert other.startswith("Tasks of 陈汉平 that you may see")
    assert shared.summary() in other
    assert shared.total < counted(bot, of_leader("陈汉平")).total


async def test_staff_see_their_departments_figures(bot: Harness) -> None:
    text = text_of(await bot.say(bot.users["张三"], "完成率多少"))
    theirs = counted(bot, seen_by(bot, "张三"))
    assert theirs.summary() in text
    assert set(group_lines(text)) == leads_of(bot, seen_by(bot, "张三"))
    assert "市科技馆" not in text


async def test_someone_unknown_is_told_how_to_join(bot: Harness) -> None:
    stranger = bot.person("路人", bind=False)
    calls = await bot.say(stranger, "/stats")
    assert "invitation" in text_of(calls) and photos(calls) == []


# --- groups and languages ---------------------------------------------------------------------


async def test_in_a_group_only_a_question_addressed_to_the_bot_is_answered(bot: Harness) -> None:
    chat = group()
    assert await bot.say(bot.users["周婷"], "完成率多少", chat=chat) == []
    calls = await bot.say(bot.users["周婷"], f"@{BOT_USERNAME} 完成率多少", chat=chat)
    assert counted(bot).summary() in text_of(calls)
    assert calls[0].params.get("reply_parameters")  # it quotes whom it answers
    assert len(photos(calls)) == 1
    assert len(photos(await bot.say(bot.users["周婷"], "/stats", chat=chat))) == 1


async def test_the_figures_in_chinese(bot: Harness) -> None:
    wang = bot.person("王丽", role=Role.admin, language="zh_CN")
    text = text_of(await bot.say(wang, "各部室完成情况"))
    assert text.startswith("任务总体情况 · 2025-06-05")
    assert "共 38 项：已完成 3 项（8%），进行中 2 项，未开始 33 项。" in text
    assert "按牵头部室" in text and "🔴 红灯 1" in text
