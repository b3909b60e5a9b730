"""What the keeping conversation holds between steps, and its preview of a change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from handlers.common import Asker, Button, Context, Reply, keyboard
from handlers.keeping.changes import not_allowed, task_title
from handlers.steps import JsonDraft, Step
from ledger.keeping import change_line
from ledger.render import esc
from models.edits import Change, may_change
from nlu.i18n import N_

DRAFT = "keeping_draft"  # user_data key of what is being changed
DUE, REASON, ADD, CONFIRM = "keep:due", "keep:reason", "keep:add", "keep:confirm"
CONFIRM_BUTTON, CHANGE_BUTTON, CANCEL_BUTTON = N_("Confirm"), N_("Edit"), N_("Cancel")
NOTHING_CHANGED = N_("Cancelled. Nothing was changed.")


@dataclass
class KeepDraft(JsonDraft):
    """What the conversation is about to change, kept in user_data as JSON."""

    kind: str  # edit | add
    task: int | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    names: list[list[str]] = field(default_factory=list)  # each change's names, for the preview
    new: dict[str, Any] = field(default_factory=dict)  # a new task (handlers.keeping.adding)
    text: str = ""


def draft_of(context: Context) -> KeepDraft | None:
    return KeepDraft.of((context.user_data or {}).get(DRAFT))


def confirm_buttons(asker: Asker) -> list[list[Button]]:
    _ = asker.translate
    return [
        [
            (_(CONFIRM_BUTTON), "kf:ok"),
            (_(CHANGE_BUTTON), "kf:re"),
            (_(CANCEL_BUTTON), "kf:no"),
        ]
    ]


def preview(session: Session, asker: Asker, draft: KeepDraft) -> Step:
    """The changes as they will be made, with 确认 / 修改 / 取消."""
    _ = asker.translate
    assert draft.task is not None
    changes = [Change.of(data) for data in draft.changes]
    if not may_change(session, person=asker.person, task_id=draft.task, changes=changes):
        return Step(Reply(not_allowed(_)))
    title = task_title(session, draft.task, _)
    if not title:
        return Step(Reply(esc(_("That task is no longer there. Nothing was changed."))))
    names = draft.names + [[]] * (len(changes) - len(draft.names))
    lines = [_("Change {task}?").format(task=title)]
    lines += [change_line(change, shown, _) for change, shown in zip(changes, names, strict=True)]
    return Step(Reply("\n".join(lines), keyboard(confirm_buttons(asker))), CONFIRM, draft)
