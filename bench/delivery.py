"""Delivering 1,000 digests through the sender, to a fake Bot API that enforces Telegram's limits.

Each digest is about 1,500 characters of Chinese HTML with the digest's four buttons, to its own
private chat, sent all at once as a sweep would hand them over. The fake answers 429 to anything
beyond 30 messages a second overall or one a second per chat. Targets: zero 429s, and a total
within 10% of the floor of 1,000 messages at 30 a second.
"""

from __future__ import annotations

import asyncio
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.fakegram import OVERALL_LIMIT, FakeBotAPI, FakeRequest, html_to_text
from scheduler.sender import Sent, TelegramSender

MESSAGES = 1_000
FIRST_CHAT = 100_000_001
DIGEST_LENGTH = 1_500  # characters of HTML
TOKEN = "123456789:BenchTokenNotReal"
BUTTONS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("收到", callback_data="ack:1"),
            InlineKeyboardButton("明天再提醒", callback_data="snooze:1:day"),
        ],
        [
            InlineKeyboardButton("下周再提醒", callback_data="snooze:1:week"),
            InlineKeyboardButton("查看", callback_data="view:1"),
        ],
    ]
)


def digest(person: int) -> str:
    """A reminder digest about DIGEST_LENGTH characters long, as the engine would send one."""
    lines = [f"<b>督办提醒</b>（第 {person} 号）：以下任务临近期限或已逾期，请及时推进并报送进展。"]
    item = 0
    while len("\n".join(lines)) < DIGEST_LENGTH - 45:
        item += 1
        lines.append(
            f"<b>{item}.</b> 牵头落实全市重点民生实事第 {item} 项，完善工作机制，"
            f"按季度报送进展情况 — <i>截止 2025-12-31</i>（还有 {item} 个工作日）"
        )
    return "\n".join(lines)


async def _deliver(texts: list[str]) -> tuple[float, int, FakeBotAPI, int]:
    """Seconds to deliver them all, how many were Sent, the fake, and the chats still tracked."""
    api = FakeBotAPI(enforce_limits=True)
    bot = ExtBot(TOKEN, request=FakeRequest(api), defaults=Defaults(parse_mode=ParseMode.HTML))
    async with bot:
        sender = TelegramSender(bot)
        start = time.monotonic()
        outcomes = await asyncio.gather(
            *(sender.send(FIRST_CHAT + n, text, markup=BUTTONS) for n, text in enumerate(texts))
        )
        elapsed = time.monotonic() - start
    sent = sum(isinstance(outcome, Sent) for outcome in outcomes)
    return elapsed, sent, api, sender.tracked_chats


def main() -> None:
    texts = [digest(n) for n in range(MESSAGES)]
    average = sum(len(text) for text in texts) / len(texts)
    visible = sum(len(html_to_text(text)) for text in texts) / len(texts)
    cpu = time.process_time()
    elapsed, sent, api, tracked = asyncio.run(_deliver(texts))
    cpu = time.process_time() - cpu
    count, seconds = OVERALL_LIMIT
    floor = MESSAGES * seconds / count
    print(
        f"delivery: {MESSAGES:,} digests ({average:,.0f} characters of HTML, {visible:,.0f} "
        f"visible, 4 buttons) to {MESSAGES:,} private chats through TelegramSender, the fake "
        f"Bot API enforcing {count}/s overall and 1/s per chat:"
    )
    print(
        f"  total {elapsed:.2f} s; floor {floor:.2f} s ({MESSAGES:,} / {count} per s); "
        f"{(elapsed / floor - 1) * 100:+.1f}% from the floor (target: within 10%)"
    )
    print(
        f"  {sent:,} sent, {len(api.too_many)} answered 429 (target: 0); "
        f"{MESSAGES / elapsed:.1f} messages/s; CPU {cpu:.2f} s "
        f"({cpu / MESSAGES * 1000:.2f} ms a message)"
    )
    print(f"  {tracked} chats' lanes held at the end (idle ones are dropped every 10 s)")


if __name__ == "__main__":
    main()
