"""The report flow's draft, and how its messages name a task (handlers.steps runs them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.common import Context
from handlers.steps import (
    IDLE,
    STALE,
    JsonDraft,
    Out,
    Sent,
    Step,
    conversation,
    future_date,
    keep,
    run,
    say,
    send,
    stale_pressed,
)
from ledger import render
from ledger.render import esc
from models.queries import TaskView
from nlu.i18n import Translate

__all__ = [
    "IDLE",
    "STALE",
    "Draft",
    "Out",
    "Sent",
    "Step",
    "conversation",
    "draft_of",
    "future_date",
    "keep",
    "run",
    "say",
    "send",
    "stale_pressed",
    "title",
]

TITLE_WIDTH = 40  # characters of a task's title in the flow's messages


@dataclass
class Draft(JsonDraft):
    """What a conversation has gathered so far; kept in user_data as JSON between steps.

    A report uses every field; a decision keeps the task and, in ``offered``, the id of the
    report or the extension request it decides.
    """

    kind: str  # progress | done | extend; return | grant for a decision
    text: str = ""  # the message that started it (its words are the report when no amount)
    task: int | None = None
    offered: list[int] = field(default_factory=list)
    phrase: str = ""  # the words that named the task, learnt as an alias once it is chosen
    amount: float | None = None
    unit: str = ""
    percent: float | None = None
    words: str = ""  # progress said in words
    note: str = ""
    files: list[dict[str, str]] = field(default_factory=list)
    due: str = ""  # an extension's new deadline, ISO
    target: int | None = None  # the target an amount counts towards, when the sender chose it


def draft_of(context: Context, key: str) -> Draft | None:
    """The draft kept under ``key`` (a conversation's), if any."""
    return Draft.of((context.user_data or {}).get(key))


def title(view: TaskView, _: Translate) -> str:
    """第15项 加强实体科技馆… as the flow's messages name a task. HTML."""
    return (
        f"<b>{esc(render.number_label(view, _))}</b> {esc(render.short_title(view, TITLE_WIDTH))}"
    )
