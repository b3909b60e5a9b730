"""Reporting by message: progress, completion (办结) and extensions (延期).

A report is a conversation (ConversationHandler "report", its state kept in the ledger's own
database by bot.persistence, so a half-finished report survives a restart):

    task    -> which task, when the message did not say or said it ambiguously (buttons)
    amount  -> how far along: an amount against the task's target, a percent, or words
    date    -> the new deadline an extension asks for, when the message did not give one
    confirm -> the summary with 确认 / 修改 / 取消; a note, photo or document sent now is kept;
               which target an amount counts towards is asked when two could be meant

It starts from /report, from a message that reads as a report (大篷车已经跑了25场, 第5项办完了,
第20项推迟到明年3月) or from 报告进度 under a reminder digest or a task. /cancel ends it
anywhere; left idle it ends politely. Nothing is recorded before 确认, and the reply says so.
A completion or an extension then goes to the task's lead leader (handlers.reports.review).
On a shared task a completion from a party other than the lead (a responsible department, a
second leader) marks only that party's part done: the summary says so before 确认, the reply
after, and the lead leader is told once, with nothing to decide (models.reports.speaks_for).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.error import TelegramError
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
    no_plan_of,
)
from handlers.reports.review import (
    extension_request,
    part_done_notice,
    review_request,
    to_reviewers,
)
from handlers.reports.steps import (
    IDLE,
    STALE,
    Draft,
    Out,
    Sent,
    Step,
    conversation,
    draft_of,
    future_date,
    keep,
    run,
    title,
)
from ledger import render
from ledger.render import esc
from ledger.understanding import understand_message
from models.access import my_tasks, task_by_id, task_by_number
from models.queries import TargetView, TaskView
from models.reminders import delivery_of, delivery_task_ids
from models.reports import (
    AlreadyPending,
    Party,
    approvers,
    may_approve,
    may_report,
    pick_target,
    record_progress,
    remember_alias,
    request_extension,
    speaks_for,
    submit_completion,
)
from models.tables import ProgressReport, ReportStatus, TaskStatus
from nlu.i18n import N_, Translate
from nlu.quantity import read_quantity
from nlu.understand import understand

log = logging.getLogger(__name__)

REPORT = "report"  # the conversation's name, as persisted
TASK, AMOUNT, DATE, CONFIRM = "report:task", "report:amount", "report:date", "report:confirm"
DRAFT = "report"  # user_data key of the report being written
OFFER_LIMIT = 6  # tasks offered as buttons when the message named none

# Callback data: rp:d:<delivery id> / rp:t:<task id> start a report; rf:* answer its steps.
START_DATA = r"^rp:[dt]:\d+$"
STEP_DATA = r"^rf:"

CONFIRM_BUTTON, EDIT_BUTTON, CANCEL_BUTTON = N_("Confirm"), N_("Change"), N_("Cancel")
CANCELLED = N_("Cancelled. Nothing was recorded.")
TIMED_OUT = N_("Your unfinished report timed out and was dropped; nothing was recorded.")
ONLY_PRIVATE = N_("Please report to me in a private chat.")


# --- showing ------------------------------------------------------------------------------------


def _pick_buttons(views: list[TaskView], _: Translate) -> list[list[Button]]:
    rows = [
        [(f"{render.number_label(view, _)} {render.short_title(view, 16)}", f"rf:t:{view.task.id}")]
        for view in views
    ]
    return [*rows, [(_(CANCEL_BUTTON), "rf:no")]]


def _target(draft: Draft, view: TaskView) -> TargetView | None:
    """The target an amount counts towards: the one chosen, else the one that clearly fits."""
    if draft.amount is None:
        return None
    for target in view.targets:
        if target.id == draft.target and target.unit == draft.unit:
            return target
    return pick_target(view.targets, unit=draft.unit, hint_text=draft.text)


def _unsure_targets(draft: Draft, view: TaskView) -> list[TargetView]:
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


def _summary(
    draft: Draft, view: TaskView, after: str, part: Party | None, today: date, _: Translate
) -> Reply:
    """What is about to be recorded, before 确认, and ``after`` it what happens next. ``part``
    is the party whose own part a completion marks done, when the reporter does not speak for
    the task's lead."""
    lines = [title(view, _), ""]
    if draft.kind == "progress":
        lines.append(_("Progress: {amount}").format(amount=esc(_amount_text(draft, view, _))))
    elif draft.kind == "done" and part is not None:
        lines.append(esc(_("Report {party}'s part of this task as done.").format(party=part.name)))
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
    if after:
        lines.append(esc(after))
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
                for v in my_tasks(
                    session, person=asker.person, limit=OFFER_LIMIT, plans=asker.plans
                )[0]
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
    return text.format(task=title(view, _), owners=esc(owners))


