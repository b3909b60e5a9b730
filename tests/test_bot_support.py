"""The bot under test: the real Application on a seeded ledger, behind the fake Bot API.

Not a test module of its own; the bot tests build their fixture with `running_bot`.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Engine
from sqlmodel import select

from bot.app import BotApplication, build_application, offline, services_of
from bot.fakegram import JSON, Call, FakeBotAPI, FakeRequest, FakeTelegram, html_to_text, user
from bot.settings import Settings
from handlers.common import Context
from ledger.importer import ParsedPlan, read_document
from ledger.store import apply_plan
from models.db import session_scope
from models.people import person_for_invite
from models.tables import Person, Role
from tests.conftest import SEED_004

# Monday 26 May 2025, noon in Asia/Shanghai: task 3 falls due this week (Sat 31 May),
# task 30 (due 28 Feb) is overdue, tasks 32 and one more fall due next month.
NOW = datetime(2025, 5, 26, 4, 0, tzinfo=UTC)
BOT_USERNAME = "duban_test_bot"

_ids = itertools.count(5_000_001)


@cache
def seed_plan() -> ParsedPlan:
    """The project's own example task list, read once per test run."""
    return read_document(SEED_004, today=NOW.date())


@dataclass
class Clock:
    """The bot's clock; tests move it."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    """Who is who, and ways to talk to the bot as them."""

    application: BotApplication
    api: FakeBotAPI
    clock: Clock
    errors: list[BaseException] = field(default_factory=list)
    users: dict[str, JSON] = field(default_factory=dict)

    @property
    def engine(self) -> Engine:
        return services_of(self.application).engine

    @property
    def telegram(self) -> FakeTelegram:
        return FakeTelegram(self.application, self.api)

    def person(
        self,
        name: str,
        *,
        role: Role | None = None,
        department: str | None = None,
        language: str = "en",
        bind: bool = True,
    ) -> JSON:
        """A Telegram user for ``name``; unless ``bind`` is False, linked to them in the ledger."""
        telegram_id = next(_ids)
        if bind:
            with session_scope(self.engine) as session:
                person, _ = person_for_invite(
                    session, name=name, now=NOW, department=department, role=role
                )
                person.telegram_user_id = telegram_id
                person.telegram_chat_id = telegram_id
                person.language = language
                session.add(person)
        self.users[name] = user(
            telegram_id, name, language_code="en" if language == "en" else "zh-hans"
        )
        return self.users[name]

    def stored(self, name: str) -> Person:
        with session_scope(self.engine) as session:
            person = session.exec(select(Person).where(Person.name == name)).one()
            session.expunge(person)
            return person

    async def say(self, who: JSON, text: str, *, chat: JSON | None = None) -> list[Call]:
        return await self.telegram.send(who, text, chat=chat)

    async def press(self, who: JSON, call: Call, button: str | int) -> list[Call]:
        return await self.telegram.press(who, self.telegram.message(call), button)

    async def forge(self, who: JSON, call: Call, data: str) -> list[Call]:
        return await self.telegram.forge(who, self.telegram.message(call), data)


def sent(calls: Sequence[Call]) -> list[Call]:
    """The messages sent or edited among ``calls`` (all must have been accepted)."""
    refused = [call for call in calls if call.error is not None]
    assert not refused, refused
    return [c for c in calls if c.method in ("sendMessage", "editMessageText")]


def text_of(calls: Sequence[Call]) -> str:
    """What the reader sees of every message among ``calls``, joined."""
    return "\n".join(html_to_text(call.text) for call in sent(calls))


def last(calls: Sequence[Call]) -> Call:
    return sent(calls)[-1]


def answers(calls: Sequence[Call]) -> list[Call]:
    return [c for c in calls if c.method == "answerCallbackQuery"]


@asynccontextmanager
async def running_bot(
    database_url: str,
    *,
    admin_ids: Sequence[int] = (),
    seed: bool = True,
    report_idle_minutes: float = 30,
) -> AsyncIterator[Harness]:
    """The Application on ``database_url`` (seeded with example 004), started, clock at NOW."""
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        telegram_bot_token=None,
        telegram_base_url=None,
        default_language="en",
        admin_telegram_ids=list(admin_ids),
        report_idle_minutes=report_idle_minutes,
    )
    clock = Clock()
    api = FakeBotAPI(username=BOT_USERNAME)
    application = build_application(settings, request=FakeRequest(api), now=clock)
    harness = Harness(application, api, clock)

    async def record(update: object, context: Context) -> None:
        assert context.error is not None
        harness.errors.append(context.error)

    application.add_error_handler(record)
    async with offline(application):
        if seed:
            with session_scope(harness.engine) as session:
                apply_plan(session, seed_plan(), now=NOW)
        yield harness


def group(chat_id: int = -100_123) -> JSON:
    return {"id": chat_id, "type": "supergroup", "title": "督办群"}
