"""Sending one message to one chat within Telegram's limits: the reminder engine's way out.

Telegram lets a bot send about 30 messages a second overall, one a second to a private chat and
20 a minute to a group; beyond that it answers 429 (RetryAfter). `TelegramSender` paces every
message with one limiter for the bot and one per chat (aiolimiter's leaky buckets), and sorts
Telegram's refusals as healthchecks' transports do: a permanent one (blocked, deactivated, chat
not found, kicked) is final and never retried, a transient one (timeout, network, 5xx) is
retried with exponential backoff, a RetryAfter is waited out for that chat alone, and a group
that became a supergroup is followed to its new id. Every outcome is a value; only bugs raise.

It logs chat ids and Telegram's reasons, never a message's text (it can hold personal data)
nor the bot's token.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeAlias

from aiolimiter import AsyncLimiter
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """How fast Telegram lets a bot send (its Bots FAQ)."""

    per_second: float = 30  # all chats together
    private_per_second: float = 1  # one private chat
    group_per_minute: float = 20  # one group


TELEGRAM_LIMITS = Limits()


@dataclass(frozen=True)
class Sent:
    """Delivered: ``chat_id`` is where it went (a migrated group's new id: store it)."""

    chat_id: int
    message_id: int


@dataclass(frozen=True)
class Unreachable:
    """Telegram will not deliver to this chat until a person acts (unblocks, re-adds the bot)."""

    reason: str


@dataclass(frozen=True)
class Failed:
    """Not delivered. ``retryable``: a fault that may clear later (timeouts, 5xx, floods); false
    when Telegram refused the message itself (bad HTML, too long) or the bot's token."""

    reason: str
    retryable: bool = True


Outcome: TypeAlias = Sent | Unreachable | Failed

# 400s that mean the chat, not the message, is the trouble: no retry and no other text helps.
_CHAT_GONE = (
    "chat not found",
    "user not found",
    "peer_id_invalid",
    "user is deactivated",
    "group chat was deactivated",
    "bot is not a member",
    "bot was kicked",
    "not enough rights",
    "have no rights to send",
    "need administrator rights",
    "chat_write_forbidden",
    "chat_restricted",
)
_MAX_MOVES = 3  # migrations followed for one message; more is a loop


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asks to wait, whether PTB says it in seconds (22) or as a timedelta."""
    with warnings.catch_warnings():
        # PTB 22 warns on reading it that it will become a timedelta; both shapes are read here.
        # (The filter is process-wide but held only for this one synchronous read.)
        warnings.filterwarnings(
            "ignore", message=r".*`retry_after`", category=PTBDeprecationWarning
        )
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _chat_gone(error: BadRequest) -> bool:
    description = error.message.lower()
    return any(phrase in description for phrase in _CHAT_GONE)


@dataclass
class _Lane:
    """One chat's pace, and a lock so that its messages go out one at a time and in order."""

    limiter: AsyncLimiter
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # sends holding or waiting for the lane

    def idle(self) -> bool:
        """Nobody uses it and its bucket is empty: a fresh lane would behave the same."""
        return not self.users and self.limiter.has_capacity()


@dataclass(frozen=True)
class _Moved:
    chat_id: int


class TelegramSender:
    """Sends messages through ``bot`` within Telegram's limits; see the module's docstring.

    ``sleep`` waits out RetryAfter and backoff (tests pass one that only records); the pacing
    itself runs on the event loop's clock.
    """

    def __init__(
        self,
        bot: Bot,
        *,
        limits: Limits = TELEGRAM_LIMITS,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        max_attempts: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        max_flood_waits: int = 3,
        max_flood_wait: float = 300.0,
        forget_every: float = 10.0,
    ) -> None:
        """``max_attempts`` tries against transient faults, waiting ``backoff`` seconds, doubled
        each time up to ``max_backoff``. RetryAfter is waited out ``max_flood_waits`` times, each
        at most ``max_flood_wait`` seconds, without counting as a try. Idle chats are forgotten
        every ``forget_every`` seconds."""
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._bot = bot
        self._limits = limits
        self._sleep = sleep
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._max_flood_waits = max_flood_waits
        self._max_flood_wait = max_flood_wait
        self._forget_every = forget_every
        # Buckets of one: aiolimiter's AsyncLimiter(n, period) would let n through at once on
        # top of its steady rate, which Telegram counts as a flood.
        self._overall = AsyncLimiter(1, 1 / limits.per_second)
        self._lanes: dict[int, _Lane] = {}
        self._next_forget = 0.0

    @property
    def tracked_chats(self) -> int:
        """How many chats' lanes are held (idle ones are forgotten)."""
        return len(self._lanes)

    async def send(
        self,
        chat_id: int,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        group: bool = False,
    ) -> Outcome:
        """Send ``text`` (Telegram HTML, at most 4096 characters) to ``chat_id``; never raises
        for Telegram's answers. ``group``: paced as a group (any negative id is one anyway)."""
        for _ in range(_MAX_MOVES + 1):
            outcome = await self._send_to(chat_id, text, markup, group=group or chat_id < 0)
            if not isinstance(outcome, _Moved):
                return outcome
            log.info("Chat %s became supergroup %s; sending there", chat_id, outcome.chat_id)
            chat_id, group = outcome.chat_id, True
        return self._give_up(chat_id, "the group migrated again and again", retryable=False)

    async def _send_to(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None, *, group: bool
    ) -> Outcome | _Moved:
        lane = self._lane(chat_id, group=group)
        lane.users += 1
        try:
            # The lane is held through waits and retries, so a chat's messages keep their order.
            async with lane.lock:
                return await self._try(lane, chat_id, text, markup)
        finally:
            lane.users -= 1
            self._forget_idle()

    async def _try(
        self, lane: _Lane, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> Outcome | _Moved:
        failures = 0
        floods = 0
        while True:
            await self._pace(lane)
            try:
                message = await self._bot.send_message(chat_id, text, reply_markup=markup)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                floods += 1
                if floods > self._max_flood_waits or seconds > self._max_flood_wait:
                    return self._give_up(chat_id, self._reason(error))
                await self._sleep(seconds)  # holds this chat's lane only: the others go on
            except ChatMigrated as error:
                return _Moved(error.new_chat_id)
            except Forbidden as error:
                return self._unreachable(chat_id, error)
            except BadRequest as error:  # before NetworkError, which it subclasses
                if _chat_gone(error):
                    return self._unreachable(chat_id, error)
                reason = self._reason(error)  # the message itself: a bug in what was sent
                log.error("Telegram refused a message to chat %s: %s", chat_id, reason)
                return Failed(reason, retryable=False)
            except NetworkError as error:
                # Timeouts, 5xx, the connection. A timed-out message may have arrived after
                # all: a rare duplicate costs less than a missed deadline.
                failures += 1
                if failures >= self._max_attempts:
                    return self._give_up(chat_id, self._reason(error), tries=failures)
                await self._sleep(min(self._backoff * 2 ** (failures - 1), self._max_backoff))
            except TelegramError as error:  # an invalid token and the like: the bot's own fault
                return self._give_up(chat_id, self._reason(error), retryable=False)
            else:
                return Sent(message.chat_id, message.message_id)

    async def _pace(self, lane: _Lane) -> None:
        """Wait for this chat's turn, then for the bot's."""
        loop = asyncio.get_running_loop()
        await lane.limiter.acquire()
        granted = loop.time()
        await self._overall.acquire()
        # The chat's bucket counts from its grant, but the message leaves only now: top it up
        # by the wait so that the chat's next message follows this one by a full interval.
        waited = loop.time() - granted
        if waited > 0:
            rate = lane.limiter.max_rate / lane.limiter.time_period
            await lane.limiter.acquire(min(waited * rate, lane.limiter.max_rate))

    def _lane(self, chat_id: int, *, group: bool) -> _Lane:
        self._forget_idle()
        lane = self._lanes.get(chat_id)
        if lane is None:
            limits = self._limits
            interval = 60 / limits.group_per_minute if group else 1 / limits.private_per_second
            lane = self._lanes[chat_id] = _Lane(AsyncLimiter(1, interval))
        return lane

    def _forget_idle(self) -> None:
        """Drop idle chats' lanes now and then, so memory does not grow with every chat seen."""
        now = asyncio.get_running_loop().time()
        if now < self._next_forget:
            return
        self._next_forget = now + self._forget_every
        for chat_id in [chat_id for chat_id, lane in self._lanes.items() if lane.idle()]:
            del self._lanes[chat_id]

    def _reason(self, error: TelegramError) -> str:
        # A transport's message can quote the URL, and the URL holds the token.
        return error.message.replace(self._bot.token, "<token>")

    def _unreachable(self, chat_id: int, error: TelegramError) -> Unreachable:
        reason = self._reason(error)
        log.warning("Chat %s is unreachable: %s", chat_id, reason)
        return Unreachable(reason)

    def _give_up(
        self, chat_id: int, reason: str, *, tries: int | None = None, retryable: bool = True
    ) -> Failed:
        after = f" after {tries} tries" if tries else ""
        log.warning("Gave up on a message to chat %s%s: %s", chat_id, after, reason)
        return Failed(reason, retryable=retryable)
