"""Reporting by message: progress, completion (办结) and extensions (延期), then their review.

A report is a conversation (ConversationHandler "report", its state kept in the ledger's own
database by bot.persistence, so a half-finished report survives a restart):

    task  -> which task, when the message did not say or said it ambiguously (buttons)
    amount -> how far along: an amount against the task's target, a percent, or words
    date  -> the new deadline an extension asks for, when the message did not give one
    confirm -> the summary with 确认 / 修改 / 取消; a note, photo or document sent now is kept

It starts from /report, from a message that reads as a report (大篷车已经跑了25场, 第5项办完了,
第20项推迟到明年3月) or from 报告进度 under a reminder digest or a task. /cancel ends it
anywhere; left idle it ends politely. Nothing is recorded before 确认, and the reply says so.

A completion or an extension then goes to the task's lead leader (or the clerk when it has
none) with 通过 / 退回 or 同意 / 改日期 / 不同意; the decision is a second, small conversation
("decide") when it needs words: the reason for sending a completion back, or another date.
Every press checks who presses it; models.reports holds the rules.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from handlers.common import (
    Asker,
    Button,
    Context,
    Notice,
    Reply,
    Services,
    decide,
    keyboard,
    not_bound_short,
    reply,
    show,
    stranger_reply,
    stranger_translator,
)
from ledger import render
from ledger.render import esc
from ledger.understanding import understand_message
from models.access import my_tasks, task_by_id, task_by_number
from models.queries import TaskView
from models.reminders import delivery_of, delivery_task_ids
from models.reports import (
    AlreadyDecided,
    AlreadyPending,
    NotAllowed,
    approvers,
    decide_extension,
    may_report,
    pick_target,
    record_progress,
    remember_alias,
    request_extension,
    review_completion,
    submit_completion,
)
from models.tables import (
    ExtensionRequest,
    Person,
    ProgressReport,
    ReportStatus,
    Target,
    TaskStatus,
)
from nlu.deadline import parse_deadline
from nlu.i18n import N_, Translate
from nlu.quantity import read_quantity
from nlu.understand import understand

log = logging.getLogger(__name__)

REPORT, DECIDE = "report", "decide"  # the conversations' names, as persisted
TASK, AMOUNT, DATE, CONFIRM = "report:task", "report:amount", "report:date", "report:confirm"
REASON, NEW_DATE = "decide:reason", "decide:date"
IDLE = timedelta(minutes=30)  # an untouched report ends after this (REPORT_IDLE_MINUTES)
DRAFT = "report"  # user_data key of the report being written
DECISION = "decision"  # user_data key of the decision waiting for words
OFFER_LIMIT = 6  # tasks offered as buttons when the message named none

# Callback data: rp:d:<delivery id> / rp:t:<task id> start a report; rf:* answer its steps;
# rv:ok|no:<report id> review a completion; ex:ok|date|no:<request id> decide an extension.
START_DATA = r"^rp:[dt]:\d+$"
STEP_DATA = r"^rf:"
REVIEW_DATA = r"^rv:(?:ok|no):\d+$"
EXTENSION_DATA = r"^ex:(?:ok|date|no):\d+$"

CONFIRM_BUTTON, EDIT_BUTTON, CANCEL_BUTTON = N_("Confirm"), N_("Change"), N_("Cancel")
APPROVE_BUTTON, RETURN_BUTTON = N_("Approve"), N_("Return")
GRANT_BUTTON, OTHER_DATE_BUTTON, DECLINE_BUTTON = (
    N_("Grant"),
    N_("Grant another date"),
    N_("Decline"),
)
CANCELLED = N_("Cancelled. Nothing was recorded.")
TIMED_OUT = N_("Your unfinished report timed out and was dropped; nothing was recorded.")
STALE = N_("This button no longer works.")
ONLY_PRIVATE = N_("Please report to me in a private chat.")


# --- the draft --------------------------------------------------------------------------------


@dataclass
class Draft:
    """A report being written; kept in user_data as JSON between the steps."""

    kind: str  # progress | done | extend
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

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def of(cls, data: Any) -> Draft | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def _draft(context: Context) -> Draft | None:
    return Draft.of((context.user_data or {}).get(DRAFT))


def _keep(context: Context, draft: Draft | None) -> None:
    data = context.user_data
    if data is None:
        return
    if draft is None:
        data.pop(DRAFT, None)
    else:
        data[DRAFT] = draft.to_json()


@dataclass(frozen=True)
class Out:
    """A message to someone else: the lead leader asked to review, the reporter told."""

    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass
class Step:
    """What a step of a conversation answers, where it goes next, and whom else it tells."""

    said: Reply | Notice
    state: object = ConversationHandler.END
    draft: Draft | None = None
    outbox: list[Out] = field(default_factory=list)


# --- showing ------------------------------------------------------------------------------------


def _title(view: TaskView, _: Translate) -> str:
    return f"<b>{esc(render.number_label(view, _))}</b> {esc(render.short_title(view, 40))}"


def _pick_buttons(views: list[TaskView], _: Translate) -> list[list[Button]]:
    rows = [
        [(f"{render.number_label(view, _)} {render.short_title(view, 16)}", f"rf:t:{view.task.id}")]
        for view in views
    ]
    return [*rows, [(_(CANCEL_BUTTON), "rf:no")]]


def _target(draft: Draft, view: TaskView) -> Target | None:
    """The target an amount counts towards: the one chosen, else the one that clearly fits."""
    if draft.amount is None:
        return None
    for target in view.targets:
        if target.id == draft.target and target.unit == draft.unit:
            return target
    return pick_target(view.targets, unit=draft.unit, hint_text=draft.text)


def _unsure_targets(draft: Draft, view: TaskView) -> list[Target]:
    """The targets in the amount's unit, when more than one might be meant and none is chosen."""
    if draft.amount is None or _target(draft, view) is not None:
        return []
    same = [target for target in view.targets if target.unit == draft.unit]
    return same if len(same) > 1 else []


