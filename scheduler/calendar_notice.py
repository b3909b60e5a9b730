"""In December, admins are told once when next year's 调休 days have not been entered.

The State Council publishes next year's holiday notice in November or December; until an admin
enters its make-up working days, the bot would treat those Saturdays and Sundays as days off.
The policy is a plain function; the job records the notice before it sends, so a crash between
the two costs a notice rather than repeating one, and a restart never tells anyone twice.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from telegram import Bot
from telegram.error import TelegramError

from models.calendar_days import calendar_days, calendar_notice_sent, record_calendar_notice
from models.db import session_scope
from models.people import reachable_admins
from nlu.calendar import WorkCalendar
from nlu.i18n import Translate, translator

log = logging.getLogger(__name__)


def calendar_notice_due(calendar: WorkCalendar, today: date) -> int | None:
    """Next year, if today is a December working day and its 调休 is not known; else None."""
    year = today.year + 1
    if today.month != 12 or not calendar.is_workday(today):
        return None
    return None if calendar.year_info(year).makeup_known else year


def notice_text(year: int, _: Translate) -> str:
    return _(
        "The make-up working days (调休) of {year} have not been entered yet, so from January I "
        "will count only weekends and the computed statutory holidays as days off. When the "
        "State Council publishes the {year} holiday notice, enter each make-up working day on "
        "the server: <code>python -m bot calendar set {year}-MM-DD workday --note 调休</code> "
        "(check with <code>python -m bot calendar show {year}</code>)."
    ).format(year=year)


async def send_calendar_notice(
    bot: Bot, engine: Engine, *, now: datetime, zone: ZoneInfo, default_language: str
) -> int:
    """Tell each admin with a private chat, once a year, that next year's 调休 is missing.

    Returns how many admins were told.
    """
    with session_scope(engine) as session:
        calendar = WorkCalendar(calendar_days(session))
        year = calendar_notice_due(calendar, now.astimezone(zone).date())
        if year is None or calendar_notice_sent(session, year=year):
            return 0
        admins = [
            (person.name, person.telegram_chat_id, person.language or default_language)
            for person in reachable_admins(session)
        ]
        if not admins:
            return 0  # nobody to tell yet; an admin who joins later this month still hears it
        record_calendar_notice(session, year=year, now=now)
    told = 0
    for name, chat_id, language in admins:
        assert chat_id is not None  # reachable_admins has a chat for each
        try:
            await bot.send_message(chat_id, notice_text(year, translator(language)))
        except TelegramError as error:  # blocked, or Telegram unreachable: the others still hear
            log.warning("calendar notice for %s to %s (%s) failed: %s", year, name, chat_id, error)
        else:
            told += 1
    return told
