"""`python -m bot calendar set|unset|show`: the days an admin sets over the built-in calendar.

calendar set 2027-02-14 workday --note 调休     a make-up working day
calendar set 2027-02-11 holiday --note 春节     an extra day off
calendar unset 2027-02-14                       back to the built-in calendar
calendar show [2027]                            holidays, 调休 and where the data comes from
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from typing import TextIO

from bot.settings import Settings
from models.calendar_days import set_calendar_day, stored_calendar_days, unset_calendar_day
from models.db import ledger_engine, session_scope
from nlu.calendar import BUILT_IN, WorkCalendar, YearInfo
from nlu.i18n import N_, Translate

KINDS = ("workday", "holiday")
NOTE_LIMIT = 200  # CalendarDay.note
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
SOURCES = {
    "official": N_("official holiday notice (chinesecalendar)"),
    "statutory": N_("statutory holidays computed without make-up working days (holidays package)"),
    "weekends": N_("no holiday data, only weekends are off"),
}


def cmd_calendar(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    if args.calendar_command == "show":
        return _show(args.year, settings, out, _)
    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        return _refuse(_("not a date (YYYY-MM-DD): {text}").format(text=args.day), _)
    now = datetime.now(UTC)
    if args.calendar_command == "unset":
        with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
            removed = unset_calendar_day(session, day=day, now=now)
        if removed is None:
            message = _("{day} was not set by hand; nothing changed.")
        elif BUILT_IN.is_workday(day):
            message = _("{day} follows the built-in calendar again: a working day.")
        else:
            message = _("{day} follows the built-in calendar again: a day off.")
        out.write(message.format(day=_day_label(day, _)) + "\n")
        return 0
    if args.kind not in KINDS:
        message = _("not a kind of day (workday or holiday): {text}")
        return _refuse(message.format(text=args.kind), _)
    note = args.note.strip()
    if len(note) > NOTE_LIMIT:
        message = _("the note is too long (at most {limit} characters)")
        return _refuse(message.format(limit=NOTE_LIMIT), _)
    workday = args.kind == "workday"
    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        set_calendar_day(session, day=day, workday=workday, note=note, now=now)
    message = _("{day} is now a working day.") if workday else _("{day} is now a day off.")
    out.write(message.format(day=_day_label(day, _)) + "\n")
    return 0


def _refuse(message: str, _: Translate) -> int:
    """Bad input: one line on stderr, nothing changed, exit code 2."""
    sys.stderr.write(_("error: {message}").format(message=message) + "\n")
    return 2


def _show(year_text: str | None, settings: Settings, out: TextIO, _: Translate) -> int:
    if year_text is None:
        year = datetime.now(settings.zone).year
    elif year_text.isdigit() and 1 <= int(year_text) <= 9999:
        year = int(year_text)
    else:
        return _refuse(_("not a year: {text}").format(text=year_text), _)
    # Reading only: a missing database is the built-in calendar, not a reason to create one.
    calendar = WorkCalendar(stored_calendar_days(settings.database_url) or ())
    out.write("\n".join(year_lines(calendar, year, _)) + "\n")
    return 0


def year_lines(calendar: WorkCalendar, year: int, _: Translate) -> list[str]:
    """A year as `calendar show` prints it: where its data comes from, holidays, 调休, overrides."""
    info = calendar.year_info(year)
    lines = [_source_line(info, _), _("Holidays:")]
    runs = calendar.holidays(year)
    for run in runs:
        # dict.fromkeys: an admin's note 春节 beside the built-in Spring Festival shows once.
        names = _(", ").join(dict.fromkeys(_(name) for name in run.names)) or _("holiday")
        if run.days == 1:
            line = _("{day}: {names} (1 day)").format(day=_day_label(run.first, _), names=names)
        else:
            line = _("{first} – {last}: {names} ({count} days)").format(
                first=_day_label(run.first, _),
                last=_day_label(run.last, _),
                names=names,
                count=run.days,
            )
        lines.append("  " + line)
    if not runs:
        lines.append("  " + _("none"))
    lines.append(_("Make-up working days (调休):"))
    makeup = calendar.makeup_days(year)
    for day in makeup:
        lines.append(f"  {_day_label(day.day, _)}  {_(day.name) if day.name else ''}".rstrip())
    if not makeup:
        lines.append("  " + (_("none") if info.makeup_known else _("not known yet")))
    lines.append(_("Set by an admin:"))
    overrides = calendar.overrides(year)
    for rule in overrides:
        kind = _("workday") if rule.workday else _("holiday")
        lines.append(f"  {_day_label(rule.day, _)}  {kind}  {rule.note}".rstrip())
    if not overrides:
        lines.append("  " + _("none"))
    if not info.makeup_known:
        lines.append(
            _(
                "The make-up working days (调休) of {year} are not known yet. When the State "
                "Council publishes its holiday notice, enter each one: python -m bot calendar set "
                "{year}-MM-DD workday --note 调休 (and each extra day off with holiday)."
            ).format(year=year)
        )
    return lines


def _source_line(info: YearInfo, _: Translate) -> str:
    source = _(SOURCES[info.source])
    if info.overrides == 0:
        return _("{year}: {source}.").format(year=info.year, source=source)
    if info.overrides == 1:
        return _("{year}: {source}, plus 1 day set by an admin.").format(
            year=info.year, source=source
        )
    return _("{year}: {source}, plus {count} days set by an admin.").format(
        year=info.year, source=source, count=info.overrides
    )


def _day_label(day: date, _: Translate) -> str:
    return f"{day.isoformat()} {_(WEEKDAYS[day.weekday()])}"