def _amount_text(draft: Draft, view: TaskView, _: Translate) -> str:
    """巡展 25/40 场 (62%), 80%, or the words."""
    if draft.amount is not None:
        target = _target(draft, view)
        if target is not None:
            share = f" ({draft.amount / target.value:.0%})" if target.value else ""
            return f"{target.metric} {draft.amount:g}/{target.value:g} {target.unit}{share}"
        if not _unsure_targets(draft, view):
            kept = _("no target of this task counts {unit}; kept in the report's words")
            return f"{draft.amount:g} {draft.unit} ({kept.format(unit=draft.unit)})"
        return f"{draft.amount:g} {draft.unit}"
    if draft.percent is not None:
        return f"{draft.percent:g}%"
    return draft.words


def _summary(draft: Draft, view: TaskView, names: list[str], today: date, _: Translate) -> Reply:
    lines = [_title(view, _), ""]
    if draft.kind == "progress":
        lines.append(_("Progress: {amount}").format(amount=esc(_amount_text(draft, view, _))))
    elif draft.kind == "done":
        lines.append(esc(_("Report this task as done.")))
    else:
        old = view.task.due.isoformat() if view.task.due else _("no fixed deadline")
        lines.append(esc(_("New deadline: {old} → {new}").format(old=old, new=draft.due)))
        if view.task.due is not None and view.task.due < today:
            lines.append(esc(_("Asked after the deadline: it will be marked late.")))
    if draft.note:
        lines.append(esc(_("Note: {note}").format(note=draft.note)))
    if draft.files:
        lines.append(esc(_("Attachments: {count}").format(count=len(draft.files))))
    if draft.kind != "progress" and names:
        lines.append(
            esc(_("After you confirm, {names} will review it.").format(names="、".join(names)))
        )
    unsure = _unsure_targets(draft, view) if draft.kind == "progress" else []
    if unsure:
        lines += ["", esc(_("Which target does it count towards?"))]
        rows = [[(render.progress(target), f"rf:g:{target.id}")] for target in unsure]
        return Reply("\n".join(lines), keyboard([*rows, [(_(CANCEL_BUTTON), "rf:no")]]))
    lines += ["", esc(_("Send a note, a photo or a document to add it, or press Confirm."))]
    buttons = [
        [(_(CONFIRM_BUTTON), "rf:ok"), (_(EDIT_BUTTON), "rf:edit"), (_(CANCEL_BUTTON), "rf:no")]
    ]
    return Reply("\n".join(lines), keyboard(buttons))


# --- the steps ----------------------------------------------------------------------------------


def _reportable(session: Session, asker: Asker, view: TaskView | None) -> TaskView | None:
    if view is None or view.task.id is None:
        return None
    if not may_report(session, person=asker.person, task_id=view.task.id):
        return None
    return view


def _begin(
    session: Session,
    asker: Asker,
    svc: Services,
    draft: Draft,
    view: TaskView | None,
    offered: list[TaskView],
) -> Step:
    """Where a new report goes once its task is known, or what to ask to learn it."""
    _ = asker.translate
    if view is not None:
        reportable = _reportable(session, asker, view)
        if reportable is None:
            return Step(Reply(_not_yours(view, _)))
        draft.task = reportable.task.id
        return _next(session, asker, svc, draft, reportable)
    choices = [found for found in (_reportable(session, asker, v) for v in offered) if found]
    if not choices:
        choices = [
            found
            for found in (
                _reportable(session, asker, v)
                for v in my_tasks(session, person=asker.person, limit=OFFER_LIMIT)[0]
            )
            if found
        ]
        if not choices:
            return Step(Reply(_("You have no open task to report on.") + " " + _(CANCELLED)))
        question = _("Which task is this about? Pick one, or send its number.")
    else:
        question = _("Which task do you mean? Pick one, or send its number.")
    draft.offered = [view.task.id for view in choices if view.task.id is not None]
    return Step(Reply(esc(question), keyboard(_pick_buttons(choices, _))), TASK, draft)


