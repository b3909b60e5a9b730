"""The sender delivers within Telegram's limits, waits out floods, retries what may clear, and
gives up at once on a chat that is gone: through the real python-telegram-bot Bot and the fake
Bot API."""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import NetworkError, RetryAfter
from telegram.ext import Defaults, ExtBot

from bot.fakegram import FakeBotAPI, FakeRequest
from scheduler.sender import (
    Failed,
    Limits,
    Sent,
    TelegramSender,
    Unreachable,
    retry_after_seconds,
)

CHAT = 4_000_001
GROUP = -4_001
SUPERGROUP = -100_4_001
TOKEN = "1:offline"
TEXT = "<b>郑昌盛</b>：3 项任务 12-31 到期"
# Pacing out of the way, for the tests of what is retried and what is not.
UNHURRIED = Limits(per_second=10_000, private_per_second=10_000, group_per_minute=600_000)

# PTB 22 warns on building a RetryAfter that retry_after becomes a timedelta: PTB's own doing.
flood_warning = pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")


class Sleeps(list[float]):
    """An injected sleep that only records what it was asked to wait."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@asynccontextmanager
async def sender(
    api: FakeBotAPI,
    *,
    request: FakeRequest | None = None,
    limits: Limits = UNHURRIED,
    **options: Any,
) -> AsyncIterator[tuple[TelegramSender, Sleeps]]:
    """A sender over the real Bot, with the application's defaults (HTML), and its sleeps."""
    sleeps = Sleeps()
    bot = ExtBot(
        options.pop("token", TOKEN),
        request=request or FakeRequest(api),
        defaults=Defaults(parse_mode=ParseMode.HTML),
    )
    async with bot:
        yield TelegramSender(bot, limits=limits, sleep=sleeps, **options), sleeps


def requests(api: FakeBotAPI) -> list[int]:
    """The chat of every sendMessage the fake was asked for, answered or refused."""
    return [int(call.params["chat_id"]) for call in api.calls if call.method == "sendMessage"]


async def test_a_message_goes_out_with_its_buttons_and_says_where_it_went() -> None:
    api = FakeBotAPI()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("收到", callback_data="ack:1")]])
    async with sender(api) as (send, sleeps):
        outcome = await send.send(CHAT, TEXT, markup=markup)
    [call] = api.sent("sendMessage")
    assert outcome == Sent(chat_id=CHAT, message_id=call.result["message_id"])
    assert call.result["text"] == "郑昌盛：3 项任务 12-31 到期"  # read as HTML
    assert [button["text"] for button in call.buttons] == ["收到"]
    assert sleeps == []


async def test_a_person_who_blocked_the_bot_is_unreachable_after_one_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeBotAPI()
    api.blocked.add(CHAT)
    async with sender(api) as (send, sleeps):
        with caplog.at_level(logging.WARNING, logger="scheduler.sender"):
            outcome = await send.send(CHAT, TEXT)
    assert outcome == Unreachable("Forbidden: bot was blocked by the user")
    assert requests(api) == [CHAT]
    assert sleeps == []
    [record] = caplog.records
    assert str(CHAT) in record.getMessage() and "blocked" in record.getMessage()
    assert "郑昌盛" not in record.getMessage()  # never the text: it can hold personal data


async def test_a_chat_telegram_does_not_know_is_unreachable_after_one_request() -> None:
    api = FakeBotAPI()
    api.missing.add(CHAT)
    async with sender(api) as (send, sleeps):
        outcome = await send.send(CHAT, TEXT)
    assert outcome == Unreachable("Chat not found")
    assert requests(api) == [CHAT]
    assert sleeps == []


async def test_a_message_telegram_cannot_read_fails_once_and_the_chat_stays_reachable() -> None:
    api = FakeBotAPI()
    async with sender(api) as (send, sleeps):
        outcome = await send.send(CHAT, "<b>未闭合")
    assert isinstance(outcome, Failed)
    assert not outcome.retryable
    assert outcome.reason.startswith("Can't parse entities")
    assert requests(api) == [CHAT]
    assert sleeps == []


