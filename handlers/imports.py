"""The clerk imports a task list by sending it in a private chat: a preview, then 导入 / 取消.

A document from an admin is checked for size before anything is fetched (Telegram says how
large it is), downloaded into a temporary folder and read as a rehearsal: the title and year
found, the tasks, what they leave open, the first warnings, and whether it is a new plan or a
revision of one in the ledger, with what would change. Nothing is written before 导入. Between
the preview and the press the persistent user_data keeps what is needed to fetch the file again
(its Telegram file id), so a restart loses nothing and no file is kept on disk. 导入 runs the
command line's import use-case (ledger.importing) on the bot's own engine, and the imported
plan becomes the one the clerk's questions are about.

Documents sent while a report is being written are its attachments: the report conversation is
registered before these handlers (bot.app) and takes them first.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session
from telegram import Document, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from handlers.common import (
    Asker,
    Context,
    Notice,
    Reply,
    Services,
    decide,
    keyboard,
    not_bound_short,
    reply,
    services,
    show,
    stranger_reply,
    stranger_translator,
)
from handlers.steps import JsonDraft, keep
from ledger.draft import LedgerError, Where
from ledger.grid import plan_year
from ledger.importer import MISSING, ParsedPlan
from ledger.importing import NO_TASK, ImportResult, check_declared_size, import_file
from ledger.render import FIELD_NAMES, esc
from ledger.store import ImportReport
from models.db import session_scope
from nlu.i18n import N_, Translate

log = logging.getLogger(__name__)

IMPORT_DATA = r"^im:"  # im:ok:<token> imports the previewed file, im:no:<token> drops it
PENDING = "import"  # user_data key of the previewed file
# Bots may download files of at most 20 MB, whatever IMPORT_MAX_MB allows.
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024
WARNINGS_SHOWN = 5
CHANGES_SHOWN = 5
TOKEN_LENGTH = 12  # hex digits of the file's sha256 that tie a button to its preview

IMPORT_BUTTON, CANCEL_BUTTON = N_("Import"), N_("Cancel")
ONLY_THE_CLERK = N_(
    "Only the office clerk (督办员) imports task lists. To add a file to a report, send it "
    "when I show the report's summary."
)
OUT_OF_DATE = N_("This preview is out of date: send the document again.")
NOT_FETCHED = N_(
    "I could not fetch the file from Telegram. Nothing was imported; please send it again."
)
NOTHING_IMPORTED = N_("Nothing was imported.")

# A caption that is nothing but a year: it sets the year, the document keeps its title.
_YEAR_ONLY = re.compile(r"(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年?度?")


@dataclass(frozen=True)
class Pending(JsonDraft):
    """The previewed file, as kept in user_data (JSON) until 导入 or 取消."""

    file_id: str
    file_name: str
    sha256: str
    year: int | None  # from the caption, else None: the document's own
    title: str | None

    @property
    def token(self) -> str:
        return self.sha256[:TOKEN_LENGTH]


def caption_plan(caption: str | None) -> tuple[int | None, str | None]:
    """The year and title a caption gives: ``2026年 重点工作任务`` -> (2026, that); ``2026年``
    -> (2026, None). A caption stating no year is a remark, not a title: (None, None)."""
    text = " ".join((caption or "").split())
    year = plan_year(text) if text else None
    if year is None:
        return None, None
    return year, None if _YEAR_ONLY.fullmatch(text) else text


def import_handlers(*, max_bytes: int) -> list[BaseHandler[Update, Context, None]]:
    """A private document, and the preview's buttons; ``max_bytes`` is IMPORT_MAX_MB's."""
    limit = min(max_bytes, TELEGRAM_DOWNLOAD_LIMIT)

    async def received(update: Update, context: Context) -> None:
        await document_received(update, context, max_bytes=limit)

    async def pressed(update: Update, context: Context) -> None:
        await import_pressed(update, context, max_bytes=limit)

    documents = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.Document.ALL
    return [MessageHandler(documents, received), CallbackQueryHandler(pressed, pattern=IMPORT_DATA)]


# --- the document ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clerk:
    """An admin who may import: their person id and language."""

    id: int
    translate: Translate


def _clerk(session: Session, asker: Asker, svc: Services) -> _Clerk | Reply:
    if not asker.is_admin:
        return Reply(esc(asker.translate(ONLY_THE_CLERK)))
    return _Clerk(asker.id, asker.translate)


async def document_received(update: Update, context: Context, *, max_bytes: int) -> None:
    """A file in a private chat: an admin's is read and previewed; anyone else's is refused."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    who = decide(update, context, _clerk, lambda svc: Reply(stranger_reply(update, svc)))
    if isinstance(who, Reply):
        await reply(update, who.text)
        return
    _ = who.translate
    name = _file_name(document)
    year, title = caption_plan(message.caption)
    try:
        if document.file_size is not None:
            check_declared_size(name, document.file_size, max_bytes=max_bytes)
        await message.chat.send_action(ChatAction.TYPING)
        svc = services(context)
        rehearsed = await _fetched(
            context,
            document.file_id,
            name,
            lambda path: _rehearse(svc, path, year=year, title=title, max_bytes=max_bytes),
        )
    except LedgerError as error:
        await reply(update, _refused(error, _))
        return
    except TelegramError:
        log.warning("could not fetch a document an admin sent", exc_info=True)
        await reply(update, esc(_(NOT_FETCHED)))
        return
    rehearsal = rehearsed.rehearsal
    assert rehearsal is not None
    parsed = rehearsed.parsed
    if not rehearsal.changed_anything:
        _keep(context, None)
        await reply(update, _preview(parsed, rehearsal, _))
        return
    pending = Pending(document.file_id, name, parsed.source_hash, year, title)
    _keep(context, pending)
    buttons = [
        [(_(IMPORT_BUTTON), f"im:ok:{pending.token}"), (_(CANCEL_BUTTON), f"im:no:{pending.token}")]
    ]
    await reply(update, _preview(parsed, rehearsal, _), keyboard(buttons))