def _not_yours(view: TaskView, _: Translate) -> str:
    owners = "、".join(view.lead_departments or view.leaders) or "—"
    text = _(
        "{task} belongs to {owners}: you can report only on your own tasks. Nothing was recorded."
    )
    return text.format(task=_title(view, _), owners=esc(owners))


def _next(session: Session, asker: Asker, svc: Services, draft: Draft, view: TaskView) -> Step:
    """The next question for a draft whose task is known."""
    _ = asker.translate
    if view.task.status in (TaskStatus.done, TaskStatus.cancelled):
        text = _("{task} is already {status}. Nothing was recorded.")
        status = render.status_name(view.task.status, _)
        return Step(Reply(text.format(task=_title(view, _), status=esc(status))))
    if (
        draft.kind == "progress"
        and draft.amount is None
        and draft.percent is None
        and not draft.words
    ):
        targets = "、".join(render.progress(target) for target in view.targets[:3])
        ask = _("How far along is it? Send an amount (25场), a percent (80%) or a few words.")
        text = _title(view, _) + "\n" + (esc(targets) + "\n" if targets else "") + "\n" + esc(ask)
        return Step(Reply(text, keyboard([[(_(CANCEL_BUTTON), "rf:no")]])), AMOUNT, draft)
    if draft.kind == "extend" and not draft.due:
        ask = _("Until when? Send the new deadline, e.g. 7月底 or 2025-09-30.")
        text = _title(view, _) + "\n\n" + esc(ask)
        return Step(Reply(text, keyboard([[(_(CANCEL_BUTTON), "rf:no")]])), DATE, draft)
    assert view.task.id is not None
    names = [person.name for person in approvers(session, task_id=view.task.id)]
    if asker.person.name in names:
        names = []
    return Step(_summary(draft, view, names, svc.today(), _), CONFIRM, draft)


def _view(session: Session, asker: Asker, draft: Draft) -> TaskView | None:
    return task_by_id(session, person=asker.person, task_id=draft.task) if draft.task else None


def _read_amount(draft: Draft, text: str) -> None:
    """An amount, a percent or words, from the answer to "how far along"."""
    quantity = read_quantity(text)
    draft.amount = draft.percent = None
    draft.words = ""
    if quantity is not None and quantity.unit == "%":
        draft.percent = quantity.value
    elif quantity is not None:
        draft.amount, draft.unit = quantity.value, quantity.unit
    if quantity is None or text.strip() != text[quantity.start : quantity.end].strip():
        draft.words = text.strip()


def _from_message(session: Session, asker: Asker, svc: Services, text: str) -> Step:
    """A message that reads as a report: start the draft from what it says."""
    _ = asker.translate
    understood = understand_message(session, person=asker.person, text=text, today=svc.today())
    reading = understood.reading
    kind = understood.intent if understood.intent in ("progress", "done", "extend") else "progress"
    draft = Draft(kind, text=text, phrase=reading.topic if not reading.numbers else "")
    if kind == "progress":
        quantity = reading.quantity
        if quantity is not None and quantity.unit == "%":
            draft.percent = quantity.value
        elif quantity is not None:
            draft.amount, draft.unit = quantity.value, quantity.unit
        else:
            draft.words = text.strip()
    if kind == "extend" and understood.due is not None:
        if understood.due <= svc.today():
            draft.due = ""
        else:
            draft.due = understood.due.isoformat()
    if understood.task is None and not understood.candidates and understood.elsewhere:
        return Step(Reply(_not_yours(understood.elsewhere, _)))
    if understood.missing and not understood.candidates:
        number = "、".join(understood.missing)
        text = _("I can't find a task numbered {number} that you may see.")
        return Step(Reply(text.format(number=esc(number)) + " " + esc(_(CANCELLED))))
    return _begin(session, asker, svc, draft, understood.task, understood.candidates)


