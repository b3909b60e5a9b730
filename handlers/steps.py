"""How a chat conversation runs, step by step: the report flow, decisions, ledger keeping.

A step is a plain function (session, asker, services) -> Step: what to say, the next state,
the draft to keep (JSON, in user_data, so bot.persistence stores it with the state) and the
messages for other people (the lead leader asked to review, a leader told of a change).
``run`` is the one way a step runs: in one database session, then the replies and the
outbox, once the session is closed. Each feature keeps its own draft type.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol, Self

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ConversationHandler

from handlers.common import (
    Asker,
    Context,
    Notice,
    Reply,
    Services,
    decide,
    not_bound_short,
    reply,
    show,
    stranger_reply,
    stranger_translator,
)
from ledger.render import esc
from nlu.deadline import parse_deadline
from nlu.i18n import N_

log = logging.getLogger(__name__)

IDLE = timedelta(minutes=30)  # an untouched conversation ends after this (REPORT_IDLE_MINUTES)
STALE = N_("This button no longer works.")


class JsonDraft:
    """A dataclass draft kept as JSON: its fields, and back (None when what is stored is not
    one: an older shape, or nothing)."""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def of(cls, data: Any) -> Self | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


class Drafted(Protocol):
    """What a conversation has gathered so far, kept in user_data as JSON between steps."""

    def to_json(self) -> dict[str, Any]: ...


def keep(context: Context, key: str, draft: Drafted | None) -> None:
    """Keep ``draft`` under ``key`` for the next step; None forgets it."""
    data = context.user_data
    if data is None:
        return
    if draft is None:
        data.pop(key, None)
    else:
        data[key] = draft.to_json()


@dataclass(frozen=True)
class Out:
    """A message to someone else: the lead leader asked to review, the reporter told."""

    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Sent(Reply):
    """A reply to a press that goes below the pressed message rather than replacing it."""


@dataclass
class Step:
    """What a step answers, where the conversation goes next, and whom else it tells."""

    said: Reply | Notice
    state: object = ConversationHandler.END
    draft: Drafted | None = None
    outbox: list[Out] = field(default_factory=list)


StepOf = Callable[[Session, Asker, Services], Step]


def future_date(text: str, today: date) -> date | None:
    """A deadline after today, read by the deadline grammar (which, in chat, already takes a
    month that has passed as next year's); a date in the past is no new deadline."""
    found = parse_deadline(text.strip(), today=today).due
    return found if found is not None and found > today else None


def conversation(**options: Any) -> ConversationHandler[Context]:
    """A ConversationHandler; its buttons belong to the person's flow, not to one message, so
    PTB's advice to track callback queries per message does not apply here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False", category=UserWarning)
        return ConversationHandler(**options)


async def run(
    update: Update, context: Context, step_of: StepOf, *, key: str, press: bool = False
) -> object:
    """Run one step for whoever sent ``update``; keep its draft under ``key`` while the
    conversation goes on; say what it says; send its outbox. Returns the next state."""

    def stranger(svc: Services) -> Step:
        if press:
            return Step(Notice(not_bound_short(stranger_translator(update, svc))))
        return Step(Reply(stranger_reply(update, svc)))

    step = decide(update, context, step_of, stranger)
    keep(context, key, step.draft if step.state != ConversationHandler.END else None)
    await say(update, step.said, press=press)
    for out in step.outbox:
        await send(context, out)
    return step.state


async def say(update: Update, said: Reply | Notice, *, press: bool) -> None:
    """A press is answered; its message replaced, or (Sent) followed by a new one."""
    query = update.callback_query
    if press and query is not None:
        if isinstance(said, Notice):
            await query.answer(said.text, show_alert=said.alert)
            return
        await query.answer()
        if isinstance(said, Sent):
            await reply(update, said.text, said.markup)
        else:
            await show(query, said.text, said.markup)
        return
    if isinstance(said, Notice):
        await reply(update, esc(said.text))
        return
    await reply(update, said.text, said.markup)


async def send(context: Context, out: Out) -> None:
    """A message to someone else; one who blocked the bot still finds it in the ledger."""
    try:
        await context.bot.send_message(out.chat_id, out.text, reply_markup=out.markup)
    except Forbidden:
        log.info("someone to be told has blocked the bot; it stays in the ledger")
    except TelegramError:
        log.exception("could not send a message about a report")


async def stale_pressed(update: Update, context: Context) -> None:
    """A report button pressed after its conversation ended (or after a restart lost it)."""
    query = update.callback_query
    assert query is not None

    def respond(session: Session, asker: Asker, svc: Services) -> Notice:
        return Notice(asker.translate(STALE))

    said = decide(
        update,
        context,
        respond,
        lambda svc: Notice(not_bound_short(stranger_translator(update, svc))),
    )
    await query.answer(said.text, show_alert=True)
