"""一键催办: an admin nudges a task's leaders now, recorded in the task's history.

Each leader gets one message at once (not held for office hours: someone asked for it), with
收到 and 查看. A nudge is a delivery like any other, claimed by (leader, "nudge", day, task), so
the same task nudged twice in a day reaches each leader once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ledger.digest import ACKNOWLEDGE, VIEW, ReminderPress
from ledger.render import esc, number_label, task_line
from models.db import session_scope
from models.queries import record_event, tasks_in_view
from models.reminders import claim, recipients, task_leader_ids
from models.tables import Person, Task
from nlu.i18n import N_, translator
from scheduler.sweep import Sender, SweepReport, settle

NUDGE = "nudge"
NUDGED = "task.nudged"  # AuditEvent.action; detail: the leaders' names

Result = Literal["sent", "already", "not_on_telegram", "unreachable", "failed"]


@dataclass(frozen=True)
class Nudged:
    name: str
    result: Result


NUDGE_TEXT = N_("{clerk} asks you to look at this task:")


async def nudge(
    engine: Engine,
    sender: Sender,
    *,
    task_id: int,
    by: int,
    now: datetime,
    zone: ZoneInfo,
    default_language: str,
) -> list[Nudged]:
    """Remind a task's leaders now on behalf of admin ``by``; what became of each."""
    today = now.astimezone(zone).date()
    with session_scope(engine) as session:
        task = session.get(Task, task_id)
        clerk = session.get(Person, by)
        assert task is not None and clerk is not None
        (view,) = tasks_in_view(session, [task])
        order = task_leader_ids(session, task_id=task_id)
        people = recipients(session, ids=order)
        leaders = [people[person_id] for person_id in order if person_id in people]
        record_event(
            session,
            at=now,
            action=NUDGED,
            actor_id=by,
            task_id=task_id,
            detail=",".join(leader.name for leader in leaders),
        )
        clerk_name = clerk.name
    results: list[Nudged] = []
    for leader in leaders:
        if leader.chat_id is None or not leader.reachable:
            results.append(Nudged(leader.name, "not_on_telegram"))
            continue
        claimed = claim(
            engine, person_id=leader.id, kind=NUDGE, day=today, now=now, ref=str(task_id)
        )
        if claimed is None:
            results.append(Nudged(leader.name, "already"))
            continue
        _ = translator(leader.language or default_language)
        text = f"<b>{esc(_(NUDGE_TEXT).format(clerk=clerk_name))}</b>\n\n" + task_line(
            view, today, _
        )
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _(ACKNOWLEDGE), callback_data=ReminderPress("ack", claimed).data()
                    ),
                    InlineKeyboardButton(
                        _(VIEW).format(number=number_label(view, _)),
                        callback_data=ReminderPress("v", claimed, str(task_id)).data(),
                    ),
                ]
            ]
        )
        outcome = await sender.send(leader.chat_id, text, markup=markup)
        report = SweepReport()
        settle(engine, outcome, delivery_id=claimed, recipient=leader, now=now, report=report)
        result: Result = "sent" if report.sent else "unreachable" if report.lost else "failed"
        results.append(Nudged(leader.name, result))
    return results