def _confirm(session: Session, asker: Asker, svc: Services, draft: Draft) -> Step:
    """确认: record the report, or send it for review."""
    _ = asker.translate
    view = _view(session, asker, draft)
    if view is None or view.task.id is None:
        return Step(Reply(esc(_("That task is no longer there. Nothing was recorded."))))
    task_id, now = view.task.id, svc.now()
    if not may_report(session, person=asker.person, task_id=task_id):
        return Step(Reply(_not_yours(view, _)))
    if draft.phrase:
        remember_alias(session, phrase=draft.phrase, task_id=task_id, person_id=asker.id, now=now)
    if draft.kind == "progress":
        if _unsure_targets(draft, view):  # an old summary's Confirm: ask which target again
            return _next(session, asker, svc, draft, view)
        target = _target(draft, view)
        record_progress(
            session,
            task_id=task_id,
            person_id=asker.id,
            text=draft.words or draft.text,
            now=now,
            amount=draft.amount if target is not None else None,  # no target: in the words
            target_id=target.id if target else None,
            percent=draft.percent,
            note=draft.note or None,
            attachments=draft.files,
        )
        fresh = task_by_id(session, person=asker.person, task_id=task_id) or view
        done = _("Recorded: {task}").format(task=_title(fresh, _))
        details = [esc(render.progress(target)) for target in fresh.targets if target.achieved]
        return Step(Reply("\n".join([done, *details[:3]])))
    if draft.kind == "done":
        report = submit_completion(
            session,
            task_id=task_id,
            person_id=asker.id,
            text=draft.text,
            now=now,
            note=draft.note or None,
            attachments=draft.files,
        )
        if report.status == ReportStatus.accepted:
            return Step(Reply(_("{task} is done. Thank you!").format(task=_title(view, _))))
        outbox = _to_reviewers(session, view, asker.person, _review_request(report, view))
        text = _("Sent for review: {task}. I'll tell you the decision.").format(
            task=_title(view, _)
        )
        return Step(Reply(text + _unreached(session, view, outbox, _)), outbox=outbox)
    due = date.fromisoformat(draft.due)
    try:
        request = request_extension(
            session,
            task_id=task_id,
            person_id=asker.id,
            requested_due=due,
            today=svc.today(),
            now=now,
            reason=draft.note or draft.text,
        )
    except AlreadyPending:
        text = _(
            "An extension of {task} is already waiting for a decision. Nothing new was recorded."
        )
        return Step(Reply(text.format(task=_title(view, _))))
    if request.status != "pending":
        text = _("Deadline of {task} moved to {due}.").format(
            task=_title(view, _), due=due.isoformat()
        )
        return Step(Reply(text))
    outbox = _to_reviewers(session, view, asker.person, _extension_request(request, view))
    text = _("Extension asked: {task} to {due}. I'll tell you the decision.").format(
        task=_title(view, _), due=due.isoformat()
    )
    return Step(Reply(text + _unreached(session, view, outbox, _)), outbox=outbox)


def _unreached(session: Session, view: TaskView, outbox: list[Out], _: Translate) -> str:
    assert view.task.id is not None
    people = approvers(session, task_id=view.task.id)
    missing = [person.name for person in people if person.telegram_chat_id is None]
    if not missing:
        return ""
    note = _("{names} is not on Telegram yet; the office clerk sees it in the ledger.")
    return "\n" + esc(note.format(names="、".join(missing)))


# --- asking the lead leader -------------------------------------------------------------------


def _to_reviewers(session: Session, view: TaskView, reporter: Person, build: Any) -> list[Out]:
    """The request, in each reviewer's language, to each one who can be reached."""
    from nlu.i18n import translator

    assert view.task.id is not None
    out = []
    for person in approvers(session, task_id=view.task.id):
        if person.telegram_chat_id is None or not person.reachable or person.id == reporter.id:
            continue
        _ = translator(person.language or "zh_CN")
        text, markup = build(reporter.name, _)
        out.append(Out(person.telegram_chat_id, text, markup))
    return out


def _review_request(report: ProgressReport, view: TaskView) -> Any:
    def build(reporter: str, _: Translate) -> tuple[str, InlineKeyboardMarkup | None]:
        text = _("{name} reports this task done and asks you to review it:").format(
            name=esc(reporter)
        )
        lines = [esc(text), _title(view, _)]
        if report.note:
            lines.append(esc(_("Note: {note}").format(note=report.note)))
        buttons = [
            [(_(APPROVE_BUTTON), f"rv:ok:{report.id}"), (_(RETURN_BUTTON), f"rv:no:{report.id}")]
        ]
        return "\n".join(lines), keyboard(buttons)

    return build


def _extension_request(request: ExtensionRequest, view: TaskView) -> Any:
    def build(reporter: str, _: Translate) -> tuple[str, InlineKeyboardMarkup | None]:
        old = request.previous_due.isoformat() if request.previous_due else _("no fixed deadline")
        text = _("{name} asks to move the deadline of this task: {old} → {new}").format(
            name=reporter, old=old, new=request.requested_due.isoformat()
        )
        lines = [esc(text), _title(view, _)]
        if request.late:
            lines.append(esc(_("Asked after the deadline had passed (late).")))
        if request.reason:
            lines.append(esc(_("Reason: {reason}").format(reason=request.reason)))
        buttons = [
            [
                (_(GRANT_BUTTON), f"ex:ok:{request.id}"),
                (_(OTHER_DATE_BUTTON), f"ex:date:{request.id}"),
            ],
            [(_(DECLINE_BUTTON), f"ex:no:{request.id}")],
        ]
        return "\n".join(lines), keyboard(buttons)

    return build


# --- wiring: running a step -------------------------------------------------------------------


async def _run(update: Update, context: Context, step_of: Any, *, press: bool = False) -> object:
    """Run one step in a database session, keep its draft, send what it says; its next state."""

    def respond(session: Session, asker: Asker, svc: Services) -> Step:
        return step_of(session, asker, svc)  # type: ignore[no-any-return]

    def stranger(svc: Services) -> Step:
        if press:
            return Step(Notice(not_bound_short(stranger_translator(update, svc))))
        return Step(Reply(stranger_reply(update, svc)))

    step = decide(update, context, respond, stranger)
    if step.state != ConversationHandler.END:
        _keep(context, step.draft)
    else:
        _keep(context, None)
    await _say(update, step.said, press=press)
    for out in step.outbox:
        await _send(context, out)
    return step.state


