"""The weekly digest (周报): each leader's week ahead, and the office's week for the admins.

Who gets what, decided by plain functions:

* A leader gets the tasks they lead that fall due this week (Monday..Sunday,
  nlu.calendar.week_window; a recurring task by its occurrence that week) and those overdue
  (a deadline before that Monday), soonest deadline first.
* An admin gets the office: every task falling due this week, every overdue one, and the
  silent ones: no progress report, no audit event and no change for SILENT_DAYS days (the
  longest silent first).
* Only open and in-progress tasks count, as for the reminders: a task awaiting review waits
  for its reviewer, not for work. Open-ended work (持续推进) has no week to fall due in.
* A person with nothing to report gets no message; staff get none.

When: on the configured weekday (Monday by default) from the configured time (08:30), office
time. When that day is not a working day (a Monday in the National Day break, say), the digest
goes out on the first working day after it in the same week, at the same time: people hear of
their week when they are back at work. A week with no working day from then on has none. The
digest goes out on its day only: a bot down all that day does not send it later in the week
(the daily reminders chase the deadlines meanwhile).

Exactly once: each digest is claimed in the delivery ledger (kind "weekly", day = that week's
Monday) before it is sent, so neither a second process nor a restart sends it twice; a claim a
crash left unconfirmed is sent once more after STALE_CLAIM, as the daily sweep does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from ledger.lights import Lights
from ledger.weekly import MAX_LISTED, Section, leader_weekly_text, office_weekly_text
from models.calendar_days import calendar_days
from models.db import session_scope
from models.queries import TaskView
from models.reminders import ChasedTask, Recipient, chased_tasks, claim, reclaim, stale_claims
from models.tables import Role
from models.weekly import TaskActivity, delivered, last_activity, leaders_and_admins, task_views
from nlu.calendar import WorkCalendar, monday, week_window
from nlu.i18n import translator
from scheduler.policy import CHASED, Deadline, next_occurrence, open_ended
from scheduler.sweep import CONCURRENT_SENDS, STALE_CLAIM, Sender, SweepReport, settle

log = logging.getLogger(__name__)

WEEKLY = "weekly"  # Delivery.kind
WEEKLY_AT = time(8, 30)
SILENT_DAYS = 30  # a task nobody reported on or changed for this long is silent

Standing = Literal["this_week", "overdue", "silent"]


def weekly_day(calendar: WorkCalendar, day: date, *, weekday: int = 0) -> date | None:
    """The day the weekly digest of ``day``'s week goes out: its ``weekday`` (0 is Monday), or
    the first working day after it that week when it is a day off; None if there is none."""
    first = monday(day)
    candidate, sunday = first + timedelta(days=weekday), first + timedelta(days=6)
    while candidate <= sunday:
        if calendar.is_workday(candidate):
            return candidate
        candidate += timedelta(days=1)
    return None


@dataclass(frozen=True)
class Listed:
    """A task in a weekly digest, under the deadline it is listed by."""

    task_id: int
    due: date | None  # a recurring task's occurrence this week; else its deadline


@dataclass(frozen=True)
class Weekly:
    """One person's weekly digest: a leader's own tasks, or the office's for an admin."""

    office: bool
    this_week: tuple[Listed, ...] = ()
    overdue: tuple[Listed, ...] = ()
    silent: tuple[Listed, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.this_week or self.overdue or self.silent)

    def items(self) -> list[tuple[Standing, Listed]]:
        """Every task it names, list by list (a task may be both overdue and silent)."""
        lists: tuple[tuple[Standing, tuple[Listed, ...]], ...] = (
            ("this_week", self.this_week),
            ("overdue", self.overdue),
            ("silent", self.silent),
        )
        return [(name, listed) for name, tasks in lists for listed in tasks]


