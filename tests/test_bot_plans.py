"""/plan in chat: two years' plans side by side, switching between them, 去年的第3项, archiving."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.fakegram import Call
from ledger.importer import read_document
from ledger.store import apply_plan
from models.db import session_scope
from models.tables import AuditEvent, Plan, Role
from tests.test_bot_support import NOW, Harness, last, running_bot, sent, text_of

# Last year's document: its tasks 1-3 share their numbers with this year's (example 004).
LAST_YEAR = """黄石市科协2024年重点工作任务分解清单

1. 举办院士专家进校园活动12场。（牵头单位：学会部；责任领导：陈汉平；完成时限：2024年6月底前）
2. 完成科技馆展厅改造。（牵头单位：市科技馆；责任领导：陈汉平；完成时限：2024年9月底前）
3. 开展青少年科学营活动。（牵头单位：学会部；责任领导：陈汉平；完成时限：2024年12月底前）
"""
THIS_YEAR_TITLE = "黄石市科协2025年重点工作任务分解清单"
LAST_YEAR_TITLE = "黄石市科协2024年重点工作任务分解清单"


@pytest.fixture
async def bot(database_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot on example 004 (2025) with last year's plan imported beside it."""
    document = tmp_path / "2024.txt"
    document.write_text(LAST_YEAR, encoding="utf-8")
    parsed = read_document(document, today=NOW.date(), year=2024)
    async with running_bot(database_url) as harness:
        with session_scope(harness.engine) as session:
            apply_plan(session, parsed, now=NOW + timedelta(minutes=1))
        yield harness
        assert harness.errors == []


def plan_id(bot: Harness, year: int) -> int:
    with session_scope(bot.engine) as session:
        found = session.exec(select(Plan.id).where(Plan.year == year)).one()
    assert found is not None
    return found


def button(call: Call, starts: str) -> str:
    return next(b["text"] for b in call.buttons if b["text"].startswith(starts))