async def _say(update: Update, said: Reply | Notice, *, press: bool) -> None:
    query = update.callback_query
    if press and query is not None:
        if isinstance(said, Notice):
            await query.answer(said.text, show_alert=said.alert)
            return
        await query.answer()
        await show(query, said.text, said.markup)
        return
    if isinstance(said, Notice):
        await reply(update, esc(said.text))
        return
    await reply(update, said.text, said.markup)


async def _send(context: Context, out: Out) -> None:
    try:
        await context.bot.send_message(out.chat_id, out.text, reply_markup=out.markup)
    except Forbidden:
        log.info("a reviewer has blocked the bot; the request stays in the ledger")
    except TelegramError:
        log.exception("could not send a review request")


# --- the report conversation ----------------------------------------------------------------


async def report_command(update: Update, context: Context) -> object:
    """/report [N]: report progress on a task (the number is optional)."""
    argument = " ".join(context.args or [])

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        if update.effective_chat is None or update.effective_chat.type != "private":
            return Step(Reply(esc(_(ONLY_PRIVATE))))
        draft = Draft("progress")
        view = None
        if argument:
            reading = understand(argument)
            numbers = reading.numbers or ((argument.strip(),) if argument.strip().isdigit() else ())
            if numbers:
                view = task_by_number(session, person=asker.person, number=numbers[0])
                if view is None:
                    text = _("I can't find a task numbered {number} that you may see.")
                    return Step(Reply(text.format(number=esc(numbers[0]))))
        return _begin(session, asker, svc, draft, view, [])

    return await _run(update, context, step)


async def report_message(update: Update, context: Context) -> object:
    """A message that reads as a report: 大篷车已经跑了25场, 第5项办完了, 第20项推迟到明年3月."""
    text = (update.effective_message.text or "") if update.effective_message else ""
    return await _run(
        update, context, lambda session, asker, svc: _from_message(session, asker, svc, text)
    )


async def report_pressed(update: Update, context: Context) -> object:
    """报告进度 under a digest (rp:d:<delivery>) or a task (rp:t:<task>)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _prefix, where, number = query.data.split(":")

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = Draft("progress")
        if where == "t":
            view = task_by_id(session, person=asker.person, task_id=int(number))
            if view is None:
                return Step(Notice(_(STALE)))
            step = _begin(session, asker, svc, draft, view, [])
        else:
            delivery = delivery_of(session, delivery_id=int(number))
            if delivery is None or delivery.person_id != asker.id:
                return Step(Notice(_(STALE)))
            views = [
                view
                for view in (
                    task_by_id(session, person=asker.person, task_id=task_id)
                    for task_id in delivery_task_ids(session, delivery_id=int(number))
                )
                if view is not None
            ]
            step = _begin(session, asker, svc, draft, views[0] if len(views) == 1 else None, views)
        # Sent as a new message: the digest keeps its buttons.
        if isinstance(step.said, Reply):
            step.said = _Sent(step.said.text, step.said.markup)
        return step

    return await _run(update, context, step, press=True)


@dataclass(frozen=True)
class _Sent(Reply):
    """A reply to a press that goes below the pressed message rather than replacing it."""


async def step_pressed(update: Update, context: Context) -> object:
    """A button of the report being written: a task picked, 确认, 修改 or 取消."""
    query = update.callback_query
    assert query is not None and query.data is not None
    data = query.data

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = _draft(context)
        if draft is None:
            return Step(Notice(_(STALE)))
        if data == "rf:no":
            return Step(Reply(esc(_(CANCELLED))))
        if data.startswith("rf:t:"):
            task_id = int(data.split(":")[2])
            if task_id not in draft.offered:
                return Step(Notice(_(STALE)), TASK, draft)
            view = task_by_id(session, person=asker.person, task_id=task_id)
            return _begin(session, asker, svc, draft, view, [])
        view = _view(session, asker, draft)
        if view is None:
            return Step(Reply(esc(_("That task is no longer there. Nothing was recorded."))))
        if data.startswith("rf:g:"):
            draft.target = int(data.split(":")[2])
            return _next(session, asker, svc, draft, view)
        if data == "rf:edit":
            if draft.kind == "progress":
                draft.amount = draft.percent = draft.target = None
                draft.words = ""
            elif draft.kind == "extend":
                draft.due = ""
            else:
                draft.task = None
                return _begin(session, asker, svc, draft, None, [])
            return _next(session, asker, svc, draft, view)
        if data == "rf:ok":
            return _confirm(session, asker, svc, draft)
        return Step(Notice(_(STALE)), CONFIRM, draft)

    return await _run(update, context, step, press=True)


async def task_answered(update: Update, context: Context) -> object:
    """In the task step, a typed number (or words) picks the task."""
    text = (update.effective_message.text or "") if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        draft = _draft(context)
        if draft is None:
            return _from_message(session, asker, svc, text)
        understood = understand_message(session, person=asker.person, text=text, today=svc.today())
        if understood.task is None and not understood.candidates:
            _ = asker.translate
            ask = _("Which task do you mean? Pick one, or send its number.")
            return Step(Reply(esc(ask)), TASK, draft)
        return _begin(session, asker, svc, draft, understood.task, understood.candidates)

    return await _run(update, context, step)


async def amount_answered(update: Update, context: Context) -> object:
    text = (update.effective_message.text or "") if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        draft = _draft(context)
        view = _view(session, asker, draft) if draft else None
        if draft is None or view is None:
            return Step(Reply(esc(asker.translate(STALE))))
        _read_amount(draft, text)
        return _next(session, asker, svc, draft, view)

    return await _run(update, context, step)


async def date_answered(update: Update, context: Context) -> object:
    text = (update.effective_message.text or "") if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = _draft(context)
        view = _view(session, asker, draft) if draft else None
        if draft is None or view is None:
            return Step(Reply(esc(_(STALE))))
        due = _future_date(text, svc.today())
        if due is None:
            ask = _("I couldn't read a date after today in “{text}”. Try 7月底 or 2025-09-30.")
            return Step(Reply(esc(ask.format(text=text))), DATE, draft)
        draft.due = due.isoformat()
        return _next(session, asker, svc, draft, view)

    return await _run(update, context, step)


def _future_date(text: str, today: date) -> date | None:
    """A deadline after today, read by the deadline grammar; a month past means next year's."""
    found = parse_deadline(text.strip(), today=today).due
    if found is not None and found <= today:
        later = parse_deadline(text.strip(), today=today, year=today.year + 1).due
        found = later if later is not None and later > today else None
    return found