@flood_warning
async def test_too_many_requests_is_waited_out_as_telegram_asks_and_is_not_a_failed_try() -> None:
    api = FakeBotAPI()
    api.flood(CHAT, retry_after=7, times=2)
    async with sender(api, max_attempts=1) as (send, sleeps):
        outcome = await send.send(CHAT, TEXT)
    assert isinstance(outcome, Sent)
    assert sleeps == [7, 7]
    assert requests(api) == [CHAT] * 3


@flood_warning
async def test_a_chat_flooded_again_and_again_is_given_up_for_now() -> None:
    api = FakeBotAPI()
    api.flood(CHAT, retry_after=7, times=10)
    async with sender(api, max_flood_waits=3) as (send, sleeps):
        outcome = await send.send(CHAT, TEXT)
    assert outcome == Failed("Flood control exceeded. Retry in 7 seconds")
    assert sleeps == [7, 7, 7]
    assert requests(api) == [CHAT] * 4


@flood_warning
async def test_a_wait_longer_than_the_sender_will_hold_a_chat_is_given_up_at_once() -> None:
    api = FakeBotAPI()
    api.flood(CHAT, retry_after=3_600)
    async with sender(api, max_flood_wait=300) as (send, sleeps):
        outcome = await send.send(CHAT, TEXT)
    assert isinstance(outcome, Failed) and outcome.retryable
    assert sleeps == []


@flood_warning
async def test_a_flooded_chat_waits_alone_while_the_others_go_on() -> None:
    api = FakeBotAPI()
    api.flood(CHAT, retry_after=7)
    released = asyncio.Event()
    asked: list[float] = []

    async def sleep(seconds: float) -> None:
        asked.append(seconds)
        await released.wait()

    async with ExtBot(TOKEN, request=FakeRequest(api)) as bot:
        send = TelegramSender(bot, limits=UNHURRIED, sleep=sleep)
        flooded = asyncio.create_task(send.send(CHAT, TEXT))
        while not asked:
            await asyncio.sleep(0)
        others = [await send.send(CHAT + n, TEXT) for n in range(1, 4)]
        assert not flooded.done()
        released.set()
        assert isinstance(await flooded, Sent)
    assert all(isinstance(outcome, Sent) for outcome in others)
    assert requests(api) == [CHAT, CHAT + 1, CHAT + 2, CHAT + 3, CHAT]


async def test_a_bad_gateway_is_retried_after_a_backoff() -> None:
    api = FakeBotAPI()
    api.fail(CHAT, status=502)
    async with sender(api) as (send, sleeps):
        outcome = await send.send(CHAT, TEXT)
    assert isinstance(outcome, Sent)
    assert sleeps == [1.0]
    assert requests(api) == [CHAT, CHAT]


async def test_a_timeout_is_retried_after_a_backoff() -> None:
    api = FakeBotAPI()
    api.fail(CHAT, status=None)
    async with sender(api) as (send, sleeps):
        outcome = await send.send(CHAT, TEXT)
    assert isinstance(outcome, Sent)
    assert sleeps == [1.0]


async def test_a_fault_that_does_not_clear_fails_after_max_attempts_with_growing_waits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeBotAPI()
    api.fail(CHAT, status=502, times=5)
    async with sender(api, max_attempts=5) as (send, sleeps):
        with caplog.at_level(logging.WARNING, logger="scheduler.sender"):
            outcome = await send.send(CHAT, TEXT)
    assert outcome == Failed("Bad Gateway", retryable=True)
    assert requests(api) == [CHAT] * 5
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    [record] = caplog.records
    assert str(CHAT) in record.getMessage() and "5 tries" in record.getMessage()


async def test_backoff_stops_growing_at_its_ceiling() -> None:
    api = FakeBotAPI()
    api.fail(CHAT, status=503, times=6)
    async with sender(api, max_attempts=7, max_backoff=5) as (send, sleeps):
        assert isinstance(await send.send(CHAT, TEXT), Sent)
    assert sleeps == [1.0, 2.0, 4.0, 5, 5, 5]


