"""A reminder digest's buttons: 收到 (acknowledge), 明天 / 下周再提醒 (snooze), 查看 (a task).

A digest is one person's: a press by anyone else is refused, and 查看 shows a task only to
someone who may see it. Acknowledging stops tomorrow's repeat; snoozing brings the digest's
tasks back on the next working day, or on the first working day of next week.
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update

from handlers.common import Asker, Context, Notice, Reply, Send, Services, answer_press
from ledger.digest import ReminderPress
from ledger.render import task_in_full
from models.access import task_by_id
from models.calendar_days import calendar_days
from models.people import task_history
from models.reminders import acknowledge, delivery_of, snooze
from models.reports import task_parties
from nlu.calendar import WorkCalendar, snoozed_until
from nlu.i18n import N_

NOT_YOURS = N_("These reminders were sent to someone else.")
NO_LONGER_WORKS = N_("This button no longer works.")
ACKNOWLEDGED = N_("Noted. I won't repeat these reminders.")
SNOOZED = N_("I'll remind you again on {day}.")
CANNOT_SEE = N_("You may not see this task.")


async def reminder_pressed(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    press = ReminderPress.read(query.data)

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        _ = asker.translate
        delivery = delivery_of(session, delivery_id=press.delivery_id) if press else None
        if press is None or delivery is None:
            return Notice(_(NO_LONGER_WORKS))
        if delivery.person_id != asker.id:
            return Notice(_(NOT_YOURS))
        if press.action == "ack":
            acknowledge(session, delivery_id=press.delivery_id, now=svc.now())
            return Notice(_(ACKNOWLEDGED), alert=False)
        if press.action == "snz":
            calendar = WorkCalendar(calendar_days(session))
            until = snoozed_until(calendar, svc.today(), week=press.detail == "w")
            snooze(session, delivery_id=press.delivery_id, until=until)
            return Notice(_(SNOOZED).format(day=until.isoformat()), alert=False)
        view = task_by_id(session, person=asker.person, task_id=int(press.detail))
        if view is None:
            return Notice(_(CANNOT_SEE))
        assert view.task.id is not None
        history = task_history(session, task_id=view.task.id)
        parties = task_parties(session, task_id=view.task.id)
        return Send(
            task_in_full(
                view,
                history,
                today=svc.today(),
                zone=svc.zone,
                _=_,
                parties=parties,
                lights=svc.lights,
            )
        )

    await answer_press(update, context, respond)
