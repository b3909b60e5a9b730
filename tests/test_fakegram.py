"""The fake Bot API answers refusals as Telegram does, and python-telegram-bot reads them so."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

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


async def test_a_chat_telegram_does_not_know_is_a_bad_request() -> None:
    api = FakeBotAPI()
    api.missing.add(CHAT)
    async with Bot("1:offline", request=FakeRequest(api)) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(CHAT, "提醒")


async def test_a_group_that_became_a_supergroup_says_where_it_went() -> None:
    api = FakeBotAPI()
    api.migrate(-4_001, to=-100_4_001)
    async with Bot("1:offline", request=FakeRequest(api)) as bot:
        with pytest.raises(ChatMigrated) as raised:
            await bot.send_message(-4_001, "提醒")
        assert raised.value.new_chat_id == -100_4_001
        message = await bot.send_message(-100_4_001, "提醒")
    assert message.chat.type == "supergroup"


async def test_passing_faults_answer_5xx_or_time_out_then_clear() -> None:
    api = FakeBotAPI()
    api.fail(CHAT, status=502, times=2)
    api.fail(CHAT, status=None)
    async with Bot("1:offline", request=FakeRequest(api)) as bot:
        for _ in range(2):
            with pytest.raises(NetworkError, match="Bad Gateway"):
                await bot.send_message(CHAT, "提醒")
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "提醒")
        await bot.send_message(CHAT, "提醒")
    assert [call.error for call in api.calls if call.method == "sendMessage"] == [
        "Bad Gateway",
        "Bad Gateway",
        "timed out",
        None,
    ]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def too_fast(api: FakeBotAPI, chat_id: int) -> int | None:
    """retry_after if a message to ``chat_id`` now is refused for going over the limits."""
    status, body = api.answer("sendMessage", {"chat_id": chat_id, "text": "提醒"})
    if status == 200:
        return None
    assert status == 429, body
    return int(body["parameters"]["retry_after"])


def test_limits_are_not_enforced_unless_asked() -> None:
    api = FakeBotAPI(limit_clock=Clock())
    assert [too_fast(api, CHAT) for _ in range(50)] == [None] * 50
    assert api.too_many == []


def test_a_private_chat_gets_one_message_a_second() -> None:
    clock = Clock()
    api = FakeBotAPI(enforce_limits=True, limit_clock=clock)
    assert too_fast(api, CHAT) is None
    clock.now += 0.5
    assert too_fast(api, CHAT) == 1
    assert too_fast(api, CHAT + 1) is None  # another chat is not held up
    clock.now += 0.5
    assert too_fast(api, CHAT) is None
    assert api.too_many == [CHAT]


def test_a_group_gets_twenty_messages_a_minute() -> None:
    clock = Clock()
    api = FakeBotAPI(enforce_limits=True, limit_clock=clock)
    for _ in range(20):
        assert too_fast(api, -CHAT) is None
        clock.now += 1
    assert too_fast(api, -CHAT) == 40  # the first of the twenty leaves the minute in 40 s
    clock.now += 40
    assert too_fast(api, -CHAT) is None
    assert api.too_many == [-CHAT]


def test_the_bot_sends_thirty_messages_a_second_overall() -> None:
    clock = Clock()
    api = FakeBotAPI(enforce_limits=True, limit_clock=clock)
    for n in range(30):
        assert too_fast(api, CHAT + n) is None
    assert too_fast(api, CHAT + 30) == 1
    clock.now += 1
    assert too_fast(api, CHAT + 30) is None
    assert api.too_many == [CHAT + 30]


async def test_a_document_and_a_photo_the_bot_uploads_are_kept_with_their_calls() -> None:
    api = FakeBotAPI(username="duban_test_bot")
    bot = Bot("1:offline", request=FakeRequest(api))
    async with bot:
        await bot.send_document(42, b"\xef\xbb\xbfa,b\n", filename="台账.csv", caption="台账")
        await bot.send_photo(42, b"\x89PNG...", caption="图")
        with pytest.raises(BadRequest, match="caption is too long"):
            await bot.send_document(42, b"x", filename="x.txt", caption="长" * 1025)
    document, photo, refused = api.calls[-3:]
    assert document.upload is not None and document.upload.file_name == "台账.csv"
    assert document.upload.content.startswith(b"\xef\xbb\xbf")
    assert document.result["document"]["file_name"] == "台账.csv"
    assert photo.upload is not None and photo.upload.field == "photo"
    assert photo.result["caption"] == "图" and refused.error is not None