async def note_added(update: Update, context: Context) -> object:
    """At the summary: words are a note; a photo or a document is attached (its file id kept)."""
    message = update.effective_message
    assert message is not None

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        draft = _draft(context)
        view = _view(session, asker, draft) if draft else None
        if draft is None or view is None:
            return Step(Reply(esc(asker.translate(STALE))))
        if message.text and _another_report(session, asker, svc, message.text, view):
            return _from_message(session, asker, svc, message.text)  # this one replaces it
        if message.photo:
            largest = message.photo[-1]
            draft.files.append({"kind": "photo", "file_id": largest.file_id})
        elif message.document is not None:
            document = message.document
            draft.files.append(
                {"kind": "document", "file_id": document.file_id, "name": document.file_name or ""}
            )
        if message.caption or message.text:
            words = (message.caption or message.text or "").strip()
            draft.note = f"{draft.note}\n{words}".strip() if draft.note else words
        return _next(session, asker, svc, draft, view)

    return await _run(update, context, step)


def _another_report(
    session: Session, asker: Asker, svc: Services, text: str, view: TaskView
) -> bool:
    """A message at the summary that is a report on another task by number (第6项办完了)."""
    reading = understand(text)
    if reading.kind not in ("progress", "done", "extend") or not reading.numbers:
        return False
    other = task_by_number(session, person=asker.person, number=reading.numbers[0])
    return other is not None and other.task.id != view.task.id


async def cancel(update: Update, context: Context) -> object:
    """/cancel, anywhere in the conversation."""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        return Step(Reply(esc(asker.translate(CANCELLED))))

    return await _run(update, context, step)


async def timed_out(update: Update, context: Context) -> None:
    """The idle limit passed: say so, once, and forget the draft."""
    _keep(context, None)
    chat = update.effective_chat
    if chat is None:
        return

    def respond(session: Session, asker: Asker, svc: Services) -> str:
        return str(asker.translate(TIMED_OUT))

    text = decide(update, context, respond, lambda svc: "")
    if text:
        try:
            await chat.send_message(esc(text))
        except TelegramError:
            log.info("could not tell someone their report timed out")


class _ReadsAsReport(filters.MessageFilter):
    """A private text that reads as a report or an extension request (not a question)."""

    def filter(self, message: Any) -> bool:
        if message.chat.type != "private" or not message.text or message.text.startswith("/"):
            return False
        return understand(message.text).kind in ("progress", "done", "extend")


READS_AS_REPORT = _ReadsAsReport(name="reads_as_report")