def _refused(error: LedgerError, _: Translate) -> str:
    """Why the file was not imported, and that nothing was (unless the reason says so). HTML."""
    text = error.render(_)
    if error.notice.message != NO_TASK:
        text += "\n" + _(NOTHING_IMPORTED)
    return esc(text)


def _file_name(document: Document) -> str:
    """The name the clerk gave the file, safe to use in a folder of our own."""
    name = Path(document.file_name or "").name.strip()
    return name if name not in ("", ".", "..") else "document"


async def _fetched(
    context: Context, file_id: str, name: str, use: Callable[[Path], ImportResult]
) -> ImportResult:
    """Download the file into a temporary folder, ``use`` it there (in a worker thread, as
    reading and the database take a while), and delete it. LedgerError for a file Telegram
    says is too big to fetch."""
    try:
        telegram_file = await context.bot.get_file(file_id)
    except BadRequest as error:
        if "too big" in error.message.lower():
            raise LedgerError(
                N_("{path} is too large for a bot to fetch from Telegram (20 MB at most)"),
                path=name,
            ) from None
        raise
    with tempfile.TemporaryDirectory(prefix="duban-import-") as folder:
        path = Path(folder) / name
        await telegram_file.download_to_drive(path)
        return await asyncio.to_thread(use, path)


def _rehearse(
    svc: Services, path: Path, *, year: int | None, title: str | None, max_bytes: int
) -> ImportResult:
    with session_scope(svc.engine) as session:
        return import_file(
            session,
            path,
            now=svc.now(),
            zone=svc.zone,
            year=year,
            title=title,
            dry_run=True,
            max_bytes=max_bytes,
        )


def _keep(context: Context, pending: Pending | None) -> None:
    keep(context, PENDING, pending)


# --- what the preview and the result say ------------------------------------------------------


def _plan_line(parsed: ParsedPlan, _: Translate) -> str:
    year = str(parsed.year) if parsed.year is not None else _("no year stated")
    return _("{title} ({year}), from {file}").format(
        title=f"<b>{esc(parsed.title)}</b>", year=esc(year), file=esc(parsed.source_name)
    )


def _open_counts(parsed: ParsedPlan) -> tuple[int, int, int]:
    """Tasks without a leader, without a lead department, without a deadline."""
    tasks = parsed.tasks
    return (
        sum(1 for task in tasks if not task.leaders),
        sum(1 for task in tasks if not task.lead_departments),
        sum(1 for task in tasks if not task.deadline.text),
    )


def _open_line(parsed: ParsedPlan, _: Translate) -> str:
    leader, lead, deadline = _open_counts(parsed)
    return _(
        "Without a leader: {leader} · without a lead department: {lead} · "
        "without a deadline: {deadline}"
    ).format(leader=leader, lead=lead, deadline=deadline)


def _task_name(label: str | Where, _: Translate) -> str:
    return label if isinstance(label, str) else label.render(_)


def _changes(report: ImportReport, _: Translate) -> list[str]:
    counts = _("{added} added, {changed} changed, {removed} cancelled, {same} unchanged").format(
        added=len(report.added),
        changed=len(report.changed),
        removed=len(report.removed),
        same=report.unchanged,
    )
    lines = [esc(counts)]
    for change in report.changed[:CHANGES_SHOWN]:
        fields = "、".join(_(FIELD_NAMES.get(key, key)) for key in change.fields)
        line = _("• task {task}: {fields}").format(task=_task_name(change.task, _), fields=fields)
        lines.append(esc(line))
    if len(report.changed) > CHANGES_SHOWN:
        more = _("… and {count} more.").format(count=len(report.changed) - CHANGES_SHOWN)
        lines.append(esc(more))
    return lines