async def test_plan_lists_both_years_marking_the_current_one_and_mine(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    listing = last(await bot.say(chen, "/plan"))
    text = text_of([listing])
    this, before = plan_id(bot, 2025), plan_id(bot, 2024)
    assert f"[{this}] {THIS_YEAR_TITLE} · 2025 · current · 👉 you are on it" in text
    assert f"[{before}] {LAST_YEAR_TITLE} · 2024\n" in text
    assert "open 3 · done 0 · 3 in all" in text
    # A button for the plan one is not on; none to go back, being on the current ones.
    assert [b["text"].split()[0] for b in listing.buttons] == [f"[{before}]"]


async def test_switching_to_last_year_makes_my_list_and_task_numbers_follow(
    bot: Harness,
) -> None:
    chen = bot.person("陈汉平")
    assert "培训班" in text_of(await bot.say(chen, "第3项"))  # this year's task 3

    said = text_of(await bot.say(chen, "/plan 2024"))
    assert f"Now on {LAST_YEAR_TITLE}" in said
    todo = text_of(await bot.say(chen, "我的待办"))
    assert todo.startswith(f"({LAST_YEAR_TITLE}) Your open tasks: 3")
    assert "培训班" not in todo
    task = text_of(await bot.say(chen, "第3项"))
    assert "青少年科学营" in task and LAST_YEAR_TITLE in task
    assert "青少年科学营" in text_of(await bot.say(chen, "/task 3"))
    stats = text_of(await bot.say(chen, "完成了几项"))
    assert stats.startswith(f"({LAST_YEAR_TITLE})") and "Total 3" in stats

    assert "Back to the current plans" in text_of(await bot.say(chen, "/plan current"))
    todo = text_of(await bot.say(chen, "我的待办"))
    assert todo.startswith("Your open tasks:")
    assert "培训班" in text_of(await bot.say(chen, "第3项"))


async def test_a_plan_picked_by_button_is_the_pressers_own(bot: Harness) -> None:
    chen, zheng = bot.person("陈汉平"), bot.person("郑昌盛")
    listing = last(await bot.say(chen, "/plan"))
    before = plan_id(bot, 2024)
    pressed = last(await bot.press(chen, listing, button(listing, f"[{before}]")))
    shown = text_of([pressed])
    assert shown.startswith(f"Now on {LAST_YEAR_TITLE}")
    assert f"[{before}] {LAST_YEAR_TITLE} · 2024 · 👉 you are on it" in shown  # marked anew
    assert bot.stored("陈汉平").plan_id == before
    assert "青少年科学营" in text_of(await bot.say(chen, "第3项"))
    # Someone else pressing the same button switches only themselves.
    await bot.forge(zheng, listing, f"pl:{before}")
    assert bot.stored("郑昌盛").plan_id == before
    await bot.press(chen, pressed, "Back to the current plans")
    assert bot.stored("陈汉平").plan_id is None
    assert bot.stored("郑昌盛").plan_id == before


async def test_last_years_task_by_words_without_switching(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    answer = text_of(await bot.say(chen, "去年的第3项"))
    assert "青少年科学营" in answer and LAST_YEAR_TITLE in answer
    who = text_of(await bot.say(chen, "2024年的第3项谁负责"))
    assert who.startswith(LAST_YEAR_TITLE) and "陈汉平" in who
    assert bot.stored("陈汉平").plan_id is None  # still on the current plans
    assert "培训班" in text_of(await bot.say(chen, "第3项"))


async def test_a_year_without_a_plan_is_said_plainly(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    said = text_of(await bot.say(chen, "前年的第3项"))
    assert said == "The ledger has no plan of 2023. /plan lists the plans it has."
    assert "The ledger has no plan of 2030." in text_of(await bot.say(chen, "/plan 2030"))
    assert bot.stored("陈汉平").plan_id is None


async def test_a_report_on_a_year_without_a_plan_records_nothing(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    said = text_of(await bot.say(chen, "前年的第3项办完了"))
    assert "The ledger has no plan of 2023." in said and "Nothing was recorded." in said


async def test_staff_cannot_archive_a_plan(bot: Harness) -> None:
    zhang = bot.person("张伟", department="学会部")
    before = plan_id(bot, 2024)
    said = text_of(await bot.say(zhang, f"/plan archive {before}"))
    assert said == "Only the office clerk (an admin) can archive plans. Nothing was changed."
    with session_scope(bot.engine) as session:
        plan = session.get(Plan, before)
        assert plan is not None and plan.archived_at is None
        assert (
            session.exec(select(AuditEvent).where(AuditEvent.action == "plan.archived")).all() == []
        )


async def test_an_admin_archives_last_years_plan_and_its_followers_come_back(
    bot: Harness,
) -> None:
    admin, chen = bot.person("周婷", role=Role.admin), bot.person("陈汉平")
    before = plan_id(bot, 2024)
    await bot.say(chen, "/plan 2024")
    said = text_of(await bot.say(admin, f"/plan archive {before}"))
    assert f"Archived {LAST_YEAR_TITLE}" in said
    assert bot.stored("陈汉平").plan_id is None
    assert "培训班" in text_of(await bot.say(chen, "第3项"))
    listing = text_of(await bot.say(admin, "/plan"))
    assert f"[{before}] {LAST_YEAR_TITLE} · 2024 · archived" in listing
    # An archived plan can still be read, and is said to be archived.
    said = text_of(await bot.say(chen, f"/plan {before}"))
    assert "It is archived" in said
    assert "archived already" in text_of(await bot.say(admin, f"/plan archive {before}"))
    assert "is back" in text_of(await bot.say(admin, f"/plan unarchive {before}"))


async def test_a_year_with_two_plans_asks_which(bot: Harness, tmp_path: Path) -> None:
    document = tmp_path / "second.txt"
    document.write_text(LAST_YEAR.replace("重点工作任务分解清单", "工作要点"), encoding="utf-8")
    with session_scope(bot.engine) as session:
        apply_plan(session, read_document(document, today=NOW.date(), year=2024), now=NOW)
    chen = bot.person("陈汉平")
    asked = last(await bot.say(chen, "/plan 2024"))
    assert "2024 has 2 plans. Which one?" in text_of([asked])
    assert len(asked.buttons) == 2
    assert bot.stored("陈汉平").plan_id is None  # nothing chosen yet
    await bot.press(chen, asked, 0)
    assert bot.stored("陈汉平").plan_id is not None


async def test_plan_usage_and_help(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    assert "Usage: /plan" in text_of(await bot.say(chen, "/plan whatever"))
    assert "There is no plan [99]." in text_of(await bot.say(chen, "/plan 99"))
    help_text = text_of(await bot.say(chen, "/help"))
    assert "/plan 2024" in help_text and "去年的第3项" in help_text
    assert "/plan archive" not in help_text  # admins only
    assert len(sent(await bot.say(chen, "/plan"))) == 1