def standing(task: ChasedTask, week: tuple[date, date]) -> tuple[Standing, date] | None:
    """Whether a task falls due in ``week`` (Monday, Sunday) or is overdue before it, and by
    which deadline; None for a task that is neither, finished, or open-ended."""
    deadline = Deadline(task.due, task.due_kind, task.recurrence, task.status)
    if task.due is None or task.status not in CHASED or open_ended(deadline):
        return None
    first, last = week
    if task.due_kind == "recurring" and task.recurrence:
        occurrence = next_occurrence(task.due, task.recurrence, first)
        return ("this_week", occurrence) if occurrence <= last else None
    if task.due < first:
        return "overdue", task.due
    return ("this_week", task.due) if task.due <= last else None


def _soonest(listed: Iterable[Listed]) -> tuple[Listed, ...]:
    """Soonest deadline first, undated last; then in the ledger's order."""
    return tuple(sorted(listed, key=lambda item: (item.due is None, item.due, item.task_id)))


def plan_weekly(
    tasks: Sequence[ChasedTask],
    activity: Sequence[TaskActivity],
    people: Sequence[Recipient],
    *,
    today: date,
    since: datetime,
) -> dict[int, Weekly]:
    """What each of ``people`` gets in the weekly digest of ``today``'s week (pure); nobody
    with nothing to report is in it. ``since``: a task that last moved before it is silent."""
    week = week_window(today)
    leaders = {person.id for person in people if person.role == Role.leader}
    office: dict[Standing, list[Listed]] = {"this_week": [], "overdue": []}
    own: dict[int, dict[Standing, list[Listed]]] = {}
    for task in tasks:
        found = standing(task, week)
        if found is None:
            continue
        where, due = found
        listed = Listed(task.id, due)
        office[where].append(listed)
        for leader in task.people:
            if leader in leaders:
                own.setdefault(leader, {"this_week": [], "overdue": []})[where].append(listed)
    quiet = sorted(
        (a for a in activity if a.last < since),
        key=lambda a: (a.last, a.due is None, a.due, a.task_id),
    )
    silent = tuple(Listed(a.task_id, a.due) for a in quiet)  # the longest silent first
    whole = Weekly(True, _soonest(office["this_week"]), _soonest(office["overdue"]), silent)
    digests: dict[int, Weekly] = {}
    for person in people:
        if person.role == Role.leader:
            mine = own.get(person.id, {})
            digest = Weekly(
                False, _soonest(mine.get("this_week", ())), _soonest(mine.get("overdue", ()))
            )
        elif person.role == Role.admin:
            digest = whole
        else:
            continue
        if not digest.empty:
            digests[person.id] = digest
    return digests


def _shown(view: TaskView, listed: Listed) -> TaskView:
    """The task as listed: a recurring one under this week's occurrence, not its first."""
    if listed.due == view.task.due:
        return view
    return replace(view, task=view.task.model_copy(update={"due": listed.due}))


def render_weekly(
    session: Session,
    digest: Weekly,
    *,
    today: date,
    silent_since: date,
    language: str,
    lights: Lights | None = None,
) -> str:
    """A weekly digest's text in the person's language (HTML)."""
    _ = translator(language)
    first = [
        listed
        for tasks in (digest.this_week, digest.overdue, digest.silent)
        for listed in tasks[:MAX_LISTED]
    ]
    ids = list(dict.fromkeys(listed.task_id for listed in first))
    views = {view.task.id: view for view in task_views(session, ids=ids)}

    def section(tasks: tuple[Listed, ...]) -> Section:
        shown = [_shown(views[t.task_id], t) for t in tasks[:MAX_LISTED] if t.task_id in views]
        return Section(shown, len(tasks))

    if digest.office:
        return office_weekly_text(
            section(digest.this_week),
            section(digest.overdue),
            section(digest.silent),
            silent_days=SILENT_DAYS,
            silent_since=silent_since,
            today=today,
            _=_,
            lights=lights,
        )
    due, overdue = section(digest.this_week), section(digest.overdue)
    return leader_weekly_text(due, overdue, today=today, _=_, lights=lights)


