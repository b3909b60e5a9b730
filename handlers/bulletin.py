"""/report_week [YYYY-Www] [docx]: the week's 情况通报, for the office clerk (admins only).

This week's unless a week is named (2025-W22, 2025年第22周; 上周 or last for last week), over the
plans the clerk's questions are about (/plan). The text comes as messages; with ``docx`` the
same bulletin follows as a Word document.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session
from telegram import Update

from handlers.common import Asker, Context, Reply, Services, decide, reply, stranger_reply
from ledger.bulletin import Bulletin, bulletin_data, parse_week, week_period, weekly_bulletin
from ledger.draft import LedgerError
from ledger.render import esc
from nlu.calendar import monday
from nlu.i18n import N_

AS_DOCUMENT = ("docx", "word")
LAST_WEEK = ("last", "上周")
USAGE = N_("Usage: /report_week [YYYY-Www|last] [docx], e.g. /report_week 2025-W22 docx")
FILE_NAME = N_("progress-bulletin")


@dataclass(frozen=True)
class _Written:
    bulletin: Bulletin
    file_name: str | None  # the .docx's, when one was asked for


async def report_week_command(update: Update, context: Context) -> None:
    """/report_week [week] [docx]."""
    args = [arg.lower() for arg in context.args or []]

    def respond(session: Session, asker: Asker, svc: Services) -> _Written | Reply:
        return _write(session, asker, svc, args)

    said = decide(update, context, respond, lambda svc: Reply(stranger_reply(update, svc)))
    if isinstance(said, Reply):
        await reply(update, said.text)
        return
    await reply(update, said.bulletin.html())
    if said.file_name is not None:
        message = update.effective_message
        assert message is not None
        content = await asyncio.to_thread(said.bulletin.docx)
        await message.reply_document(
            content, filename=said.file_name, caption=esc(said.bulletin.title)
        )


def _write(session: Session, asker: Asker, svc: Services, args: list[str]) -> _Written | Reply:
    _ = asker.translate
    if not asker.is_admin:
        return Reply(_("Only the office clerk (an admin) can write the weekly bulletin."))
    docx = any(arg in AS_DOCUMENT for arg in args)
    weeks = [arg for arg in args if arg not in AS_DOCUMENT]
    today = svc.today()
    if len(weeks) > 1:
        return Reply(esc(_(USAGE)))
    if not weeks:
        day = today
    elif weeks[0] in LAST_WEEK:
        day = monday(today) - timedelta(weeks=1)
    else:
        try:
            day = parse_week(weeks[0])
        except ValueError:
            return Reply(esc(_(USAGE)))
    try:
        week = week_period(day, now=svc.now(), zone=svc.zone)
    except LedgerError as error:
        return Reply(esc(error.render(_)))
    data = bulletin_data(
        session, week=week, plans=asker.plans, lights=svc.lights, person=asker.person
    )
    bulletin = weekly_bulletin(data, week=week, _=_)
    file_name = f"{_(FILE_NAME)}-{week.name}.docx" if docx else None
    return _Written(bulletin, file_name)
