"""/export and /export csv: the 台账 as a file (ledger.export), sent as a document.

An admin gets every task of the plans they are on (Asker.plans), a leader the tasks they may
see there (models.access.visible: their own and their departments'). Staff are told the export
is for the clerk and leaders: their department's tasks are in /todo. The file holds the ledger,
so it is sent in a private chat only; in a group the bot says so.

A 10,000-task workbook takes a few seconds to write: it is made off the event loop, so the bot
answers everyone else meanwhile.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlmodel import Session
from telegram import Update

from handlers.common import (
    Asker,
    Context,
    Reply,
    Services,
    decide,
    is_private,
    reply,
    stranger_reply,
)
from ledger.export import export, file_name
from ledger.render import esc
from models.tables import Role
from nlu.i18n import N_

# What /export's argument may be, and the file it makes.
KINDS = {"": "xlsx", "xlsx": "xlsx", "excel": "xlsx", "csv": "csv"}
CAPTION_PLANS = 200  # characters of the plans' names in the caption (Telegram allows 1024)

USAGE = N_("Usage: /export (an Excel workbook) or /export csv")
PRIVATE_ONLY = N_(
    "The export holds the ledger, so I send it only in a private chat: send me /export there."
)
NOT_FOR_STAFF = N_(
    "The ledger export is for the office clerk and leaders. Your department's tasks are in "
    "/todo, /due and /overdue."
)
NOTHING_TO_EXPORT = N_("There are no tasks you may see in your plans: nothing to export.")
CAPTION = N_("{plan} · tasks: {count} · {date}")


@dataclass(frozen=True)
class Document:
    """A file to send, with its caption (HTML)."""

    content: bytes
    file_name: str
    caption: str


def exported(session: Session, asker: Asker, svc: Services, *, kind: str) -> Document | Reply:
    """The ledger ``asker`` may see, as a file of ``kind``; or why not."""
    _ = asker.translate
    if asker.person.role not in (Role.admin, Role.leader):
        return Reply(esc(_(NOT_FOR_STAFF)))
    today = svc.today()
    found = export(
        session,
        kind=kind,
        person=asker.person,
        plans=asker.plans,
        today=today,
        zone=svc.zone,
        lights=svc.lights,
        _=_,
    )
    if not found.count:
        return Reply(esc(_(NOTHING_TO_EXPORT)))
    plans = found.plans
    if len(plans) > CAPTION_PLANS:
        plans = plans[: CAPTION_PLANS - 1] + "…"
    caption = _(CAPTION).format(plan=plans, count=found.count, date=today.isoformat())
    return Document(found.content, file_name(today, kind, _), esc(caption))


async def export_command(update: Update, context: Context) -> None:
    """/export [csv]."""
    kind = KINDS.get(" ".join(context.args or []).strip().lower())
    private = is_private(update)

    def respond(session: Session, asker: Asker, svc: Services) -> Document | Reply:
        _ = asker.translate
        if not private:
            return Reply(esc(_(PRIVATE_ONLY)))
        if kind is None:
            return Reply(esc(_(USAGE)))
        return exported(session, asker, svc, kind=kind)

    said = await asyncio.to_thread(
        decide, update, context, respond, lambda svc: Reply(stranger_reply(update, svc))
    )
    if isinstance(said, Document):
        message = update.effective_message
        assert message is not None
        await message.reply_document(said.content, filename=said.file_name, caption=said.caption)
        return
    await reply(update, said.text, said.markup)
