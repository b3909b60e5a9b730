"""People's reminder preferences and the office's defaults (OfficeSetting, key -> value)."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import Session

from models.tables import OfficeSetting, Person

REMIND_AT = "remind_at"  # OfficeSetting key: HH:MM, when digests go out for everyone's default


def set_remind_at(session: Session, *, person_id: int, at: time | None) -> None:
    """When this person's digests come (None: the office's time)."""
    person = session.get(Person, person_id)
    if person is not None:
        person.remind_at = at
        session.add(person)


def pause(session: Session, *, person_id: int, until: date | None) -> None:
    """No reminders for this person up to and including ``until`` (None: resume)."""
    person = session.get(Person, person_id)
    if person is not None:
        person.paused_until = until
        session.add(person)


def office_remind_at(session: Session) -> time | None:
    """The office's reminder time, when an admin set one."""
    row = session.get(OfficeSetting, REMIND_AT)
    return time.fromisoformat(row.value) if row is not None else None


def set_office_remind_at(session: Session, *, at: time) -> None:
    row = session.get(OfficeSetting, REMIND_AT) or OfficeSetting(key=REMIND_AT, value="")
    row.value = at.strftime("%H:%M")
    session.add(row)
