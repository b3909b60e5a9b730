"""The fake Bot API answers refusals as Telegram does, and python-telegram-bot reads them so."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import Forbidden, RetryAfter

from bot.fakegram import FakeBotAPI, FakeRequest

CHAT = 4_000_001


async def test_a_person_who_blocked_the_bot_is_refused_for_good() -> None:
    api = FakeBotAPI()
    api.blocked.add(CHAT)
    async with Bot("1:offline", request=FakeRequest(api)) as bot:
        for _ in range(2):
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(CHAT, "提醒")
        await bot.send_message(CHAT + 1, "提醒")  # others still get their messages
    assert [call.error for call in api.calls if call.method == "sendMessage"] == [
        "Forbidden: bot was blocked by the user",
        "Forbidden: bot was blocked by the user",
        None,
    ]


# PTB 22 warns that RetryAfter.retry_after becomes a timedelta in its next major version.
@pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")
async def test_too_many_requests_says_how_long_to_wait_then_passes() -> None:
    api = FakeBotAPI()
    api.flood(CHAT, retry_after=7, times=2)
    async with Bot("1:offline", request=FakeRequest(api)) as bot:
        for _ in range(2):
            with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
                await bot.send_message(CHAT, "提醒")
        message = await bot.send_message(CHAT, "提醒")
    assert message.text == "提醒"
    assert len(api.sent("sendMessage")) == 1
