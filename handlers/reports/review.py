"""Deciding what a report asks: 办结审核 and 延期申请, by the task's lead leader.

A completion (第5项办完了) or an extension (第20项推迟到明年3月), once confirmed, is sent to the
task's lead leader (the clerk when it has none) with 通过 / 退回 or 同意 / 改期同意 / 不同意.
When the decision needs words (the reason a completion is returned, the date granted instead),
a small conversation ("decide") waits for them. Every press is checked against who may decide
(models.reports), and a decision is made once: a second press is told it has been.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from handlers.common import Asker, Context, Notice, Reply, Services, keyboard
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
    run,
    title,
)
from ledger.render import esc
from models.access import task_by_id
from models.queries import TaskView
from models.reports import (
    AlreadyDecided,
    NotAllowed,
    approvers,
    decide_extension,
    review_completion,
)
from models.tables import ExtensionRequest, Person, ProgressReport, ReportStatus
from nlu.i18n import N_, Translate, translator

DECIDE = "decide"  # the conversation's name, as persisted
REASON, NEW_DATE = "decide:reason", "decide:date"
DECISION = "decision"  # user_data key of the decision waiting for words

# rv:ok|no:<report id> review a completion; ex:ok|date|no:<request id> decide an extension.
REVIEW_DATA = r"^rv:(?:ok|no):\d+$"
EXTENSION_DATA = r"^ex:(?:ok|date|no):\d+$"

APPROVE_BUTTON, RETURN_BUTTON = N_("Approve"), N_("Return")
DECIDED = N_("This has already been decided.")
ONLY_DECIDERS = N_("Only the task's lead leader or the office clerk can decide.")
GRANT_BUTTON, OTHER_DATE_BUTTON, DECLINE_BUTTON = (
    N_("Grant"),
    N_("Grant another date"),
    N_("Decline"),
)


# --- asking the lead leader -------------------------------------------------------------------


def to_reviewers(
    session: Session, view: TaskView, reporter: Person, build: Any, *, language: str
) -> list[Out]:
    """The request, in each reviewer's language (else ``language``), to each one reachable."""
    assert view.task.id is not None
    out = []
    for person in approvers(session, task_id=view.task.id):
        if person.telegram_chat_id is None or not person.reachable or person.id == reporter.id:
            continue
        _ = translator(person.language or language)
        text, markup = build(reporter.name, _)
        out.append(Out(person.telegram_chat_id, text, markup))
    return out


def _tell(
    session: Session,
    person_id: int | None,
    decider: Asker,
    svc: Services,
    message: Callable[[Translate], str],
) -> list[Out]:
    """The decision, in their language, to the person who asked for it (not to the decider)."""
    person = session.get(Person, person_id) if person_id else None
    if person is None or not person.telegram_chat_id or person.id == decider.id:
        return []
    told = translator(person.language or svc.default_language)
    return [Out(person.telegram_chat_id, message(told))]


def review_request(report: ProgressReport, view: TaskView) -> Any:
    def build(reporter: str, _: Translate) -> tuple[str, InlineKeyboardMarkup | None]:
        text = _("{name} reports this task done and asks you to review it:").format(
            name=esc(reporter)
        )
        lines = [esc(text), title(view, _)]
        if report.note:
            lines.append(esc(_("Note: {note}").format(note=report.note)))
        buttons = [
            [(_(APPROVE_BUTTON), f"rv:ok:{report.id}"), (_(RETURN_BUTTON), f"rv:no:{report.id}")]
        ]
        return "\n".join(lines), keyboard(buttons)

    return build


def part_done_notice(report: ProgressReport, view: TaskView, party: str) -> Any:
    """For the lead leader: one party's own part of a shared task is done (nothing to decide)."""

    def build(reporter: str, _: Translate) -> tuple[str, InlineKeyboardMarkup | None]:
        text = _("{name} reports that {party}'s part of this task is done; the task stays open:")
        lines = [esc(text.format(name=reporter, party=party)), title(view, _)]
        if report.note:
            lines.append(esc(_("Note: {note}").format(note=report.note)))
        return "\n".join(lines), None

    return build