async def send_weekly(
    engine: Engine,
    sender: Sender,
    *,
    now: datetime,
    zone: ZoneInfo,
    default_language: str,
    at: time = WEEKLY_AT,
    weekday: int = 0,
    lights: Lights | None = None,
) -> SweepReport:
    """Send this week's weekly digests once ``now`` (office time) is at or past ``at`` on their
    day; before, after that day, or once all are sent, nothing. Cheap to call every minute."""
    report = SweepReport()
    local = now.astimezone(zone)
    today = local.date()
    with session_scope(engine) as session:
        calendar = WorkCalendar(calendar_days(session))
    if weekly_day(calendar, today, weekday=weekday) != today or local.time() < at:
        return report
    week = monday(today)
    stale = now - STALE_CLAIM
    with session_scope(engine) as session:
        people = leaders_and_admins(session)
        done = delivered(session, kind=WEEKLY, day=week)
        interrupted = [
            (d.person_id, d.id)
            for d in stale_claims(session, before=stale, since=week, kind=WEEKLY)
            if d.id is not None
        ]
    resend = {
        person_id: delivery_id
        for person_id, delivery_id in interrupted
        if reclaim(engine, delivery_id=delivery_id, before=stale, now=now)
    }
    wanted = [
        person
        for person in people
        if (person.id not in done or person.id in resend) and not person.paused(today)
    ]
    if not wanted:
        return report
    since = now - timedelta(days=SILENT_DAYS)
    with session_scope(engine) as session:
        tasks = chased_tasks(session, horizon=week_window(today)[1])
        office = any(person.role == Role.admin for person in wanted)
        activity = last_activity(session) if office else []
    digests = plan_weekly(tasks, activity, wanted, today=today, since=since)
    jobs: list[tuple[Recipient, int, Weekly]] = []
    for person in wanted:
        digest = digests.get(person.id)
        if digest is None:
            continue
        if person.chat_id is None or not person.reachable:
            report.skipped.append(person.name)
            continue
        delivery_id = resend.get(person.id) or claim(
            engine, person_id=person.id, kind=WEEKLY, day=week, now=now
        )
        if delivery_id is not None:  # else: sent already, here or by another process
            jobs.append((person, delivery_id, digest))
    gate = asyncio.Semaphore(CONCURRENT_SENDS)
    silent_since = since.astimezone(zone).date()

    async def deliver(person: Recipient, delivery_id: int, digest: Weekly) -> None:
        assert person.chat_id is not None
        async with gate:
            with session_scope(engine) as session:
                text = render_weekly(
                    session,
                    digest,
                    today=today,
                    silent_since=silent_since,
                    language=person.language or default_language,
                    lights=lights,
                )
            outcome = await sender.send(person.chat_id, text)
            settle(
                engine, outcome, delivery_id=delivery_id, recipient=person, now=now, report=report
            )

    await asyncio.gather(*(deliver(*job) for job in jobs))
    if report.sent or report.failed or report.unreachable:
        log.info(
            "weekly digests of %s: %d sent, %d failed, %d unreachable",
            week.isoformat(),
            len(report.sent),
            len(report.failed),
            len(report.unreachable),
        )
    return report


@dataclass(frozen=True)
class RehearsedWeekly:
    """A weekly digest the engine would send: when, to whom, and what it lists."""

    at: datetime
    person_id: int
    digest: Weekly


def rehearse_weekly(
    tasks: Sequence[ChasedTask],
    activity: Sequence[TaskActivity],
    people: Sequence[Recipient],
    *,
    start: date,
    end: date,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    at: time = WEEKLY_AT,
    weekday: int = 0,
) -> list[RehearsedWeekly]:
    """The weekly digests from ``start`` to ``end`` on a simulated clock, sending nothing: the
    tasks stay as they are now, and nothing is reported or changed meanwhile."""
    found: list[RehearsedWeekly] = []
    week = monday(start)
    while week <= end:
        day = weekly_day(calendar, week, weekday=weekday)
        if day is not None and start <= day <= end:
            moment = datetime.combine(day, at, zone)
            since = moment - timedelta(days=SILENT_DAYS)
            digests = plan_weekly(tasks, activity, people, today=day, since=since)
            found += [RehearsedWeekly(moment, pid, digest) for pid, digest in digests.items()]
        week += timedelta(weeks=1)
    return found
