"""The delivery ledger's queries: what may be chased, what was sent, claims and outcomes.

A claim is an INSERT on the delivery's unique key (person, kind, day, ref) in its own
transaction: the one process whose row goes in sends the message; every other one gets an
IntegrityError and leaves it. Outcomes and resends are conditional UPDATEs on the row's status,
so the same code holds on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    SelectBase,
    and_,
    false,
    insert,
    or_,
    union,
    update,
)
from sqlalchemy import select as select_columns  # sqlmodel's select types up to 4 columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.db import session_scope
from models.tables import (
    Delivery,
    DeliveryStatus,
    PartStatus,
    Person,
    Plan,
    ProgressReport,
    Reminder,
    Role,
    Task,
    TaskLeader,
    TaskStatus,
)

CHASED_STATUSES = (TaskStatus.open, TaskStatus.in_progress)


def in_live_plan() -> ColumnElement[bool]:
    """A where() clause on Task: its plan is not archived (an archived plan is never chased).
    Plans are few: the archived ones are one small subquery, read once per statement."""
    archived = select_columns(col(Plan.id)).where(col(Plan.archived_at).is_not(None))
    return col(Task.plan_id).not_in(archived)


@dataclass(frozen=True)
class ChasedTask:
    """A task the policy looks at, with the people its reminders go to: its leaders, in their
    order, but for one whose own part of a shared task is done (the lead leader is chased
    until the task closes). ``reported`` are those of them who reported since the current
    progress period began: a progress request skips them."""

    id: int
    number: str | None
    due: date | None
    due_kind: str
    recurrence: str | None
    status: str
    people: tuple[int, ...]
    reported: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    role: str
    chat_id: int | None
    language: str | None
    reachable: bool
    remind_at: time | None = None  # their own time for digests; None: the office's
    paused_until: date | None = None  # on leave up to and including this day

    def paused(self, today: date) -> bool:
        return self.paused_until is not None and today <= self.paused_until


@dataclass(frozen=True)
class Carried:
    """A stage sent in an earlier digest that comes back: not acknowledged, or snoozed."""

    reminder_id: int
    task_id: int
    person_id: int
    kind: str
    day: date


def chased_tasks(
    session: Session, *, horizon: date, reported_since: datetime | None = None
) -> list[ChasedTask]:
    """Open tasks whose reminders can fall now: due by ``horizon`` (overdue included),
    open-ended or recurring. The cost follows what is due, not the size of the ledger.

    With ``reported_since`` (when the current progress period began), each task says which of
    its people reported since then."""
    # One index search per branch (ix_task_status_due, _due_kind, _recurrence): written as
    # one OR, SQLite reads every open task through ix_task_status and PostgreSQL scans them.
    branches = (
        col(Task.due) <= horizon,
        col(Task.due_kind) == "continuous",
        col(Task.recurrence).is_not(None),
    )
    found = union(*(_chased(branch) for branch in branches))
    return _with_people(session, found, reported_since=reported_since)


def chased_tasks_by_id(session: Session, ids: Sequence[int]) -> list[ChasedTask]:
    """These tasks, if they are still chased."""
    return _with_people(session, _chased(col(Task.id).in_(list(ids))))


def _chased(
    where: ColumnElement[bool],
) -> Select[int | None, str | None, date | None, str, str | None, str]:
    """The columns the policy reads, of the chased tasks that match ``where``."""
    return select_columns(
        col(Task.id),
        col(Task.number),
        col(Task.due),
        col(Task.due_kind),
        col(Task.recurrence),
        col(Task.status),
    ).where(col(Task.status).in_(CHASED_STATUSES), in_live_plan(), where)


def _with_people(
    session: Session, tasks: SelectBase, *, reported_since: datetime | None = None
) -> list[ChasedTask]:
    """The tasks a query finds, in id order, each with the leaders it chases in their order."""
    # Joined in the database: an IN list of thousands of ids costs more than the search.
    found = tasks.subquery()
    chased = and_(col(TaskLeader.task_id) == found.c.id, _still_chased())
    if reported_since is None:
        recent: ColumnElement[bool] = false()
    else:
        recent = col(ProgressReport.created_at) >= reported_since
    query = select_columns(found, col(TaskLeader.person_id), recent).outerjoin(TaskLeader, chased)
    if reported_since is not None:
        query = query.outerjoin(
            ProgressReport, col(ProgressReport.id) == col(TaskLeader.last_report_id)
        )
    rows = session.connection().execute(query.order_by(found.c.id, col(TaskLeader.position)))
    fields: dict[int, tuple[str | None, date | None, str, str | None, str]] = {}
    people: dict[int, list[int]] = {}
    reported: dict[int, set[int]] = {}
    for id_, number, due, due_kind, recurrence, status, person_id, lately in rows:
        fields.setdefault(id_, (number, due, due_kind, recurrence, status))
        leaders = people.setdefault(id_, [])
        if person_id is not None:
            leaders.append(person_id)
            if lately:
                reported.setdefault(id_, set()).add(person_id)
    return [
        ChasedTask(
            id_,
            number,
            due,
            due_kind,
            recurrence,
            status,
            tuple(people[id_]),
            frozenset(reported.get(id_, ())),
        )
        for id_, (number, due, due_kind, recurrence, status) in fields.items()
    ]


def reminded(session: Session, *, task_ids: Sequence[int]) -> set[tuple[int, int, str, date]]:
    """The stages already sent for these tasks: (task, person, kind, day)."""
    found: set[tuple[int, int, str, date]] = set()
    ids = list(task_ids)
    for start in range(0, len(ids), 5000):
        found.update(
            session.exec(
                select(
                    col(Reminder.task_id),
                    col(Reminder.person_id),
                    col(Reminder.kind),
                    col(Reminder.day),
                ).where(col(Reminder.task_id).in_(ids[start : start + 5000]))
            ).all()
        )
    return found


def carried(session: Session, *, today: date, since: date) -> list[Carried]:
    """Stages to send again today: from a digest sent on or after ``since`` (the last working
    day) and not acknowledged, or snoozed until today; each comes back once."""
    rows = session.exec(
        select(Reminder, Delivery)
        .join(Delivery, col(Reminder.delivery_id) == Delivery.id)
        .where(
            col(Reminder.repeated_in_id).is_(None),
            Delivery.status == DeliveryStatus.sent,
            col(Delivery.acknowledged_at).is_(None),
            Delivery.day < today,
            or_(
                (col(Delivery.snoozed_until).is_(None)) & (Delivery.day >= since),
                col(Delivery.snoozed_until) <= today,
            ),
        )
    ).all()
    return [
        Carried(r.id, r.task_id, r.person_id, r.kind, r.day) for r, _ in rows if r.id is not None
    ]


def snoozed(session: Session, *, today: date) -> set[tuple[int, int]]:
    """(task, person) pairs someone asked to hear about later than today."""
    rows = session.exec(
        select(col(Reminder.task_id), col(Reminder.person_id))
        .join(Delivery, col(Reminder.delivery_id) == Delivery.id)
        .where(col(Delivery.snoozed_until) > today)
    ).all()
    return {(task_id, person_id) for task_id, person_id in rows}


def task_leader_ids(session: Session, *, task_id: int) -> list[int]:
    """A task's leaders to chase, the lead first: as the sweep's, not one whose own part of
    the task is done (the lead leader always)."""
    return list(
        session.exec(
            select(TaskLeader.person_id)
            .where(TaskLeader.task_id == task_id, _still_chased())
            .order_by(col(TaskLeader.position))
        )
    )


def _still_chased() -> ColumnElement[bool]:
    """A leader is chased on a task unless their own part is done; the lead (position 0)
    always is, until the task closes."""
    return or_(col(TaskLeader.position) == 0, col(TaskLeader.part_status) != PartStatus.done)


def recipients(session: Session, *, ids: Iterable[int]) -> dict[int, Recipient]:
    """These people, as reminders, nudges and digests see them; those who left are not
    among them, so nothing is ever sent to them."""
    wanted = sorted(set(ids))
    found: dict[int, Recipient] = {}
    for start in range(0, len(wanted), 5000):
        for person in session.exec(
            select(Person).where(
                col(Person.id).in_(wanted[start : start + 5000]), col(Person.active).is_(True)
            )
        ):
            assert person.id is not None
            found[person.id] = Recipient(
                person.id,
                person.name,
                person.role,
                person.telegram_chat_id,
                person.language,
                person.reachable,
                person.remind_at,
                person.paused_until,
            )
    return found


def admins(session: Session) -> list[Recipient]:
    people = session.exec(select(Person).where(Person.role == Role.admin)).all()
    return list(recipients(session, ids=[p.id for p in people if p.id is not None]).values())


@dataclass(frozen=True)
class NewStage:
    task_id: int
    kind: str
    day: date


@contextmanager
def _atomic(db: Engine | Connection) -> Iterator[Connection]:
    """One transaction on an engine's connection, or on a connection a sweep holds for all its
    writes (sparing each a checkout and its ping)."""
    if isinstance(db, Connection):
        with db.begin():
            yield db
    else:
        with db.begin() as connection:
            yield connection


def claim(
    db: Engine | Connection,
    *,
    person_id: int,
    kind: str,
    day: date,
    now: datetime,
    ref: str = "",
    stages: Sequence[NewStage] = (),
    repeats: Sequence[int] = (),
) -> int | None:
    """Claim a delivery and the stages it carries, in one transaction; its id, or None when
    another sweep (here or in another process) claimed it first."""
    try:
        # Core statements: a sweep claims hundreds of digests, each in its own transaction.
        with _atomic(db) as connection:
            delivery_id = connection.execute(
                insert(Delivery)
                .values(person_id=person_id, kind=kind, day=day, ref=ref, claimed_at=now)
                .returning(col(Delivery.id))
            ).scalar_one()
            assert delivery_id is not None
            if stages:
                connection.execute(
                    insert(Reminder),
                    [
                        {
                            "task_id": stage.task_id,
                            "person_id": person_id,
                            "kind": stage.kind,
                            "day": stage.day,
                            "created_at": now,
                            "delivery_id": delivery_id,
                        }
                        for stage in stages
                    ],
                )
            if repeats:
                connection.execute(
                    update(Reminder)
                    .where(
                        col(Reminder.id).in_(list(repeats)), col(Reminder.repeated_in_id).is_(None)
                    )
                    .values(repeated_in_id=delivery_id)
                )
            return delivery_id
    except IntegrityError:
        return None


def stale_claims(session: Session, *, before: datetime, since: date, kind: str) -> list[Delivery]:
    """Deliveries of ``kind`` claimed before ``before`` and never confirmed (a crash between
    claim and send), claimed only once, for a day on or after ``since``."""
    return list(
        session.exec(
            select(Delivery).where(
                Delivery.kind == kind,
                Delivery.status == DeliveryStatus.claimed,
                Delivery.attempts == 1,
                Delivery.claimed_at < before,
                Delivery.day >= since,
            )
        )
    )


def reclaim(engine: Engine, *, delivery_id: int, before: datetime, now: datetime) -> bool:
    """Take over a stale claim to send it once more; False when someone else did."""
    with session_scope(engine) as session:
        result = session.execute(
            update(Delivery)
            .where(
                col(Delivery.id) == delivery_id,
                col(Delivery.status) == DeliveryStatus.claimed,
                col(Delivery.attempts) == 1,
                col(Delivery.claimed_at) < before,
            )
            .values(attempts=2, claimed_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


def delivery_stages(session: Session, *, delivery_id: int) -> list[Reminder]:
    """The stages a delivery carries, first sent in it or repeated in it."""
    return list(
        session.exec(
            select(Reminder).where(
                or_(
                    col(Reminder.delivery_id) == delivery_id,
                    col(Reminder.repeated_in_id) == delivery_id,
                )
            )
        )
    )


def record_outcome(
    db: Engine | Connection,
    *,
    delivery_id: int,
    status: DeliveryStatus,
    now: datetime,
    chat_id: int | None = None,
    message_id: int | None = None,
    error: str | None = None,
) -> None:
    """What became of a claimed delivery; an unreachable person is marked so."""
    outcome: dict[str, object] = {"status": status, "error": error}
    if status == DeliveryStatus.sent:
        outcome.update(sent_at=now, chat_id=chat_id, message_id=message_id)
    with _atomic(db) as connection:
        result = connection.execute(
            update(Delivery).where(col(Delivery.id) == delivery_id).values(outcome)
        )
        assert result.rowcount == 1, f"no delivery {delivery_id}"
        if status == DeliveryStatus.unreachable:
            whose = select(Delivery.person_id).where(col(Delivery.id) == delivery_id)
            connection.execute(
                update(Person)
                .where(col(Person.id) == whose.scalar_subquery())
                .values(reachable=False)
            )


def delivery_of(session: Session, *, delivery_id: int) -> Delivery | None:
    return session.get(Delivery, delivery_id)


def delivery_task_ids(session: Session, *, delivery_id: int) -> list[int]:
    """The tasks a delivery (a digest) reminded of, first or as a repeat, in task order."""
    rows = session.exec(
        select(Reminder.task_id)
        .where(
            or_(
                col(Reminder.delivery_id) == delivery_id,
                col(Reminder.repeated_in_id) == delivery_id,
            )
        )
        .distinct()
    ).all()
    return sorted(rows)


def acknowledge(session: Session, *, delivery_id: int, now: datetime) -> None:
    delivery = session.get(Delivery, delivery_id)
    if delivery is not None and delivery.acknowledged_at is None:
        delivery.acknowledged_at = now
        delivery.snoozed_until = None
        session.add(delivery)


def latest_digest(session: Session, *, person_id: int, today: date) -> Delivery | None:
    """Today's digest to this person, if one was sent: what 明天再提醒我 puts off."""
    return session.exec(
        select(Delivery)
        .where(
            Delivery.person_id == person_id,
            Delivery.kind == "digest",
            Delivery.day == today,
            Delivery.status == DeliveryStatus.sent,
        )
        .order_by(col(Delivery.id).desc())
    ).first()


def snooze(session: Session, *, delivery_id: int, until: date) -> None:
    delivery = session.get(Delivery, delivery_id)
    if delivery is not None:
        delivery.snoozed_until = until
        delivery.acknowledged_at = None
        session.add(delivery)


def deliveries(session: Session, *, person_id: int | None = None) -> list[tuple[Delivery, str]]:
    """Every delivery with its person's name, newest first (the reminders log)."""
    query = (
        select(Delivery, Person.name)
        .join(Person, col(Person.id) == Delivery.person_id)
        .order_by(col(Delivery.claimed_at).desc(), col(Delivery.id).desc())
    )
    if person_id is not None:
        query = query.where(Delivery.person_id == person_id)
    return [(delivery, name) for delivery, name in session.exec(query)]
