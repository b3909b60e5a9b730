"""Conversation states and user_data kept in the ledger, so a restart or a crash does not lose
a half-finished report: python-telegram-bot's persistence, on the ChatState table.

What is stored, as JSON (rows of models.tables.ChatState):

* ``kind="conversation"``: each persistent ConversationHandler's conversations, ``name`` the
  handler's, ``key`` its conversation key (a tuple of ids, e.g. ``(chat_id, user_id)``) as a
  JSON array, ``value`` the state (an int or a string). A conversation that ended (state
  None) has no row; a state JSON cannot carry is refused (logged) and its row deleted.
* ``kind="user"``: a user's ``user_data`` (``key`` the Telegram user id); an empty one has no
  row. It must be JSON and come back equal (no tuples, sets, dates, non-string keys); anything
  else is refused with an error in the log and not stored, and the last good copy stays.

``bot_data`` holds the live services (engine, clock, sender) and is never stored; nor are
chat_data and callback_data, which the bot does not use.

When it is written. PTB hands changes to the persistence only in
``Application.update_persistence``: every ``update_interval`` seconds while the application runs
(UPDATE_INTERVAL, one second here rather than PTB's sixty, so a crash loses at most the last
second, not the last minute) and once more at shutdown. Only what changed is written (the
conversations whose state was set, the user_data that differs from the stored copy), each in
its own short transaction on a worker thread, so the event loop never waits on the database.

Writing at once. A callback cannot store its own step: PTB sets the conversation's new state
and marks the user's data for storing only after the callback returned, so
``update_persistence()`` called inside a callback stores the state the conversation was in
before it. Register ``write_through_handler()`` instead (a handler in a group after all the
others): it stores what each update changed as soon as the update was handled, and costs
next to nothing when nothing changed. Never call ``update_persistence()`` from an error
handler: PTB reports the persistence's own errors to the error handlers while it holds the
lock that call needs, and would wait forever.

After a restart. PTB restores conversations but not their ``conversation_timeout`` jobs, so a
restored conversation would wait forever for its next message. With ``idle_timeout`` set (use
the handler's conversation_timeout), conversations whose state was last set longer ago than
that are dropped at start-up: their person starts again from the entry point. A state is
"set" whenever a callback returns one, even the same one again (returning None leaves it, and
its age, as they were), so a callback that keeps a conversation where it is should return its
state rather than None.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, MutableMapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine
from telegram import Update
from telegram.ext import BasePersistence, PersistenceInput, TypeHandler

from handlers.common import Context
from models.chat_state import (
    chat_states,
    delete_chat_state,
    delete_chat_states_before,
    put_chat_state,
)
from models.db import session_scope, upgrade

log = logging.getLogger(__name__)

Data = dict[str, Any]
T = TypeVar("T")
# PTB's own shapes (telegram.ext._utils.types, a private module).
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CallbackData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

CONVERSATION = "conversation"  # ChatState.kind of a ConversationHandler's conversation
USER = "user"  # ChatState.kind of a user's user_data; its name is always USER_DATA
USER_DATA = ""

# Seconds between PTB's runs of update_persistence. A run with nothing changed costs a few set
# operations and no database work, so it can be short: a crash then loses at most this much.
UPDATE_INTERVAL = 1.0

# The group of write_through_handler: after every feature's handlers (group 0).
WRITE_THROUGH_GROUP = 1_000

STORE = PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False)


class LedgerPersistence(BasePersistence[Data, Data, Data]):
    """python-telegram-bot's persistence on the ledger: conversations and user_data, as JSON.

    ``now`` is the clock (stamps each write; judges idleness at start-up); ``idle_timeout``
    drops conversations idle longer than that when the bot starts (None keeps them all).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        now: Callable[[], datetime],
        idle_timeout: timedelta | None = None,
        update_interval: float = UPDATE_INTERVAL,
    ) -> None:
        super().__init__(store_data=STORE, update_interval=update_interval)
        self.engine = engine
        self.now = now
        self.idle_timeout = idle_timeout
        self._stored_users: dict[int, str] = {}  # user id -> the JSON of their stored row
        # One database call at a time: PTB hands over a run's writes all at once, and SQLite
        # would otherwise make the threads wait on each other's write lock.
        self._one_at_a_time = asyncio.Lock()
        self._schema_ready = False

    async def _in_thread(self, work: Callable[[], T]) -> T:
        async with self._one_at_a_time:
            if not self._schema_ready:
                # PTB reads the persistence in initialize(), before post_init brings the
                # schema up to date: a first start on an empty database needs it now.
                await asyncio.to_thread(upgrade, self.engine)
                self._schema_ready = True
            return await asyncio.to_thread(work)

    # --- conversations ------------------------------------------------------------------------

    async def get_conversations(self, name: str) -> ConversationDict:
        """The handler's conversations; those idle past ``idle_timeout`` are deleted first."""
        before = self.now() - self.idle_timeout if self.idle_timeout is not None else None

        def load() -> tuple[int, list[tuple[str, str]]]:
            with session_scope(self.engine) as session:
                dropped = 0
                if before is not None:
                    dropped = delete_chat_states_before(
                        session, kind=CONVERSATION, name=name, before=before
                    )
                rows = chat_states(session, kind=CONVERSATION, name=name)
                return dropped, [(row.key, row.value) for row in rows]

        dropped, rows = await self._in_thread(load)
        if dropped:
            log.info("dropped %d conversation(s) of %s idle since before %s", dropped, name, before)
        conversations: dict[ConversationKey, object] = {}
        for key, value in rows:
            try:
                conversations[tuple(json.loads(key))] = json.loads(value)
            except (ValueError, TypeError):
                log.error("conversation %s %s: unreadable state %r, not restored", name, key, value)
        return conversations

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store the conversation's new state; None (it ended) deletes it."""
        stored_key = json.dumps(list(key))
        value = None
        if new_state is not None:
            value = _json(new_state, f"state of conversation {name} {stored_key}")
        # None: the conversation ended, or its state cannot be stored; either way a restart
        # must not resume the state stored before.
        at = self.now()

        def write() -> None:
            with session_scope(self.engine) as session:
                if value is None:
                    delete_chat_state(session, kind=CONVERSATION, name=name, key=stored_key)
                else:
                    put_chat_state(
                        session, kind=CONVERSATION, name=name, key=stored_key, value=value, now=at
                    )

        await self._in_thread(write)

    # --- user_data ----------------------------------------------------------------------------

    async def get_user_data(self) -> dict[int, Data]:
        """Every stored user_data, by Telegram user id."""

        def load() -> list[tuple[str, str]]:
            with session_scope(self.engine) as session:
                rows = chat_states(session, kind=USER, name=USER_DATA)
                return [(row.key, row.value) for row in rows]

        restored: dict[int, Data] = {}
        for key, value in await self._in_thread(load):
            try:
                user_id, data = int(key), json.loads(value)
                if not isinstance(data, dict):
                    raise ValueError("not an object")
            except ValueError:
                log.error("user_data of %s: unreadable %r, not restored", key, value)
                continue
            restored[user_id] = data
            self._stored_users[user_id] = value
        return restored

    async def update_user_data(self, user_id: int, data: Data) -> None:
        """Store the user's data if it changed; refuse (log, keep the last copy) non-JSON."""
        if not data:
            if user_id in self._stored_users:
                await self.drop_user_data(user_id)
            return
        value = _json(data, f"user_data of {user_id}")
        if value is None or value == self._stored_users.get(user_id):
            return
        at = self.now()

        def write() -> None:
            with session_scope(self.engine) as session:
                put_chat_state(
                    session, kind=USER, name=USER_DATA, key=str(user_id), value=value, now=at
                )

        await self._in_thread(write)
        self._stored_users[user_id] = value

    async def drop_user_data(self, user_id: int) -> None:
        """Forget the user's stored data (Application.drop_user_data)."""

        def write() -> None:
            with session_scope(self.engine) as session:
                delete_chat_state(session, kind=USER, name=USER_DATA, key=str(user_id))

        await self._in_thread(write)
        self._stored_users.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        """Nothing: this process is the only writer, its copy in memory is the newest."""

    async def flush(self) -> None:
        """Nothing left to do: every write was committed when it was made."""

    # --- not stored: bot_data (live services), chat_data, callback_data -----------------------

    async def get_bot_data(self) -> Data:
        return {}

    async def update_bot_data(self, data: Data) -> None:
        pass

    async def refresh_bot_data(self, bot_data: Data) -> None:
        pass

    async def get_chat_data(self) -> dict[int, Data]:
        return {}

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def get_callback_data(self) -> CallbackData | None:
        return None

    async def update_callback_data(self, data: CallbackData) -> None:
        pass


def _json(value: object, what: str) -> str | None:
    """``value`` as JSON if it comes back from JSON equal to itself; None (logged) otherwise."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        log.error("%s is not JSON, not stored: %s", what, error)
        return None
    if json.loads(text) != value:
        log.error("%s changes through JSON (a tuple? a non-string key?), not stored", what)
        return None
    return text


async def write_through(update: object, context: Context) -> None:
    """Store what this update changed now, rather than at the next interval."""
    if isinstance(update, Update) and update.effective_user is not None:
        # PTB marks the user's data for storing only after every group ran; mark it now.
        context.application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
    await context.application.update_persistence()


def write_through_handler() -> TypeHandler[Update, Context, None]:
    """The handler for write_through; add it in WRITE_THROUGH_GROUP, after every other one."""
    return TypeHandler(Update, write_through)
