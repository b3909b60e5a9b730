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

from sqlalchemy import Connection, Engine
from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ledger.digest import DigestItem, digest_buttons, digest_text
from ledger.lights import Lights
from ledger.render import esc
from models.calendar_days import calendar_days
from models.db import session_scope
from models.preferences import office_remind_at
from models.queries import TaskView, task_views
from models.reminders import (
    Carried,
    ChasedTask,
    NewStage,
    Recipient,
    admins,
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
from scheduler.policy import (
    Chase,
    Deadline,
    Policy,
    escalation,
    reminder_horizon,
    stage,
    workdays_after,
)
from scheduler.sender import Outcome, Sent, Unreachable

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
    stages: tuple[str, ...] = ()  # the stage keys to record, for stages sent for the first time
    carried_id: int | None = None  # the reminder row sent before, when it comes back


@dataclass
class SweepReport:
    """What one sweep did, person by person (for the console's /tick and the logs)."""

    sent: list[tuple[str, int]] = field(default_factory=list)  # (name, delivery id)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    unreachable: list[str] = field(default_factory=list)
    lost: list[tuple[Recipient, str]] = field(default_factory=list)  # (person, Telegram's reason)
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
    admins: Sequence[int] = (),
) -> dict[int, list[PlannedItem]]:
    """Each person's digest items today, soonest deadline first (pure).

    ``held`` are (task, person) pairs snoozed past today: their overdue and progress stages
    wait for the snooze to end; a countdown to a deadline does not. A task late by
    ``policy.escalate_after`` working days is escalated once to its lead leader and to the
    ``admins``: for the lead leader it stands in for the task's overdue line that day.

    A task's people are those it still chases (models.reminders: a leader whose own part is
    done is not); a progress request skips those who reported in its period, and a stage
    comes back only to someone the task still chases.
    """
    current: dict[int, Chase] = {}
    chased: set[tuple[int, int]] = set()  # (task, person) today's stage or escalation goes to
    items: dict[int, dict[int, PlannedItem]] = {}  # person -> task -> item

    def add(person: int, task_id: int, chase: Chase, key: str) -> None:
        assert chase.due is not None  # every stage is about a day: a deadline or a month
        if (task_id, person, key, chase.due) in already:
            return
        mine = items.setdefault(person, {})
        before = mine.get(task_id)
        keys = (before.stages if before else ()) + (key,)
        mine[task_id] = PlannedItem(task_id, chase, stages=keys)

    for task in tasks:
        deadline = _deadline(task)
        chase = stage(deadline, today, calendar, policy)
        if chase is None:
            continue
        current[task.id] = chase
        waits = chase.kind in ("overdue", "progress")
        for person in task.people:
            if chase.kind == "progress" and person in task.reported:
                continue  # reported in this period: nothing to ask
            chased.add((task.id, person))
            if not (waits and (task.id, person) in held):
                add(person, task.id, chase, stage_key(chase))
        late = escalation(deadline, today, calendar, policy)
        if late is not None:
            for person in dict.fromkeys((*task.people[:1], *admins)):
                chased.add((task.id, person))
                if (task.id, person) not in held:
                    add(person, task.id, late, stage_key(late))
    for back in coming_back:
        chase = current.get(back.task_id)
        if chase is None or (back.task_id, back.person_id) not in chased:
            continue  # done, cancelled, reviewed or their part reported since: not chased again
        mine = items.setdefault(back.person_id, {})
        if back.task_id not in mine:  # a newer stage says it all
            mine[back.task_id] = PlannedItem(back.task_id, chase, carried_id=back.reminder_id)
    return {
        person: sorted(
            mine.values(),
            key=lambda item: (item.chase.kind == "progress", item.chase.due, item.task_id),
        )
        for person, mine in items.items()
        if mine
    }