def _conversation(**options: Any) -> ConversationHandler[Context]:
    """A ConversationHandler; its buttons belong to the person's flow, not to one message, so
    PTB's advice to track callback queries per message does not apply here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False", category=UserWarning)
        return ConversationHandler(**options)


def report_conversation(idle: timedelta = IDLE) -> ConversationHandler[Context]:
    """The report flow, persistent under the name "report"; it ends after ``idle``."""
    typed = filters.TEXT & ~filters.COMMAND
    states: dict[object, list[BaseHandler[Update, Context, object]]] = {
        TASK: [
            CallbackQueryHandler(step_pressed, pattern=STEP_DATA),
            MessageHandler(typed, task_answered),
        ],
        AMOUNT: [
            CallbackQueryHandler(step_pressed, pattern=STEP_DATA),
            MessageHandler(typed, amount_answered),
        ],
        DATE: [
            CallbackQueryHandler(step_pressed, pattern=STEP_DATA),
            MessageHandler(typed, date_answered),
        ],
        CONFIRM: [
            CallbackQueryHandler(step_pressed, pattern=STEP_DATA),
            MessageHandler((typed | filters.PHOTO | filters.Document.ALL), note_added),
        ],
        ConversationHandler.TIMEOUT: [
            MessageHandler(filters.ALL, timed_out),
            CallbackQueryHandler(timed_out),
        ],
    }
    return _conversation(
        entry_points=[
            CommandHandler("report", report_command),
            MessageHandler(READS_AS_REPORT, report_message),
            CallbackQueryHandler(report_pressed, pattern=START_DATA),
        ],
        states=states,
        fallbacks=[CommandHandler("cancel", cancel)],
        name=REPORT,
        persistent=True,
        conversation_timeout=idle,
        allow_reentry=False,  # words typed mid-report are its answers, not a new report
    )


# --- deciding: review and extensions ----------------------------------------------------------


async def review_pressed(update: Update, context: Context) -> object:
    """通过 (rv:ok:<id>) decides at once; 退回 (rv:no:<id>) asks for the reason first."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _prefix, action, number = query.data.split(":")
    report_id = int(number)

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        report = session.get(ProgressReport, report_id)
        if report is None or report.status != ReportStatus.submitted:
            return Step(Notice(_("This has already been decided.")))
        view = task_by_id(session, person=asker.person, task_id=report.task_id)
        if view is None:
            return Step(Notice(_("Only the task's lead leader or the office clerk can decide.")))
        if action == "no":
            draft = Draft("return", task=report.task_id, offered=[report_id])
            ask = _("Why is it returned? Send the reason (or /cancel).")
            return Step(_Sent(_title(view, _) + "\n" + esc(ask)), REASON, draft)
        return _review(session, asker, svc, report_id, view, approve=True, reason=None)

    return await _decision(update, context, step, press=True)


def _review(
    session: Session,
    asker: Asker,
    svc: Services,
    report_id: int,
    view: TaskView,
    *,
    approve: bool,
    reason: str | None,
) -> Step:
    from nlu.i18n import translator

    _ = asker.translate
    try:
        report = review_completion(
            session,
            report_id=report_id,
            reviewer_id=asker.id,
            approve=approve,
            now=svc.now(),
            reason=reason,
        )
    except AlreadyDecided:
        return Step(Notice(_("This has already been decided.")))
    except NotAllowed:
        return Step(Notice(_("Only the task's lead leader or the office clerk can decide.")))
    outbox = []
    reporter = session.get(Person, report.person_id) if report.person_id else None
    if reporter is not None and reporter.telegram_chat_id and reporter.id != asker.id:
        told = translator(reporter.language or "zh_CN")
        if approve:
            text = told(N_("{name} approved: {task} is done.")).format(
                name=esc(asker.person.name), task=_title(view, told)
            )
        else:
            text = told(N_("{name} returned {task}: {reason}")).format(
                name=esc(asker.person.name), task=_title(view, told), reason=esc(reason or "")
            )
        outbox.append(Out(reporter.telegram_chat_id, text))
    said = (
        _("Approved: {task} is done.") if approve else _("Returned: {task} is in progress again.")
    )
    return Step(Reply(said.format(task=_title(view, _))), outbox=outbox)


