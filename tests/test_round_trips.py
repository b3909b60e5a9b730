"""An everyday ask costs three statements: who is asking (with the ledger's revision), the page
(with its plan titles and its count), and the names and targets around it. Names, plans in
scope and the weights of words are read once per ledger revision, not once per message."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from bot.app import services_of
from models.tables import Role
from tests.test_bot_support import Harness, running_bot, text_of


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


@contextmanager
def _counted(bot: Harness) -> Iterator[list[str]]:
    engine = services_of(bot.application).engine
    seen: list[str] = []

    def note(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize(
    ("who", "text", "answer"),
    [
        ("李麟", "我的待办", "Your open tasks"),
        ("周婷", "/search 大篷车", "大篷车"),
        ("周婷", "逾期的", "Overdue"),
        ("刘洋", "我的待办", "Your open tasks"),
    ],
)
async def test_an_everyday_ask_is_three_statements(
    bot: Harness, who: str, text: str, answer: str
) -> None:
    person = (
        bot.person(who, role=Role.admin)
        if who == "周婷"
        else bot.person(who, department="市科技馆" if who == "刘洋" else None)
    )
    await bot.say(person, text)  # the first ask of a revision reads names and plans
    with _counted(bot) as seen:
        said = text_of(await bot.say(person, text))
    assert answer in said
    assert len(seen) <= 3, seen


async def test_a_change_to_the_ledger_is_seen_by_the_next_ask(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    assert "I don't know" in text_of(await bot.say(clerk, "/leader 王大锤"))
    bot.person("王大锤", role=Role.leader)  # a new leader: the revision moves
    assert "I don't know" not in text_of(await bot.say(clerk, "/leader 王大锤"))
