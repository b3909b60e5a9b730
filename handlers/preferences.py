"""/settings: when my reminders come, a pause while I am away, my language; the office's time.

/settings                shows them, with buttons
/settings time 10:00     my reminders at 10:00 (inside the office's hours)
/settings pause 2026-01-05   no reminders until then (leave); /settings resume ends the pause
/settings office 09:00   admins: the time everyone without their own gets reminders
Buttons carry ``st:…`` and change only the presser's own settings (office: admins only).
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session
from telegram import Update

from handlers.common import (
    LANGUAGE_NAMES,
    Asker,
    Context,
    Notice,
    Reply,
    Services,
    answer,
    answer_press,
    keyboard,
)
from ledger.render import esc
from models.preferences import office_remind_at, pause, set_office_remind_at, set_remind_at
from nlu.i18n import N_, Translate

SETTINGS_DATA = r"^st:"
TIMES = (time(8, 30), time(9, 0), time(10, 0), time(14, 0))
PAUSES = (7, 14)  # days, as buttons; any date by command

USAGE = N_(
    "Usage: /settings, /settings time 10:00, /settings pause 2026-01-05, /settings resume"
    " (admins: /settings office 09:00)"
)


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def settings_text(asker: Asker, svc: Services, session: Session, _: Translate) -> str:
    """What this person's settings are now."""
    person = asker.person
    office = office_remind_at(session) or svc.reminder_hours[0]
    mine = person.remind_at
    title = _("Your settings")
    lines = [f"<b>{esc(title)}</b>"]
    if mine is None:
        lines.append(_("Reminders: at {time}, the office's time").format(time=_hhmm(office)))
    else:
        lines.append(_("Reminders: at {time}").format(time=_hhmm(mine)))
    today = svc.today()
    if person.paused_until is not None and person.paused_until >= today:
        lines.append(
            _("Paused until {day}: no reminders until then.").format(
                day=person.paused_until.isoformat()
            )
        )
    language = LANGUAGE_NAMES.get(person.language or svc.default_language, "")
    lines.append(_("Language: {language} (/lang to change)").format(language=language))
    if asker.is_admin:
        lines.append(
            _("Office reminder time: {time} (/settings office HH:MM)").format(time=_hhmm(office))
        )
    return "\n".join(lines)


def _buttons(asker: Asker, svc: Services, _: Translate) -> list[list[tuple[str, str]]]:
    rows = [[(_hhmm(t), f"st:t:{t.strftime('%H%M')}") for t in TIMES]]
    paused = asker.person.paused_until is not None and asker.person.paused_until >= svc.today()
    if paused:
        rows.append([(_("Resume reminders"), "st:r")])
    else:
        rows.append([(_("Pause {days} days").format(days=days), f"st:p:{days}") for days in PAUSES])
    return rows


def _office_time(value: str, svc: Services, _: Translate) -> time | Reply:
    """A time within office hours, or the reply that refuses it."""
    try:
        at = time.fromisoformat(value)
    except ValueError:
        return Reply(_(USAGE))
    start, end = svc.reminder_hours
    if start <= at < end:
        return at
    refusal = _("Reminders go out during office hours, {start}–{end}: choose a time in them.")
    return Reply(refusal.format(start=_hhmm(start), end=_hhmm(end)))


def _shown(session: Session, asker: Asker, svc: Services, before: str = "") -> Reply:
    _ = asker.translate
    text = settings_text(asker, svc, session, _)
    return Reply((before + "\n\n" if before else "") + text, keyboard(_buttons(asker, svc, _)))


def _change(session: Session, asker: Asker, svc: Services, args: list[str]) -> Reply:
    """A /settings command with arguments: what it changed, then the settings."""
    _ = asker.translate
    what, value = [*args, "", ""][:2]
    person_id = asker.id
    if what in ("time", "时间"):
        at = _office_time(value, svc, _)
        if isinstance(at, Reply):
            return at
        set_remind_at(session, person_id=person_id, at=at)
        asker.person.remind_at = at
        return _shown(session, asker, svc, _("Done: reminders at {time}.").format(time=_hhmm(at)))
    if what in ("pause", "暂停"):
        try:
            until = date.fromisoformat(value)
        except ValueError:
            return Reply(_(USAGE))
        if until < svc.today():
            return Reply(_("That day has passed: give a day from today on."))
        pause(session, person_id=person_id, until=until)
        asker.person.paused_until = until
        done = _("Paused: no reminders until {day}.").format(day=until.isoformat())
        return _shown(session, asker, svc, done)
    if what in ("resume", "恢复"):
        pause(session, person_id=person_id, until=None)
        asker.person.paused_until = None
        return _shown(session, asker, svc, _("Reminders are on again."))
    if what in ("office", "单位"):
        if not asker.is_admin:
            return Reply(_("Only the office clerk (an admin) can set the office's time."))
        office = _office_time(value, svc, _)
        if isinstance(office, Reply):
            return office
        at = office
        set_office_remind_at(session, at=at)
        done = _("Done: the office's reminders at {time}.").format(time=_hhmm(at))
        return _shown(session, asker, svc, done)
    return Reply(_(USAGE))


async def settings_command(update: Update, context: Context) -> None:
    args = list(context.args or [])

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return _change(session, asker, svc, args) if args else _shown(session, asker, svc)

    await answer(update, context, respond)


async def settings_pressed(update: Update, context: Context) -> None:
    """A settings button: it changes the settings of whoever presses it, nobody else's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        _ = asker.translate
        if parts[1:2] == ["t"] and len(parts) == 3 and len(parts[2]) == 4 and parts[2].isdigit():
            at = time(int(parts[2][:2]) % 24, int(parts[2][2:]) % 60)
            return _change(session, asker, svc, ["time", at.isoformat()])
        if parts[1:2] == ["p"] and len(parts) == 3 and parts[2].isdigit():
            until = svc.today() + timedelta(days=min(int(parts[2]), 366))
            return _change(session, asker, svc, ["pause", until.isoformat()])
        if parts[1:] == ["r"]:
            return _change(session, asker, svc, ["resume"])
        return Notice(_("This button no longer works."))

    await answer_press(update, context, respond)