async def extension_pressed(update: Update, context: Context) -> object:
    """同意 (ex:ok), 改日期 (ex:date: asks the date), 不同意 (ex:no)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _prefix, action, number = query.data.split(":")
    request_id = int(number)

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        request = session.get(ExtensionRequest, request_id)
        if request is None or request.status != "pending":
            return Step(Notice(_("This has already been decided.")))
        view = task_by_id(session, person=asker.person, task_id=request.task_id)
        if view is None:
            return Step(Notice(_("Only the task's lead leader or the office clerk can decide.")))
        if action == "date":
            draft = Draft("grant", task=request.task_id, offered=[request_id])
            ask = _("Which deadline do you grant? Send a date, e.g. 7月底 (or /cancel).")
            return Step(_Sent(_title(view, _) + "\n" + esc(ask)), NEW_DATE, draft)
        return _decide_extension(
            session, asker, svc, request_id, view, approve=action == "ok", due=None
        )

    return await _decision(update, context, step, press=True)


def _decide_extension(
    session: Session,
    asker: Asker,
    svc: Services,
    request_id: int,
    view: TaskView,
    *,
    approve: bool,
    due: date | None,
) -> Step:
    from nlu.i18n import translator

    _ = asker.translate
    try:
        request = decide_extension(
            session,
            request_id=request_id,
            decider_id=asker.id,
            approve=approve,
            now=svc.now(),
            due=due,
        )
    except AlreadyDecided:
        return Step(Notice(_("This has already been decided.")))
    except NotAllowed:
        return Step(Notice(_("Only the task's lead leader or the office clerk can decide.")))
    granted = request.granted_due.isoformat() if request.granted_due else ""
    outbox = []
    asker_person = session.get(Person, request.person_id) if request.person_id else None
    if asker_person is not None and asker_person.telegram_chat_id and asker_person.id != asker.id:
        told = translator(asker_person.language or "zh_CN")
        if approve:
            text = told(N_("{name} granted the extension: {task} is now due {due}.")).format(
                name=esc(asker.person.name), task=_title(view, told), due=granted
            )
        else:
            text = told(N_("{name} declined the extension of {task}.")).format(
                name=esc(asker.person.name), task=_title(view, told)
            )
        outbox.append(Out(asker_person.telegram_chat_id, text))
    if approve:
        said = _("Granted: {task} is now due {due}.").format(task=_title(view, _), due=granted)
    else:
        said = _("Declined: the deadline of {task} stays.").format(task=_title(view, _))
    return Step(Reply(said), outbox=outbox)


async def reason_given(update: Update, context: Context) -> object:
    text = (update.effective_message.text or "").strip() if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = Draft.of((context.user_data or {}).get(DECISION))
        if draft is None or not draft.offered or draft.task is None:
            return Step(Reply(esc(_(STALE))))
        view = task_by_id(session, person=asker.person, task_id=draft.task)
        if view is None:
            return Step(Reply(esc(_(STALE))))
        if not text:
            return Step(
                Reply(esc(_("Why is it returned? Send the reason (or /cancel)."))), REASON, draft
            )
        return _review(session, asker, svc, draft.offered[0], view, approve=False, reason=text)

    return await _decision(update, context, step)


async def date_granted(update: Update, context: Context) -> object:
    text = (update.effective_message.text or "").strip() if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = Draft.of((context.user_data or {}).get(DECISION))
        if draft is None or not draft.offered or draft.task is None:
            return Step(Reply(esc(_(STALE))))
        view = task_by_id(session, person=asker.person, task_id=draft.task)
        if view is None:
            return Step(Reply(esc(_(STALE))))
        due = _future_date(text, svc.today())
        if due is None:
            ask = _("I couldn't read a date after today in “{text}”. Try 7月底 or 2025-09-30.")
            return Step(Reply(esc(ask.format(text=text))), NEW_DATE, draft)
        return _decide_extension(session, asker, svc, draft.offered[0], view, approve=True, due=due)

    return await _decision(update, context, step)


async def _decision(
    update: Update, context: Context, step_of: Any, *, press: bool = False
) -> object:
    """As _run, for the decide conversation (its words wait under DECISION)."""

    def respond(session: Session, asker: Asker, svc: Services) -> Step:
        return step_of(session, asker, svc)  # type: ignore[no-any-return]

    def stranger(svc: Services) -> Step:
        return Step(Notice(not_bound_short(stranger_translator(update, svc))))

    step = decide(update, context, respond, stranger)
    if context.user_data is not None:
        if step.state != ConversationHandler.END and step.draft is not None:
            context.user_data[DECISION] = step.draft.to_json()
        else:
            context.user_data.pop(DECISION, None)
    if press and isinstance(step.said, Reply) and not isinstance(step.said, _Sent):
        query = update.callback_query
        assert query is not None
        await query.answer()
        await show(query, step.said.text, step.said.markup)
    elif press and isinstance(step.said, _Sent):
        assert update.callback_query is not None
        await update.callback_query.answer()
        await reply(update, step.said.text, step.said.markup)
    else:
        await _say(update, step.said, press=press)
    for out in step.outbox:
        await _send(context, out)
    return step.state


async def decision_cancelled(update: Update, context: Context) -> object:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        return Step(Reply(esc(asker.translate(N_("Nothing was decided.")))))

    return await _decision(update, context, step)


def decide_conversation(idle: timedelta = IDLE) -> ConversationHandler[Context]:
    typed = filters.TEXT & ~filters.COMMAND
    return _conversation(
        entry_points=[
            CallbackQueryHandler(review_pressed, pattern=REVIEW_DATA),
            CallbackQueryHandler(extension_pressed, pattern=EXTENSION_DATA),
        ],
        states={
            REASON: [MessageHandler(typed, reason_given)],
            NEW_DATE: [MessageHandler(typed, date_granted)],
        },
        fallbacks=[CommandHandler("cancel", decision_cancelled)],
        name=DECIDE,
        persistent=True,
        conversation_timeout=idle,
        allow_reentry=True,
        per_chat=False,
    )


async def nothing_to_cancel(update: Update, context: Context) -> None:
    """/cancel with no report under way."""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        return Step(Reply(esc(asker.translate(N_("There is nothing to cancel.")))))

    await _run(update, context, step)


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


def attachments_of(report: ProgressReport) -> list[dict[str, str]]:
    try:
        found = json.loads(report.attachments or "[]")
    except ValueError:
        return []
    return found if isinstance(found, list) else []
