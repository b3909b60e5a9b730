"""`python -m bot reminders plan|log`: what the reminder engine would send, and what it sent.

reminders plan --from 2025-01-01 --to 2025-12-31 [--json]   a rehearsal of the daily and
                                                            weekly digests: nothing is sent
reminders log [--person NAME]                               the delivery ledger, newest first
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import Any, TextIO

from bot.settings import Settings
from models.calendar_days import calendar_days
from models.db import ledger_engine, session_scope
from models.queries import person_named
from models.reminders import chased_tasks, deliveries, delivery_stages, recipients
from models.weekly import last_activity, leaders_and_admins
from nlu.calendar import WorkCalendar
from nlu.i18n import N_, Translate
from scheduler.policy import Policy
from scheduler.sweep import Window, rehearse
from scheduler.weekly import WEEKLY, rehearse_weekly

STATUS_NAMES = {
    "claimed": N_("being sent"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "unreachable": N_("unreachable"),
}
FAR_FUTURE = date(9999, 12, 31)


def cmd_reminders(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    if args.reminders_command == "plan":
        return _plan(args, settings, out, _)
    return _log(args.person, settings, out, _)


def reminder_policy(settings: Settings) -> tuple[Policy, Window]:
    """The office's reminder policy and hours, from the settings."""
    policy = Policy(
        tiers=tuple(settings.reminder_tiers),
        overdue_every=settings.reminder_overdue_every,
        lights=settings.lights,
    )
    return policy, Window(*settings.reminder_window)


def _plan(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    if args.end < args.start:
        sys.stderr.write(_("error: {message}").format(message=_("--to is before --from")) + "\n")
        return 2
    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        calendar = WorkCalendar(calendar_days(session))
        tasks = chased_tasks(session, horizon=FAR_FUTURE)
        people = recipients(session, ids={person for task in tasks for person in task.people})
        office = leaders_and_admins(session)  # who gets a weekly digest
        activity = last_activity(session)
    numbers = {task.id: task.number or f"#{task.id}" for task in tasks}
    numbers.update((a.task_id, a.number or f"#{a.task_id}") for a in activity)
    names = {person.id: person.name for person in (*people.values(), *office)}
    policy, window = reminder_policy(settings)
    planned = [
        digest
        for digest in rehearse(
            tasks,
            start=args.start,
            end=args.end,
            zone=settings.zone,
            calendar=calendar,
            policy=policy,
            window=window,
        )
        if digest.person_id in people
    ]
    weekday, at = settings.weekly_digest
    weekly = rehearse_weekly(
        tasks,
        activity,
        office,
        start=args.start,
        end=args.end,
        zone=settings.zone,
        calendar=calendar,
        at=at,
        weekday=weekday,
    )
    # (when, whom, kind, [(task, stage)]), in time order: a weekly digest before that day's.
    rows: list[tuple[datetime, int, str, list[tuple[int, str]]]] = [
        (
            d.at,
            d.person_id,
            "digest",
            [(i.task_id, ",".join(i.stages) or "repeat") for i in d.items],
        )
        for d in planned
    ]
    rows += [
        (w.at, w.person_id, WEEKLY, [(listed.task_id, stage) for stage, listed in w.digest.items()])
        for w in weekly
    ]
    rows.sort(key=lambda row: row[0])
    if args.json:
        found: list[dict[str, Any]] = [
            {
                "at": when.isoformat(),
                "person": names[person_id],
                "kind": kind,
                "tasks": [numbers[task_id] for task_id, _stage in items],
                "stages": [stage for _task, stage in items],
            }
            for when, person_id, kind, items in rows
        ]
        out.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return 0
    label = _("weekly digest")
    for when, person_id, kind, items in rows:
        # A task both overdue and silent is named once here; --json says each list it is in.
        tasks_text = "、".join(dict.fromkeys(numbers[task_id] for task_id, _stage in items))
        if kind == WEEKLY:
            tasks_text = f"{label}: {tasks_text}"
        out.write(f"{when:%Y-%m-%d %H:%M}  {names[person_id]}  {tasks_text}\n")
    out.write(_("{count} digests").format(count=len(planned)) + "\n")
    out.write(_("{count} weekly digests").format(count=len(weekly)) + "\n")
    return 0


def _log(name: str | None, settings: Settings, out: TextIO, _: Translate) -> int:
    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        person_id = None
        if name is not None:
            person = person_named(session, name=name)
            if person is None:
                message = _("nobody called {name} in the ledger").format(name=name)
                sys.stderr.write(_("error: {message}").format(message=message) + "\n")
                return 2
            person_id = person.id
        rows = [
            (delivery, who, len(delivery_stages(session, delivery_id=delivery.id)))
            for delivery, who in deliveries(session, person_id=person_id)
            if delivery.id is not None
        ]
    if not rows:
        out.write(_("nothing was sent yet") + "\n")
        return 0
    for delivery, who, count in rows:
        when = (delivery.sent_at or delivery.claimed_at).astimezone(settings.zone)
        status = _(STATUS_NAMES.get(delivery.status, delivery.status))
        error = f"  ({delivery.error})" if delivery.error else ""
        # A weekly digest records no stages: it has no count of tasks to show.
        tasks = "  " + _("{count} tasks").format(count=count) if count else ""
        out.write(f"{when:%Y-%m-%d %H:%M}  {who}  {delivery.kind}{tasks}  {status}{error}\n")
    return 0