def extension_request(request: ExtensionRequest, view: TaskView) -> Any:
    def build(reporter: str, _: Translate) -> tuple[str, InlineKeyboardMarkup | None]:
        old = request.previous_due.isoformat() if request.previous_due else _("no fixed deadline")
        text = _("{name} asks to move the deadline of this task: {old} → {new}").format(
            name=reporter, old=old, new=request.requested_due.isoformat()
        )
        lines = [esc(text), title(view, _)]
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
            return Step(Notice(_(DECIDED)))
        view = task_by_id(session, person=asker.person, task_id=report.task_id)
        if view is None:
            return Step(Notice(_(ONLY_DECIDERS)))
        if action == "no":
            draft = Draft("return", task=report.task_id, offered=[report_id])
            ask = _("Why is it returned? Send the reason (or /cancel).")
            return Step(Sent(title(view, _) + "\n" + esc(ask)), REASON, draft)
        return _review(session, asker, svc, report_id, view, approve=True, reason=None)

    return await run(update, context, step, press=True, key=DECISION)


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
        return Step(Notice(_(DECIDED)))
    except NotAllowed:
        return Step(Notice(_(ONLY_DECIDERS)))
    name = esc(asker.person.name)

    def told(told: Translate) -> str:
        if approve:
            text = told(N_("{name} approved: {task} is done."))
            return text.format(name=name, task=title(view, told))
        text = told(N_("{name} returned {task}: {reason}"))
        return text.format(name=name, task=title(view, told), reason=esc(reason or ""))

    outbox = _tell(session, report.person_id, asker, svc, told)
    said = (
        _("Approved: {task} is done.") if approve else _("Returned: {task} is in progress again.")
    )
    return Step(Reply(said.format(task=title(view, _))), outbox=outbox)


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
            return Step(Notice(_(DECIDED)))
        view = task_by_id(session, person=asker.person, task_id=request.task_id)
        if view is None:
            return Step(Notice(_(ONLY_DECIDERS)))
        if action == "date":
            draft = Draft("grant", task=request.task_id, offered=[request_id])
            ask = _("Which deadline do you grant? Send a date, e.g. 7月底 (or /cancel).")
            return Step(Sent(title(view, _) + "\n" + esc(ask)), NEW_DATE, draft)
        return _decide_extension(
            session, asker, svc, request_id, view, approve=action == "ok", due=None
        )

    return await run(update, context, step, press=True, key=DECISION)


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
        return Step(Notice(_(DECIDED)))
    except NotAllowed:
        return Step(Notice(_(ONLY_DECIDERS)))
    granted = request.granted_due.isoformat() if request.granted_due else ""
    name = esc(asker.person.name)

    def told(told: Translate) -> str:
        if approve:
            text = told(N_("{name} granted the extension: {task} is now due {due}."))
            return text.format(name=name, task=title(view, told), due=granted)
        text = told(N_("{name} declined the extension of {task}."))
        return text.format(name=name, task=title(view, told))

    outbox = _tell(session, request.person_id, asker, svc, told)
    if approve:
        said = _("Granted: {task} is now due {due}.").format(task=title(view, _), due=granted)
    else:
        said = _("Declined: the deadline of {task} stays.").format(task=title(view, _))
    return Step(Reply(said), outbox=outbox)


async def reason_given(update: Update, context: Context) -> object:
    text = (update.effective_message.text or "").strip() if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = draft_of(context, DECISION)
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

    return await run(update, context, step, key=DECISION)


async def date_granted(update: Update, context: Context) -> object:
    text = (update.effective_message.text or "").strip() if update.effective_message else ""

    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        draft = draft_of(context, DECISION)
        if draft is None or not draft.offered or draft.task is None:
            return Step(Reply(esc(_(STALE))))
        view = task_by_id(session, person=asker.person, task_id=draft.task)
        if view is None:
            return Step(Reply(esc(_(STALE))))
        due = future_date(text, svc.today())
        if due is None:
            ask = _("I couldn't read a date after today in “{text}”. Try 7月底 or 2025-09-30.")
            return Step(Reply(esc(ask.format(text=text))), NEW_DATE, draft)
        return _decide_extension(session, asker, svc, draft.offered[0], view, approve=True, due=due)

    return await run(update, context, step, key=DECISION)


async def decision_cancelled(update: Update, context: Context) -> object:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        return Step(Reply(esc(asker.translate(N_("Nothing was decided.")))))

    return await run(update, context, step, key=DECISION)


def decide_conversation(idle: timedelta = IDLE) -> ConversationHandler[Context]:
    typed = filters.TEXT & ~filters.COMMAND
    return conversation(
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
