"""The days an admin sets over the built-in calendar (CalendarDay), and the 调休 notice's record.

Plain rows come back; nlu.calendar.WorkCalendar takes them as they are.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session, col, select

from models.db import make_engine, nothing_stored_at, session_scope
from models.queries import record_event
from models.tables import AuditEvent, CalendarDay

NOTICE_ACTION = "calendar.notice"  # AuditEvent.action; detail: the year the notice was about


def calendar_days(session: Session, *, year: int | None = None) -> list[CalendarDay]:
    """The days set by hand, in date order; only ``year``'s when given."""
    query = select(CalendarDay).order_by(col(CalendarDay.day))
    if year is not None:
        query = query.where(col(CalendarDay.day).between(date(year, 1, 1), date(year, 12, 31)))
    return list(session.exec(query))


def set_calendar_day(
    session: Session, *, day: date, workday: bool, note: str, now: datetime
) -> CalendarDay:
    """Make ``day`` a working day or a holiday whatever the built-in calendar says."""
    row = session.get(CalendarDay, day)
    if row is None:
        row = CalendarDay(day=day, workday=workday, note=note, updated_at=now)
    else:
        row.workday, row.note, row.updated_at = workday, note, now
    session.add(row)
    kind = "workday" if workday else "holiday"
    record_event(session, at=now, action="calendar.set", detail=f"{day} {kind} {note}".rstrip())
    return row


def unset_calendar_day(session: Session, *, day: date, now: datetime) -> CalendarDay | None:
    """Give ``day`` back to the built-in calendar; the row removed, None if it was not set."""
    row = session.get(CalendarDay, day)
    if row is not None:
        session.delete(row)
        session.flush()  # gone for the rest of this session too
        record_event(session, at=now, action="calendar.unset", detail=day.isoformat())
    return row


def stored_calendar_days(url: str) -> list[CalendarDay] | None:
    """The days set in the database at ``url``, or None when there is none to read.

    Creates nothing: a missing SQLite file, a server that does not answer or a schema from
    before the table existed all mean "no overrides here".
    """
    if nothing_stored_at(url):
        return None
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return calendar_days(session)
    except (OperationalError, ProgrammingError):  # no server, or no calendarday table yet
        return None
    finally:
        engine.dispose()


def calendar_notice_sent(session: Session, *, year: int) -> bool:
    """Whether admins were already told that ``year``'s 调休 days are missing."""
    found = session.exec(
        select(AuditEvent.id)
        .where(AuditEvent.action == NOTICE_ACTION, AuditEvent.detail == str(year))
        .limit(1)
    ).first()
    return found is not None


def record_calendar_notice(session: Session, *, year: int, now: datetime) -> None:
    """Remember that admins were told about ``year``'s missing 调休 days."""
    record_event(session, at=now, action=NOTICE_ACTION, detail=str(year))
