"""The sweep: what is due now is claimed in the delivery ledger, sent, and its outcome recorded.

The database is the source of truth and the sweep holds no state: it runs every minute (one
JobQueue job), and each run asks the policy which reminder stages are due for which people,
leaves out those the ledger has already sent, and makes one digest per person per day of the
rest, with the stages of yesterday's digest that nobody acknowledged (once) and those snoozed
until today. Each digest is claimed before it is sent (models.reminders.claim): of two bot
processes on one database, only the one whose claim goes in sends it.

A crash between the claim and the confirmation leaves a claim that is never confirmed; a later
sweep sends it once more after ``STALE_CLAIM``. We prefer that rare duplicate to a reminder
lost: a missed deadline costs the office more than a second message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ledger.digest import DigestItem, digest_buttons, digest_text
from models.calendar_days import calendar_days
from models.db import session_scope
from models.queries import TaskView, task_views
from models.reminders import (
    Carried,
    ChasedTask,
    NewStage,
    Recipient,
    carried,
    chased_tasks,
    chased_tasks_by_id,
    claim,
    delivery_of,
    delivery_stages,
    recipients,
    reclaim,
    record_outcome,
    reminded,
    snoozed,
    stale_claims,
)
from models.tables import DeliveryStatus
from nlu.calendar import WorkCalendar
from nlu.i18n import translator
from scheduler.policy import Chase, Deadline, Policy, reminder_horizon, stage, workdays_after
from scheduler.sender import Failed, Outcome, Sent, Unreachable

log = logging.getLogger(__name__)

DIGEST = "digest"
STALE_CLAIM = timedelta(minutes=10)  # a send takes seconds; a claim this old was interrupted
CONCURRENT_SENDS = 32  # the sender's limiter paces them; this bounds what waits in memory


class Sender(Protocol):
    async def send(
        self,
        chat_id: int,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        group: bool = False,
    ) -> Outcome: ...


@dataclass(frozen=True)
class Window:
    """The office hours in which reminders go out (office time)."""

    start: time = time(9, 0)
    end: time = time(18, 0)

    def __contains__(self, moment: time) -> bool:
        return self.start <= moment < self.end


OFFICE_HOURS = Window()
DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class PlannedItem:
    """A task in a person's digest today: its current stage, and whether it is new."""

    task_id: int
    chase: Chase
    new_stage: str | None = None  # the stage key to record, for a stage sent for the first time
    carried_id: int | None = None  # the reminder row sent before, when it comes back


@dataclass
class SweepReport:
    """What one sweep did, person by person (for the console's /tick and the logs)."""

    sent: list[tuple[str, int]] = field(default_factory=list)  # (name, delivery id)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    unreachable: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # nobody to send to: no chat yet


def stage_key(chase: Chase) -> str:
    """How the ledger names a stage: before:7, due, overdue:6, progress."""
    if chase.kind in ("before", "overdue"):
        return f"{chase.kind}:{chase.workdays}"
    return chase.kind


def _deadline(task: ChasedTask) -> Deadline:
    return Deadline(task.due, task.due_kind, task.recurrence, task.status)


def plan(
    tasks: Sequence[ChasedTask],
    already: set[tuple[int, int, str, date]],
    coming_back: Sequence[Carried],
    *,
    today: date,
    calendar: WorkCalendar,
    policy: Policy,
    held: Collection[tuple[int, int]] = (),
) -> dict[int, list[PlannedItem]]:
    """Each person's digest items today, soonest deadline first (pure).

    ``held`` are (task, person) pairs snoozed past today: their overdue and progress stages
    wait for the snooze to end; a countdown to a deadline does not.
    """
    current: dict[int, Chase] = {}
    items: dict[int, list[PlannedItem]] = {}
    for task in tasks:
        chase = stage(_deadline(task), today, calendar, policy)
        if chase is None:
            continue
        current[task.id] = chase
        key = stage_key(chase)
        assert chase.due is not None  # every stage is about a day: a deadline or a month
        waits = chase.kind in ("overdue", "progress")
        for person in task.people:
            if waits and (task.id, person) in held:
                continue
            if (task.id, person, key, chase.due) not in already:
                items.setdefault(person, []).append(PlannedItem(task.id, chase, new_stage=key))
    for back in coming_back:
        chase = current.get(back.task_id)
        if chase is None:
            continue  # done, cancelled or reviewed since: not chased again
        mine = items.setdefault(back.person_id, [])
        if not any(item.task_id == back.task_id for item in mine):  # a newer stage says it all
            mine.append(PlannedItem(back.task_id, chase, carried_id=back.reminder_id))
    for mine in items.values():
        mine.sort(key=lambda item: (item.chase.kind == "progress", item.chase.due, item.task_id))
    return items


