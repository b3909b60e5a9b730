"""Conversations and user_data kept in the ledger across restarts and crashes (bot.persistence)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.app import OFFLINE_TOKEN
from bot.fakegram import FakeBotAPI, FakeRequest, FakeTelegram, user
from bot.persistence import (
    CONVERSATION,
    USER,
    USER_DATA,
    WRITE_THROUGH_GROUP,
    LedgerPersistence,
    write_through_handler,
)
from handlers.common import Context
from models.chat_state import chat_states, put_chat_state
from models.db import session_scope
from models.tables import ChatState
from tests.test_bot_support import Clock

NOW = datetime(2025, 5, 26, 4, 0, tzinfo=UTC)
IDLE = timedelta(hours=1)


def rows(engine: Engine, kind: str) -> list[ChatState]:
    with session_scope(engine) as session:
        return chat_states(session, kind=kind)


def stored(engine: Engine, kind: str) -> dict[tuple[str, str], str]:
    return {(row.name, row.key): row.value for row in rows(engine, kind)}


# --- conversations ------------------------------------------------------------------------------


async def test_conversations_come_back_by_handler_name_with_tuple_keys(engine: Engine) -> None:
    before = LedgerPersistence(engine, now=Clock())
    await before.update_conversation("demo", (501, 501), 1)
    await before.update_conversation("demo", (-100123, 502), "draft")
    await before.update_conversation("other", (501, 501), 5)
    after = LedgerPersistence(engine, now=Clock())
    assert await after.get_conversations("demo") == {(501, 501): 1, (-100123, 502): "draft"}
    assert await after.get_conversations("other") == {(501, 501): 5}
    assert await after.get_conversations("nobody") == {}
    assert stored(engine, CONVERSATION)[("demo", "[501, 501]")] == "1"


async def test_a_new_state_replaces_the_old_one_and_its_time(engine: Engine) -> None:
    clock = Clock(NOW)
    persistence = LedgerPersistence(engine, now=clock)
    await persistence.update_conversation("demo", (501, 501), 1)
    clock.now = NOW + timedelta(minutes=5)
    await persistence.update_conversation("demo", (501, 501), 2)
    [row] = rows(engine, CONVERSATION)
    assert (row.value, row.updated_at) == ("2", NOW + timedelta(minutes=5))


async def test_a_conversation_that_ended_is_deleted(engine: Engine) -> None:
    persistence = LedgerPersistence(engine, now=Clock())
    await persistence.update_conversation("demo", (501, 501), 1)
    await persistence.update_conversation("demo", (502, 502), 1)
    await persistence.update_conversation("demo", (501, 501), None)
    await persistence.update_conversation("demo", (503, 503), None)  # never stored: no error
    assert list(stored(engine, CONVERSATION)) == [("demo", "[502, 502]")]


async def test_a_state_json_cannot_carry_is_refused_and_the_old_one_forgotten(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    persistence = LedgerPersistence(engine, now=Clock())
    await persistence.update_conversation("demo", (501, 501), 1)
    with caplog.at_level(logging.ERROR, logger="bot.persistence"):
        await persistence.update_conversation("demo", (501, 501), ("a", "tuple"))
    assert "state of conversation demo [501, 501]" in caplog.text
    assert stored(engine, CONVERSATION) == {}


async def test_conversations_idle_past_the_timeout_are_dropped_at_start(engine: Engine) -> None:
    clock = Clock(NOW - timedelta(hours=2))
    persistence = LedgerPersistence(engine, now=clock)
    await persistence.update_conversation("demo", (501, 501), 1)
    await persistence.update_conversation("other", (501, 501), 1)
    clock.now = NOW - timedelta(minutes=59)
    await persistence.update_conversation("demo", (502, 502), 2)

    kept_all = LedgerPersistence(engine, now=Clock(NOW))  # no idle timeout: nothing dropped
    assert len(await kept_all.get_conversations("demo")) == 2

    restarted = LedgerPersistence(engine, now=Clock(NOW), idle_timeout=IDLE)
    assert await restarted.get_conversations("demo") == {(502, 502): 2}
    assert set(stored(engine, CONVERSATION)) == {("demo", "[502, 502]"), ("other", "[501, 501]")}


async def test_an_unreadable_row_is_logged_and_skipped(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with session_scope(engine) as session:
        put_chat_state(session, kind=CONVERSATION, name="demo", key="[1, 1]", value="{", now=NOW)
        put_chat_state(session, kind=CONVERSATION, name="demo", key="[2, 2]", value="2", now=NOW)
        put_chat_state(session, kind=USER, name=USER_DATA, key="x", value="{}", now=NOW)
    persistence = LedgerPersistence(engine, now=Clock())
    with caplog.at_level(logging.ERROR, logger="bot.persistence"):
        assert await persistence.get_conversations("demo") == {(2, 2): 2}
        assert await persistence.get_user_data() == {}
    assert "unreadable" in caplog.text


# --- user_data ----------------------------------------------------------------------------------

DRAFT: dict[str, Any] = {"report": {"task": 12, "text": "已完成第一阶段", "photos": [1, 2]}}


async def test_user_data_comes_back_by_user_id(engine: Engine) -> None:
    before = LedgerPersistence(engine, now=Clock())
    await before.update_user_data(501, DRAFT)
    await before.update_user_data(502, {"lang": "en"})
    after = LedgerPersistence(engine, now=Clock())
    assert await after.get_user_data() == {501: DRAFT, 502: {"lang": "en"}}


async def test_unchanged_user_data_is_not_written_again(engine: Engine) -> None:
    clock = Clock(NOW)
    persistence = LedgerPersistence(engine, now=clock)
    await persistence.update_user_data(501, DRAFT)
    clock.now = NOW + timedelta(minutes=5)
    await persistence.update_user_data(501, dict(DRAFT))
    assert [row.updated_at for row in rows(engine, USER)] == [NOW]
    restarted = LedgerPersistence(engine, now=clock)  # knows what is stored once it read it
    await restarted.get_user_data()
    await restarted.update_user_data(501, dict(DRAFT))
    assert [row.updated_at for row in rows(engine, USER)] == [NOW]


async def test_empty_user_data_has_no_row(engine: Engine) -> None:
    persistence = LedgerPersistence(engine, now=Clock())
    await persistence.update_user_data(501, {})  # everyone who writes to the bot has some
    assert stored(engine, USER) == {}
    await persistence.update_user_data(501, DRAFT)
    await persistence.update_user_data(501, {})
    assert stored(engine, USER) == {}


async def test_dropped_user_data_is_deleted(engine: Engine) -> None:
    persistence = LedgerPersistence(engine, now=Clock())
    await persistence.update_user_data(501, DRAFT)
    await persistence.drop_user_data(501)
    assert await LedgerPersistence(engine, now=Clock()).get_user_data() == {}


@pytest.mark.parametrize(
    "data",
    [
        {"when": datetime(2025, 5, 26, tzinfo=UTC)},  # not JSON at all
        {"tasks": {12, 30}},
        {"pair": (1, 2)},  # would come back a list
        {"by_task": {12: "done"}},  # would come back with the key "12"
    ],
)
async def test_user_data_json_cannot_carry_is_refused_and_the_last_copy_kept(
    engine: Engine, caplog: pytest.LogCaptureFixture, data: dict[str, Any]
) -> None:
    persistence = LedgerPersistence(engine, now=Clock())
    await persistence.update_user_data(501, DRAFT)
    with caplog.at_level(logging.ERROR, logger="bot.persistence"):
        await persistence.update_user_data(501, {**DRAFT, **data})
    assert "user_data of 501" in caplog.text and "not stored" in caplog.text
    assert await LedgerPersistence(engine, now=Clock()).get_user_data() == {501: DRAFT}


async def test_bot_data_is_never_stored(engine: Engine) -> None:
    persistence = LedgerPersistence(engine, now=Clock())
    assert not persistence.store_data.bot_data
    assert not persistence.store_data.chat_data and not persistence.store_data.callback_data
    await persistence.update_bot_data({"services": object()})
    assert await persistence.get_bot_data() == {}


# --- a persistent conversation in the real Application ------------------------------------------

TITLE, BODY = "title", "body"  # the demo's two states

App = Application[Any, Any, Any, Any, Any, Any]


async def report(update: Update, context: Context) -> str:
    assert update.message is not None
    await update.message.reply_text("title?")
    return TITLE


async def title(update: Update, context: Context) -> str:
    assert update.message is not None and context.user_data is not None
    context.user_data["title"] = update.message.text
    await update.message.reply_text("body?")
    return BODY


async def body(update: Update, context: Context) -> int:
    assert update.message is not None and context.user_data is not None
    await update.message.reply_text(
        f"filed: {context.user_data.pop('title')} / {update.message.text}"
    )
    return ConversationHandler.END


async def title_flushing_at_once(update: Update, context: Context) -> str:
    state = await title(update, context)
    await context.application.update_persistence()
    return state


def demo(application: App, *, flush_inside: bool = False) -> None:
    text = filters.TEXT & ~filters.COMMAND
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("report", report)],
            states={
                TITLE: [MessageHandler(text, title_flushing_at_once if flush_inside else title)],
                BODY: [MessageHandler(text, body)],
            },
            fallbacks=[],
            name="demo",
            persistent=True,
        )
    )


@asynccontextmanager
async def demo_bot(
    engine: Engine,
    api: FakeBotAPI,
    clock: Clock,
    *,
    update_interval: float = 3600,  # by default only shutdown or write-through writes
    write_through: bool = False,
    flush_inside: bool = False,
    start: bool = True,
) -> AsyncIterator[FakeTelegram]:
    """A fresh Application with the demo conversation on ``engine``; shut down afterwards."""
    persistence = LedgerPersistence(
        engine, now=clock, idle_timeout=IDLE, update_interval=update_interval
    )
    application: App = (
        ApplicationBuilder()
        .token(OFFLINE_TOKEN)
        .request(FakeRequest(api))
        .get_updates_request(FakeRequest(api))
        .persistence(persistence)
        .build()
    )
    demo(application, flush_inside=flush_inside)
    if write_through:
        application.add_handler(write_through_handler(), group=WRITE_THROUGH_GROUP)
    await application.initialize()
    try:
        if start:
            await application.start()
        yield FakeTelegram(application, api)
        if start:
            await application.stop()
    finally:
        await application.shutdown()


def replies(api: FakeBotAPI, start: int) -> list[str]:
    return [call.text for call in api.calls[start:] if call.method == "sendMessage"]


ZHENG = user(5_100_001, "郑昌盛")


async def a_new_bot_files_the_report(engine: Engine, api: FakeBotAPI, clock: Clock) -> None:
    """A new Application on the same ledger takes ZHENG's next message as the report's body."""
    async with demo_bot(engine, api, clock) as telegram:
        start = len(api.calls)
        await telegram.send(ZHENG, "all clear")
        assert replies(api, start) == ["filed: Flood drill / all clear"]


async def test_a_conversation_goes_on_after_a_restart(engine: Engine) -> None:
    api, clock = FakeBotAPI(), Clock(NOW)
    async with demo_bot(engine, api, clock) as telegram:
        await telegram.send(ZHENG, "/report")
        await telegram.send(ZHENG, "Flood drill")  # the title: now in the state BODY
    assert stored(engine, CONVERSATION) == {("demo", "[5100001, 5100001]"): '"body"'}
    clock.now += timedelta(minutes=10)
    await a_new_bot_files_the_report(engine, api, clock)
    assert stored(engine, CONVERSATION) == {}
    assert stored(engine, USER) == {}


async def test_with_write_through_a_conversation_survives_a_crash(engine: Engine) -> None:
    api, clock = FakeBotAPI(), Clock(NOW)
    async with demo_bot(engine, api, clock, write_through=True, start=False) as crashed:
        await crashed.send(ZHENG, "/report")
        await crashed.send(ZHENG, "Flood drill")
        # The first bot never stops: the next one starts while it still holds everything.
        await a_new_bot_files_the_report(engine, api, clock)


async def test_while_running_each_step_is_stored_at_the_next_interval(engine: Engine) -> None:
    api, clock = FakeBotAPI(), Clock(NOW)
    async with demo_bot(engine, api, clock, update_interval=0.05) as running:
        await running.send(ZHENG, "/report")
        await running.send(ZHENG, "Flood drill")
        for _ in range(100):
            if stored(engine, CONVERSATION) and stored(engine, USER):
                break
            await asyncio.sleep(0.02)
        assert list(stored(engine, CONVERSATION).values()) == ['"body"']
        assert list(stored(engine, USER).values()) == ['{"title": "Flood drill"}']
        # The first bot is still running (it never stops, as in a crash) when the next starts.
        await a_new_bot_files_the_report(engine, api, clock)


async def test_a_flush_inside_the_callback_stores_the_step_before_it(engine: Engine) -> None:
    """Why write_through exists: PTB sets the new state only after the callback returned."""
    api, clock = FakeBotAPI(), Clock(NOW)
    async with demo_bot(engine, api, clock, flush_inside=True, start=False) as crashed:
        await crashed.send(ZHENG, "/report")
        await crashed.send(ZHENG, "Flood drill")
        assert stored(engine, CONVERSATION) == {("demo", "[5100001, 5100001]"): '"title"'}


async def test_a_conversation_idle_too_long_starts_again_after_a_restart(engine: Engine) -> None:
    api, clock = FakeBotAPI(), Clock(NOW)
    async with demo_bot(engine, api, clock) as telegram:
        await telegram.send(ZHENG, "/report")
    clock.now += IDLE + timedelta(minutes=1)
    async with demo_bot(engine, api, clock) as telegram:
        start = len(api.calls)
        await telegram.send(ZHENG, "Flood drill")  # no conversation: nobody answers
        await telegram.send(ZHENG, "/report")
        assert replies(api, start) == ["title?"]