def previous_workday(calendar: WorkCalendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def due_digests(
    session: Session, *, today: date, calendar: WorkCalendar, policy: Policy, zone: ZoneInfo
) -> dict[int, list[PlannedItem]]:
    """The digests due today according to the ledger."""
    # A progress request asks about the month (scheduler.policy): a report since the month
    # began in the office's zone answers it.
    month = datetime.combine(today.replace(day=1), time(0), zone)
    tasks = chased_tasks(
        session, horizon=reminder_horizon(today, calendar, policy), reported_since=month
    )
    already = reminded(session, task_ids=[task.id for task in tasks])
    back = carried(session, today=today, since=previous_workday(calendar, today))
    held = snoozed(session, today=today)
    office = [person.id for person in admins(session)]
    return plan(
        tasks,
        already,
        back,
        today=today,
        calendar=calendar,
        policy=policy,
        held=held,
        admins=office,
    )


def _workdays(chase: Chase, today: date, calendar: WorkCalendar) -> int:
    """Working days left (or late) today: a stage's tier, a repeat's count one day on."""
    if chase.due is None or chase.kind not in ("before", "overdue", "escalation"):
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
    lights: Lights | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """A digest's text and buttons, in the person's language (``views``: its tasks, by id)."""
    _ = translator(language)
    shown = [
        DigestItem(views[item.task_id], item.chase.kind, _workdays(item.chase, today, calendar))
        for item in items
        if item.task_id in views
    ]
    text = digest_text(shown, today=today, _=_, lights=lights)
    return text, _markup(digest_buttons(delivery_id, shown, _))


async def _deliver(
    db: Engine | Connection,
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
    lights: Lights,
) -> None:
    assert recipient.chat_id is not None
    text, markup = render(
        views,
        items,
        delivery_id=delivery_id,
        today=today,
        calendar=calendar,
        language=recipient.language or default_language,
        lights=lights,
    )
    outcome = await sender.send(recipient.chat_id, text, markup=markup)
    settle(db, outcome, delivery_id=delivery_id, recipient=recipient, now=now, report=report)


def settle(
    db: Engine | Connection,
    outcome: Outcome,
    *,
    delivery_id: int,
    recipient: Recipient,
    now: datetime,
    report: SweepReport,
) -> None:
    """Record what became of a claimed delivery, in the ledger and in the run's report."""
    if isinstance(outcome, Sent):
        record_outcome(
            db,
            delivery_id=delivery_id,
            status=DeliveryStatus.sent,
            now=now,
            chat_id=outcome.chat_id,
            message_id=outcome.message_id,
        )
        report.sent.append((recipient.name, delivery_id))
        return
    lost = isinstance(outcome, Unreachable)
    status = DeliveryStatus.unreachable if lost else DeliveryStatus.failed
    record_outcome(db, delivery_id=delivery_id, status=status, now=now, error=outcome.reason)
    if lost:
        report.unreachable.append(recipient.name)
        report.lost.append((recipient, outcome.reason))
    else:
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
            for d in stale_claims(session, before=now - STALE_CLAIM, since=today, kind=DIGEST)
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
        digests = due_digests(session, today=today, calendar=calendar, policy=policy, zone=zone)
        people = recipients(session, ids=digests)
        office_time = office_remind_at(session) or window.start
    # One connection for the sweep's claims and outcomes: hundreds of short transactions, each
    # otherwise paying a pool checkout and its liveness ping.
    writes = engine.connect()
    try:
        for person_id, items in sorted(digests.items()):
            person = people.get(person_id)
            if person is None or person.chat_id is None or not person.reachable:
                if person is not None:
                    report.skipped.append(person.name)
                continue
            if person.paused(today) or local.time() < (person.remind_at or office_time):
                continue  # on leave, or not their time yet: what is due waits, and is not lost
            claimed = claim(
                writes,
                person_id=person_id,
                kind=DIGEST,
                day=today,
                now=now,
                stages=[
                    NewStage(item.task_id, key, item.chase.due)
                    for item in items
                    if item.chase.due is not None
                    for key in item.stages
                ],
                repeats=[item.carried_id for item in items if item.carried_id is not None],
            )
            if claimed is not None:  # else: today's digest went out already, here or elsewhere
                jobs.append((person, claimed, items))
        with session_scope(engine) as session:
            # Every digest's tasks at once: a few queries per digest cost more than sending it.
            views = task_views(
                session, ids=(item.task_id for _, _, items in jobs for item in items)
            )
        gate = asyncio.Semaphore(CONCURRENT_SENDS)

        async def deliver(person: Recipient, delivery_id: int, items: list[PlannedItem]) -> None:
            async with gate:
                await _deliver(
                    writes,
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
                    lights=policy.lights,
                )

        await asyncio.gather(*(deliver(*job) for job in jobs))
    finally:
        writes.close()
    if report.lost:
        await tell_office(engine, sender, report.lost, now=now, today=today, lang=default_language)
    if report.sent or report.failed or report.unreachable:
        log.info(
            "sweep at %s: %d sent, %d failed, %d unreachable",
            local.isoformat(timespec="minutes"),
            len(report.sent),
            len(report.failed),
            len(report.unreachable),
        )
    return report


async def tell_office(
    engine: Engine,
    sender: Sender,
    lost: Sequence[tuple[Recipient, str]],
    *,
    now: datetime,
    today: date,
    lang: str,
) -> None:
    """Tell each admin, once, whom the bot can no longer reach (they are then skipped until
    they write to the bot again, so this happens once per loss)."""
    with session_scope(engine) as session:
        office = [a for a in admins(session) if a.chat_id is not None and a.reachable]
    for admin in office:
        for person, reason in lost:
            if person.id == admin.id:
                continue
            claimed = claim(
                engine,
                person_id=admin.id,
                kind="notice",
                day=today,
                now=now,
                ref=f"lost:{person.id}",
            )
            if claimed is None:
                continue
            _ = translator(admin.language or lang)
            text = _(
                "I could not deliver reminders to {name}: Telegram says “{reason}”. Please ask "
                "them to open the chat with me again and send /start; until then I will not "
                "try again."
            ).format(name=esc(person.name), reason=esc(reason))
            assert admin.chat_id is not None
            outcome = await sender.send(admin.chat_id, text)
            settle(
                engine, outcome, delivery_id=claimed, recipient=admin, now=now, report=SweepReport()
            )


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
                    if item.chase.due is None:
                        continue
                    for key in item.stages:  # a stage coming back comes back once
                        already.add((item.task_id, person_id, key, item.chase.due))
                    if item.stages:
                        serial += 1
                        last.append(
                            Carried(serial, item.task_id, person_id, item.stages[0], item.chase.due)
                        )
                at = datetime.combine(day, window.start, zone)
                found.append(Rehearsed(at, person_id, tuple(items)))
        day += timedelta(days=1)
    return found