def previous_workday(calendar: WorkCalendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def due_digests(
    session: Session, *, today: date, calendar: WorkCalendar, policy: Policy
) -> dict[int, list[PlannedItem]]:
    """The digests due today according to the ledger."""
    tasks = chased_tasks(session, horizon=reminder_horizon(today, calendar, policy))
    already = reminded(session, task_ids=[task.id for task in tasks])
    back = carried(session, today=today, since=previous_workday(calendar, today))
    held = snoozed(session, today=today)
    return plan(tasks, already, back, today=today, calendar=calendar, policy=policy, held=held)


def _workdays(chase: Chase, today: date, calendar: WorkCalendar) -> int:
    """Working days left (or late) today: a stage's tier, a repeat's count one day on."""
    if chase.due is None or chase.kind not in ("before", "overdue"):
        return 0
    if chase.kind == "before":
        return workdays_after(calendar, today, chase.due)
    return workdays_after(calendar, chase.due, today)


def _markup(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def render(
    views: Mapping[int, TaskView],
    items: Sequence[PlannedItem],
    *,
    delivery_id: int,
    today: date,
    calendar: WorkCalendar,
    language: str,
) -> tuple[str, InlineKeyboardMarkup]:
    """A digest's text and buttons, in the person's language (``views``: its tasks, by id)."""
    _ = translator(language)
    shown = [
        DigestItem(views[item.task_id], item.chase.kind, _workdays(item.chase, today, calendar))
        for item in items
        if item.task_id in views
    ]
    return digest_text(shown, today=today, _=_), _markup(digest_buttons(delivery_id, shown, _))


async def _deliver(
    engine: Engine,
    sender: Sender,
    recipient: Recipient,
    delivery_id: int,
    items: Sequence[PlannedItem],
    *,
    views: Mapping[int, TaskView],
    now: datetime,
    today: date,
    calendar: WorkCalendar,
    default_language: str,
    report: SweepReport,
) -> None:
    assert recipient.chat_id is not None
    text, markup = render(
        views,
        items,
        delivery_id=delivery_id,
        today=today,
        calendar=calendar,
        language=recipient.language or default_language,
    )
    outcome = await sender.send(recipient.chat_id, text, markup=markup)
    if isinstance(outcome, Sent):
        record_outcome(
            engine,
            delivery_id=delivery_id,
            status=DeliveryStatus.sent,
            now=now,
            chat_id=outcome.chat_id,
            message_id=outcome.message_id,
        )
        report.sent.append((recipient.name, delivery_id))
    elif isinstance(outcome, Unreachable):
        record_outcome(
            engine,
            delivery_id=delivery_id,
            status=DeliveryStatus.unreachable,
            now=now,
            error=outcome.reason,
        )
        report.unreachable.append(recipient.name)
    else:
        assert isinstance(outcome, Failed)
        record_outcome(
            engine,
            delivery_id=delivery_id,
            status=DeliveryStatus.failed,
            now=now,
            error=outcome.reason,
        )
        report.failed.append((recipient.name, outcome.reason))


async def sweep(
    engine: Engine,
    sender: Sender,
    *,
    now: datetime,
    zone: ZoneInfo,
    default_language: str,
    policy: Policy = DEFAULT_POLICY,
    window: Window = OFFICE_HOURS,
) -> SweepReport:
    """Send what is due at ``now``: interrupted deliveries once more, then today's digests."""
    report = SweepReport()
    local = now.astimezone(zone)
    today = local.date()
    with session_scope(engine) as session:
        calendar = WorkCalendar(calendar_days(session))
    if not calendar.is_workday(today) or local.time() not in window:
        return report
    jobs: list[tuple[Recipient, int, list[PlannedItem]]] = []
    with session_scope(engine) as session:
        interrupted = [
            (d.id, d.person_id)
            for d in stale_claims(session, before=now - STALE_CLAIM, since=today)
            if d.id is not None
        ]
    for delivery_id, person_id in interrupted:
        if reclaim(engine, delivery_id=delivery_id, before=now - STALE_CLAIM, now=now):
            with session_scope(engine) as session:
                people = recipients(session, ids=[person_id])
                stages = delivery_stages(session, delivery_id=delivery_id)
                delivery = delivery_of(session, delivery_id=delivery_id)
                tasks = {t.id: t for t in chased_tasks_by_id(session, [s.task_id for s in stages])}
            items = [
                PlannedItem(s.task_id, chase)
                for s in stages
                if (chase := _current(tasks.get(s.task_id), today, calendar, policy)) is not None
            ]
            person = people.get(person_id)
            if delivery is not None and person and person.chat_id is not None and items:
                jobs.append((person, delivery_id, items))
    with session_scope(engine) as session:
        digests = due_digests(session, today=today, calendar=calendar, policy=policy)
        people = recipients(session, ids=digests)
    for person_id, items in sorted(digests.items()):
        person = people.get(person_id)
        if person is None or person.chat_id is None or not person.reachable:
            if person is not None:
                report.skipped.append(person.name)
            continue
        claimed = claim(
            engine,
            person_id=person_id,
            kind=DIGEST,
            day=today,
            now=now,
            stages=[
                NewStage(item.task_id, item.new_stage, item.chase.due)
                for item in items
                if item.new_stage is not None and item.chase.due is not None
            ],
            repeats=[item.carried_id for item in items if item.carried_id is not None],
        )
        if claimed is not None:  # else: today's digest went out already, here or elsewhere
            jobs.append((person, claimed, items))
    with session_scope(engine) as session:
        # Every digest's tasks at once: a few queries per digest cost more than sending it.
        views = task_views(session, ids=(item.task_id for _, _, items in jobs for item in items))
    gate = asyncio.Semaphore(CONCURRENT_SENDS)

    async def deliver(person: Recipient, delivery_id: int, items: list[PlannedItem]) -> None:
        async with gate:
            await _deliver(
                engine,
                sender,
                person,
                delivery_id,
                items,
                views=views,
                now=now,
                today=today,
                calendar=calendar,
                default_language=default_language,
                report=report,
            )

    await asyncio.gather(*(deliver(*job) for job in jobs))
    if report.sent or report.failed or report.unreachable:
        log.info(
            "sweep at %s: %d sent, %d failed, %d unreachable",
            local.isoformat(timespec="minutes"),
            len(report.sent),
            len(report.failed),
            len(report.unreachable),
        )
    return report


def _current(
    task: ChasedTask | None, today: date, calendar: WorkCalendar, policy: Policy
) -> Chase | None:
    return None if task is None else stage(_deadline(task), today, calendar, policy)


@dataclass(frozen=True)
class Rehearsed:
    """A digest the engine would send: when, to whom, about which tasks (in its order)."""

    at: datetime
    person_id: int
    items: tuple[PlannedItem, ...]


def rehearse(
    tasks: Sequence[ChasedTask],
    *,
    start: date,
    end: date,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    policy: Policy = DEFAULT_POLICY,
    window: Window = OFFICE_HOURS,
) -> list[Rehearsed]:
    """What the sweep would send from ``start`` to ``end`` on a simulated clock, sending
    nothing: each working day at the start of office hours, nobody acknowledging anything (so
    each stage comes back once, the next working day), the tasks staying as they are now."""
    already: set[tuple[int, int, str, date]] = set()
    last: list[Carried] = []
    found: list[Rehearsed] = []
    serial = 0
    day = start
    while day <= end:
        if calendar.is_workday(day):
            digests = plan(tasks, already, last, today=day, calendar=calendar, policy=policy)
            last = []
            for person_id, items in sorted(digests.items()):
                for item in items:
                    if item.new_stage is None or item.chase.due is None:
                        continue  # a stage coming back comes back once
                    already.add((item.task_id, person_id, item.new_stage, item.chase.due))
                    serial += 1
                    last.append(
                        Carried(serial, item.task_id, person_id, item.new_stage, item.chase.due)
                    )
                at = datetime.combine(day, window.start, zone)
                found.append(Rehearsed(at, person_id, tuple(items)))
        day += timedelta(days=1)
    return found