def _preview(parsed: ParsedPlan, rehearsal: ImportReport, _: Translate) -> str:
    lines = [_plan_line(parsed, _), ""]
    lines.append(esc(_("Tasks: {count}").format(count=len(parsed.tasks))))
    lines.append(esc(_open_line(parsed, _)))
    warnings = [notice for notice in parsed.warnings if notice.message not in MISSING]
    if warnings:
        lines += ["", esc(_("Warnings: {count}").format(count=len(warnings)))]
        lines += [esc("• " + notice.render(_)) for notice in warnings[:WARNINGS_SHOWN]]
        if len(warnings) > WARNINGS_SHOWN:
            more = _("… and {count} more.").format(count=len(warnings) - WARNINGS_SHOWN)
            lines.append(esc(more))
    lines.append("")
    if rehearsal.new_plan:
        lines.append(esc(_("This is a new plan: importing it adds its tasks to the ledger.")))
    elif not rehearsal.changed_anything:
        lines.append(
            esc(_("The ledger already holds this document: importing it changes nothing."))
        )
        return "\n".join(lines)
    else:
        lines.append(esc(_("A revision of the plan already in the ledger. Importing it:")))
        lines += _changes(rehearsal, _)
    lines += ["", esc(_("Nothing is imported yet. Press Import to write it into the ledger."))]
    return "\n".join(lines)


def _result(result: ImportResult, _: Translate) -> str:
    parsed, report = result.parsed, result.report
    assert report is not None
    lines = [_plan_line(parsed, _), ""]
    if report.new_plan:
        lines.append(
            esc(_("Imported as a new plan: {count} tasks.").format(count=len(report.added)))
        )
    elif report.changed_anything:
        lines.append(esc(_("Imported the revision:")))
        lines += _changes(report, _)
    else:
        lines.append(esc(_("Nothing changed: the ledger already holds this document.")))
    if any(_open_counts(parsed)):
        lines += ["", esc(_("Left open by the document:")), esc(_open_line(parsed, _))]
        lines.append(esc(_("Send /unassigned to assign them.")))
    lines += ["", esc(_("From now on your questions are about this plan."))]
    return "\n".join(lines)


# --- 导入 / 取消 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Import:
    """导入 pressed by the clerk whose preview it is."""

    clerk: _Clerk
    pending: Pending


def _pressed(
    session: Session,
    asker: Asker,
    svc: Services,
    *,
    action: str,
    token: str,
    pending: Pending | None,
) -> _Import | Reply | Notice:
    _ = asker.translate
    if not asker.is_admin:
        return Notice(_(ONLY_THE_CLERK))
    if pending is None or pending.token != token or action not in ("ok", "no"):
        return Notice(_(OUT_OF_DATE))
    if action == "no":
        return Reply(esc(_("Cancelled. Nothing was imported.")))
    return _Import(_Clerk(asker.id, _), pending)


async def import_pressed(update: Update, context: Context, *, max_bytes: int) -> None:
    """导入 imports the previewed file; 取消 forgets it. Only for the admin who sent it."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action, _sep, token = query.data.removeprefix("im:").partition(":")
    pending = Pending.of((context.user_data or {}).get(PENDING))

    def respond(session: Session, asker: Asker, svc: Services) -> _Import | Reply | Notice:
        return _pressed(session, asker, svc, action=action, token=token, pending=pending)

    said = decide(
        update,
        context,
        respond,
        lambda svc: Notice(not_bound_short(stranger_translator(update, svc))),
    )
    if isinstance(said, Notice):
        await query.answer(said.text, show_alert=True)
        return
    await query.answer()
    _keep(context, None)
    if isinstance(said, Reply):
        await show(query, said.text, None)
        return
    await show(query, await _import(context, said, max_bytes=max_bytes), None)


async def _import(context: Context, chosen: _Import, *, max_bytes: int) -> str:
    """Fetch the previewed file again and import it; what to tell the clerk (HTML)."""
    _ = chosen.clerk.translate
    pending, svc = chosen.pending, services(context)

    def apply(path: Path) -> ImportResult:
        if hashlib.sha256(path.read_bytes()).hexdigest() != pending.sha256:
            raise LedgerError(N_("{path} is not the file previewed: send it again"), path=path.name)
        with session_scope(svc.engine) as session:
            return import_file(
                session,
                path,
                now=svc.now(),
                zone=svc.zone,
                year=pending.year,
                title=pending.title,
                max_bytes=max_bytes,
                importer_id=chosen.clerk.id,
            )

    try:
        result = await _fetched(context, pending.file_id, pending.file_name, apply)
    except LedgerError as error:
        return _refused(error, _)
    except TelegramError:
        log.warning("could not fetch a previewed document again", exc_info=True)
        return esc(_(NOT_FETCHED))
    return _result(result, _)
