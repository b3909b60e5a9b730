"""/settings: each person's reminder time and leave, and the office's time, through the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time

import pytest

from models.tables import Role
from tests.test_bot_support import Harness, answers, last, running_bot, text_of
from tests.test_reminders import at, digests, sweep_at, unhurried, zheng


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        harness.clock.now = at("2025-12-19 15:00")
        yield unhurried(harness)


async def test_settings_show_the_time_the_language_and_buttons(bot: Harness) -> None:
    zheng(bot)
    calls = await bot.say(bot.users["郑昌盛"], "/settings")
    text = text_of(calls)
    assert "提醒时间：09:00（单位统一时间）" in text and "语言：中文" in text
    labels = [button["text"] for button in last(calls).buttons]
    assert labels == ["08:30", "09:00", "10:00", "14:00", "暂停 7 天", "暂停 14 天"]


async def test_my_own_time_holds_my_digest_until_then(bot: Harness) -> None:
    chat = zheng(bot)
    calls = await bot.say(bot.users["郑昌盛"], "/settings time 10:00")
    assert "已设置：每天 10:00 提醒" in text_of(calls)
    assert bot.stored("郑昌盛").remind_at == time(10, 0)
    assert digests(await sweep_at(bot, "2025-12-22 09:00"), chat) == []
    assert digests(await sweep_at(bot, "2025-12-22 09:59"), chat) == []
    assert len(digests(await sweep_at(bot, "2025-12-22 10:00"), chat)) == 1


async def test_a_time_outside_office_hours_or_nonsense_is_refused(bot: Harness) -> None:
    zheng(bot)
    calls = await bot.say(bot.users["郑昌盛"], "/settings time 20:00")
    assert "请在 09:00–18:00 之间选择" in text_of(calls)
    calls = await bot.say(bot.users["郑昌盛"], "/settings time soon")
    assert "用法" in text_of(calls)
    assert bot.stored("郑昌盛").remind_at is None


async def test_a_pause_holds_reminders_until_it_ends_and_nothing_is_lost(bot: Harness) -> None:
    chat = zheng(bot)
    calls = await bot.say(bot.users["郑昌盛"], "/settings")
    pressed = await bot.press(bot.users["郑昌盛"], last(calls), "暂停 7 天")
    assert "已暂停：2025-12-26 前不再提醒" in text_of(pressed)
    for day in ("2025-12-22", "2025-12-23", "2025-12-26"):
        assert digests(await sweep_at(bot, f"{day} 09:00"), chat) == []
    back = digests(await sweep_at(bot, "2025-12-29 09:00"), chat)
    assert len(back) == 1 and "第1项" in text_of(back)  # the tasks due 12-31 still come


async def test_resume_ends_a_pause(bot: Harness) -> None:
    chat = zheng(bot)
    await bot.say(bot.users["郑昌盛"], "/settings pause 2026-01-31")
    calls = await bot.say(bot.users["郑昌盛"], "/settings resume")
    assert "提醒已恢复" in text_of(calls)
    assert digests(await sweep_at(bot, "2025-12-22 09:00"), chat)


async def test_a_pause_into_the_past_is_refused(bot: Harness) -> None:
    zheng(bot)
    calls = await bot.say(bot.users["郑昌盛"], "/settings pause 2025-01-01")
    assert "这一天已经过去" in text_of(calls)
    assert bot.stored("郑昌盛").paused_until is None


async def test_the_office_time_is_the_admins_to_set(bot: Harness) -> None:
    chat = zheng(bot)
    refused = await bot.say(bot.users["郑昌盛"], "/settings office 10:30")
    assert "只有督办员" in text_of(refused)
    clerk = bot.person("王督办", role=Role.admin, language="zh_CN")
    done = await bot.say(clerk, "/settings office 10:30")
    assert "已设置：单位统一在 10:30 提醒" in text_of(done)
    assert digests(await sweep_at(bot, "2025-12-22 10:00"), chat) == []
    assert digests(await sweep_at(bot, "2025-12-22 10:30"), chat)


async def test_a_settings_button_changes_only_the_pressers_settings(bot: Harness) -> None:
    zheng(bot)
    other = bot.person("李麟", language="zh_CN")
    calls = await bot.say(bot.users["郑昌盛"], "/settings")
    await bot.press(other, last(calls), "14:00")
    assert bot.stored("李麟").remind_at == time(14, 0)
    assert bot.stored("郑昌盛").remind_at is None
    stranger = bot.person("路人", bind=False, language="zh_CN")
    pressed = await bot.press(stranger, last(calls), "08:30")
    assert "邀请链接" in answers(pressed)[0].params["text"]
    forged = await bot.forge(other, last(calls), "st:x:1")
    assert "按钮已失效" in answers(forged)[0].params["text"]