async def test_the_token_never_shows_in_a_reason_or_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "123456:SECRET-token"

    class Unplugged(FakeRequest):
        """A transport whose error quotes the URL, as some HTTP libraries' errors do."""

        async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
            if url.endswith("/sendMessage"):
                raise NetworkError(f"could not connect to {url}")
            return await super().do_request(url, method, *args, **kwargs)

    api = FakeBotAPI()
    async with sender(api, request=Unplugged(api), token=token, max_attempts=2) as (send, _):
        with caplog.at_level(logging.DEBUG, logger="scheduler.sender"):
            outcome = await send.send(CHAT, TEXT)
    assert isinstance(outcome, Failed)
    assert "bot<token>/sendMessage" in outcome.reason
    assert all(token not in record.getMessage() for record in caplog.records)


async def test_a_group_that_became_a_supergroup_is_followed_and_its_new_id_returned() -> None:
    api = FakeBotAPI()
    api.migrate(GROUP, to=SUPERGROUP)
    async with sender(api, max_attempts=1) as (send, sleeps):
        outcome = await send.send(GROUP, TEXT, group=True)
    assert isinstance(outcome, Sent)
    assert outcome.chat_id == SUPERGROUP
    assert requests(api) == [GROUP, SUPERGROUP]
    assert sleeps == []


async def test_a_chats_messages_keep_their_order_through_a_retry() -> None:
    api = FakeBotAPI()
    api.fail(CHAT, status=502)
    async with sender(api) as (send, _):
        outcomes = await asyncio.gather(*(send.send(CHAT, f"第 {n} 段") for n in range(1, 4)))
    assert all(isinstance(outcome, Sent) for outcome in outcomes)
    assert [call.result["text"] for call in api.sent("sendMessage")] == [
        "第 1 段",
        "第 2 段",
        "第 3 段",
    ]


async def test_idle_chats_are_forgotten() -> None:
    api = FakeBotAPI()
    limits = Limits(per_second=10_000, private_per_second=5)
    async with sender(api, limits=limits, forget_every=0) as (send, _):
        for n in range(5):
            await send.send(CHAT + n, TEXT)
        assert send.tracked_chats == 5
        await asyncio.sleep(0.25)  # their buckets (0.2 s) have drained
        await send.send(CHAT + 5, TEXT)
        assert send.tracked_chats == 1


def test_retry_after_is_read_as_seconds_without_a_deprecation_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        error = RetryAfter(7)  # PTB 22 itself warns here
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert retry_after_seconds(error) == 7


@pytest.mark.filterwarnings("error::DeprecationWarning")
async def test_retry_after_as_a_timedelta_is_waited_out_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 23's shape: retry_after is a timedelta
    api = FakeBotAPI()
    api.flood(CHAT, retry_after=7)
    async with sender(api) as (send, sleeps):
        assert isinstance(await send.send(CHAT, TEXT), Sent)
    assert sleeps == [7.0]


# Real time from here on: Telegram's own limits, enforced by the fake.


async def test_a_private_chat_never_gets_two_messages_within_a_second() -> None:
    api = FakeBotAPI(enforce_limits=True)
    async with sender(api, limits=Limits()) as (send, _):
        start = time.monotonic()
        # Twenty others queue first, so the chat's first message waits for the bot's turn;
        # its second must still come a full second after the first went out.
        outcomes = await asyncio.gather(
            *(send.send(CHAT + n, TEXT) for n in range(1, 21)),
            send.send(CHAT, "第 1 段"),
            send.send(CHAT, "第 2 段"),
        )
        elapsed = time.monotonic() - start
    assert all(isinstance(outcome, Sent) for outcome in outcomes)
    assert api.too_many == []
    assert elapsed >= 20 / 30 + 1 - 0.05


async def test_a_burst_to_many_chats_goes_out_at_thirty_a_second() -> None:
    api = FakeBotAPI(enforce_limits=True)
    chats = 61
    async with sender(api, limits=Limits()) as (send, _):
        start = time.monotonic()
        outcomes = await asyncio.gather(*(send.send(CHAT + n, TEXT) for n in range(chats)))
        elapsed = time.monotonic() - start
    assert all(isinstance(outcome, Sent) for outcome in outcomes)
    assert api.too_many == []
    floor = (chats - 1) / 30
    assert floor - 0.05 <= elapsed <= floor * 1.5