def _next(session: Session, asker: Asker, svc: Services, draft: Draft, view: TaskView) -> Step:
    """The next question for a draft whose task is known."""
    _ = asker.translate
    if view.task.status in (TaskStatus.done, TaskStatus.cancelled):
        text = _("{task} is already {status}. Nothing was recorded.")
        status = render.status_name(view.task.status, _)
        return Step(Reply(text.format(task=title(view, _), status=esc(status))))
    if (
        draft.kind == "progress"
        and draft.amount is None
        and draft.percent is None
        and not draft.words
    ):
        targets = "、".join(render.progress(target) for target in view.targets[:3])
        ask = _("How far along is it? Send an amount (25场), a percent (80%) or a few words.")
        text = title(view, _) + "\n" + (esc(targets) + "\n" if targets else "") + "\n" + esc(ask)
        return Step(Reply(text, keyboard([[(_(CANCEL_BUTTON), "rf:no")]])), AMOUNT, draft)
    if draft.kind == "extend" and not draft.due:
        ask = _("Until when? Send the new deadline, e.g. 7月底 or 2025-09-30.")
        text = title(view, _) + "\n\n" + esc(ask)
        return Step(Reply(text, keyboard([[(_(CANCEL_BUTTON), "rf:no")]])), DATE, draft)
    assert view.task.id is not None
    part = _own_part(session, asker, view.task.id) if draft.kind == "done" else None
    after = _after_confirm(session, asker, draft, view.task.id, part)
    return Step(_summary(draft, view, after, part, svc.today(), _), CONFIRM, draft)


def _after_confirm(
    session: Session, asker: Asker, draft: Draft, task_id: int, part: Party | None
) -> str:
    """What 确认 leads to, in words: a part done, a review by whom, or the task closed."""
    _ = asker.translate
    if part is not None:
        text = _(
            "After you confirm, only {party}'s part is recorded as done: the task stays open "
            "until its lead {lead} closes it."
        )
        return text.format(party=part.name, lead=part.lead_name)
    if draft.kind == "progress":
        return ""
    at_once = may_approve(session, person=asker.person, task_id=task_id)
    names = [person.name for person in approvers(session, task_id=task_id)]
    if not at_once and names:
        return _("After you confirm, {names} will review it.").format(names="、".join(names))
    if at_once and draft.kind == "done":
        return _("After you confirm, the task is closed.")
    return ""


def _own_part(session: Session, asker: Asker, task_id: int) -> Party | None:
    """The party whose part alone the asker's completion marks done; None when it would
    complete the task (the asker speaks for its lead)."""
    party = speaks_for(session, person=asker.person, task_id=task_id)
    return party if party is not None and not party.lead else None


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
    understood = understand_message(
        session, person=asker.person, text=text, today=svc.today(), plans=asker.plans
    )
    reading = understood.reading
    if understood.no_plan_of is not None:
        return Step(Reply(esc(no_plan_of(understood.no_plan_of, _) + " " + _(CANCELLED))))
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
        done = _("Recorded: {task}").format(task=title(fresh, _))
        details = [esc(render.progress(target)) for target in fresh.targets if target.achieved]
        return Step(Reply("\n".join([done, *details[:3]])))
    if draft.kind == "done":
        part = _own_part(session, asker, task_id)
        report = submit_completion(
            session,
            task_id=task_id,
            person_id=asker.id,
            text=draft.text,
            now=now,
            note=draft.note or None,
            attachments=draft.files,
        )
        if report.status == ReportStatus.recorded:  # only the asker's own part was done
            part = part or speaks_for(session, person=asker.person, task_id=task_id)
            assert part is not None  # they reported on it just now
            return _part_recorded(session, asker, svc, view, report, part)
        if report.status == ReportStatus.accepted:
            return Step(Reply(_("{task} is done. Thank you!").format(task=title(view, _))))
        outbox = to_reviewers(
            session, view, asker.person, review_request(report, view), language=svc.default_language
        )
        text = _("Sent for review: {task}. I'll tell you the decision.").format(task=title(view, _))
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
        return Step(Reply(text.format(task=title(view, _))))
    if request.status != "pending":
        text = _("Deadline of {task} moved to {due}.").format(
            task=title(view, _), due=due.isoformat()
        )
        return Step(Reply(text))
    outbox = to_reviewers(
        session, view, asker.person, extension_request(request, view), language=svc.default_language
    )
    text = _("Extension asked: {task} to {due}. I'll tell you the decision.").format(
        task=title(view, _), due=due.isoformat()
    )
    return Step(Reply(text + _unreached(session, view, outbox, _)), outbox=outbox)


def _part_recorded(
    session: Session,
    asker: Asker,
    svc: Services,
    view: TaskView,
    report: ProgressReport,
    part: Party,
) -> Step:
    """Only the asker's part was done: say so, and tell the lead leader the first time."""
    _ = asker.translate
    text = _(
        "Recorded: {party}'s part of {task} is done. The task stays open until its lead {lead} "
        "closes it."
    ).format(party=esc(part.name), task=title(view, _), lead=esc(part.lead_name))
    if part.done:  # said before: the lead leader knows already
        return Step(Reply(text))
    notice = part_done_notice(report, view, part.name)
    outbox = to_reviewers(session, view, asker.person, notice, language=svc.default_language)
    return Step(Reply(text + _unreached(session, view, outbox, _)), outbox=outbox)


