"""The keeping conversation: every change said in words is echoed before it is made.

It is entered by the card's 完成时限 button (the date is then typed in any form the deadline
grammar reads), or by a message that reads as a change or a new task (第3项由李麟负责,
新增任务：…). It shows what will change — a date as a date, names as the ledger spells them —
with 确认 / 修改 / 取消, and changes nothing before 确认. A cancel without a reason asks for
one. The conversation is persistent under the name "keeping" and ends when idle.

States: ``keep:due`` (waiting for a date), ``keep:reason`` (a cancel's reason), ``keep:add``
(a corrected new task), ``keep:confirm`` (the preview). Buttons: ``kf:ok|re|no``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from handlers.common import Asker, Context, Notice, Reply, Services, keyboard, no_plan_of
from handlers.keeping.adding import add_answered, add_confirmed, corrected, propose
from handlers.keeping.changes import make, not_allowed, task_title
from handlers.keeping.draft import (
    ADD,
    CANCEL_BUTTON,
    CONFIRM,
    DRAFT,
    DUE,
    NOTHING_CHANGED,
    REASON,
    KeepDraft,
    draft_of,
    preview,
)
from handlers.steps import IDLE, STALE, Step, StepOf, conversation, run
from ledger import render
from ledger.keeping import changes_from
from ledger.render import esc
from ledger.understanding import Understood, understand_message
from models.edits import Change, may_change
from models.tables import Role
from nlu.deadline import parse_deadline
from nlu.i18n import N_, Translate
from nlu.understand import understand

KEEPING = "keeping"  # the conversation's name, as persisted
ASK_DUE_DATA = r"^kp:u:\d+$"
STEP_DATA = r"^kf:(?:ok|re|no)$"

DUE_EXAMPLES = N_("For example: 6月底前, 2025年9月30日, 年底前.")


# --- the deadline, typed ----------------------------------------------------------------------


def ask_due(task_id: int) -> StepOf:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        due = Change("due")
        if not may_change(session, person=asker.person, task_id=task_id, changes=[due]):
            return Step(Notice(not_allowed(_)))
        title = task_title(session, task_id, _)
        if not title:
            return Step(Notice(_("That task is no longer there.")))
        text = _("By when must {task} be done? Type the deadline.").format(task=title)
        ask = Reply(f"{text}\n{esc(_(DUE_EXAMPLES))}", keyboard([[(_(CANCEL_BUTTON), "kf:no")]]))
        return Step(ask, DUE, KeepDraft("edit", task=task_id))

    return step


def read_due(text: str, today: date) -> Change | None:
    """A deadline in any form the grammar reads (6月底前 -> 2025-06-30), or None."""
    found = parse_deadline(text.strip(), today=today)
    if found.due is None:
        return None
    return Change("due", due=found.due, due_text=text.strip()[:200])


def due_typed(text: str, draft: KeepDraft | None) -> StepOf:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        if draft is None or draft.task is None:
            return Step(Reply(esc(_(STALE))))
        change = read_due(text, svc.today())
        if change is None:
            again = _("I can't read a date in that.") + " " + _(DUE_EXAMPLES)
            return Step(Reply(esc(again)), DUE, draft)
        draft.changes, draft.names = [change.to_json()], [[]]
        return preview(session, asker, draft)

    return step


# --- a change or a new task, said in words ----------------------------------------------------


class _ReadsAsKeeping(filters.MessageFilter):
    """A private text that reads as a change to a task or a new task (not a question)."""

    def filter(self, message: Any) -> bool:
        if message.chat.type != "private" or not message.text or message.text.startswith("/"):
            return False
        return understand(message.text).kind in ("edit", "add")


READS_AS_KEEPING = _ReadsAsKeeping(name="reads_as_keeping")


def said(text: str) -> StepOf:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        understood = understand_message(
            session, person=asker.person, text=text, today=svc.today(), plans=asker.plans
        )
        reading = understood.reading
        if understood.no_plan_of is not None:
            said = no_plan_of(understood.no_plan_of, _) + " " + _(NOTHING_CHANGED_SHORT)
            return Step(Reply(esc(said)))
        if reading.kind == "add" and reading.new_task is not None:
            return propose(session, asker, svc, reading.new_task)
        if asker.person.role not in (Role.admin, Role.leader) or reading.kind != "edit":
            return Step(Reply(not_allowed(_)))
        view = understood.task
        if view is None or view.task.id is None:
            return Step(Reply(esc(_which_task(understood, _))))
        changes, names, unresolved = changes_from(session, reading.edits)
        if unresolved:
            return Step(Reply(unresolved.say(_) + "\n" + esc(_(NOTHING_CHANGED_SHORT))))
        if not changes:
            return Step(Reply(esc(_("I can't tell what to change. Nothing was changed."))))
        draft = KeepDraft("edit", task=view.task.id, text=text)
        draft.changes = [change.to_json() for change in changes]
        draft.names = names
        if any(c.field == "cancel" and not c.text for c in changes):
            if not may_change(session, person=asker.person, task_id=view.task.id, changes=changes):
                return Step(Reply(not_allowed(_)))
            title = task_title(session, view.task.id, _)
            ask = _("Why is {task} cancelled? Type the reason.").format(task=title)
            return Step(Reply(ask, keyboard([[(_(CANCEL_BUTTON), "kf:no")]])), REASON, draft)
        return preview(session, asker, draft)

    return step


NOTHING_CHANGED_SHORT = N_("Nothing was changed.")


def _which_task(understood: Understood, _: Translate) -> str:
    if understood.missing:
        number = understood.missing[0]
        return _(
            "I can't find a task numbered {number} that you may see. Nothing was changed."
        ).format(number=number)
    if understood.candidates:
        named = "、".join(render.number_label(view, _) for view in understood.candidates)
        return _("Which task: {tasks}? Name it by its number. Nothing was changed.").format(
            tasks=named
        )
    return _("Which task? Name it by its number, e.g. 第3项由李麟负责. Nothing was changed.")


async def said_in_words(update: Update, context: Context) -> object:
    text = update.effective_message.text if update.effective_message else ""
    return await run(update, context, said(text or ""), key=DRAFT)


# --- a cancel's reason ------------------------------------------------------------------------


def reason_typed(text: str, draft: KeepDraft | None) -> StepOf:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        if draft is None or draft.task is None:
            return Step(Reply(esc(asker.translate(STALE))))
        draft.changes = [Change("cancel", text=text.strip()[:500]).to_json()]
        draft.names = [[]]
        return preview(session, asker, draft)

    return step


# --- 确认 / 修改 / 取消 -------------------------------------------------------------------------


def pressed(choice: str, draft: KeepDraft | None) -> StepOf:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        if draft is None:
            return Step(Notice(_(STALE)))
        if choice == "no":
            return Step(Reply(esc(_(NOTHING_CHANGED))))
        if choice == "re":
            return _again(session, asker, draft)
        if draft.kind == "add":
            return add_confirmed(session, asker, svc, draft)
        assert draft.task is not None
        changes = [Change.of(data) for data in draft.changes]
        told, outbox = make(session, asker, svc, draft.task, changes)
        return Step(Reply(told), outbox=outbox)

    return step


def _again(session: Session, asker: Asker, draft: KeepDraft) -> Step:
    """修改: ask again for what can be typed again."""
    _ = asker.translate
    cancel = keyboard([[(_(CANCEL_BUTTON), "kf:no")]])
    if draft.kind == "add":
        text = _("Send the new task again, corrected, in one message.")
        return Step(Reply(esc(text), cancel), ADD, draft)
    fields = {data.get("field") for data in draft.changes}
    assert draft.task is not None
    title = task_title(session, draft.task, _)
    if fields == {"cancel"}:
        text = _("Why is {task} cancelled? Type the reason.").format(task=title)
        return Step(Reply(text, cancel), REASON, draft)
    if fields == {"due"}:
        text = _("By when must {task} be done? Type the deadline.").format(task=title)
        return Step(Reply(f"{text}\n{esc(_(DUE_EXAMPLES))}", cancel), DUE, draft)
    text = _("Send the change again, corrected, e.g. 第3项由李麟负责.")
    return Step(Reply(esc(text)))


async def due_asked(update: Update, context: Context) -> object:
    query = update.callback_query
    assert query is not None and query.data is not None
    task_id = int(query.data.rsplit(":", 1)[1])
    return await run(update, context, ask_due(task_id), key=DRAFT, press=True)


async def due_answered(update: Update, context: Context) -> object:
    text = update.effective_message.text if update.effective_message else ""
    return await run(update, context, due_typed(text or "", draft_of(context)), key=DRAFT)


async def reason_answered(update: Update, context: Context) -> object:
    text = update.effective_message.text if update.effective_message else ""
    return await run(update, context, reason_typed(text or "", draft_of(context)), key=DRAFT)


def typed_at_preview(text: str, draft: KeepDraft | None) -> StepOf:
    """Words typed at the preview: a new date for a deadline, a corrected new task; else a
    reminder of the buttons (words here are never taken for something else)."""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        if draft is None:
            return Step(Reply(esc(_(STALE))))
        if draft.kind == "add":
            return corrected(text, draft)(session, asker, svc)
        if {data.get("field") for data in draft.changes} == {"due"}:
            return due_typed(text, draft)(session, asker, svc)
        said = _("Press Confirm, Edit or Cancel above, or send /cancel.")
        return Step(Reply(esc(said)), CONFIRM, draft)

    return step


async def preview_answered(update: Update, context: Context) -> object:
    text = update.effective_message.text if update.effective_message else ""
    return await run(update, context, typed_at_preview(text or "", draft_of(context)), key=DRAFT)


async def step_pressed(update: Update, context: Context) -> object:
    query = update.callback_query
    assert query is not None and query.data is not None
    choice = query.data.removeprefix("kf:")
    return await run(update, context, pressed(choice, draft_of(context)), key=DRAFT, press=True)


async def cancelled(update: Update, context: Context) -> object:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        return Step(Reply(esc(asker.translate(NOTHING_CHANGED))))

    return await run(update, context, step, key=DRAFT)


async def timed_out(update: Update, context: Context) -> None:
    """The conversation sat idle: say so once, change nothing."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def keeping_conversation(idle: timedelta = IDLE) -> ConversationHandler[Context]:
    """The keeping conversation, persistent under the name "keeping"."""
    typed = filters.TEXT & ~filters.COMMAND
    confirm = CallbackQueryHandler(step_pressed, pattern=STEP_DATA)
    states: dict[object, list[BaseHandler[Update, Context, object]]] = {
        DUE: [confirm, MessageHandler(typed, due_answered)],
        REASON: [confirm, MessageHandler(typed, reason_answered)],
        ADD: [confirm, MessageHandler(typed, add_answered)],
        CONFIRM: [confirm, MessageHandler(typed, preview_answered)],
        ConversationHandler.TIMEOUT: [MessageHandler(filters.ALL, timed_out)],
    }
    return conversation(
        entry_points=[
            CallbackQueryHandler(due_asked, pattern=ASK_DUE_DATA),
            MessageHandler(filters.UpdateType.MESSAGE & READS_AS_KEEPING, said_in_words),
        ],
        states=states,
        fallbacks=[CommandHandler("cancel", cancelled)],
        name=KEEPING,
        persistent=True,
        conversation_timeout=idle,
        allow_reentry=True,
    )