def _unreached(session: Session, view: TaskView, outbox: list[Out], _: Translate) -> str:
    assert view.task.id is not None
    people = approvers(session, task_id=view.task.id)
    missing = [person.name for person in people if person.telegram_chat_id is None]
    if not missing:
        return ""
    note = _("{names} is not on Telegram yet; the office clerk sees it in the ledger.")
    return "\n" + esc(note.format(names="、".join(missing)))


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
                view = task_by_number(
                    session, person=asker.person, number=numbers[0], plans=asker.plans
                )
                if view is None:
                    text = _("I can't find a task numbered {number} that you may see.")
                    return Step(Reply(text.format(number=esc(numbers[0]))))
        return _begin(session, asker, svc, draft, view, [])

    return await run(update, context, step, key=DRAFT)


async def report_message(update: Update, context: Context) -> object:
    """A message that reads as a report: 大篷车已经跑了25场, 第5项办完了, 第20项推迟到明年3月."""
    text = (update.effective_message.text or "") if update.effective_message else ""
    return await run(
        update,
        context,
        lambda session, asker, svc: _from_message(session, asker, svc, text),
        key=DRAFT,
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
            step.said = Sent(step.said.text, step.said.markup)
        return step

    return await run(update, context, step, press=True, key=DRAFT)


async def step_pressed(update: Update, context: Context) -> object:
    """A button of the report being written: a task picked, 确认, 修改 or 取消."""
    query = update.callback_query
    assert query is not None and query.data is not None
    data = query.data

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = draft_of(context, DRAFT)
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

    return await run(update, context, step, press=True, key=DRAFT)


async def task_answered(update: Update, context: Context) -> object:
    """In the task step, a typed number (or words) picks the task."""
    text = (update.effective_message.text or "") if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        draft = draft_of(context, DRAFT)
        if draft is None:
            return _from_message(session, asker, svc, text)
        understood = understand_message(
            session, person=asker.person, text=text, today=svc.today(), plans=asker.plans
        )
        if understood.task is None and not understood.candidates:
            _ = asker.translate
            ask = _("Which task do you mean? Pick one, or send its number.")
            return Step(Reply(esc(ask)), TASK, draft)
        return _begin(session, asker, svc, draft, understood.task, understood.candidates)

    return await run(update, context, step, key=DRAFT)


async def amount_answered(update: Update, context: Context) -> object:
    text = (update.effective_message.text or "") if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        draft = draft_of(context, DRAFT)
        view = _view(session, asker, draft) if draft else None
        if draft is None or view is None:
            return Step(Reply(esc(asker.translate(STALE))))
        _read_amount(draft, text)
        return _next(session, asker, svc, draft, view)

    return await run(update, context, step, key=DRAFT)


async def date_answered(update: Update, context: Context) -> object:
    text = (update.effective_message.text or "") if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = draft_of(context, DRAFT)
        view = _view(session, asker, draft) if draft else None
        if draft is None or view is None:
            return Step(Reply(esc(_(STALE))))
        due = future_date(text, svc.today())
        if due is None:
            ask = _("I couldn't read a date after today in “{text}”. Try 7月底 or 2025-09-30.")
            return Step(Reply(esc(ask.format(text=text))), DATE, draft)
        draft.due = due.isoformat()
        return _next(session, asker, svc, draft, view)

    return await run(update, context, step, key=DRAFT)


async def note_added(update: Update, context: Context) -> object:
    """At the summary: words are a note; a photo or a document is attached (its file id kept)."""
    message = update.effective_message
    assert message is not None

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        draft = draft_of(context, DRAFT)
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

    return await run(update, context, step, key=DRAFT)


def _another_report(
    session: Session, asker: Asker, svc: Services, text: str, view: TaskView
) -> bool:
    """A message at the summary that is a report on another task by number (第6项办完了)."""
    reading = understand(text)
    if reading.kind not in ("progress", "done", "extend") or not reading.numbers:
        return False
    other = task_by_number(
        session, person=asker.person, number=reading.numbers[0], plans=asker.plans
    )
    return other is not None and other.task.id != view.task.id


async def cancel(update: Update, context: Context) -> object:
    """/cancel, anywhere in the conversation."""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        return Step(Reply(esc(asker.translate(CANCELLED))))

    return await run(update, context, step, key=DRAFT)


async def timed_out(update: Update, context: Context) -> None:
    """The idle limit passed: say so, once, and forget the draft."""
    keep(context, DRAFT, None)
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
    return conversation(
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


async def nothing_to_cancel(update: Update, context: Context) -> None:
    """/cancel with no report under way."""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        return Step(Reply(esc(asker.translate(N_("There is nothing to cancel.")))))

    await run(update, context, step, key=DRAFT)
